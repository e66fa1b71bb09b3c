// Simulation performance, all figures from the same run (`node bench/simulate.mjs`, after `node esbuild.mjs`):
//   floor — bare `node -e ""` process start (median of 15)
//   warm  — a run of the example handler with the pre-started child (median and p95 of 50); and of a handler
//           that returns at once (the runner's own cost)
//   cold  — a run with no child ready: fork + run (median and p95 of 15)
//   cli   — `fsdev simulate onContactCreate <app> --json` as a whole process (median of 10)
// Goals: warm < 5 ms median; cold ≤ 1.5× floor; cli ≤ 2× floor.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runnerScript = path.join(root, 'server/dist/runner.js');
const cli = path.join(root, 'server/dist/cli.js');
if (!existsSync(runnerScript) || !existsSync(cli)) {
  console.error('bench/simulate: build first (node esbuild.mjs)');
  process.exit(1);
}

const example = existsSync(path.join(root, 'examples/crm-app/manifest.json'))
  ? path.join(root, 'examples/crm-app') : path.join(root, 'test/simulate/fixtures/crm23');
const appDir = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-app-'));
cpSync(example, appDir, { recursive: true });
const event = 'onContactCreate';

const out = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-'));
const bundled = path.join(out, 'runner-api.cjs');
buildSync({ entryPoints: [path.join(root, 'server/src/simulate/runner.ts')], outfile: bundled, bundle: true, platform: 'node',
  target: 'node18', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'silent' });
const { HandlerRunner } = createRequire(import.meta.url)(bundled);
const confineBundle = path.join(out, 'confine.cjs');
buildSync({ entryPoints: [path.join(root, 'server/src/simulate/childProcess.ts')], outfile: confineBundle, bundle: true, platform: 'node',
  target: 'node18', format: 'cjs', logLevel: 'silent' });
// The flags a real child gets (Node's permission model, reads limited to the bundle and the app).
const { flags } = createRequire(import.meta.url)(confineBundle).confinement({ nodePath: process.execPath, runnerScript, appDir });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]; };
const ms = (x) => `${x.toFixed(1)} ms`;
const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };

const forkMin = `const p=require('child_process').spawn(process.execPath,${JSON.stringify([...flags, runnerScript])},{stdio:['ignore','pipe','pipe','pipe']});`
  + "p.stdio[3].on('data',d=>{if(String(d).includes('\"ready\"')){p.kill('SIGKILL');process.exit(0)}})";

// Warm: the pre-started child takes the run. The example's handler requires a module and makes two $db calls
// (a read, and a write: a round trip to the parent, which owns the store); the same app with a handler that
// returns at once shows the runner's own cost.
const trivialApp = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-trivial-'));
cpSync(example, trivialApp, { recursive: true });
writeFileSync(path.join(trivialApp, 'server/server.js'),
  'exports = { onContactCreateHandler: function () { return { ok: true }; }, onDealChangeHandler: function () {}, onAppInstallHandler: function () { renderData(); } };\n');
async function warmRuns(dir) {
  const runner = new HandlerRunner({ runnerScript, recordHistory: false });
  const runs = [];
  for (let i = 0; i < 50 + 3; i++) {
    await runner.whenWarm(dir);
    const t = performance.now();
    const r = await runner.run({ appDir: dir, event });
    if (r.status !== 'success') throw new Error(`warm run: ${r.status} ${JSON.stringify(r.error ?? r.notRunnableReason)}`);
    if (i >= 3) runs.push(performance.now() - t); // the first runs load the core and warm the JIT
  }
  runner.dispose();
  return runs;
}
const warmExample = await warmRuns(appDir);
const warmTrivial = await warmRuns(trivialApp);

// Process start-ups, interleaved round by round so that load drifting on a shared machine hits all alike:
//   floor — `node -e ""`; cold — a run with no child ready (fork on demand); fork-and-exit — a minimal parent
//   that forks the runner and exits when it is ready (the least any CLI that runs the handler in a child can
//   cost: two process start-ups); cli — `fsdev simulate <event> <app> --json` as a whole process.
const coldRunner = new HandlerRunner({ runnerScript, recordHistory: false, warm: false });
await coldRunner.run({ appDir, event }); // loads the core once
const floorRuns = [];
const coldRuns = [];
const forkMinRuns = [];
const cliRuns = [];
for (let i = 0; i < 15; i++) {
  floorRuns.push(time(() => spawnSync(process.execPath, ['-e', ''])));
  const t = performance.now();
  const r = await coldRunner.run({ appDir, event });
  if (r.status !== 'success') throw new Error(`cold run: ${r.status}`);
  coldRuns.push(performance.now() - t);
  forkMinRuns.push(time(() => spawnSync(process.execPath, ['-e', forkMin])));
  if (i < 10) {
    cliRuns.push(time(() => {
      const c = spawnSync(process.execPath, [cli, 'simulate', event, appDir, '--json'], { encoding: 'utf8' });
      if (c.status !== 0) throw new Error(`fsdev simulate exited ${c.status}: ${c.stdout}${c.stderr}`);
    }));
  }
}
coldRunner.dispose();
const floor = median(floorRuns);

const warmMedian = median(warmExample);
const coldMedian = median(coldRuns);
const cliMedian = median(cliRuns);
const rows = [
  ['floor (node -e "")', ms(floor), ''],
  ['warm run (median)', ms(warmMedian), `${(warmMedian / floor).toFixed(3)}× floor, goal < 5 ms ${warmMedian < 5 ? 'ok' : 'MISSED'}`],
  ['warm run (p95)', ms(p95(warmExample)), ''],
  ['warm, returns at once (median)', ms(median(warmTrivial)), `${(median(warmTrivial) / floor).toFixed(3)}× floor (the runner's own cost)`],
  ['cold run (median)', ms(coldMedian), `${(coldMedian / floor).toFixed(2)}× floor, goal ≤ 1.5× ${coldMedian <= 1.5 * floor ? 'ok' : 'MISSED'}`],
  ['cold run (p95)', ms(p95(coldRuns)), `${(p95(coldRuns) / floor).toFixed(2)}× floor`],
  ['fork-and-exit (median)', ms(median(forkMinRuns)), `${(median(forkMinRuns) / floor).toFixed(2)}× floor (structural minimum of a CLI that forks)`],
  ['fsdev simulate (median)', ms(cliMedian), `${(cliMedian / floor).toFixed(2)}× floor, goal ≤ 2× ${cliMedian <= 2 * floor ? 'ok' : 'MISSED'}`],
];
console.log(`simulate bench — ${path.relative(root, example)} ${event}, node ${process.version}`);
for (const [name, value, note] of rows) console.log(`  ${name.padEnd(32)} ${value.padStart(10)}  ${note}`);
