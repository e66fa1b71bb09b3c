// The walk for links leaving the app (server/src/appLinks.ts), which every run plan does before a run:
// the first walk of an app, and a repeated walk of the same unchanged app (directories whose mtime did not
// change are not read again: the warm-run case), on three apps: examples/crm-app, the same with mocha, sinon and
// istanbul under server/node_modules, and the same with this repository's whole node_modules (~19,000 entries).
// Reference: a bare `node -e ""` start in the same run. `node bench/links.mjs`.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, realpathSync, rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = realpathSync(path.join(root, 'node_modules'));
const out = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-links-'));
const bundled = path.join(out, 'appLinks.cjs');
buildSync({ entryPoints: [path.join(root, 'server/src/appLinks.ts')], outfile: bundled, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
const require = createRequire(import.meta.url);
/** A fresh copy of the module: an empty cache, as in a new process. */
const fresh = () => { delete require.cache[bundled]; return require(bundled); };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const dirs = (d, f) => { for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) dirs(path.join(d, e.name), f); f(d); };
const count = (d) => { let n = 0; dirs(d, (x) => { n += readdirSync(x).length; }); return n; };
function app(name, packages, whole = false) {
  const dir = mkdtempSync(path.join(out, `${name}-`));
  cpSync(path.join(root, 'examples/crm-app'), dir, { recursive: true });
  for (const p of packages) cpSync(path.join(modules, p), path.join(dir, 'server/node_modules', p), { recursive: true, dereference: true });
  if (whole) cpSync(modules, path.join(dir, 'node_modules'), { recursive: true, dereference: true });
  // A checkout older than the walk's 2 s "racy" window, as an app is between edits.
  const old = new Date(Date.now() - 60_000);
  dirs(dir, (d) => utimesSync(d, old, old));
  return dir;
}

const floor = median(Array.from({ length: 5 }, () => { const t = performance.now(); spawnSync(process.execPath, ['-e', '']); return performance.now() - t; }));
const apps = [
  ['examples/crm-app', app('crm', [])],
  ['+ mocha, sinon, istanbul-* in server/', app('mid', ['mocha', 'sinon', 'istanbul-lib-coverage', 'istanbul-lib-report', 'istanbul-reports'])],
  ['+ this repository\'s node_modules', app('big', [], true)],
];
console.log(`links bench — node ${process.version}; floor (node -e "") ${floor.toFixed(1)} ms`);
for (const [name, dir] of apps) {
  const first = [];
  for (let i = 0; i < 5; i++) {
    const { outwardLink } = fresh();
    const t = performance.now();
    const r = outwardLink(dir);
    first.push(performance.now() - t);
    if (r) throw new Error(r);
  }
  const { outwardLink } = fresh();
  outwardLink(dir);
  const again = Array.from({ length: 30 }, () => { const t = performance.now(); outwardLink(dir); return performance.now() - t; });
  console.log(`  ${name.padEnd(40)} ${String(count(dir)).padStart(6)} entries   first walk ${median(first).toFixed(2).padStart(7)} ms   `
    + `repeated (unchanged) ${median(again).toFixed(2).padStart(6)} ms median`);
}
rmSync(out, { recursive: true, force: true });
