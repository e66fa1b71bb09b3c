// Loads a bundle with a V8 code cache, so every start after the first skips parsing and compiling most of it.
// Node 22 can do this itself (module.enableCompileCache); Node 18 and 20, and the extension hosts we meet,
// do not. Used by the two processes whose start a user waits for: `fsdev` (server/src/cliStart.ts) and the
// extension's activation (client/src/extensionStart.ts).
//
// One cache file per bundle name, build, runtime version and architecture, under ~/.cache/freshsales-devtools
// (or $XDG_CACHE_HOME); caches of other builds of the same bundle and runtime are removed when one is written. V8
// checks a cache before using it and ignores one that does not fit (it is then rewritten). Any failure to read
// or write the cache loads the bundle the plain way: the cache can make a start faster, never break it.
// FSDEV_NO_CODE_CACHE=1 turns it off.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

function codeCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'freshsales-devtools');
}

/** Writes the code cache atomically, dropping the caches of other builds of the same bundle for this runtime. */
function save(file: string, prefix: string, data: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
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
  let cachedData: Buffer | undefined;
  try {
    const st = statSync(bundle);
    // Keyed by runtime too: `fsdev` under Node 20 and VS Code's extension host under Node 22 keep a cache each.
    prefix = `${options.name}-${process.version}-${process.arch}-`;
    file = path.join(codeCacheDir(), `${prefix}${st.size}-${Math.floor(st.mtimeMs)}.v8cache`);
    source = readFileSync(bundle, 'utf8');
    try { cachedData = readFileSync(file); } catch { /* the first start */ }
  } catch {
    return undefined;
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  // The module's own object: its filename tells an extension host which extension a require('vscode') comes from.
  const mod = new Module(bundle, undefined);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  if (!cachedData || script.cachedDataRejected) {
    let written = false;
    const write = () => { if (!written) { written = true; save(file, prefix, script.createCachedData()); } };
    process.once('exit', write);
    if (options.saveAfter !== 'exit') setTimeout(write, options.saveAfter).unref();
  }
  (script.runInThisContext() as (...args: unknown[]) => void)
    .call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  return mod.exports;
}
