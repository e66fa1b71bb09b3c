// What changed between two runs of an event: the simulator panel's "since the previous run". Pure (no fs, no
// lock: the run history that stores the runs is server/src/simulate/history.ts), so the client can import it.
import type { SimulationResult } from '../simulate/types';

export interface ResultDiff {
  field: 'status' | 'value' | 'logs' | 'error' | 'effects' | 'renderData';
  before: unknown;
  after: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed between two runs (pure): status, returned value, log lines (level and message; times ignored),
 * error (message and position; not the stack text), renderData and effects (durations ignored).
 */
export function diffResults(a: SimulationResult, b: SimulationResult): ResultDiff[] {
  const out: ResultDiff[] = [];
  const logs = (r: SimulationResult) => r.logs.map((l) => ({ level: l.level, message: l.message }));
  const error = (r: SimulationResult) => r.error
    ? { message: r.error.message, file: r.error.file, line: r.error.line, column: r.error.column } : undefined;
  const effects = (r: SimulationResult) => ({
    ...r.effects,
    requests: r.effects.requests.map(({ durationMs: _d, ...rest }) => rest),
  });
  const pairs: [ResultDiff['field'], unknown, unknown][] = [
    ['status', a.status, b.status],
    ['value', a.value, b.value],
    ['logs', logs(a), logs(b)],
    ['error', error(a), error(b)],
    ['renderData', a.renderData, b.renderData],
    ['effects', effects(a), effects(b)],
  ];
  for (const [field, before, after] of pairs) if (!same(before, after)) out.push({ field, before, after });
  return out;
}
