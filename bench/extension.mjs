// The extension's own cost: activation (load of the bundle + activate(), in a fresh process each time) on the
// example app, beside a bare `node -e ""` start measured in the same run, and the size of the packaged .vsix.
// Goals (issue): activation under 50 ms; .vsix under 1 MB. Standalone: `node bench/extension.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, p95 } from './lib/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const vsix = path.join(root, 'freshsales-devtools.vsix');

// The .vsix is built with the production bundles, which are also what activation should be measured on.
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (!existsSync(vsix)) throw new Error('npm run package did not produce freshsales-devtools.vsix');

const activate = [];
const bare = [];
for (let i = 0; i < RUNS + 1; i++) {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/lib/activateOnce.cjs'), path.join(root, 'examples/crm-app')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`activation failed: ${r.stderr}`);
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  const bareMs = performance.now() - t0;
  if (i === 0) continue; // warm-up: file cache
  activate.push(Number(r.stdout.trim()));
  bare.push(bareMs);
}
const kb = statSync(vsix).size / 1024;
const f = (x) => x.toFixed(1);
console.log(`extension activation on examples/crm-app (${RUNS} fresh processes, production bundle):`);
console.log(`  load + activate()        median ${f(median(activate))} ms, p95 ${f(p95(activate))} ms   goal < 50 ms: ${median(activate) < 50 ? 'met' : 'MISSED'}`);
console.log(`  for scale: node -e ""    median ${f(median(bare))} ms (a whole process start, measured in the same run)`);
console.log(`packaged .vsix: ${f(kb)} KB   goal < 1024 KB: ${kb < 1024 ? 'met' : 'MISSED'}`);
