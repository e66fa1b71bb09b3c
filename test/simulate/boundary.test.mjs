// The run boundary (issue 13): the parent survives anything the child sends, every channel is bounded, and
// local data is never lost. Hostile code comes as a package under the app's server/node_modules that reaches
// the real `process` (through the host's Function constructor) and writes to the parent's message pipe.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeApp, newRunner } from './helpers.mjs';
import { loadTs } from '../helpers/loadCore.mjs';

let runner;
before(async () => { runner = await newRunner({ recordHistory: false }); });
after(() => runner.dispose());

const run = (appDir, extra = {}) => runner.run({ appDir, event: 'onContactCreate', ...extra });

/** A package that gets the real process and sends raw lines to the parent (fd 3; Node's IPC before issue 13). */
const EVIL = `
var P = Buffer.constructor('return process')();
var fs = P.mainModule.require('fs');
exports.P = P;
exports.raw = function (obj) {
  if (typeof P.send === 'function') { P.send(obj); return; }
  fs.writeSync(3, (typeof obj === 'string' ? obj : JSON.stringify(obj)) + '\\n');
};
exports.rawText = function (text) {
  if (typeof P.send === 'function') { P.send({ type: 'log', entry: { level: 'log', message: text, time: 0 } }); return; }
  var buf = Buffer.from(text); var off = 0;
  while (off < buf.length) { try { off += fs.writeSync(3, buf, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; } }
};
exports.appDir = __dirname + '/../../..';
`;
const evilApp = (body, files = {}, opts = {}) => makeApp(`var evil = require('evil');\nexports = {\n  h: ${body}\n};\n`,
  { ...opts, files: { 'server/node_modules/evil/index.js': EVIL, 'server/node_modules/evil/package.json': { name: 'evil', main: 'index.js' }, ...files } });

async function nextRunWorks() {
  const r = await run(makeApp('exports = { h: function () { return "still alive"; } };\n'));
  assert.equal(r.status, 'success');
  assert.equal(r.value, 'still alive');
}

test('D1: malformed and forged messages from a package are dropped; the real result stands', async () => {
  const r = await run(evilApp(`function () {
    evil.raw({ type: 'effect', kind: 'zzz', effect: {} });
    evil.raw({ type: 'done', outcome: { status: 'weird-status' } });
    evil.raw({ type: 'log', entry: { level: 'log', message: 5 } });
    evil.raw({ type: 'effect', kind: 'db', effect: { op: 'set', key: {}, ok: true } });
    evil.raw('not json at all');
    evil.raw({ type: 'store', id: 1, op: 'fs.unlink', args: ['/'] });
    return 'real';
  }`));
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.value, 'real');
  assert.ok(r.logs.some((l) => l.level === 'system' && /malformed message .* dropped/.test(l.message)), JSON.stringify(r.logs));
  assert.deepEqual(r.effects, { db: [], requests: [], schedules: [], targetUrls: [] });
  await nextRunWorks();
});

test('D1/D4: a message line over the bound (9 MB, no newline for a while) is dropped unread', async () => {
  const r = await run(evilApp(`function () {
    evil.rawText('{"type":"log","entry":{"level":"log","time":0,"message":"' + new Array(9 * 1024 * 1024).join('y') + '"}}\\n');
    return 'ok';
  }`));
  assert.equal(r.status, 'success', JSON.stringify(r.error?.message));
  assert.ok(r.logs.every((l) => l.message.length < 100 * 1024));
  assert.ok(r.logs.some((l) => /over 8 MB/.test(l.message)), JSON.stringify(r.logs.map((l) => l.message.slice(0, 100))));
});

test('D4: a 20 MB error message and stack are cut, saying so', async () => {
  const r = await run(makeApp('exports = { h: function () { throw new Error(new Array(20 * 1024 * 1024).join("e")); } };\n'));
  assert.equal(r.status, 'failed');
  assert.ok(r.error.message.length < 20 * 1024, `${r.error.message.length}`);
  assert.match(r.error.message, /cut: \d+ characters/);
  assert.ok((r.error.stack ?? '').length < 70 * 1024);
});

test('D4: 300,000 effects: at most 1000 recorded, the run says so', async () => {
  const r = await run(makeApp('exports = { h: async function () { for (var i = 0; i < 300000; i++) generateTargetUrl(); return 1; } };\n'), { timeoutMs: 60000 });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.effects.targetUrls.length, 1000);
  assert.ok(r.logs.some((l) => /More than 1000 effects/.test(l.message)));
});

