// "What changed since the previous run of this event", for the simulator panel. Pure functions, no vscode.
// The comparison is server/src/shared/resultDiff.ts's diffResults; this file turns it into the flat
// { field, before, after } text rows the webview shows, and finds the previous run of the same event.
import type { SimulationResult } from '../../server/src/shared/protocol';
import type { ResultChange } from './panelMessages';
import { diffResults } from '../../server/src/shared/resultDiff';

const MAX_SHOWN = 2000;

function clip(s: string): string {
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}… (${s.length - MAX_SHOWN} more characters)` : s;
}

function show(field: string, v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (field === 'logs' && Array.isArray(v)) {
    return v.map((l: { level?: string; message?: string }) => `[${l.level ?? 'log'}] ${l.message ?? ''}`).join('\n');
  }
  try { return JSON.stringify(v, null, 2) ?? String(v); } catch { return String(v); }
}

/**
 * Differences between the previous run `a` and the current run `b` of the same event, for display: the
 * comparison itself is the server's pure diffResults (one definition of "what changed"), rendered as text.
 */
export function diffRunResults(a: SimulationResult, b: SimulationResult): ResultChange[] {
  return diffResults(a, b).map((d) => ({ field: d.field, before: clip(show(d.field, d.before)), after: clip(show(d.field, d.after)) }));
}

/** The run of the same event (and scope) that came before `runId` in a newest-first history. */
export function previousRunOf(history: SimulationResult[], runId: string): SimulationResult | undefined {
  const i = history.findIndex((r) => r.id === runId);
  if (i < 0) return undefined;
  const cur = history[i];
  return history.slice(i + 1).find((r) => r.event === cur.event
    && (r.scope?.kind ?? '') === (cur.scope?.kind ?? '') && (r.scope?.name ?? '') === (cur.scope?.name ?? ''));
}
