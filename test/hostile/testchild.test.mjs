// The test child (`fsdev test`, the Testing view) under attack (issue 19, items 4, 8, 10, 13, 14, 18): tests
// that flood their output, start processes, hold the pipes, eat memory, never settle; a coverage-final.json
// that lies; a test file that does not parse; a run asked for by an untrusted workspace.
// Every app is built on the fly in a temp folder and removed; only this file's own processes are looked at.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';
import { alive, waitFor } from '../helpers/processes.mjs';
import { bundle, makeApp } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

const linux = process.platform === 'linux';
const testRunner = bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
const cli = bundle('server/src/cli.ts', 'cli');
bundle('server/src/simulate/child.ts', 'runner');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const made = [];
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const manifest = { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } },
  engines: { node: '18.20.8', fdk: '9.6.0' } };
/** An app whose test/ holds `tests` (relative path → text). */
function appWith(tests, serverJs = 'exports = { h: function () { console.log("ran"); } };\n') {
  const dir = makeApp(serverJs, { manifest, files: tests });
  made.push(dir);
  return dir;
}

function fsdev(args, o = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: o.timeout ?? 120000, env: o.env ?? process.env, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '', error: r.error };
}

function rssMb(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; }
}
// A test that writes `mb` MB to stdout in 64 KB lines, then passes.
const flood = (mb) => ({
  'test/flood.test.js': `describe('flood', function () { it('writes ${mb} MB', function () {
    this.timeout(0);
    const line = 'x'.repeat(65535) + '\\n';
    for (let i = 0; i < ${mb} * 16; i++) process.stdout.write(line);
  }); });\n`,
});

test('item 8: a stalled reader of fsdev\'s stdout pauses the test child instead of growing the CLI; the output is cut with a note', { skip: !linux && '/proc is Linux only' }, async () => {
  const app = appWith(flood(400));
  const proc = spawn(process.execPath, [cli, 'test', app, '--no-payloads'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (t) => { err += t; });
  proc.stdout.pause(); // the reader stalls
  let peak = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 12000) { peak = Math.max(peak, rssMb(proc.pid)); await sleep(100); }
  assert.equal(proc.exitCode, null, 'the CLI is still waiting for its reader');
  assert.ok(peak < 300, `the CLI grew to ${Math.round(peak)} MB while its reader stalled`);
  let bytes = 0;
  let tail = '';
  proc.stdout.on('data', (b) => { bytes += b.length; tail = (tail + b.toString('latin1')).slice(-20000); });
  proc.stdout.resume();
  const code = await new Promise((r) => proc.once('close', (c) => r(c)));
  assert.ok(bytes < 40 * 1024 * 1024, `the run printed ${bytes} bytes, not bounded`);
  assert.match(tail + err, /\(output cut at \d+ MB\)/);
  // mocha's own summary was cut: fsdev prints the counts itself.
  assert.match(tail, /1 passing, 0 failing, 0 pending \(the output was cut\)/);
  assert.equal(code, 0, `the test passed; exit ${code}: ${err}`);
  assert.doesNotMatch(err, /ENOBUFS|did not respond/);
});

test('item 8: in the language server, the test output and the handler logs it receives are bounded per run', async () => {
  const { planTests, runTests } = await loadTs('server/src/testing/testRun.ts');
  const app = appWith({
    ...flood(100),
    'test/logs.test.js': `describe('logs', function () { it('logs a lot', async function () {
      this.timeout(0);
      for (let i = 0; i < 50; i++) await this.invoke('onContactCreate', {});
    }); });\n`,
  }, `exports = { h: function () { const l = 'y'.repeat(60000); for (let i = 0; i < 100; i++) console.log(l); } };\n`);
  const planned = await planTests(app, { reporter: 'none', payloads: 'none' });
  let outBytes = 0;
  let text = '';
  let logBytes = 0;
  const notes = [];
  const take = (t) => {
    outBytes += t.length;
    text = (text + t).slice(-4000);
    notes.push(...(t.match(/\((output|handler logs) cut at \d+ MB\)/g) ?? []));
  };
  const run = runTests(planned.plan, {
    script: testRunner,
    output: { stdout: take, stderr: take },
    onMessage: (m) => {
      if (m.type === 'log') logBytes += m.entry.message.length;
      if (m.type === 'end') logBytes += m.result.logs.reduce((n, l) => n + l.message.length, 0);
    },
  });
  const result = await run.result;
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.passed, 2);
  assert.ok(outBytes < 20 * 1024 * 1024, `${outBytes} bytes of output reached the server's client`);
  assert.ok(logBytes < 40 * 1024 * 1024, `${logBytes} bytes of log messages reached the server's client`);
  assert.deepEqual(notes.sort(), ['(handler logs cut at 8 MB)', '(output cut at 8 MB)']);
});