test('D4: a 20 MB $db key and a 2 MB value: refused by the platform rules, nothing huge reported', async () => {
  const r = await run(makeApp(`exports = { h: async function () {
    var big = new Array(20 * 1024 * 1024).join("k");
    var a = await $db.set(big, { v: 1 }).then(function () { return 'stored'; }, function (e) { return e.status + ' ' + e.message.slice(0, 80); });
    var b = await $db.set('k', { v: new Array(2 * 1024 * 1024).join("v") }).then(function () { return 'stored'; }, function (e) { return e.status + ' ' + e.message; });
    return [a, b];
  } };\n`));
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.match(r.value[0], /^400 /);
  assert.match(r.value[1], /^400 .*40 KB/);
  assert.ok(JSON.stringify(r).length < 200 * 1024, `${JSON.stringify(r).length}`);
});

test('D5: 40 MB written to stdout without a newline is cut at the line bound, not buffered whole', async () => {
  const r = await run(evilApp(`function () {
    var chunk = new Array(1024 * 1024 + 1).join('z');
    for (var i = 0; i < 40; i++) evil.P.stdout.write(chunk);
    return 'done';
  }`));
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  const cut = r.logs.filter((l) => /\[cut: a line over 64 KB\]/.test(l.message));
  assert.equal(cut.length, 1, JSON.stringify(r.logs.map((l) => l.message.slice(-60))));
  assert.ok(JSON.stringify(r.logs).length < 200 * 1024);
});

test('D5: history entries and the history file are bounded', async () => {
  const { list } = await loadTs('server/src/simulate/history.ts');
  const rec = await newRunner({ recordHistory: true, warm: false });
  const dir = makeApp('exports = { h: function () { var l = new Array(1000).join("h"); for (var i = 0; i < 900; i++) console.log(l); return 1; } };\n');
  try {
    for (let i = 0; i < 10; i++) assert.equal((await rec.run({ appDir: dir, event: 'onContactCreate' })).status, 'success');
    await rec.idle();
  } finally { rec.dispose(); }
  const size = statSync(path.join(dir, '.fsdev/history.json')).size;
  assert.ok(size <= 4 * 1024 * 1024, `history.json is ${size} bytes`);
  const runs = await list(dir);
  assert.ok(runs.length >= 5);
  assert.ok(runs.every((x) => JSON.stringify(x).length <= 512 * 1024));
  assert.equal(runs[0].truncatedLogs, true);
});

test('D9: Buffers outside the heap count: a child over its memory bound is ended as "ran out of memory"', { skip: process.platform !== 'linux' && 'resident memory is watched on Linux only' }, async () => {
  const small = await newRunner({ recordHistory: false, warm: false, maxMemoryMb: 256 });
  try {
    // 640 MB of Buffers (the heap stays small), then a blocked loop: only the resident memory tells.
    const r = await small.run({ appDir: makeApp('exports = { h: function () { var a = []; for (var i = 0; i < 40; i++) a.push(Buffer.alloc(16 * 1024 * 1024, 1)); for (;;) {} } };\n'),
      event: 'onContactCreate', timeoutMs: 15000 });
    assert.equal(r.status, 'crashed', r.error?.message);
    assert.match(r.error.message, /ran out of memory/);
  } finally { small.dispose(); }
});

