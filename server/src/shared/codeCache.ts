// Loads a bundle with a V8 code cache, so every start after the first skips parsing and compiling most of it.
// Node 22 can do this itself (module.enableCompileCache); Node 18 and 20, and the extension hosts we meet,
// do not. Used by the two processes whose start a user waits for: `fsdev` (server/src/cliStart.ts) and the
// extension's activation (client/src/extensionStart.ts).
//
// One cache file per bundle name, build, runtime version and architecture, under ~/.cache/freshsales-devtools
// (or $XDG_CACHE_HOME); caches of other builds of the same bundle and runtime are removed when one is written.
// V8 itself only compares a cache's source *length* (and its own version and flags) with the script's, and a
// corrupted cache can crash it (SIGSEGV) before any JavaScript runs. So V8 is only ever given bytes we checked:
// each file starts with a header holding the SHA-256 of the exact bundle source it was made from, the SHA-256 of
// the cache bytes that follow, and the runtime it was made by (Node version, architecture, V8 flags); all three
// must match before the bytes reach V8. The file is read only when it is a regular file (lstat, then opened with
// O_NOFOLLOW | O_NONBLOCK and checked again with fstat) of at most 64 MB: a link, FIFO or device at its path is
// never read. A cache that fails any check is removed and written anew. Any failure to read or write the cache
// loads the bundle the plain way: the cache can make a start faster, never break it. FSDEV_NO_CODE_CACHE=1
// turns it off.
//
// The lint worker's bundle uses a cache the build writes beside it instead (loadWithShippedCodeCache): same
// header and checks, read-only at run time, used only under the Node that ran the build.
import { createHash } from 'node:crypto';
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';

export interface CodeCacheOptions {
  /** Names the bundle's cache files (`<name>-….v8cache`). */
  name: string;
  /**
   * When a new cache is written: at process exit (a CLI run: the cache then holds every function the run
   * compiled), or this many milliseconds after loading (a long-lived host: after activation's work), or at
   * exit if that comes first.
   */
  saveAfter: 'exit' | number;
}

/** A cache file: MAGIC, sha256(bundle source), sha256(cache bytes), uint32 length + runtime key, cache bytes. */
const MAGIC = Buffer.from('fsdev-v8cache-2\n');
const HASH = 32;
/** Far above a real cache (~0.5 MB for a 1.6 MB bundle); a bigger file is not ours and is not read. */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** What V8's cache depends on besides the source: its version (Node's), the architecture and its flags. */
function runtimeKey(): Buffer {
  return Buffer.from(JSON.stringify([process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? '']));
}

function codeCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'freshsales-devtools');
}

/** The file's bytes if it is a regular file of at most MAX_CACHE_BYTES; never follows a link, never waits. */
function readRegularFile(file: string): Buffer | 'absent' | 'refused' {
  let size: number;
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > MAX_CACHE_BYTES) return 'refused';
    size = st.size;
  } catch {
    return 'absent';
  }
  let fd: number;
  try {
    // O_NONBLOCK: should the path turn into a FIFO after the lstat, opening it does not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return 'refused';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== size) return 'refused';
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) return 'refused';
      read += n;
    }
    return buf;
  } catch {
    return 'refused';
  } finally {
    closeSync(fd);
  }
}

/** The cache bytes of a file made from this very source by this runtime, else undefined. Exported for tests. */
export function verifiedCacheData(file: Buffer, sourceHash: Buffer, key: Buffer = runtimeKey()): Buffer | undefined {
  const keyAt = MAGIC.length + 2 * HASH;
  if (file.length < keyAt + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!file.subarray(MAGIC.length, MAGIC.length + HASH).equals(sourceHash)) return undefined;
  const keyLength = file.readUInt32LE(keyAt);
  const dataAt = keyAt + 4 + keyLength;
  if (dataAt > file.length || !file.subarray(keyAt + 4, dataAt).equals(key)) return undefined;
  const data = file.subarray(dataAt);
  return data.length > 0 && sha256(data).equals(file.subarray(MAGIC.length + HASH, keyAt)) ? data : undefined;
}

/** The file to write for `data`, a cache V8 made from the source whose hash is `sourceHash`. */
export function cacheFileBytes(data: Buffer, sourceHash: Buffer, key: Buffer = runtimeKey()): Buffer {
  const keyLength = Buffer.alloc(4);
  keyLength.writeUInt32LE(key.length);
  return Buffer.concat([MAGIC, sourceHash, sha256(data), keyLength, key, data]);
}

