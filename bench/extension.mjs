// The extension's own cost: activation (load of the bundle + activate(), in a fresh process each time) on the
// example app, with and without the starter's code cache, beside a bare `node -e ""` start measured in the
// same rounds, and the size of the packaged .vsix.
// Goals: activation under 50 ms; the .vsix at most 1.5 MB (issue 16, with the lint worker's ESLint; it was 1 MB
// before). Standalone: `node bench/extension.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, p95 } from './lib/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const vsix = path.join(root, 'freshsales-devtools.vsix');

// The .vsix is built with the production bundles, which are also what activation should be measured on.
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (!existsSync(vsix)) throw new Error('npm run package did not produce freshsales-devtools.vsix');

// Activation as VS Code sees it on every start after the first (the starter's V8 code cache is there), and on
// the first start after an install or update (no cache yet: FSDEV_NO_CODE_CACHE=1 gives the same cost), each
// beside a bare `node -e ""` in the same round. The cache lives in a folder of this run's own.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-cache-'));
const activation = (env) => {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/lib/activateOnce.cjs'), path.join(root, 'examples/crm-app')],
    { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env } });
  if (r.status !== 0) throw new Error(`activation failed: ${r.stderr}`);
  return Number(r.stdout.trim());
};
const activate = [];
const firstStart = [];
const bare = [];
for (let i = 0; i < RUNS + 1; i++) {
  const cached = activation({});
  const uncached = activation({ FSDEV_NO_CODE_CACHE: '1' });
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  const bareMs = performance.now() - t0;
  if (i === 0) continue; // warm-up: file cache; the first activation writes the code cache
  activate.push(cached);
  firstStart.push(uncached);
  bare.push(bareMs);
}
rmSync(cacheHome, { recursive: true, force: true });
const kb = statSync(vsix).size / 1024;
const f = (x) => x.toFixed(1);
console.log(`extension activation on examples/crm-app (${RUNS} fresh processes, production bundle):`);
const ratio = (x) => `${(median(x) / median(bare)).toFixed(2)}× node -e ""`;
console.log(`  load + activate()        median ${f(median(activate))} ms, p95 ${f(p95(activate))} ms, ${ratio(activate)}   goal < 50 ms: ${median(activate) < 50 ? 'met' : 'MISSED'}`);
console.log(`  first start (no cache)   median ${f(median(firstStart))} ms, p95 ${f(p95(firstStart))} ms, ${ratio(firstStart)}`);
console.log(`  for scale: node -e ""    median ${f(median(bare))} ms (a whole process start, measured in the same rounds)`);
console.log(`packaged .vsix: ${f(kb)} KB   goal <= 1.5 MB (1536 KB): ${kb <= 1536 ? 'met' : 'MISSED'}`);
