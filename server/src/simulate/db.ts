// `$db`: the platform's key-value store, kept per app in `<appDir>/.fsdev/db.json` so values persist
// across runs (like the FDK's `.fdk/` copy). Platform limits: key at most 60 characters, key + value at
// most 40 KB. Errors are plain objects `{ status, message }` as the platform rejects with.
// The runner (parent) calls this synchronously, holding the store's lock file (lock.ts); the child asks it
// over the pipe. Writes are atomic renames. A store that exists but cannot be read is never overwritten.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBounded, sizeText, type BoundedRead } from './localFile';

export const DB_KEY_MAX = 60;
export const DB_SIZE_MAX = 40 * 1024;

export interface StoreFile {
  version: 1;
  db: Record<string, { value: unknown; expiresAt?: number }>;
  schedules: Record<string, Record<string, unknown>>;
}

/** `stateNote`: the error comes from state an earlier run left in .fsdev/ (the child names it, then drops it). */
export interface DbError { status: number; message: string; stateNote?: string }

function err(status: number, message: string, stateNote?: string): DbError { return stateNote ? { status, message, stateNote } : { status, message }; }

/**
 * fsdev's bound on the local store (`.fsdev/db.json`; the platform documents none for an app's whole store):
 * 16 MB holds every one-time schedule the platform allows (1,000, each with at most 4 KB of data) and some 290
 * records at the platform's largest (key + value 40 KB), or some 100,000 small ones. A store over it is never
 * read (a `$db` call fails at once, naming the file, its size and the reset), and a write that would take the
 * store over it is refused: each `$db` write reads and rewrites the whole file, in the runner.
 */
export const STORE_MAX_BYTES = 16 * 1024 * 1024;

/** How to start over from a store fsdev cannot use; the reset keeps the old file aside, unread (state.ts). */
export const RESET_ADVICE = 'Reset it with `fsdev simulate --fresh` or the command "Freshsales: Reset Local Simulation State", '
  + 'which keeps the file aside, renamed, without reading it';

/**
 * The store, or an empty one when the file does not exist yet. A file that exists but does not parse (a
 * hand edit with a trailing comma) or has the wrong shape throws a 500 DbError naming the file: reading it as
 * empty would let the next write wipe every stored key and schedule. So does a file over STORE_MAX_BYTES, a link
 * or anything else that is not a regular file, none of which is read.
 */
export function readStore(file: string): StoreFile {
  let read: BoundedRead;
  try {
    read = readBounded(file, STORE_MAX_BYTES);
  } catch (e) {
    throw err(500, `${file} could not be read (${(e as Error).message}); nothing was written to it`);
  }
  if ('missing' in read) return { version: 1, db: Object.create(null) as StoreFile['db'], schedules: Object.create(null) as StoreFile['schedules'] };
  if ('notFile' in read) {
    const link = read.notFile === 'a symbolic link' ? ' (fsdev does not follow links in .fsdev/)' : '';
    throw err(500, `${file} is ${read.notFile}, not a file: it was not read${link} and nothing was written to it. Remove it to start an empty store`);
  }
  if ('tooLarge' in read) {
    throw err(500, `${file} is ${sizeText(read.tooLarge)}, over fsdev's limit of ${sizeText(STORE_MAX_BYTES)} for the local store: `
      + `it was not read and nothing was written to it. ${RESET_ADVICE}`);
  }
  const { text } = read;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw err(500, `${file} is not valid JSON (${(e as Error).message}). It was kept as it is and nothing was written to it: `
      + 'fix it, or delete it to start an empty store');
  }
  const p = parsed as Partial<StoreFile> | null;
  const isRecord = (v: unknown) => v === undefined || (v !== null && typeof v === 'object' && !Array.isArray(v));
  if (p === null || typeof p !== 'object' || Array.isArray(p) || !isRecord(p.db) || !isRecord(p.schedules)) {
    throw err(500, `${file} is not a store ({ "db": {...}, "schedules": {...} }). It was kept as it is and nothing was written to it: `
      + 'fix it, or delete it to start an empty store');
  }
  // Null-prototype maps: a key named `__proto__` is a key like any other, not the object's prototype.
  return { version: 1, db: Object.assign(Object.create(null), p.db), schedules: Object.assign(Object.create(null), p.schedules) };
}

/** Where a store lives: its file (`.fsdev/db.json`), or memory (a fuzz run's throwaway store). */
export interface StoreIO { read(): StoreFile; write(store: StoreFile): void }

export function fileStore(file: string): StoreIO { return { read: () => readStore(file), write: (s) => writeStore(file, s) }; }

/**
 * A store held in memory for one run (`fsdev fuzz`, RunPlan.memoryStore): empty at first, gone with the run,
 * nothing on disk and no round trip to the runner; kept as JSON text, so values are copies as in the file, and
 * bounded by STORE_MAX_BYTES as the file is (another bound only for tests: each write serializes the whole store).
 */
export function memoryStore(maxBytes = STORE_MAX_BYTES): StoreIO {
  let text = '';
  return {
    read: () => {
      const p = (text ? JSON.parse(text) : {}) as Partial<StoreFile>;
      return { version: 1, db: Object.assign(Object.create(null), p.db), schedules: Object.assign(Object.create(null), p.schedules) };
    },
    write: (store) => {
      const next = JSON.stringify(store);
      if (Buffer.byteLength(next) > maxBytes) {
        throw err(500, `This write would make the run's store ${sizeText(Buffer.byteLength(next))}, over fsdev's limit of ${sizeText(maxBytes)}; nothing was written`);
      }
      text = next;
    },
  };
}