test('a test child that lies about its listed tests: begin and end naming a test it did not list, an oversized listing, are dropped', async () => {
  const { planTests, runTests } = await loadTs('server/src/testing/testRun.ts');
  const app = appWith({ 'test/a.test.js': "describe('a', function () { it('b', function () {}); });\n" });
  const planned = await planTests(app, { reporter: 'none', payloads: 'none' });
  const info = (i) => ({ id: `t${i}`, title: `test ${i}`, path: ['forged'] });
  const lines = [
    { type: 'tests', tests: [info(0), info(1)] },
    { type: 'begin', test: 0 },
    { type: 'end', result: { n: 0, outcome: 'passed', durationMs: 1, logs: [] } },
    { type: 'begin', test: 7 }, // never listed
    { type: 'end', result: { n: -1, outcome: 'passed', durationMs: 1, logs: [] } },
    { type: 'end', result: { n: 1.5, outcome: 'passed', durationMs: 1, logs: [] } },
    { type: 'tests', tests: Array.from({ length: 100001 }, (_, i) => info(i)) }, // over the bound: refused whole
    { type: 'end', result: { n: 2, outcome: 'passed', durationMs: 1, logs: [] } }, // would exist had it been taken
    { type: 'begin', test: 1 },
    { type: 'end', result: { n: 1, outcome: 'failed', durationMs: 2, logs: [], failure: { message: 'no' } } },
    { type: 'end', result: { ...info(9), outcome: 'skipped', durationMs: 0, logs: [] } }, // not listed: named in full
    { type: 'finished', failures: 1 },
  ];
  const forged = path.join(app, 'forged-child.js');
  writeFileSync(forged, `const fs = require('fs');\nfor (const l of ${JSON.stringify(lines.map((l) => JSON.stringify(l)))}) fs.writeSync(3, l + '\\n');\n`);
  let err = '';
  const seen = [];
  const run = runTests(planned.plan, { script: forged, output: { stdout: () => {}, stderr: (t) => { err += t; } }, onMessage: (m) => seen.push(m.type) });
  const result = await run.result;
  assert.equal(result.error, undefined, result.error);
  assert.deepEqual(result.tests.map((t) => [t.id, t.title, t.path, t.outcome]),
    [['t0', 'test 0', ['forged'], 'passed'], ['t1', 'test 1', ['forged'], 'failed'], ['t9', 'test 9', ['forged'], 'skipped']]);
  assert.equal(result.tests[1].failure.message, 'no');
  assert.match(err, /a malformed message from the test process was dropped \(begin names test 7, which was not listed\)/);
  assert.deepEqual(seen, ['tests', 'begin', 'end', 'begin', 'end', 'end', 'finished']);
});

test('item 10: the CLI says the test child runs unconfined', () => {
  const app = appWith({ 'test/a.test.js': "describe('a', function () { it('passes', function () {}); });\n" });
  const r = fsdev(['test', app, '--no-payloads']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.err, /runs unconfined/);
});

