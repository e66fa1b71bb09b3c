// Coverage of `fsdev test --coverage`: exact Istanbul counts on a handler with if/else, ?:, && and an early
// return (checked against a hand-made expectation), reports written to coverage/, the --min gate, the
// accumulation across runs and `fsdev coverage --reset`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bundle, makeApp, repoRoot } from './helpers.mjs';

const cli = bundle('server/src/cli.ts', 'cli');
bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
// The HTML report's assets sit beside the bundles, as esbuild.mjs puts them in server/dist.
cpSync(path.join(repoRoot, 'node_modules/istanbul-reports/lib/html/assets'), path.join(path.dirname(cli), 'assets'), { recursive: true });

function fsdev(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const manifest = { 'platform-version': '2.3', product: { freshworks_crm: { events: { onDealCreate: { handler: 'h' } } } },
  engines: { node: '18.20.8', fdk: '9.6.0' } };
const SERVER = [
  'exports = {',                                 // 1
  '  h: function (args) {',                      // 2
  '    var d = args.data;',                      // 3
  '    if (!d) {',                               // 4
  "      return 'none';",                        // 5
  '    }',                                       // 6
  "    var label = d.vip ? 'vip' : 'std';",      // 7
  '    if (d.amount > 100 && d.open) {',         // 8
  "      label += '!';",                         // 9
  '    } else {',                                // 10
  "      label += '.';",                         // 11
  '    }',                                       // 12
  '    return label;',                           // 13
  '  }',                                         // 14
  '};',                                          // 15
].join('\n');
const TESTS = [
  "const assert = require('assert');",
  "describe('h', function () {",
  "  it('vip, big and open', async function () { assert.equal(await this.invoke('onDealCreate', { data: { vip: true, amount: 200, open: true } }), 'vip!'); });",
  "  it('standard, small', async function () { assert.equal(await this.invoke('onDealCreate', { data: { vip: false, amount: 50 } }), 'std.'); });",
  '});',
].join('\n');

test('branch-exact coverage of user code: if/else, ?:, && and an early return, against a hand-made expectation', () => {
  const app = makeApp(SERVER, { manifest, files: { 'test/h.test.js': TESTS } });
  const r = fsdev('test', app, '--coverage', '--no-payloads');
  assert.equal(r.code, 0, r.out + r.err);
  const final = JSON.parse(readFileSync(path.join(app, 'coverage/coverage-final.json'), 'utf8'));
  assert.deepEqual(Object.keys(final), [path.join(app, 'server/server.js')]);
  const fc = Object.values(final)[0];
  const startLines = (map) => Object.values(map).map((l) => (l.start ?? l.loc.start).line);

  // Statements (Istanbul's: expression statements, returns, ifs, declarator initialisers), in source order.
  assert.deepEqual(startLines(fc.statementMap), [1, 3, 4, 5, 7, 8, 9, 11, 13]);
  // server.js is evaluated afresh for each of the two invocations (as fdk does), so its top level ran twice;
  // the early return never ran.
  assert.deepEqual(Object.values(fc.s), [2, 2, 2, 0, 2, 2, 1, 1, 2]);
  // The one function ran twice.
  assert.deepEqual(Object.values(fc.f), [2]);
  // Branches: if (!d) [then, implicit else]; ?: [vip, std]; if (&&) [then, else]; && [left, right].
  assert.deepEqual(Object.values(fc.branchMap).map((b) => [b.type, b.line]), [['if', 4], ['cond-expr', 7], ['if', 8], ['binary-expr', 8]]);
  assert.deepEqual(Object.values(fc.b), [[0, 2], [1, 1], [1, 1], [2, 1]]);
  // Exact columns: the ?: locations are the two string literals of line 7.
  assert.deepEqual(fc.branchMap[1].locations, [
    { start: { line: 7, column: 24 }, end: { line: 7, column: 29 } },
    { start: { line: 7, column: 32 }, end: { line: 7, column: 37 } },
  ]);
  assert.deepEqual(fc.branchMap[3].locations.map((l) => [l.start.column, l.end.column]), [[8, 22], [26, 32]]);

  // The summary, per metric, against fdk's 80 % line.
  const summary = JSON.parse(readFileSync(path.join(app, 'coverage/coverage-summary.json'), 'utf8')).total;
  assert.deepEqual([summary.statements.covered, summary.statements.total], [8, 9]);
  assert.deepEqual([summary.branches.covered, summary.branches.total], [7, 8]);
  assert.deepEqual([summary.functions.covered, summary.functions.total], [1, 1]);
  assert.deepEqual([summary.lines.covered, summary.lines.total], [8, 9]);
  assert.match(r.out, /Statements {3}: 88\.88% \( 8\/9 \)\nBranches {5}: 87\.5% \( 7\/8 \)\nFunctions {4}: 100% \( 1\/1 \)\nLines {8}: 88\.88% \( 8\/9 \)/);
  assert.match(r.out, /We recommend a coverage of 80% for apps that are to be published in the public marketplace\./);
  for (const f of ['index.html', 'lcov.info', 'coverage-final.json', 'coverage-summary.json']) assert.ok(existsSync(path.join(app, 'coverage', f)), f);
  assert.match(readFileSync(path.join(app, 'coverage/lcov.info'), 'utf8'), /^DA:5,0$/m);
});

test('--min gates CI with exit 3; coverage accumulates across runs; a changed file starts over; fsdev coverage --reset clears', () => {
  const app = makeApp(SERVER, { manifest, files: { 'test/h.test.js': TESTS } });
  const gate = fsdev('test', app, '--min', '90', '--no-payloads');
  assert.equal(gate.code, 3, gate.out + gate.err);
  assert.match(gate.out, /Coverage is under --min 90 % \(branches 87\.50 %\)/);
  assert.equal(fsdev('test', app, '--min', '80', '--no-payloads').code, 0);
  // A second run adds its counts to the first's (as fdk accumulates).
  const fc = () => Object.values(JSON.parse(readFileSync(path.join(app, 'coverage/coverage-final.json'), 'utf8')))[0];
  assert.deepEqual(Object.values(fc().f), [4]);
  // An early-return-only test after server.js changed: the old counts are dropped, not merged onto new offsets.
  writeFileSync(path.join(app, 'server/server.js'), `// changed\n${SERVER}`);
  writeFileSync(path.join(app, 'test/h.test.js'), "describe('h', function () { it('none', function () { return this.invoke('onDealCreate', {}); }); });");
  assert.equal(fsdev('test', app, '--coverage', '--no-payloads').code, 0);
  assert.deepEqual(Object.values(fc().f), [1]);
  assert.deepEqual(Object.values(fc().b)[0], [1, 0]);
  const reset = fsdev('coverage', '--reset', app);
  assert.equal(reset.code, 0);
  assert.ok(!existsSync(path.join(app, 'coverage')));
  assert.match(fsdev('coverage', '--reset', app).out, /No coverage to clear/);
});

test('a simulation with coverage on reports the block coverage of server.js (what the editor adds to coverage/)', async () => {
  const { newRunner } = await import('./helpers.mjs');
  const { loadTs } = await import('../helpers/loadCore.mjs');
  const { convert } = await loadTs('server/src/testing/coverageReport.ts');
  const app = makeApp(SERVER, { manifest, files: { 'server/test_data/onDealCreate.json': { data: { vip: true, amount: 5 } } } });
  const runner = await newRunner({ recordHistory: false, warm: false });
  try {
    let scripts;
    const r = await runner.run({ appDir: app, event: 'onDealCreate', coverage: true }, undefined, { onCoverage: (s) => { scripts = s; } });
    assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
    assert.equal(r.value, 'vip.');
    assert.deepEqual(scripts.map((s) => s.url), [path.join(app, 'server/server.js')]);
    const fc = Object.values(convert(scripts, app))[0];
    assert.deepEqual(Object.values(fc.b), [[0, 1], [1, 0], [0, 1], [1, 0]]);
    // Without the setting, nothing is recorded.
    let again;
    await runner.run({ appDir: app, event: 'onDealCreate' }, undefined, { onCoverage: (s) => { again = s; } });
    assert.equal(again, undefined);
  } finally {
    runner.dispose();
  }
});

test('the example app\'s tests pass and reach the Marketplace\'s 80 % on every metric (fsdev test --min 80)', () => {
  const app = mkdtempSync(path.join(tmpdir(), 'fsdev-crm-app-'));
  cpSync(path.join(repoRoot, 'examples/crm-app'), app, { recursive: true, filter: (src) => !/[\\/](coverage|\.fsdev)$/.test(src) });
  const r = fsdev('test', app, '--min', '80');
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /11 passing/);
  const total = JSON.parse(readFileSync(path.join(app, 'coverage/coverage-summary.json'), 'utf8')).total;
  for (const m of ['statements', 'branches', 'functions', 'lines']) assert.ok(total[m].pct >= 80, `${m}: ${total[m].pct}`);
});