/** Write the store (atomically: a temp file, then a rename); one that would be over STORE_MAX_BYTES is refused. */
export function writeStore(file: string, store: StoreFile): void {
  const text = JSON.stringify(store, null, 2);
  const size = Buffer.byteLength(text);
  if (size > STORE_MAX_BYTES) {
    throw err(500, `This write would make ${file} ${sizeText(size)}, over fsdev's limit of ${sizeText(STORE_MAX_BYTES)} for the local store; `
      + `nothing was written. Delete $db keys or schedules the app no longer needs, or reset the store (\`fsdev simulate --fresh\`, `
      + 'the command "Freshsales: Reset Local Simulation State")');
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw err(400, 'The key must be a non-empty string');
  if (key.length > DB_KEY_MAX) {
    throw err(400, `The key must not exceed ${DB_KEY_MAX} characters (it has ${key.length})`);
  }
  return key;
}

function checkSize(key: string, value: unknown): void {
  let text: string | undefined;
  try { text = JSON.stringify(value); } catch { throw err(400, 'The value must be JSON-serializable'); }
  if (text === undefined) throw err(400, 'The value must be JSON-serializable (got undefined)');
  const size = Buffer.byteLength(key) + Buffer.byteLength(text);
  if (size > DB_SIZE_MAX) {
    throw err(400, `The key and value together must not exceed 40 KB (they take ${Math.ceil(size / 1024)} KB)`);
  }
}

function live(store: StoreFile, key: string): { value: unknown } | undefined {
  const rec = store.db[key];
  if (!rec) return undefined;
  if (rec.expiresAt !== undefined && rec.expiresAt <= Date.now()) {
    delete store.db[key];
    return undefined;
  }
  return rec;
}

function setPath(target: Record<string, unknown>, dotted: string, fn: (old: unknown) => unknown): void {
  const parts = dotted.split('.');
  // This runs in the runner (the language server), on paths the handler chose: `__proto__.x` would set
  // Object.prototype.x there. The platform's store has no such thing to reach; refuse it.
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw err(400, `Invalid attribute path '${dotted}'`);
  }
  let cur: Record<string, unknown> = target;
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  const next = fn(cur[last]);
  if (next === undefined) delete cur[last];
  else cur[last] = next;
}

/** The store's operations; each returns what the platform resolves with, or throws a DbError. */
export class LocalDb {
  private readonly io: StoreIO;
  constructor(store: string | StoreIO) { this.io = typeof store === 'string' ? fileStore(store) : store; }

  set(key: unknown, value: unknown, options?: { setIf?: 'exist' | 'not_exist'; ttl?: number }): { Created: true } {
    const k = checkKey(key);
    checkSize(k, value);
    const store = this.io.read();
    const exists = live(store, k) !== undefined;
    if (options?.setIf === 'exist' && !exists) throw err(400, 'The setIf conditional request failed');
    if (options?.setIf === 'not_exist' && exists) {
      throw err(400, 'The setIf conditional request failed', `the $db key '${k}' exists in .fsdev/db.json from an earlier run`);
    }
    const rec: { value: unknown; expiresAt?: number } = { value: JSON.parse(JSON.stringify(value)) };
    if (typeof options?.ttl === 'number' && options.ttl > 0) rec.expiresAt = Date.now() + options.ttl * 1000;
    store.db[k] = rec;
    this.io.write(store);
    return { Created: true };
  }

  get(key: unknown): unknown {
    const k = checkKey(key);
    const rec = live(this.io.read(), k);
    if (!rec) throw err(404, 'Record not found');
    return rec.value;
  }

  /** `$db.update(key, type, attributes)`: type `increment` | `append` | `set` | `remove`. */
  update(key: unknown, type: unknown, attributes: unknown, options?: { setIf?: 'exist' | 'not_exist' }): { Updated: true } {
    const k = checkKey(key);
    const store = this.io.read();
    const rec = live(store, k);
    if (!rec) {
      if (options?.setIf === 'exist' || type !== 'set') throw err(404, 'Record not found');
    }
    let value = rec ? JSON.parse(JSON.stringify(rec.value)) as unknown : {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw err(400, `$db.update needs an object value; the value of '${k}' is ${Array.isArray(value) ? 'an array' : typeof value}`);
    }
    const obj = value as Record<string, unknown>;
    const attrs = attributes as Record<string, unknown> | string[];
    switch (type) {
      case 'increment':
        for (const [p, by] of Object.entries(attrs ?? {})) {
          setPath(obj, p, (old) => (typeof old === 'number' ? old : 0) + Number(by));
        }
        break;
      case 'append':
        for (const [p, items] of Object.entries(attrs ?? {})) {
          setPath(obj, p, (old) => [...(Array.isArray(old) ? old : []), ...(Array.isArray(items) ? items : [items])]);
        }
        break;
      case 'set':
        for (const [p, v] of Object.entries(attrs ?? {})) setPath(obj, p, () => v);
        break;
      case 'remove':
        for (const p of Array.isArray(attrs) ? attrs : Object.keys(attrs ?? {})) setPath(obj, String(p), () => undefined);
        break;
      default:
        throw err(400, `Invalid update type '${String(type)}': use increment, append, set or remove`);
    }
    value = obj;
    checkSize(k, value);
    store.db[k] = { ...(rec as { expiresAt?: number } | undefined), value };
    this.io.write(store);
    return { Updated: true };
  }

  delete(key: unknown): { Deleted: true } {
    const k = checkKey(key);
    const store = this.io.read();
    if (!live(store, k)) throw err(404, 'Record not found');
    delete store.db[k];
    this.io.write(store);
    return { Deleted: true };
  }
}