test('D10: a time limit Node cannot hold is cut with a note (not a time-out at once); the CLI refuses it', async () => {
  const r = await run(makeApp('exports = { h: function () { return 1; } };\n'), { timeoutMs: 2 ** 31 });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.ok(r.logs.some((l) => /more than Node's timers can hold/.test(l.message)));
  const { parseSimulateArgs } = await loadTs('server/src/simulate/simulateCommand.ts');
  assert.match(parseSimulateArgs(['onContactCreate', '--timeout', '2147483648']).error, /at most 2147483647 ms/);
});

test('D7: a store that does not parse is kept byte for byte; the run says which file and why', async () => {
  const dir = makeApp('exports = { h: async function () { await $db.set("k", { v: 1 }); return 1; } };\n');
  const file = path.join(dir, '.fsdev/db.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const broken = '{ "version": 1, "db": { "precious": { "value": 42 }, }, "schedules": {} }\n';
  writeFileSync(file, broken);
  const r = await run(dir);
  assert.equal(r.status, 'failed');
  assert.ok(r.error.message.includes(file), r.error.message);
  assert.match(r.error.message, /not valid JSON.*kept as it is/);
  assert.equal(readFileSync(file, 'utf8'), broken);
  assert.equal(r.effects.db[0].ok, false);
});

test('D6: 600 increments from six runs at once (three processes) end at 600; no history entry is lost', async () => {
  const dir = makeApp(`exports = { h: async function () {
    await $db.set('c', { n: 0 }, { setIf: 'not_exist' }).catch(function () {});
    for (var i = 0; i < 100; i++) await $db.update('c', 'increment', { n: 1 });
    return 1;
  } };\n`);
  // Three processes, each with two runs at once: different processes must serialize through the lock file.
  const script = `import { newRunner } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
    const r = await newRunner({ warm: false });
    const res = await Promise.all([0, 1].map(() => r.run({ appDir: ${JSON.stringify(dir)}, event: 'onContactCreate', timeoutMs: 120000 })));
    await r.idle(); r.dispose();
    console.log(JSON.stringify(res.map((x) => x.status + (x.error ? ' ' + x.error.message : ''))));`;
  const { spawn } = await import('node:child_process');
  const outs = await Promise.all([0, 1, 2].map(() => new Promise((resolve) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.on('exit', () => resolve(out.trim()));
  })));
  for (const o of outs) assert.deepEqual(JSON.parse(o), ['success', 'success']);
  const store = JSON.parse(readFileSync(path.join(dir, '.fsdev/db.json'), 'utf8'));
  assert.equal(store.db.c.value.n, 600);
  const history = JSON.parse(readFileSync(path.join(dir, '.fsdev/history.json'), 'utf8'));
  assert.equal(history.runs.length, 6);
});

test('D11: simulating in a folder that does not exist creates nothing', async () => {
  const rec = await newRunner({ recordHistory: true, warm: false });
  const missing = path.join(tmpdir(), `fsdev-missing-${process.pid}-${Date.now()}`);
  try {
    const r = await rec.run({ appDir: missing, event: 'onContactCreate' });
    await rec.idle();
    assert.equal(r.status, 'not-runnable');
    assert.equal(existsSync(missing), false);
  } finally { rec.dispose(); }
});

test('D12: a test payload linked to a file outside the app is refused, and none of its text is shown', async () => {
  const secretDir = mkdtempSync(path.join(tmpdir(), 'fsdev-secret-'));
  const secret = path.join(secretDir, 'shadow');
  writeFileSync(secret, 'root:$6$SECRETHASH:19000:0:99999:7:::\n');
  const dir = makeApp('exports = { h: function (p) { return p; } };\n');
  mkdirSync(path.join(dir, 'server/test_data'), { recursive: true });
  symlinkSync(secret, path.join(dir, 'server/test_data/onContactCreate.json'));
  const r = await run(dir);
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /outside the app/);
  assert.doesNotMatch(JSON.stringify(r), /SECRETHASH/);
});

test('D13: a handler named constructor or hasOwnProperty is not Object.prototype\'s method', async () => {
  for (const name of ['constructor', 'hasOwnProperty', 'toString']) {
    const r = await run(makeApp('exports = { other: function () {} };\n', { events: { onContactCreate: name } }));
    assert.equal(r.status, 'not-runnable', `${name}: ${r.status}`);
    assert.match(r.notRunnableReason, /does not export/);
  }
});

test('the same object referenced twice is shown twice; only a real cycle is [Circular]', async () => {
  const r = await run(makeApp('exports = { h: function () { var o = { a: 1 }; var c = { o: o }; c.self = c; return { x: o, y: o, c: c }; } };\n'));
  assert.deepEqual(r.value, { x: { a: 1 }, y: { a: 1 }, c: { o: { a: 1 }, self: '[Circular]' } });
});

test('renderData with an error over 1 MB fails with that message (cut), not "undefined"', async () => {
  const manifest = { 'platform-version': '2.3', product: { freshworks_crm: { events: { onAppInstall: { handler: 'h' } } } }, engines: { node: '18.20.8', fdk: '9.6.0' } };
  const r = await runner.run({ appDir: makeApp('exports = { h: function () { renderData({ message: "big " + new Array(2 * 1024 * 1024).join("m") }); } };\n', { manifest }), event: 'onAppInstall' });
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /^big mmm/);
  assert.ok(r.error.message.length < 20 * 1024);
});