test('item 10: a process a test starts dies with the run, and a grandchild holding stdout (even one that left the group) does not keep fsdev test waiting', { skip: !linux && '/proc is Linux only' }, async () => {
  const app = appWith({
    'test/spawn.test.js': `const { spawn } = require('child_process'); const fs = require('fs'); const path = require('path');
describe('spawn', function () { it('starts a process that holds stdout', function () {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const q = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  // This one leaves the process group (not tracked: the README says so) and holds stdout and stderr too.
  const r = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  fs.writeFileSync(path.join(__dirname, '..', 'pids'), p.pid + ' ' + q.pid + ' ' + r.pid);
}); });\n`,
  });
  const t0 = Date.now();
  const r = fsdev(['test', app, '--no-payloads'], { timeout: 30000 });
  const took = Date.now() - t0;
  const [p, q, escaped] = readFileSync(path.join(app, 'pids'), 'utf8').split(' ').map(Number);
  const pids = [p, q];
  try {
    assert.equal(r.error, undefined, `fsdev test did not end: ${r.error?.message}`);
    assert.equal(r.code, 0, r.out + r.err);
    assert.ok(took < 20000, `fsdev test took ${took} ms`);
    // SIGKILL is delivered asynchronously: a moment, not the 30 s the process would otherwise live on.
    for (const pid of pids) await waitFor(`process ${pid} a test started to die with the run`, () => !alive(pid), 3000);
  } finally {
    for (const pid of [...pids, escaped]) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
});

test('item 10: fsdev test SIGKILLed mid-run: the processes its tests started die too (the watchdog)', { skip: !linux && '/proc is Linux only' }, async () => {
  const app = appWith({
    'test/spawn.test.js': `const { spawn } = require('child_process'); const fs = require('fs'); const path = require('path');
describe('spawn', function () { it('starts a process, then waits', function (done) {
  this.timeout(0);
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(__dirname, '..', 'pids'), String(p.pid));
}); });\n`,
  });
  const proc = spawn(process.execPath, [cli, 'test', app, '--no-payloads'], { stdio: 'ignore' });
  const file = path.join(app, 'pids');
  const pid = Number(await waitFor('the test to start its process', () => existsSync(file) && readFileSync(file, 'utf8'), 60000));
  try {
    proc.kill('SIGKILL');
    await waitFor(`process ${pid} to die with fsdev test`, () => !alive(pid), 10000);
  } finally {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

test('item 10: a test holding 1.5 GB of Buffers is stopped at the memory limit, with a clear message', { skip: !linux && '/proc is Linux only' }, () => {
  const app = appWith({
    // It yields between allocations, so its heartbeat goes on however loaded the machine: only memory stops it.
    'test/mem.test.js': `describe('mem', function () { it('hoards', async function () {
  this.timeout(0);
  const keep = [];
  for (let i = 0; i < 15; i++) { keep.push(Buffer.alloc(100 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 20)); }
  globalThis.keep = keep;
}); });\n`,
  });
  const r = fsdev(['test', app, '--no-payloads']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /ran out of memory \(over 1024 MB/);
  assert.match(r.out, /mem › hoards/);
});

test('item 13: a test that never settles ends at the run\'s time limit, naming the test', () => {
  const app = appWith({
    'test/never.test.js': "describe('never', function () { it('settles', function () { this.timeout(0); return new Promise(() => {}); }); });\n",
  });
  const t0 = Date.now();
  const r = fsdev(['test', app, '--no-payloads', '--run-timeout', '3000'], { timeout: 60000 });
  assert.equal(r.error, undefined, 'fsdev test hung');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /went over its time limit of 3 s while running "never › settles"/);
  assert.ok(Date.now() - t0 < 30000);
});

test('items 13, 18: --timeout and --min are validated (finite, in range, not empty): usage error, exit 2', () => {
  const app = appWith({ 'test/a.test.js': "describe('a', function () { it('passes', function () {}); });\n" });
  for (const args of [['--timeout', '1e300'], ['--timeout', ''], ['--timeout=0'], ['--timeout', '2.5'], ['--min', ''], ['--min='], ['--min', ' '],
    ['--run-timeout', 'Infinity'], ['--run-timeout', '']]) {
    const r = fsdev(['test', app, '--no-payloads', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.out}${r.err}`);
    assert.match(r.err, /usage: fsdev test/);
  }
});

const sha1 = (t) => createHash('sha1').update(t).digest('hex');
const fileCoverage = (file, text) => ({ path: file, hash: sha1(text), statementMap: { 0: { start: { line: 1, column: 0 }, end: { line: 1, column: 5 } } },
  fnMap: {}, branchMap: {}, s: { 0: 1 }, f: {}, b: {} });

test('item 14: a malformed coverage-final.json: a clear message, the tests\' verdict stands, no stack trace', () => {
  const app = appWith({ 'test/a.test.js': "describe('a', function () { it('runs h', async function () { await this.invoke('onContactCreate', {}); }); });\n" });
  mkdirSync(path.join(app, 'coverage'));
  for (const bad of ['null', '{"x": 5}', '[1, 2]', '{"/nope.js": {"path": "/nope.js", "statementMap": 3}}']) {
    writeFileSync(path.join(app, 'coverage/coverage-final.json'), bad);
    const r = fsdev(['test', app, '--no-payloads', '--coverage']);
    assert.equal(r.code, 3, `${bad}: exit ${r.code}\n${r.out}${r.err}`);
    assert.match(r.out, /1 passing/);
    assert.match(r.out + r.err, /coverage\/coverage-final\.json is not valid coverage data/);
    assert.doesNotMatch(r.out + r.err, /\n\s+at \S+ \(/, 'a stack trace');
  }
});

test('item 14: coverage reads only regular files inside the app: a FIFO, /dev/zero, a file outside the app are not read', { skip: !linux && 'mkfifo' }, () => {
  const home = baitHome();
  made.push(home.dir);
  const app = appWith({ 'test/a.test.js': "describe('a', function () { it('runs h', async function () { await this.invoke('onContactCreate', {}); }); });\n" });
  mkdirSync(path.join(app, 'coverage'));
  const fifo = path.join(app, 'server', 'fifo.js');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const secretFile = path.join(home.dir, '.ssh/id_rsa');
  const data = {
    [fifo]: fileCoverage(fifo, ''),
    '/dev/zero': fileCoverage('/dev/zero', ''),
    [secretFile]: fileCoverage(secretFile, readFileSync(secretFile, 'utf8')),
  };
  writeFileSync(path.join(app, 'coverage/coverage-final.json'), JSON.stringify(data));
  const r = fsdev(['test', app, '--no-payloads', '--coverage'], { timeout: 30000 });
  assert.equal(r.error, undefined, 'fsdev test hung reading coverage');
  assert.equal(r.code, 0, r.out + r.err);
  const written = readFileSync(path.join(app, 'coverage/coverage-final.json'), 'utf8');
  assert.ok(!written.includes(secretFile) && !written.includes('/dev/zero') && !written.includes(fifo), 'a file outside the app (or not a regular file) is in the report');
  assert.ok(written.includes(path.join(app, 'server/server.js')));
});

test('item 18: a syntax error in one test file names its file and line; the other files\' tests still load and run', () => {
  const app = appWith({
    'test/a.test.js': "describe('a', function () {\n  it('is broken', function () {\n    const = 1;\n  });\n});\n",
    'test/b.test.js': "describe('b', function () { it('runs anyway', function () {}); });\n",
  });
  const r = fsdev(['test', app, '--no-payloads']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /✔ runs anyway/);
  assert.match(r.out, /1 passing/);
  assert.match(r.out, /1 failing/);
  assert.match(r.out, /test\/a\.test\.js:3/);
  assert.match(r.out, /SyntaxError/);
});

test('item 4: the language server refuses to run tests unless the client says the workspace is trusted', async () => {
  const { registerTesting } = await loadTs('server/src/testingHost.ts');
  const { RunTestsRequest } = await loadTs('server/src/protocol.ts');
  const app = appWith({
    'test/a.test.js': "require('fs').writeFileSync(require('path').join(__dirname, '..', 'ran'), 'yes');\ndescribe('a', function () { it('passes', function () {}); });\n",
  });
  const handlers = new Map();
  const connection = {
    onRequest: (type, h) => handlers.set(type.method, h), onNotification: () => undefined,
    sendNotification: async () => undefined, console: { error: () => undefined },
  };
  // Its handlers are registered through the server's guard (initialized: the refusal is the handler's own).
  const { createGuard } = await loadTs('server/src/features/context.ts');
  const host = registerTesting({ connection, guard: createGuard(connection, () => true) }, () => ({ app: () => ({}), text: () => undefined }));
  try {
    const run = handlers.get(RunTestsRequest.method);
    for (const trusted of [undefined, false, 'yes']) {
      const r = await run({ runId: `r-${String(trusted)}`, appDir: app, payloadEvents: [], ...(trusted === undefined ? {} : { trusted }) });
      assert.match(r.error ?? '', /trusted workspace/, JSON.stringify(r));
      assert.equal(r.passed, 0);
    }
    await sleep(500);
    assert.ok(!existsSync(path.join(app, 'ran')), 'a test file ran for an untrusted workspace');
  } finally {
    host.dispose();
  }
});
