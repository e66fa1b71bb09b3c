// The parent's side of `$db` and `$schedule`: the child may not write files (Node's permission model), so it
// sends each write here; we run it on `<appDir>/.fsdev/db.json` while holding the store's lock file, so
// concurrent runs in any number of processes never lose an update. Reads ($db.get, $schedule.fetch) the child
// does itself (platform.ts); one that arrives here anyway is answered without the lock. `fsdev test`'s child,
// which may write, runs its writes through the same function (`lockedStore`), under the same lock.
import { LocalDb } from './db';
import type { StoreOp } from './ipc';
import { withFileLock } from './lock';
import { LocalSchedule } from './schedule';

/** `warnings`: system messages for the run's log ($schedule's documented limits); `stateNote`: see db.ts. */
export type StoreAnswer = { ok: true; value: unknown; warnings?: string[] }
  | { ok: false; error: { status: number; message: string; stateNote?: string }; warnings?: string[] };

function asError(e: unknown): { status: number; message: string; stateNote?: string } {
  const o = e as { status?: unknown; message?: unknown; stateNote?: unknown } | null;
  return { status: typeof o?.status === 'number' ? o.status : 500, message: typeof o?.message === 'string' ? o.message : String(e),
    ...(typeof o?.stateNote === 'string' ? { stateNote: o.stateNote } : {}) };
}

/** Run one store operation for a run of the app whose store is `dbFile`. Never throws. */
export async function runStoreOp(dbFile: string, op: StoreOp, args: unknown[]): Promise<StoreAnswer> {
  const warnings: string[] = [];
  const withWarnings = (a: StoreAnswer): StoreAnswer => (warnings.length ? { ...a, warnings } : a);
  try {
    const work = () => {
      const [area, name] = op.split('.') as ['db' | 'schedule', string];
      const target = area === 'db' ? new LocalDb(dbFile) : new LocalSchedule(dbFile, (w) => warnings.push(w));
      const fn = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      return { ok: true as const, value: fn.apply(target, args) };
    };
    // Reads need no lock: every write is an atomic rename, so a read sees the store before or after it.
    return withWarnings(op === 'db.get' || op === 'schedule.fetch' ? work() : await withFileLock(dbFile, work));
  } catch (e) {
    return withWarnings({ ok: false, error: asError(e) });
  }
}

/**
 * A platform `store` hook for a process that writes the store itself (`fsdev test`'s child): each write runs
 * here under the store's lock, exactly as the runner runs the simulate child's; `warn` gets $schedule's notes.
 */
export function lockedStore(dbFile: string, warn: (message: string) => void): (op: StoreOp, args: unknown[]) => Promise<unknown> {
  return async (op, args) => {
    const { warnings, ...answer } = await runStoreOp(dbFile, op, args);
    for (const w of warnings ?? []) warn(w);
    if (answer.ok) return answer.value;
    throw answer.error;
  };
}
