// `fsdev test` on a generated app with 2,000 tests beside the same tests under plain mocha, all figures from the
// same run (`node bench/test.mjs`, after `node esbuild.mjs`; BENCH_TESTS=<n> for another count):
//   mocha — the same tests run by plain mocha (this repo's) on plain functions: the handler required as a
//           module and called directly (no sandbox, no planning, no child)
//   fsdev — `fsdev test <app> --no-payloads` (the tests in their child, each this.invoke through the sandbox)
//   cov   — the same with --coverage (V8 block coverage, Istanbul conversion, HTML/lcov/JSON reports)
// All three use the TAP reporter (one line per test on stdout, passed through fsdev's parent process).
// Per test, measured inside the test process the same way on every side: the generated test files have a root
// `before` and a root `after` hook (the same text under mocha and under fsdev) that take performance.now() and
// process.cpuUsage(); the span from the first to the last, divided by the number of tests, is the per-test figure,
// as elapsed (wall) time and as the test process's CPU time. It holds every test's own cost (mocha, the
// reporter's line, for fsdev the invoke, the sandbox, the messages to the parent) and no process start, module
// loading, planning or coverage report: those are in the whole-process figures printed beside it, per test as
// (N-test process − 1-test process) / (N − 1), as wall time and as the CPU time of the process tree (fsdev's CLI
// and its test child: their reading and relaying of each test's output count there).
// CPU time is what a loaded machine disturbs least (waiting for a core is not counted); wall time is what a user
// waits. Each of 5 rounds runs every configuration once, back to back (machine load hits all alike); every round
// is printed, and the goals must hold in each. Goals: fsdev ≤ 2× mocha per test; coverage ≤ 1.5× fsdev (whole process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'server/dist/cli.js');
const mocha = path.join(root, 'node_modules/mocha/bin/mocha.js');
if (!existsSync(cli) || !existsSync(path.join(root, 'server/dist/testRunner.js'))) {
  console.error('bench/test: build first (node esbuild.mjs)');
  process.exit(1);
}

const HANDLER = `function (args) {
    var d = args.data;
    if (!d) return { none: true };
    var kind = d.n % 3 === 0 ? 'fizz' : 'plain';
    if (d.n > 100 && d.big) { kind += '-big'; }
    return { kind: kind, n: d.n * 2 };
  }`;

function write(dir, files) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/** Where the root hooks of a generated app write the in-process span (ms) of its tests. */
const SPAN_FILE = 'span.json';

/** `count` tests in 4 files; `call` is how a test runs the handler. The first file holds the timing root hooks. */
function tests(count, call) {
  const files = {};
  for (let f = 0; f < 4; f++) {
    const lines = ["const assert = require('assert');"];
    if (f === 0) {
      lines.push("const { performance } = require('perf_hooks');", 'let first;', 'let cpu;',
        'before(function () { first = performance.now(); cpu = process.cpuUsage(); });',
        'after(function () {',
        '  const used = process.cpuUsage(cpu);',
        `  require('fs').writeFileSync(require('path').join(__dirname, '..', '${SPAN_FILE}'), JSON.stringify({ wall: performance.now() - first, cpu: (used.user + used.system) / 1000 }));`,
        '});');
    }
    lines.push(`describe('file ${f}', function () {`);
    for (let i = f; i < count; i += 4) {
      lines.push(`  it('deal ${i}', async function () {`,
        `    const r = await ${call(`{ data: { n: ${i}, big: ${i % 2 === 0} } }`)};`,
        `    assert.strictEqual(r.n, ${i * 2});`, '  });');
    }
    lines.push('});');
    files[`test/t${f}.test.js`] = lines.join('\n');
  }
  return files;
}

function fsdevApp(count) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-tests-'));
  write(dir, {
    'manifest.json': JSON.stringify({ 'platform-version': '2.3', product: { freshworks_crm: { events: { onDealCreate: { handler: 'h' } } } },
      engines: { node: '18.20.8', fdk: '9.6.0' } }),
    'server/server.js': `exports = {\n  h: ${HANDLER}\n};\n`,
    ...tests(count, (p) => `this.invoke('onDealCreate', ${p})`),
  });
  return dir;
}

function plainApp(count) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-mocha-'));
  write(dir, { 'handler.js': `module.exports = ${HANDLER};\n`, ...tests(count, (p) => `require('../handler')(${p})`) });
  return dir;
}

/** CPU time (ms) used so far by the child processes this process has waited for, and theirs (Linux: /proc), else undefined. */
function childrenCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

const made = [];
/**
 * One whole process: its wall time, the CPU time of its process tree (the CLI and its test child), and the span
 * its root hooks took from the first test's start to the last's end (wall and the test process's CPU time).
 */
function time(args, cwd) {
  rmSync(path.join(cwd, SPAN_FILE), { force: true });
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const cpu1 = childrenCpu();
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  const span = JSON.parse(readFileSync(path.join(cwd, SPAN_FILE), 'utf8'));
  return { whole: ms, wholeCpu: cpu0 === undefined ? NaN : cpu1 - cpu0, span: span.wall, spanCpu: span.cpu };
}

