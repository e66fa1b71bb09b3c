// Links and odd files in the app folder (issue 19, items 1, 12, 18): Node's permission model follows links, so a
// link committed in the app that leads out of it would let the confined child read any file; a .fsdev/ or
// coverage/ that links out would make runs write outside the app; a FIFO at manifest.json or server.js would
// hang the tools, and a manifest.json folder read as "no manifest.json". Every case builds its app in a temp
// folder (with a bait home beside it) and removes it afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { bundle, makeApp, newRunner } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';
import { loadTs } from '../helpers/loadCore.mjs';

// The CLI, the runner child and the test child built from the current sources, side by side as in server/dist.
const cli = bundle('server/src/cli.ts', 'cli');
bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
bundle('server/src/simulate/child.ts', 'runner');

const home = baitHome();
const cleanup = [home.dir];
const track = (dir) => { cleanup.push(dir); return dir; };
const outsideDir = () => track(mkdtempSync(path.join(tmpdir(), 'fsdev-outside-')));
const app = (...args) => track(makeApp(...args));

let runner;
before(async () => { runner = await newRunner(); });
after(() => {
  runner.dispose();
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** `fsdev <args>` with the bait home as HOME; `timeout` ends a hung CLI (status null). */
function fsdev(args, timeout = 60000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout, env: { ...process.env, ...home.env } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

const mkfifo = (file) => {
  mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync('mkfifo', [file]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
};
const fifoSkip = process.platform === 'win32' ? 'no FIFOs on Windows' : false;

/** A handler that gets the real `fs` and reads the bait home's key and /etc/passwd through `<app>/server/lib/up`. */
function linkThief(dir) {
  writeFileSync(path.join(dir, 'server/server.js'), `exports = { h: function () {
  var P = Buffer.constructor('return process')();
  var fs = P.getBuiltinModule ? P.getBuiltinModule('fs') : P.mainModule.require('fs');
  var up = ${JSON.stringify(path.join(dir, 'server/lib/up'))};
  var key = fs.readFileSync(up + ${JSON.stringify(home.dir)} + '/.ssh/id_rsa', 'utf8');
  console.log('stolen: ' + key);
  return { key: key, passwd: fs.readFileSync(up + '/etc/passwd', 'utf8').slice(0, 64) };
} };
`);
}

test('a handler reading the bait home\'s id_rsa through a committed link gets a refused run naming the link', async () => {
  const dir = app('');
  mkdirSync(path.join(dir, 'server/lib'), { recursive: true });
  symlinkSync('../../../../../../../../../..', path.join(dir, 'server/lib/up'));
  linkThief(dir);
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  await runner.idle();
  assert.equal(r.status, 'not-runnable', JSON.stringify(r).slice(0, 400));
  assert.match(r.notRunnableReason, /^server\/lib\/up is a link to \/, outside the app: the handler could read any file through it/);
  // Never in the result, its logs or the history the run left.
  assert.ok(!JSON.stringify(r).includes(home.secret));
  const history = readFileSync(path.join(dir, '.fsdev/history.json'), 'utf8');
  assert.match(history, /server\/lib\/up is a link/);
  assert.ok(!history.includes(home.secret));
  assert.ok(home.intact());
});

test('the CLI refuses it too, and `fsdev test` (whose child is unconfined) refuses the app before running any test', () => {
  const dir = app('exports = { h: function () { return {}; } };\n');
  mkdirSync(path.join(dir, 'server/lib'), { recursive: true });
  mkdirSync(path.join(dir, 'test'));
  symlinkSync('../../../../../../../../../..', path.join(dir, 'server/lib/up'));
  writeFileSync(path.join(dir, 'test/steal.test.js'), `const fs = require('fs');
it('steals', () => { console.log('stolen: ' + fs.readFileSync(${JSON.stringify(path.join(dir, 'server/lib/up', home.dir, '.ssh/id_rsa'))}, 'utf8')); });
`);
  const sim = fsdev(['simulate', 'onContactCreate', dir]);
  assert.equal(sim.code, 1, sim.out + sim.err);
  assert.match(sim.out + sim.err, /server\/lib\/up is a link to \/, outside the app/);
  const t = fsdev(['test', dir]);
  assert.equal(t.code, 2, t.out + t.err);
  assert.match(t.err, /server\/lib\/up is a link to \/, outside the app/);
  assert.ok(!(t.out + t.err + sim.out + sim.err).includes(home.secret));
});

test('links anywhere the child may read count: node_modules, dangling links; links that stay inside are fine', async () => {
  const outside = outsideDir();
  writeFileSync(path.join(outside, 'index.js'), 'module.exports = 1;\n');
  const pkg = app('exports = { h: function () { return {}; } };\n');
  mkdirSync(path.join(pkg, 'node_modules'), { recursive: true });
  symlinkSync(outside, path.join(pkg, 'node_modules/linked-pkg')); // what `npm link` makes
  const r1 = await runner.run({ appDir: pkg, event: 'onContactCreate' });
  assert.equal(r1.status, 'not-runnable');
  assert.match(r1.notRunnableReason, /^node_modules\/linked-pkg is a link to .*, outside the app.*npm link/);

  const dangling = app('exports = { h: function () { return {}; } };\n');
  symlinkSync(path.join(outside, 'not-yet'), path.join(dangling, 'server/later'));
  const r2 = await runner.run({ appDir: dangling, event: 'onContactCreate' });
  assert.equal(r2.status, 'not-runnable');
  assert.match(r2.notRunnableReason, /^server\/later is a link to .*not-yet, outside the app/);

  const ok = app('exports = { h: function () { return require("./alias/x").v; } };\n',
    { files: { 'server/real/x.js': 'exports.v = { fine: true };\n' } });
  symlinkSync('real', path.join(ok, 'server/alias'));
  symlinkSync('../manifest.json', path.join(ok, 'server/manifest-copy.json'));
  const r3 = await runner.run({ appDir: ok, event: 'onContactCreate' });
  assert.equal(r3.status, 'success', JSON.stringify(r3.error ?? r3.notRunnableReason));
  assert.deepEqual(r3.value, { fine: true });
});

test('a .fsdev/ that links outside: a run with $db.set fails clearly and the outside folder stays empty', async () => {
  const outside = outsideDir();
  const dir = app('exports = { h: function () { return $db.set("k", { v: 1 }); } };\n');
  symlinkSync(outside, path.join(dir, '.fsdev'));
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  await runner.idle();
  assert.notEqual(r.status, 'success');
  assert.match(r.notRunnableReason ?? r.error?.message, /^\.fsdev is a link to .*, outside the app/);
  assert.deepEqual(readdirSync(outside), []); // no db.json, no lock, no history.json
});

test('fsdev simulate --fresh through a .fsdev/ that links outside refuses, leaving the store there as it was', () => {
  const outside = outsideDir();
  const store = JSON.stringify({ version: 1, db: { mine: { value: 'keep me' } }, schedules: {} });
  writeFileSync(path.join(outside, 'db.json'), store);
  const dir = app('exports = { h: function () { return {}; } };\n');
  symlinkSync(outside, path.join(dir, '.fsdev'));
  const r = fsdev(['simulate', 'onContactCreate', dir, '--fresh']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /--fresh: \.fsdev is a link to .*, outside the app: fsdev writes only inside the app folder/);
  assert.equal(readFileSync(path.join(outside, 'db.json'), 'utf8'), store);
  assert.deepEqual(readdirSync(outside), ['db.json']);
});

test('fsdev test --coverage with a coverage/ that links outside refuses, and the outside folder stays empty', () => {
  const outside = outsideDir();
  const dir = app('exports = { h: function () { return {}; } };\n', { files: { 'test/ok.test.js': "it('passes', () => {});\n" } });
  symlinkSync(outside, path.join(dir, 'coverage'));
  const r = fsdev(['test', dir, '--coverage']);
  assert.notEqual(r.code, 0, r.out + r.err);
  assert.match(r.out + r.err, /coverage is a link to .*, outside the app/);
  assert.deepEqual(readdirSync(outside), []);
});

test('fsdev coverage --reset through a coverage/ that links outside refuses and leaves it', () => {
  const outside = outsideDir();
  writeFileSync(path.join(outside, 'coverage-final.json'), '{}');
  const dir = app('exports = { h: function () { return {}; } };\n');
  symlinkSync(outside, path.join(dir, 'coverage'));
  const r = fsdev(['coverage', '--reset', dir]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /^fsdev coverage: coverage is a link to .*, outside the app: fsdev writes only inside the app folder/);
  assert.deepEqual(readdirSync(outside), ['coverage-final.json']);
  assert.ok(existsSync(path.join(dir, 'coverage/coverage-final.json')));
});

test('manifest.json that is a folder: check, simulate and test say it is not a file', async () => {
  const dir = app(undefined, { manifest: {} });
  rmSync(path.join(dir, 'manifest.json'));
  mkdirSync(path.join(dir, 'manifest.json'));
  const c = fsdev(['check', dir]);
  assert.equal(c.code, 2);
  assert.match(c.err, /its manifest\.json is a folder, not a file/);
  const t = fsdev(['test', dir]);
  assert.equal(t.code, 2);
  assert.match(t.err, /its manifest\.json is a folder, not a file/);
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /its manifest\.json is a folder, not a file/);
});

test('a FIFO at manifest.json: fsdev check, simulate and test answer at once', { skip: fifoSkip }, () => {
  const dir = app('exports = { h: function () { return {}; } };\n', { files: { 'test/ok.test.js': "it('passes', () => {});\n" } });
  rmSync(path.join(dir, 'manifest.json'));
  mkfifo(path.join(dir, 'manifest.json'));
  for (const args of [['check', dir], ['simulate', 'onContactCreate', dir], ['test', dir]]) {
    const t = Date.now();
    const r = fsdev(args, 20000);
    assert.equal(r.signal, null, `fsdev ${args[0]} hung on the FIFO`);
    assert.match(r.err + r.out, /manifest\.json is a FIFO \(named pipe\), not a file/, args[0]);
    assert.ok(Date.now() - t < 15000);
  }
});

test('a FIFO at server/server.js or at a payload: check reports it on the file, simulate and fsdev test refuse, none hangs', { skip: fifoSkip }, () => {
  const dir = app(undefined);
  mkfifo(path.join(dir, 'server/server.js'));
  const c = fsdev(['check', dir, '--format', 'json'], 20000);
  assert.equal(c.signal, null, 'fsdev check hung on the FIFO');
  assert.equal(c.code, 1, c.err);
  const row = JSON.parse(c.out).find((x) => x.code === 'file-unreadable');
  assert.equal(row.file, 'server/server.js');
  assert.match(row.message, /server\/server\.js is a FIFO \(named pipe\), not a file: only regular files are read/);
  const s = fsdev(['simulate', 'onContactCreate', dir], 20000);
  assert.equal(s.signal, null, 'fsdev simulate hung on the FIFO');
  assert.match(s.out + s.err, /server\/server\.js is a FIFO \(named pipe\), not a file/);
  mkdirSync(path.join(dir, 'test'));
  writeFileSync(path.join(dir, 'test/a.test.js'), "it('runs', async function () { await this.invoke('onContactCreate', {}); });\n");
  const t = fsdev(['test', dir], 30000);
  assert.equal(t.signal, null, 'fsdev test hung on the FIFO');
  assert.equal(t.code, 2, t.out + t.err);
  assert.match(t.err, /server\/server\.js is a FIFO \(named pipe\), not a file/);

  const payload = app('exports = { h: function () { return {}; } };\n');
  mkfifo(path.join(payload, 'server/test_data/onContactCreate.json'));
  const p = fsdev(['simulate', 'onContactCreate', payload], 20000);
  assert.equal(p.signal, null, 'fsdev simulate hung on the payload FIFO');
  assert.match(p.out + p.err, /server\/test_data\/onContactCreate\.json is a FIFO \(named pipe\), not a file/);
  const pc = fsdev(['check', payload], 20000);
  assert.equal(pc.signal, null, 'fsdev check hung on the payload FIFO');
  assert.match(pc.out, /onContactCreate\.json:1:1 error file-unreadable .*is a FIFO/);
  assert.ok(existsSync(path.join(payload, 'manifest.json')));
});

test('a .fsdev/ turned into a link outside during a run: the handler\'s $db.set fails naming it, nothing is written there', async () => {
  const outside = outsideDir();
  const dir = app('');
  const go = path.join(dir, 'server/go');
  // The handler waits for the test's signal (a file it may read), then writes to $db.
  writeFileSync(path.join(dir, 'server/server.js'), `exports = { h: function () {
  var fs = Buffer.constructor('return process')().getBuiltinModule('fs');
  return new Promise(function (resolve, reject) {
    var t = setInterval(function () { if (fs.existsSync(${JSON.stringify(go)})) { clearInterval(t); $db.set('k', { v: 1 }).then(resolve, reject); } }, 10);
  });
} };
`);
  let swapped = false;
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' }, () => {
    // The run's first log line: planning (and its walk for links) is over, the handler is about to run.
    if (swapped) return;
    swapped = true;
    symlinkSync(outside, path.join(dir, '.fsdev'));
    writeFileSync(go, '');
  });
  await runner.idle();
  assert.ok(swapped);
  assert.equal(r.status, 'failed', JSON.stringify(r).slice(0, 400));
  assert.match(r.error.message, /\.fsdev is a link to .*, outside the app: fsdev writes only inside the app folder/);
  assert.match(r.logs.at(-1).message, /^This run was not recorded in \.fsdev\/history\.json: \.fsdev is a link/);
  assert.deepEqual(readdirSync(outside), []);
});

test('coverage reports (fsdev test, editor runs with coverage on) are not written through a coverage/ that links outside', async () => {
  const { writeCoverage } = await loadTs('server/src/testing/coverageReport.ts');
  const outside = outsideDir();
  const dir = app('exports = { h: function () { return {}; } };\n');
  symlinkSync(outside, path.join(dir, 'coverage'));
  await assert.rejects(writeCoverage(dir, []), /^Error: coverage is a link to .*, outside the app: fsdev writes only inside the app folder/);
  assert.deepEqual(readdirSync(outside), []);
});
