// Recently simulated events, most recent first (the quick pick lists them on top, as Stripe's CLI does).
// Pure list logic here; storage in workspaceState is a thin wrapper in simulationService.ts.

import type { Scope } from '../../server/src/shared/core';

export interface EventKey { appDir: string; event: string; scope?: Scope }

export const RECENT_LIMIT = 10;

export function recentKey(k: EventKey): string {
  return `${k.appDir}|${k.scope ? `${k.scope.kind}:${k.scope.name}` : ''}|${k.event}`;
}

/** Moves `key` to the front, drops duplicates, keeps at most `limit` entries. */
export function pushRecent(recent: readonly string[], key: string, limit = RECENT_LIMIT): string[] {
  return [key, ...recent.filter((k) => k !== key)].slice(0, limit);
}

/**
 * Orders items with recently used ones first (in recency order), then the rest in their original order.
 * Stable, so the server's grouping (scope, catalogue order) is kept for the non-recent tail.
 */
export function orderByRecent<T>(items: readonly T[], recent: readonly string[], keyOf: (item: T) => string): T[] {
  const rank = new Map(recent.map((k, i) => [k, i] as const));
  return items
    .map((item, index) => ({ item, index, r: rank.get(keyOf(item)) }))
    .sort((a, b) => {
      if (a.r !== undefined && b.r !== undefined) return a.r - b.r;
      if (a.r !== undefined) return -1;
      if (b.r !== undefined) return 1;
      return a.index - b.index;
    })
    .map((x) => x.item);
}
