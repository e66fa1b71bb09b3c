// A lock file per store, so that runs in different processes (the language server, a CLI run in a terminal,
// two CLI runs at once) never lose each other's `$db` updates or history entries: each read-modify-write of
// `.fsdev/db.json` or `.fsdev/history.json` happens while holding `<file>.lock`.
//
// The lock is created with O_EXCL and holds its owner's pid. A lock whose owner is gone (the process was
// killed between taking and releasing it) or that is older than STALE_MS (or dated more than that in the
// future) is stale and taken over, so a crash never wedges the store. Waiting is asynchronous (the language server keeps answering meanwhile) and has a
// deadline (GIVE_UP_MS): then it fails with a message naming the lock file and what to do.
// Only a regular file is a lock: a directory, a symbolic link (dangling or not), a FIFO or a device at the lock's
// path is refused at once with a message, never followed, read, removed or waited on (lstat, O_NOFOLLOW).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kindOf, NOFOLLOW, NONBLOCK } from './localFile';

export const STALE_MS = 10_000;
export const GIVE_UP_MS = 15_000;
/** A lock holds a pid: anything longer is not ours, and is never read past this. */
const LOCK_TEXT_MAX = 32;

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** A lock file's identity: an inode number can be reused once the file is gone, its creation time with it less likely. */
interface Identity { ino: number; dev: number; mtimeMs: number }
const same = (a: Identity, b: Identity) => a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs;

/** The error for a lock path that is not a lock file: what it is, and what to do. */
function notALock(lock: string, what: string): Error {
  return new Error(`${lock} is ${what}, not a lock file: fsdev does not follow, wait on or remove it. `
    + 'Remove it and try again.');
}

/**
 * Create the lock file: its identity, or undefined when something is already at its path. Creates the store's
 * folder (.fsdev/) when missing.
 */
function tryTake(lock: string, createFolder = true): Identity | undefined {
  let fd: number;
  try {
    // O_CREAT | O_EXCL never follows a link at the path (it fails with EEXIST); O_NOFOLLOW says so twice.
    fd = fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return undefined;
    if (code !== 'ENOENT' || !createFolder) throw e;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    return tryTake(lock, false);
  }
  try {
    fs.writeSync(fd, String(process.pid));
    const { ino, dev, mtimeMs } = fs.fstatSync(fd);
    return { ino, dev, mtimeMs };
  } finally { fs.closeSync(fd); }
}

/**
 * What is at the lock's path: nothing (it was released meanwhile), or a lock file with its text, age and
 * identity. Anything that is not a regular file throws at once: it is never opened through a link, and a FIFO
 * is opened without blocking.
 */
function inspect(lock: string): Identity & { text: string } | undefined {
  let fd: number;
  try {
    const st = fs.lstatSync(lock);
    if (!st.isFile()) throw notALock(lock, kindOf(st));
    fd = fs.openSync(lock, fs.constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw notALock(lock, 'a symbolic link');
    if (code === undefined) throw e;
    throw new Error(`${lock} cannot be read (${code}), so fsdev cannot tell whether its owner still runs. Remove it and try again.`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notALock(lock, kindOf(st)); // replaced between lstat and open
    const buf = Buffer.alloc(LOCK_TEXT_MAX);
    const n = fs.readSync(fd, buf, 0, LOCK_TEXT_MAX, 0);
    return { text: buf.toString('utf8', 0, n), mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
  } finally {
    fs.closeSync(fd);
  }
}

/** Remove `lock` if it is stale; true when it was (or is already gone), else the holder's pid as written. */
function clearStale(lock: string): true | string {
  const seen = inspect(lock);
  if (!seen) return true;
  const pid = Number(seen.text);
  // An empty file is a lock being written this very moment, unless it is old. A time far in the future is no
  // lock's: locks are made by the clock that reads them (a planted one would be waited on for nothing).
  const age = Date.now() - seen.mtimeMs;
  const stale = age > STALE_MS || age < -STALE_MS || (seen.text !== '' && pid !== process.pid && !alive(pid));
  if (!stale) return /^\d{1,10}$/.test(seen.text) ? seen.text : '?';
  // Only remove the lock we judged: another process may have replaced it meanwhile.
  const now = inspect(lock);
  if (now && now.text === seen.text && same(now, seen)) {
    try { fs.unlinkSync(lock); } catch { /* gone already */ }
  }
  return true;
}

const sleep = (ms: number) => new Promise<void>((r) => { setTimeout(r, ms); });

/**
 * Run `work` holding `<file>.lock` (its folder is created when missing). Rejects at once when the lock's path
 * is not a regular file, and after `giveUpMs` when another live process keeps holding it.
 */
export async function withFileLock<T>(file: string, work: () => T | Promise<T>, giveUpMs = GIVE_UP_MS): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + giveUpMs;
  let wait = 2;
  let cleared = false;
  let mine: Identity | undefined;
  while (!(mine = tryTake(lock))) {
    const holder = clearStale(lock);
    if (Date.now() > deadline) {
      throw new Error(`${lock} is still held${holder === true ? '' : ` by process ${holder}`} after ${giveUpMs / 1000} s of waiting. `
        + `If no fsdev run of this app is going on (the language server or fsdev in a terminal), remove ${lock} and try again.`);
    }
    // A lock that was just released or cleared is retried at once, but only once in a row: never a busy loop.
    if (holder === true && !cleared) { cleared = true; continue; }
    cleared = false;
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await work();
  } finally {
    // Release only our own lock: one taken over as stale (work that ran past STALE_MS) is another's now.
    try {
      const now = inspect(lock);
      if (now && same(now, mine) && now.text === String(process.pid)) fs.unlinkSync(lock);
    } catch { /* gone, or replaced: nothing of ours to release */ }
  }
}