test('permission model: a hostile package cannot read outside the app, write files, start processes or workers', { skip: Number(process.versions.node.split('.')[0]) < 20 && 'Node 20+' }, async () => {
  const secretDir = mkdtempSync(path.join(tmpdir(), 'fsdev-home-'));
  writeFileSync(path.join(secretDir, '.npmrc'), '//registry.npmjs.org/:_authToken=SECRET-TOKEN\n');
  const server = http.createServer((req, res) => res.end('pong'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const dir = evilApp(`async function () {
      var fs = evil.P.mainModule.require('fs');
      var out = {};
      var attempt = function (name, fn) { try { out[name] = 'allowed: ' + String(fn()).slice(0, 40); } catch (e) { out[name] = 'refused: ' + (e.code || e.message); } };
      attempt('readOutside', function () { return fs.readFileSync(${JSON.stringify(path.join(secretDir, '.npmrc'))}, 'utf8'); });
      attempt('readInside', function () { return fs.readFileSync(evil.appDir + '/manifest.json', 'utf8').length > 0; });
      attempt('writeInside', function () { fs.writeFileSync(evil.appDir + '/pwned.txt', 'x'); return 'written'; });
      attempt('writeTmp', function () { fs.writeFileSync(${JSON.stringify(path.join(secretDir, 'pwned.txt'))}, 'x'); return 'written'; });
      attempt('spawn', function () { return evil.P.mainModule.require('child_process').execSync('echo spawned').toString(); });
      attempt('worker', function () { var W = evil.P.mainModule.require('worker_threads').Worker; new W('1', { eval: true }).terminate(); return 'started'; });
      out.network = await new Promise(function (resolve) {
        evil.P.mainModule.require('http').get('http://127.0.0.1:${server.address().port}/', function (res) {
          var b = ''; res.on('data', function (d) { b += d; }); res.on('end', function () { resolve('allowed: ' + b); });
        }).on('error', function (e) { resolve('refused: ' + e.code); });
      });
      return out;
    }`);
    const r = await run(dir);
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    const v = r.value;
    assert.match(v.readOutside, /^refused: ERR_ACCESS_DENIED/);
    assert.match(v.writeInside, /^refused: ERR_ACCESS_DENIED/);
    assert.match(v.writeTmp, /^refused: ERR_ACCESS_DENIED/);
    assert.match(v.spawn, /^refused: ERR_ACCESS_DENIED/);
    assert.match(v.worker, /^refused: ERR_ACCESS_DENIED/);
    // What it still can do (the README's security section says so): read the app's own files, use the network.
    assert.equal(v.readInside, 'allowed: true');
    assert.equal(v.network, 'allowed: pong');
    assert.equal(existsSync(path.join(dir, 'pwned.txt')), false);
    assert.equal(existsSync(path.join(secretDir, 'pwned.txt')), false);
  } finally {
    server.close();
  }
});

test('permission model: a Node without it (Node 18, or a runtime refusing the flag) is not confined, and the run says so', async () => {
  const { confinement } = await loadTs('server/src/simulate/childProcess.ts');
  // A fake "node" that reports version 18 (confinement asks the executable for its version).
  const fake = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-node18-')), 'node');
  writeFileSync(fake, '#!/bin/sh\necho 18.20.8\n', { mode: 0o755 });
  const c = confinement({ nodePath: fake, runnerScript: '/x/runner.js', appDir: '/app' });
  assert.deepEqual(c.flags, []);
  assert.match(c.note, /Node 18 has no permission model/);
  // A real run on such a Node (a wrapper that says "18" when asked and is node otherwise): it runs, unconfined, and says so.
  const wrapper = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-node18w-')), 'node');
  writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = "-p" ]; then echo 18.20.8; exit 0; fi\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
  const res = await run(makeApp('exports = { h: function () { return 7; } };\n'), { nodePath: wrapper });
  assert.equal(res.status, 'success', JSON.stringify(res.error));
  assert.equal(res.value, 7);
  assert.ok(res.logs.some((l) => l.level === 'system' && /Node 18 has no permission model/.test(l.message)));
  // A runtime that reports Node 20 but refuses the flag (an Electron built without it): unconfined, and said.
  const refusing = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-node20-')), 'node');
  writeFileSync(refusing, '#!/bin/sh\ncase "$1" in -p) echo 20.11.0;; *) exit 9;; esac\n', { mode: 0o755 });
  const r = confinement({ nodePath: refusing, runnerScript: '/x/runner.js', appDir: '/app' });
  assert.deepEqual(r.flags, []);
  assert.match(r.note, /does not accept --experimental-permission: the handler and its packages run unconfined/);
  const now = confinement({ nodePath: process.execPath, runnerScript: '/x/runner.js', appDir: '/app' });
  assert.ok(now.flags.some((f) => /^--(experimental-)?permission$/.test(f)));
  assert.ok(now.flags.includes(`--allow-fs-read=/app${path.sep}`));
});

test('store operations run in the parent: a handler cannot pollute its Object.prototype through $db paths or keys', async () => {
  const r = await run(makeApp(`exports = { h: async function () {
    await $db.set('k', { a: 1 });
    var u = await $db.update('k', 'set', { '__proto__.polluted': 'yes' }).then(function () { return 'updated'; }, function (e) { return e.status + ' ' + e.message; });
    await $db.set('__proto__', { polluted: 'yes' });
    var back = await $db.get('__proto__');
    await $schedule.create({ name: '__proto__', schedule_at: '2030-01-01T00:00:00Z', data: { polluted: 'yes' } });
    return { u: u, back: back };
  } };\n`));
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.match(r.value.u, /^400 Invalid attribute path/);
  assert.deepEqual(r.value.back, { polluted: 'yes' });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});