/** Writes the code cache atomically, dropping the caches of other builds of the same bundle for this runtime. */
function save(file: string, prefix: string, bytes: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { flag: 'wx' });
    renameSync(tmp, file);
    for (const f of readdirSync(path.dirname(file))) {
      if (f.startsWith(prefix) && f.endsWith('.v8cache') && f !== path.basename(file)) unlinkSync(path.join(path.dirname(file), f));
    }
  } catch { /* a read-only or full disk: no cache, same result */ }
}

/**
 * Runs `bundle` (a CommonJS file) as `require` would, through its code cache, and returns its module.exports;
 * undefined when the cache is off or the bundle cannot be read this way: then `require(bundle)` it. An error
 * the bundle itself throws while loading propagates, as it would from `require`.
 */
export function loadWithCodeCache(bundle: string, options: CodeCacheOptions): unknown {
  if (process.env.FSDEV_NO_CODE_CACHE === '1') return undefined;
  let prefix: string;
  let file: string;
  let source: string;
  let sourceHash: Buffer;
  let cachedData: Buffer | undefined;
  try {
    // The source V8 compiles is decoded from exactly the bytes that were hashed.
    const bytes = readFileSync(bundle);
    sourceHash = sha256(bytes);
    source = bytes.toString('utf8');
    // Keyed by runtime too: `fsdev` under Node 20 and VS Code's extension host under Node 22 keep a cache each.
    prefix = `${options.name}-${process.version}-${process.arch}-`;
    file = path.join(codeCacheDir(), `${prefix}${sourceHash.toString('hex').slice(0, 16)}.v8cache`);
  } catch {
    return undefined;
  }
  const found = readRegularFile(file);
  if (typeof found !== 'string') cachedData = verifiedCacheData(found, sourceHash);
  if (found !== 'absent' && !cachedData) {
    // Corrupt, foreign, of another runtime, or not a file at all: gone now, rewritten at the save below.
    try { unlinkSync(file); } catch { /* a folder, or already gone: the save's rename fails or replaces it */ }
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    let written = false;
    const write = () => { if (!written) { written = true; save(file, prefix, cacheFileBytes(script.createCachedData(), sourceHash)); } };
    process.once('exit', write);
    if (options.saveAfter !== 'exit') setTimeout(write, options.saveAfter).unref();
  }
  return runAsModule(script, bundle);
}

/** Runs a compiled CommonJS bundle as `require` would (its own module object) and returns its module.exports. */
function runAsModule(script: Script, bundle: string): unknown {
  // The module's own object: its filename tells an extension host which extension a require('vscode') comes from.
  const mod = new Module(bundle, undefined);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  (script.runInThisContext() as (...args: unknown[]) => void)
    .call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  return mod.exports;
}

/** Where the build puts a bundle's shipped code cache: beside it. */
export const shippedCacheFile = (bundle: string): string => `${bundle}.v8cache`;

/**
 * Runs `bundle` as `require` would, through the code cache the build wrote beside it (`<bundle>.v8cache`, see
 * writeShippedCodeCache), and returns its module.exports. Read-only: nothing is written at run time. The cache
 * is used only when its header matches this exact bundle and this runtime (the Node that ran the build): any
 * other runtime (VS Code's, another Node version), a missing, foreign or damaged file, or V8 rejecting it runs
 * the bundle without it. undefined when FSDEV_NO_CODE_CACHE=1 or the bundle cannot be read: then `require` it.
 */
export function loadWithShippedCodeCache(bundle: string): unknown {
  if (process.env.FSDEV_NO_CODE_CACHE === '1') return undefined;
  let source: string;
  let sourceHash: Buffer;
  try {
    const bytes = readFileSync(bundle);
    sourceHash = sha256(bytes);
    source = bytes.toString('utf8');
  } catch {
    return undefined;
  }
  const found = readRegularFile(shippedCacheFile(bundle));
  const cachedData = typeof found === 'string' ? undefined : verifiedCacheData(found, sourceHash);
  return runAsModule(new Script(Module.wrap(source), { filename: bundle, cachedData }), bundle);
}

/**
 * Build time only (esbuild.mjs runs writeCodeCache.ts): runs `bundle` once, so the functions its
 * loading calls are compiled too (the lint worker lints a sample while it loads), and writes their code cache
 * to `<bundle>.v8cache` in the checked format above, for this runtime.
 */
export function writeShippedCodeCache(bundle: string): number {
  const bytes = readFileSync(bundle);
  const script = new Script(Module.wrap(bytes.toString('utf8')), { filename: bundle });
  runAsModule(script, bundle);
  const file = cacheFileBytes(script.createCachedData(), sha256(bytes));
  writeFileSync(shippedCacheFile(bundle), file);
  return file.length;
}
