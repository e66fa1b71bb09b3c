// Fuzzing speed and memory, side by side with one warm `fsdev simulate` run in the same process run
// (`node bench/fuzz.mjs`, after `node esbuild.mjs`):
//   warm simulate — a run of examples/crm-app's onContactCreate with the pre-started child (median of 30),
//                   before and after the fuzz (load drifts on a shared machine)
//   fuzz          — `fuzz()` of the same handler, 1,000 runs, seed 1, with the runner `fsdev fuzz` makes
//                   (its child's V8 flags): runs per second
//   memory        — peak resident memory of the process tree (the CLI and its children, sampled every 20 ms)
//                   of `fsdev fuzz onContactCreate --runs N` (N = FUZZ_BENCH_RUNS, default 10,000) against
//                   `fsdev simulate onContactCreate` (median of 3); also that CLI run's own runs per second
//                   (its parent process runs with the settings of `fsdev fuzz`, collect.ts)
// Goals: ≥ 200 runs/s; fuzz memory ≤ 1.2× one simulation's.
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runnerScript = path.join(root, 'server/dist/runner.js');
const cli = path.join(root, 'server/dist/cli.js');
if (!existsSync(runnerScript) || !existsSync(cli)) {
  console.error('bench/fuzz: build first (node esbuild.mjs)');
  process.exit(1);
}
const event = 'onContactCreate';
const appDir = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-fuzz-'));
cpSync(path.join(root, 'examples/crm-app'), appDir, { recursive: true });

const out = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-'));
const bundled = path.join(out, 'fuzz-api.cjs');
buildSync({
  stdin: { contents: "export { fuzz, fuzzRunner } from './server/src/fuzz/fuzz'; export { HandlerRunner } from './server/src/simulate/runner';", resolveDir: root, loader: 'ts' },
  outfile: bundled, bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'silent',
});
const { fuzz, fuzzRunner, HandlerRunner } = createRequire(import.meta.url)(bundled);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

async function warmSimulate() {
  const runner = new HandlerRunner({ runnerScript, recordHistory: false });
  const runs = [];
  for (let i = 0; i < 30 + 3; i++) {
    await runner.whenWarm(appDir);
    const t = performance.now();
    const r = await runner.run({ appDir, event, offline: true });
    if (r.status !== 'success') throw new Error(`warm run: ${r.status}`);
    if (i >= 3) runs.push(performance.now() - t);
  }
  runner.dispose();
  return median(runs);
}

async function fuzzRate(runs) {
  const runner = fuzzRunner({ runnerScript });
  await runner.whenWarm(appDir);
  const r = await fuzz({ appDir, event, runs, seed: 1, runner, save: false });
  runner.dispose();
  if (r.status !== 'passed') throw new Error(`fuzz: ${r.status} ${JSON.stringify(r.failure?.error)}`);
  return { rate: (r.runs * 1000) / r.durationMs, ms: r.durationMs, runs: r.runs };
}

/** Resident memory of a process and its descendants, in kB (Linux /proc). */
function treeRssKb(pid) {
  let kb = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) stack.push(Number(c));
      }
    } catch { /* gone */ }
  }
  return kb;
}

/** Peak resident memory of `fsdev <args>` and its children, in MB, and what it printed (--json). */
function peakTreeMb(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    let stderr = '';
    let stdout = '';
    p.stderr.on('data', (d) => { stderr += d; });
    p.stdout.on('data', (d) => { stdout += d; });
    const timer = setInterval(() => { peak = Math.max(peak, treeRssKb(p.pid)); }, 20);
    p.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`fsdev ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ mb: peak / 1024, json: JSON.parse(stdout) });
    });
  });
}

if (process.platform !== 'linux') console.log('(memory figures need Linux /proc: skipped)');
const before = await warmSimulate();
const f = await fuzzRate(1000);
const after = await warmSimulate();
const warm = (before + after) / 2;
const rows = [
  ['warm simulate (median)', `${warm.toFixed(1)} ms`, `before ${before.toFixed(1)} ms, after ${after.toFixed(1)} ms = ${(1000 / warm).toFixed(0)} runs/s one after another`],
  ['fuzz, 1,000 runs', `${f.rate.toFixed(0)} runs/s`, `${(f.ms / 1000).toFixed(1)} s; ${(f.rate / (1000 / warm)).toFixed(2)}× warm simulate's rate; goal ≥ 200 runs/s ${f.rate >= 200 ? 'ok' : 'MISSED'}`],
];
if (process.platform === 'linux') {
  const n = Number(process.env.FUZZ_BENCH_RUNS ?? 10000);
  const sims = [];
  for (let i = 0; i < 3; i++) sims.push((await peakTreeMb(['simulate', event, appDir, '--offline', '--json'])).mb);
  const sim = median(sims);
  const { mb: fz, json } = await peakTreeMb(['fuzz', event, appDir, '--runs', String(n), '--seed', '1', '--json']);
  if (json.status !== 'passed') throw new Error(`fsdev fuzz: ${json.status}`);
  const cliRate = (json.runs * 1000) / json.durationMs;
  rows.push(['memory: fsdev simulate (peak, median of 3)', `${sim.toFixed(0)} MB`, 'the CLI and its child']);
  rows.push([`memory: fsdev fuzz --runs ${n} (peak)`, `${fz.toFixed(0)} MB`, `${(fz / sim).toFixed(2)}× one simulation; goal ≤ 1.2× ${fz <= 1.2 * sim ? 'ok' : 'MISSED'}`]);
  rows.push([`fsdev fuzz --runs ${n} (that run)`, `${cliRate.toFixed(0)} runs/s`, `${(json.durationMs / 1000).toFixed(1)} s; goal ≥ 200 runs/s ${cliRate >= 200 ? 'ok' : 'MISSED'}`]);
}
console.log(`fuzz bench — examples/crm-app ${event}, node ${process.version}`);
for (const [name, value, note] of rows) console.log(`  ${name.padEnd(44)} ${value.padStart(12)}  ${note}`);
rmSync(appDir, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
