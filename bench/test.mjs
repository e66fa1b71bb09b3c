// `fsdev test` on a generated app with 500 tests, all figures from the same run (`node bench/test.mjs`, after
// `node esbuild.mjs`), each the median of 5 whole-process runs, interleaved so machine load hits all alike:
//   mocha — the same tests run by plain mocha (this repo's) on plain functions: the handler required as a
//           module and called directly (no sandbox, no planning, no child)
//   fsdev — `fsdev test <app> --no-payloads` (the tests in their child, each this.invoke through the sandbox)
//   cov   — the same with --coverage (V8 block coverage, Istanbul conversion, HTML/lcov/JSON reports)
// Per test: (whole process − the same process with 1 test) / (N − 1), so start-up is not spread over the tests.
// Goals: fsdev ≤ 2× mocha per test; coverage ≤ 1.5× fsdev (whole process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

/** `count` tests in 4 files; `call` is how a test runs the handler. */
function tests(count, call) {
  const files = {};
  for (let f = 0; f < 4; f++) {
    const lines = ["const assert = require('assert');", `describe('file ${f}', function () {`];
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

function time(args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return ms;
}

// 500 tests: the per-test difference must stand well above the noise of a process start (tens of ms here).
const N = Number(process.env.BENCH_TESTS ?? 500);
const runs = {
  mocha: (count) => { const d = plainApp(count); return () => time([mocha, '--reporter', 'dot', 'test/'], d); },
  fsdev: (count) => { const d = fsdevApp(count); return () => time([cli, 'test', d, '--no-payloads', '--reporter', 'tap'], d); },
  cov: (count) => { const d = fsdevApp(count); return () => time([cli, 'test', d, '--no-payloads', '--reporter', 'tap', '--coverage'], d); },
};
const prepared = Object.fromEntries(Object.entries(runs).flatMap(([k, make]) => [[`${k}:${N}`, make(N)], [`${k}:1`, make(1)]]));
for (const fn of Object.values(prepared)) fn(); // warm-up: disk cache, V8 code cache
const samples = Object.fromEntries(Object.keys(prepared).map((k) => [k, []]));
for (let i = 0; i < 5; i++) for (const [k, fn] of Object.entries(prepared)) samples[k].push(fn());
const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
const perTest = (k) => (m[`${k}:${N}`] - m[`${k}:1`]) / (N - 1);

const f = (x) => x.toFixed(x < 10 ? 2 : 0);
console.log(`${N} tests, median of 5 whole-process runs each:`);
console.log(`  plain mocha, plain functions   ${f(m[`mocha:${N}`])} ms   (1 test: ${f(m['mocha:1'])} ms)   per test ${f(perTest('mocha'))} ms`);
console.log(`  fsdev test                     ${f(m[`fsdev:${N}`])} ms   (1 test: ${f(m['fsdev:1'])} ms)   per test ${f(perTest('fsdev'))} ms`);
console.log(`  fsdev test --coverage          ${f(m[`cov:${N}`])} ms   (1 test: ${f(m['cov:1'])} ms)   per test ${f(perTest('cov'))} ms`);
console.log(`  per test, fsdev / mocha:       ${(perTest('fsdev') / perTest('mocha')).toFixed(2)}×   (goal ≤ 2×)`);
console.log(`  whole run, fsdev / mocha:      ${(m[`fsdev:${N}`] / m[`mocha:${N}`]).toFixed(2)}×`);
console.log(`  coverage, whole run:           ${(m[`cov:${N}`] / m[`fsdev:${N}`]).toFixed(2)}× fsdev test   (goal ≤ 1.5×)`);
// Each of the 5 rounds on its own (a round runs every configuration once, back to back): the goals must hold in
// every round, not only for the medians.
const round = (i, k) => (samples[`${k}:${N}`][i] - samples[`${k}:1`][i]) / (N - 1);
const perRound = samples[`mocha:${N}`].map((_, i) => ({ test: round(i, 'fsdev') / round(i, 'mocha'), cov: samples[`cov:${N}`][i] / samples[`fsdev:${N}`][i] }));
// A round whose 1-test run took longer than its N-test run measured only the machine's load: said, not counted.
const valid = perRound.filter((r) => r.test > 0 && Number.isFinite(r.test));
console.log(`  per round, fsdev / mocha per test: ${perRound.map((r) => (r.test > 0 && Number.isFinite(r.test) ? r.test.toFixed(2) : 'noise')).join(', ')}`
  + `   (worst ${valid.length ? `${Math.max(...valid.map((r) => r.test)).toFixed(2)}×` : 'n/a'}${valid.length < perRound.length ? `; ${perRound.length - valid.length} round(s) lost in the load` : ''})`);
console.log(`  per round, coverage / fsdev:       ${perRound.map((r) => r.cov.toFixed(2)).join(', ')}   (worst ${Math.max(...perRound.map((r) => r.cov)).toFixed(2)}×)`);
