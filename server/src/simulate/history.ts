// Run history per app: `<appDir>/.fsdev/history.json`, newest first, the last 50 runs. Each entry is the
// run's SimulationResult (which carries the request summary: event, scope, payload source and file, and the
// payload actually passed). Payloads over 256 KB are stored cut, with `payloadTruncated: true`.
// Bounded: an entry over HISTORY_MAX_ENTRY bytes of JSON keeps only its first logs (`truncatedLogs`), and the
// file keeps only as many runs as fit in HISTORY_MAX_FILE. Writes are serialized per app, across processes
// too (lock.ts), and atomic (write + rename). A file that does not parse is kept (renamed aside, never
// silently overwritten) and a new history starts; so is one over HISTORY_READ_MAX, a link or a folder, unread.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readBounded } from './localFile';
import { withFileLock } from './lock';
import type { SimulationResult } from './types';

export const HISTORY_FILE = '.fsdev/history.json';
export const HISTORY_MAX_RUNS = 50;
export const HISTORY_MAX_PAYLOAD = 256 * 1024;
export const HISTORY_MAX_ENTRY = 512 * 1024;
export const HISTORY_MAX_FILE = 4 * 1024 * 1024;
/** A history.json over this (twice what fsdev writes) was not written by fsdev: it is never read. */
export const HISTORY_READ_MAX = 2 * HISTORY_MAX_FILE;

const chains = new Map<string, Promise<unknown>>();

function historyPath(appDir: string): string { return path.join(appDir, HISTORY_FILE); }

export async function list(appDir: string): Promise<SimulationResult[]> {
  await chains.get(path.resolve(appDir));
  try {
    const read = readBounded(historyPath(appDir), HISTORY_READ_MAX);
    if (!('text' in read)) return [];
    const parsed = JSON.parse(read.text) as { runs?: unknown };
    return Array.isArray(parsed.runs) ? parsed.runs as SimulationResult[] : [];
  } catch {
    return [];
  }
}

/**
 * The result as stored: a payload over the bound is replaced by its first 256 KB of JSON text, and an entry
 * still over HISTORY_MAX_ENTRY keeps only the logs that fit.
 */
export function forStorage(result: SimulationResult): SimulationResult {
  let r = result;
  const text = r.payload === undefined ? undefined : JSON.stringify(r.payload);
  if (text !== undefined && text.length > HISTORY_MAX_PAYLOAD) r = { ...r, payload: text.slice(0, HISTORY_MAX_PAYLOAD), payloadTruncated: true };
  const size = JSON.stringify(r).length;
  if (size <= HISTORY_MAX_ENTRY) return r;
  const logsSize = JSON.stringify(r.logs).length;
  let room = HISTORY_MAX_ENTRY - (size - logsSize);
  const logs = [];
  for (const l of r.logs) {
    room -= JSON.stringify(l).length + 1;
    if (room < 0) break;
    logs.push(l);
  }
  return { ...r, logs, truncatedLogs: true };
}

/** The file's text: newest first, as many runs as fit in HISTORY_MAX_FILE (each run stringified once). */
function fileText(runs: SimulationResult[]): string {
  let total = 0;
  const kept: string[] = [];
  for (const r of runs) {
    const json = JSON.stringify(r);
    total += json.length + 1;
    if (total > HISTORY_MAX_FILE && kept.length > 0) break;
    kept.push(json);
  }
  return `{"version":1,"runs":[${kept.join(',')}]}`;
}

/**
 * Add a run to the app's history. Never rejects: resolves with what went wrong (a lock that is not a lock file,
 * or held too long; a file that cannot be written), for the caller to say, or undefined.
 */
export function add(appDir: string, result: SimulationResult): Promise<string | undefined> {
  const key = path.resolve(appDir);
  const previous = chains.get(key) ?? Promise.resolve();
  const file = historyPath(key);
  const next = previous.then(async () => {
    await withFileLock(file, async () => {
      let runs: SimulationResult[] = [];
      const read = readBounded(file, HISTORY_READ_MAX);
      if (!('missing' in read)) {
        try {
          if (!('text' in read)) throw new Error('not read');
          const parsed = JSON.parse(read.text) as { runs?: unknown };
          if (!Array.isArray(parsed.runs)) throw new Error('no runs array');
          runs = parsed.runs as SimulationResult[];
        } catch {
          // Never overwrite what could not be read: keep it beside, start a new history.
          await fs.rename(file, `${file}.unreadable-${Date.now()}`).catch(() => undefined);
        }
      }
      const updated = fileText([forStorage(result), ...runs.filter((r) => r.id !== result.id)].slice(0, HISTORY_MAX_RUNS));
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, updated);
      await fs.rename(tmp, file);
    });
    return undefined;
  }).catch((e: unknown) => `The run was not added to ${file}: ${e instanceof Error ? e.message : String(e)}`);
  chains.set(key, next);
  void next.then(() => { if (chains.get(key) === next) chains.delete(key); });
  return next;
}

export async function clear(appDir: string): Promise<void> {
  await chains.get(path.resolve(appDir));
  await fs.rm(historyPath(appDir), { force: true });
}
