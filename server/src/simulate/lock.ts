// A lock file per store, so that runs in different processes (the language server, a CLI run in a terminal,
// two CLI runs at once) never lose each other's `$db` updates or history entries: each read-modify-write of
// `.fsdev/db.json` or `.fsdev/history.json` happens while holding `<file>.lock`.
//
// The lock is created with O_EXCL and holds its owner's pid. A lock whose owner is gone (the process was
// killed between taking and releasing it) or that is older than STALE_MS is stale and taken over, so a crash
// never wedges the store. Waiting is asynchronous (the language server keeps answering meanwhile).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STALE_MS = 10_000;
const GIVE_UP_MS = 15_000;

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Create the lock file; false when another holder has it. Creates the store's folder (.fsdev/) when missing. */
function tryTake(lock: string, createFolder = true): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'ENOENT' || !createFolder) throw e;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    return tryTake(lock, false);
  }
  try { fs.writeSync(fd, String(process.pid)); } finally { fs.closeSync(fd); }
  return true;
}

/** Remove `lock` if it is stale; true when it was (or is already gone). */
function clearStale(lock: string): boolean {
  let text: string; let mtime: number;
  try { text = fs.readFileSync(lock, 'utf8'); mtime = fs.statSync(lock).mtimeMs; } catch { return true; }
  const pid = Number(text);
  // An empty file is a lock being written this very moment, unless it is old.
  const stale = Date.now() - mtime > STALE_MS || (text !== '' && pid !== process.pid && !alive(pid));
  if (!stale) return false;
  try {
    // Only remove the lock we judged: another process may have replaced it meanwhile.
    if (fs.readFileSync(lock, 'utf8') === text) fs.unlinkSync(lock);
  } catch { /* gone already */ }
  return true;
}

const sleep = (ms: number) => new Promise<void>((r) => { setTimeout(r, ms); });

/** Run `work` holding `<file>.lock` (its folder is created when missing). */
export async function withFileLock<T>(file: string, work: () => T | Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const start = Date.now();
  let wait = 2;
  while (!tryTake(lock)) {
    if (!clearStale(lock)) {
      if (Date.now() - start > GIVE_UP_MS) throw new Error(`${lock} is held by another process (pid ${readPid(lock)}) for more than ${GIVE_UP_MS / 1000} s`);
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  }
  try {
    return await work();
  } finally {
    try { fs.unlinkSync(lock); } catch { /* taken over as stale: nothing to release */ }
  }
}

function readPid(lock: string): string {
  try { return fs.readFileSync(lock, 'utf8') || '?'; } catch { return '?'; }
}