// 2,000 tests: the per-test part of a whole process stands well above the noise of a process start.
const N = Number(process.env.BENCH_TESTS ?? 2000);
const ROUNDS = 5;
const runs = {
  mocha: (count) => { const d = plainApp(count); made.push(d); return () => time([mocha, '--reporter', 'tap', 'test/'], d); },
  fsdev: (count) => { const d = fsdevApp(count); made.push(d); return () => time([cli, 'test', d, '--no-payloads', '--reporter', 'tap'], d); },
  cov: (count) => { const d = fsdevApp(count); made.push(d); return () => time([cli, 'test', d, '--no-payloads', '--reporter', 'tap', '--coverage'], d); },
};
const prepared = Object.fromEntries(Object.entries(runs).flatMap(([k, make]) => [[`${k}:${N}`, make(N)], [`${k}:1`, make(1)]]));
try {
  for (const fn of Object.values(prepared)) fn(); // warm-up: disk cache, V8 code cache
  const samples = Object.fromEntries(Object.keys(prepared).map((k) => [k, []]));
  for (let i = 0; i < ROUNDS; i++) for (const [k, fn] of Object.entries(prepared)) samples[k].push(fn());
  report(samples);
} finally {
  for (const d of made) rmSync(d, { recursive: true, force: true });
}

function report(samples) {
  const med = (k, what) => median(samples[k].map((s) => s[what]));
  const at = (k, what, i) => (i === undefined ? med(k, what) : samples[k][i][what]);
  /** Per test inside the test process: the span of the root hooks / N (what: 'span' wall, 'spanCpu' CPU). */
  const inProcess = (k, what, i) => at(`${k}:${N}`, what, i) / N;
  /** Per test of the whole process (tree): (N-test process − 1-test process) / (N − 1) (what: 'whole' wall, 'wholeCpu' CPU). */
  const whole = (k, what, i) => (at(`${k}:${N}`, what, i) - at(`${k}:1`, what, i)) / (N - 1);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 3 : 0) : 'n/a');
  // A whole-process difference where the 1-test run took longer than the N-test run measured only the load.
  const r = (x) => (x > 0 && Number.isFinite(x) ? `${x.toFixed(2)}×` : 'noise');
  console.log(`${N} tests, reporter tap, ${ROUNDS} rounds; medians, in ms. "in-process": inside the test process, from the`
    + ' root before hook to the root after hook (the same hooks in both), / N; "whole": the whole process (for fsdev the CLI and'
    + ' its test child), per test (N-test run − 1-test run) / (N − 1); wall = elapsed time, CPU = user + system time (whole:'
    + ' of the process tree, from /proc/self/stat).');
  console.log(`  ${''.padEnd(30)} ${'per test, in-process'.padEnd(22)} ${'per test, whole'.padEnd(22)} whole process, N tests / 1 test`);
  console.log(`  ${''.padEnd(30)} ${'wall'.padEnd(10)} ${'CPU'.padEnd(11)} ${'wall'.padEnd(10)} ${'CPU'.padEnd(11)} wall`);
  const rows = [['plain mocha, plain functions', 'mocha'], ['fsdev test', 'fsdev'], ['fsdev test --coverage', 'cov']];
  for (const [label, k] of rows) {
    console.log(`  ${label.padEnd(30)} ${f(inProcess(k, 'span')).padEnd(10)} ${f(inProcess(k, 'spanCpu')).padEnd(11)} `
      + `${f(whole(k, 'whole')).padEnd(10)} ${f(whole(k, 'wholeCpu')).padEnd(11)} ${f(med(`${k}:${N}`, 'whole'))} / ${f(med(`${k}:1`, 'whole'))}`);
  }
  const ratios = (i) => ({
    wall: inProcess('fsdev', 'span', i) / inProcess('mocha', 'span', i),
    cpu: inProcess('fsdev', 'spanCpu', i) / inProcess('mocha', 'spanCpu', i),
    wholeWall: whole('fsdev', 'whole', i) / whole('mocha', 'whole', i),
    wholeCpu: whole('fsdev', 'wholeCpu', i) / whole('mocha', 'wholeCpu', i),
    cov: at(`cov:${N}`, 'whole', i) / at(`fsdev:${N}`, 'whole', i),
    covCpu: at(`cov:${N}`, 'wholeCpu', i) / at(`fsdev:${N}`, 'wholeCpu', i),
  });
  const line = (x) => `fsdev / mocha per test: in-process ${r(x.wall)} wall, ${r(x.cpu)} CPU; whole ${r(x.wholeWall)} wall, ${r(x.wholeCpu)} CPU;`
    + ` coverage / fsdev whole run ${r(x.cov)} wall, ${r(x.covCpu)} CPU`;
  console.log(`  medians:  ${line(ratios())}`);
  // Every round on its own (each runs every configuration once, back to back): the goals must hold in each.
  const rounds = Array.from({ length: ROUNDS }, (_, i) => ratios(i));
  rounds.forEach((x, i) => console.log(`  round ${i + 1}:  ${line(x)}`));
  const worst = (key) => r(Math.max(...rounds.map((x) => (x[key] > 0 ? x[key] : Infinity))));
  console.log(`  worst round: fsdev / mocha per test in-process ${worst('wall')} wall, ${worst('cpu')} CPU, whole ${worst('wholeCpu')} CPU`
    + ` (goal ≤ 2×); coverage ${worst('cov')} wall, ${worst('covCpu')} CPU (goal ≤ 1.5×)`);
}
