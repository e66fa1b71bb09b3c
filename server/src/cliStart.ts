// `fsdev` starts here (server/dist/cli.js): it runs the CLI bundle (server/dist/cli-main.js) with a V8 code cache,
// so every run after the first skips parsing and compiling most of the 1.2 MB bundle (a third of a `fsdev check`
// beyond a bare Node start). Node 22 does this itself (module.enableCompileCache); Node 18 and 20 cannot.
// The cache is a file per bundle build, Node version and architecture under ~/.cache/freshsales-devtools (or
// $XDG_CACHE_HOME); V8 checks it again and ignores one that does not fit. Any failure here runs the bundle the
// plain way: the cache can make a start faster, never break it. FSDEV_NO_CODE_CACHE=1 turns it off.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';

const bundle = path.join(__dirname, 'cli-main.js');

function cacheFileOf(): string {
  const st = statSync(bundle);
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'freshsales-devtools');
  return path.join(dir, `fsdev-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`);
}

/** Writes the code cache next to its siblings atomically, dropping caches of other builds. */
function save(file: string, data: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    for (const f of readdirSync(path.dirname(file))) {
      if (f.startsWith('fsdev-') && f.endsWith('.v8cache') && f !== path.basename(file)) unlinkSync(path.join(path.dirname(file), f));
    }
  } catch { /* a read-only or full disk: no cache, same result */ }
}

function runCached(): boolean {
  let file: string;
  let source: string;
  let cachedData: Buffer | undefined;
  try {
    file = cacheFileOf();
    source = readFileSync(bundle, 'utf8');
    try { cachedData = readFileSync(file); } catch { /* first run */ }
  } catch {
    return false;
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = new Module(bundle, undefined);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  const requireFn = ((id: string) => mod.require(id)) as NodeJS.Require;
  if (!cachedData || script.cachedDataRejected) {
    // after the run, so that the cache holds every function the run compiled, not only the top level
    process.once('exit', () => save(file, script.createCachedData()));
  }
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, requireFn, mod, bundle, __dirname);
  return true;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
if (process.env.FSDEV_NO_CODE_CACHE === '1' || !runCached()) require(bundle);
