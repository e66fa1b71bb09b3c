// "What changed since the previous run of this event", for the simulator panel. Pure: no vscode, no I/O.
// Used when server/src/simulate/history.ts's diffResults is not available in this build; the panel only
// needs a flat list of { field, before, after } lines, which is what this returns.
import type { SimulationResult } from '../../server/src/protocol';
import type { ResultChange } from './panelMessages';

const MAX_SHOWN = 2000;

/** JSON with sorted keys, so two equal values always print the same. */
export function stableJson(v: unknown): string {
  const seen = new WeakSet<object>();
  const norm = (x: unknown): unknown => {
    if (x === undefined) return null;
    if (typeof x !== 'object' || x === null) return x;
    if (seen.has(x)) return '[Circular]';
    seen.add(x);
    if (Array.isArray(x)) return x.map(norm);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) out[k] = norm((x as Record<string, unknown>)[k]);
    return out;
  };
  return JSON.stringify(norm(v)) ?? 'undefined';
}

function clip(s: string): string {
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}… (${s.length - MAX_SHOWN} more characters)` : s;
}

function logLines(r: SimulationResult): string[] {
  return (r.logs ?? []).map((l) => `[${l.level}] ${l.message}`);
}

/** Lines present in `a` but not in `b`, counting duplicates. */
function minus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

function errorText(r: SimulationResult): string {
  if (!r.error) return '';
  const where = r.error.file ? ` (${r.error.file}:${r.error.line ?? '?'}:${r.error.column ?? '?'})` : '';
  return `${r.error.message}${where}`;
}

/** Differences between the previous run `a` and the current run `b` of the same event. */
export function diffRunResults(a: SimulationResult, b: SimulationResult): ResultChange[] {
  const changes: ResultChange[] = [];
  const push = (field: string, before: string, after: string) => {
    if (before !== after) changes.push({ field, before: clip(before), after: clip(after) });
  };
  push('status', a.status, b.status);
  push('value', stableJson(a.value), stableJson(b.value));
  push('renderData', stableJson(a.renderData ?? null), stableJson(b.renderData ?? null));
  push('error', errorText(a), errorText(b));
  const la = logLines(a);
  const lb = logLines(b);
  const removed = minus(la, lb);
  const added = minus(lb, la);
  if (removed.length || added.length) {
    changes.push({ field: 'logs', before: clip(removed.join('\n')), after: clip(added.join('\n')) });
  }
  const ea = (a.effects ?? {}) as unknown as Record<string, unknown>;
  const eb = (b.effects ?? {}) as unknown as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(ea), ...Object.keys(eb)])].sort()) {
    push(`effects.${k}`, stableJson(ea[k] ?? []), stableJson(eb[k] ?? []));
  }
  push('payload', stableJson(a.payload), stableJson(b.payload));
  return changes;
}

/** The run of the same event (and scope) that came before `runId` in a newest-first history. */
export function previousRunOf(history: SimulationResult[], runId: string): SimulationResult | undefined {
  const i = history.findIndex((r) => r.id === runId);
  if (i < 0) return undefined;
  const cur = history[i];
  return history.slice(i + 1).find((r) => r.event === cur.event
    && (r.scope?.kind ?? '') === (cur.scope?.kind ?? '') && (r.scope?.name ?? '') === (cur.scope?.name ?? ''));
}
