// Pure-ish DOM rendering helpers for the simulator panel: the side-effects table and JSON text.
import type { SimulationResult } from '../../server/src/shared/protocol';

const MAX_JSON_CHARS = 200_000;

/** Pretty JSON for display, cut at a size the webview can render comfortably. */
export function pretty(v: unknown): string {
  let s: string;
  try { s = JSON.stringify(v, null, 2) ?? String(v); } catch { s = String(v); }
  return s.length > MAX_JSON_CHARS ? `${s.slice(0, MAX_JSON_CHARS)}\n… (${s.length - MAX_JSON_CHARS} more characters)` : s;
}

function compact(v: unknown, max = 120): string {
  if (v === undefined) return '';
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export interface EffectRow { kind: string; op: string; details: string; failed: boolean }

/** One row per $db / $request / $schedule / target-URL effect of a run. */
export function effectRows(effects: SimulationResult['effects'] | undefined): EffectRow[] {
  if (!effects) return [];
  const fail = (ok: boolean, error?: string) => (ok ? '' : ` — failed${error ? `: ${error}` : ''}`);
  return [
    ...(effects.db ?? []).map((d) => ({
      kind: '$db', op: d.op, failed: !d.ok,
      details: `${d.key}${d.value !== undefined ? ` = ${compact(d.value)}` : ''}${fail(d.ok, d.error)}`,
    })),
    ...(effects.requests ?? []).map((r) => ({
      kind: '$request', op: r.method, failed: !!r.error || r.status === 0 || r.status >= 400,
      details: `${r.template ? `${r.template}: ` : ''}${r.url} → ${r.status || 'no response'} in ${Math.round(r.durationMs)} ms`
        + `${r.stubbed ? ' (stubbed)' : ''}${r.error ? ` — ${r.error}` : ''}`,
    })),
    ...(effects.schedules ?? []).map((s) => ({
      kind: '$schedule', op: s.op, failed: !s.ok,
      details: `${s.name ?? ''}${s.options !== undefined ? ` ${compact(s.options)}` : ''}${fail(s.ok, s.error)}`,
    })),
    ...(effects.targetUrls ?? []).map((t) => ({ kind: 'generateTargetUrl', op: '', failed: false, details: t.url })),
  ];
}

export function renderEffects(tbody: HTMLElement, effects: SimulationResult['effects'] | undefined): void {
  const rows = effectRows(effects);
  const tr = (cells: string[], cls = '') => {
    const r = document.createElement('tr');
    if (cls) r.className = cls;
    for (const c of cells) { const td = document.createElement('td'); td.textContent = c; r.append(td); }
    return r;
  };
  tbody.replaceChildren(...(rows.length
    ? rows.map((r) => tr([r.kind, r.op, r.details], r.failed ? 'effect-failed' : ''))
    : [tr(['—', '', 'No $db, $request or $schedule calls.'])]));
}
