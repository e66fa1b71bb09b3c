// Run history per app: `<appDir>/.fsdev/history.json`, newest first, the last 50 runs. Each entry is the
// run's SimulationResult (which carries the request summary: event, scope, payload source and file, and the
// payload actually passed). Payloads over 256 KB are stored cut, with `payloadTruncated: true`.
// Writes are serialized per app and atomic (write + rename); a broken file reads as an empty history.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SimulationResult } from './types';

export const HISTORY_FILE = '.fsdev/history.json';
export const HISTORY_MAX_RUNS = 50;
export const HISTORY_MAX_PAYLOAD = 256 * 1024;

const chains = new Map<string, Promise<unknown>>();

function historyPath(appDir: string): string { return path.join(appDir, HISTORY_FILE); }

export async function list(appDir: string): Promise<SimulationResult[]> {
  await chains.get(path.resolve(appDir));
  try {
    const parsed = JSON.parse(await fs.readFile(historyPath(appDir), 'utf8')) as { runs?: unknown };
    return Array.isArray(parsed.runs) ? parsed.runs as SimulationResult[] : [];
  } catch {
    return [];
  }
}

/** The result as stored: a payload over the bound is replaced by its first 256 KB of JSON text. */
export function forStorage(result: SimulationResult): SimulationResult {
  if (result.payload === undefined) return result;
  const text = JSON.stringify(result.payload);
  if (text === undefined || text.length <= HISTORY_MAX_PAYLOAD) return result;
  return { ...result, payload: text.slice(0, HISTORY_MAX_PAYLOAD), payloadTruncated: true };
}

export function add(appDir: string, result: SimulationResult): Promise<void> {
  const key = path.resolve(appDir);
  const previous = chains.get(key) ?? Promise.resolve();
  const next = previous.then(async () => {
    let runs: SimulationResult[] = [];
    try {
      const parsed = JSON.parse(await fs.readFile(historyPath(key), 'utf8')) as { runs?: unknown };
      if (Array.isArray(parsed.runs)) runs = parsed.runs as SimulationResult[];
    } catch { /* no history yet, or unreadable: start over */ }
    runs = [forStorage(result), ...runs.filter((r) => r.id !== result.id)].slice(0, HISTORY_MAX_RUNS);
    const file = historyPath(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ version: 1, runs }));
    await fs.rename(tmp, file);
  }).catch(() => undefined);
  chains.set(key, next);
  void next.then(() => { if (chains.get(key) === next) chains.delete(key); });
  return next;
}

export async function clear(appDir: string): Promise<void> {
  await chains.get(path.resolve(appDir));
  await fs.rm(historyPath(appDir), { force: true });
}

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
