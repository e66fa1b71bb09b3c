// Hostile handlers: every run ends with a clear status, the test process (the parent) stays alive, and the
// next run works. Small time limits keep the suite fast.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeApp, newRunner } from './helpers.mjs';

let runner;
before(async () => { runner = await newRunner({ recordHistory: false }); });
after(() => runner.dispose());

const run = (appDir, extra = {}) => runner.run({ appDir, event: 'onContactCreate', ...extra });
const userLogs = (r) => r.logs.filter((l) => l.level !== 'system').map((l) => l.message);
const app = (body) => makeApp(`exports = {\n  h: ${body}\n};\n`);

/** After a hostile run, a plain run in a new child still succeeds. */
async function nextRunWorks() {
  const r = await run(app('function () { return "still alive"; }'));
  assert.equal(r.status, 'success');
  assert.equal(r.value, 'still alive');
}

test('infinite synchronous loop: timeout at the limit', async () => {
  const t = Date.now();
  const r = await run(app('function () { while (true) {} }'), { timeoutMs: 1500 });
  assert.equal(r.status, 'timeout');
  assert.match(r.error.message, /did not finish within 1\.5 s/);
  assert.ok(Date.now() - t < 4000, 'killed close to the limit');
  assert.ok(r.durationMs >= 1400);
  await nextRunWorks();
});

test('infinite asynchronous loop: timeout', async () => {
  const r = await run(app('async function () { for (;;) { await null; } }'), { timeoutMs: 1500 });
  assert.equal(r.status, 'timeout');
  await nextRunWorks();
});

test('never-settling promise from a product handler: timeout (the result is awaited)', async () => {
  const r = await run(app('function () { console.log("waiting"); return new Promise(function () {}); }'), { timeoutMs: 1500 });
  assert.equal(r.status, 'timeout');
  assert.deepEqual(userLogs(r), ['waiting']);
});

test('app set-up handler that never calls renderData: timeout mentioning renderData', async () => {
  const dir = makeApp('exports = { install: function () { console.info("installing"); } };\n', { events: { onAppInstall: 'install' } });
  const r = await runner.run({ appDir: dir, event: 'onAppInstall', timeoutMs: 1500 });
  assert.equal(r.status, 'timeout');
  assert.match(r.error.message, /renderData/);
  assert.equal(r.logs.at(-1).message, 'installing');
});

test('throw: failed, with the position in server.js', async () => {
  const dir = makeApp([
    'exports = {',
    '  h: function (args) {',
    '    var id = args.data.contact.id;',
    '    if (id) throw new Error("bad contact " + id);',
    '  }',
    '};',
    '',
  ].join('\n'), { files: { 'server/test_data/onContactCreate.json': { data: { contact: { id: 7 } } } } });
  const r = await run(dir);
  assert.equal(r.status, 'failed');
  assert.equal(r.error.message, 'bad contact 7');
  assert.equal(r.error.file, 'server/server.js');
  assert.equal(r.error.line, 4);
  assert.equal(r.error.column, 19);
  assert.equal(r.error.frames[0].functionName, 'Object.h');
  assert.doesNotMatch(r.error.stack, /runner\.js|node:internal/);
});

test('unhandled rejection: failed', async () => {
  const r = await run(app('function () { Promise.reject(new Error("nobody catches me")); return 1; }'));
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /^Unhandled promise rejection: nobody catches me/);
  assert.equal(r.error.line, 2);
});

test('throw in a timer callback: failed (uncaught exception)', async () => {
  const r = await run(app('function () { setTimeout(function () { throw new TypeError("late"); }, 5); }'));
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /Uncaught exception: TypeError: late/);
});

test('process.exit(0): crashed with a message naming process.exit', async () => {
  const r = await run(app('function () { console.log("bye"); process.exit(0); }'));
  assert.equal(r.status, 'crashed');
  assert.match(r.error.message, /called process\.exit\(0\)/);
  assert.match(r.error.message, /exited with code 0/);
  assert.deepEqual(userLogs(r), ['bye']);
  await nextRunWorks();
});

test('100 MB of console output: bounded, fast, crashed with "output limit exceeded"', async () => {
  const t = Date.now();
  const r = await run(app('function () { var line = new Array(101).join("x"); for (var i = 0; i < 1e6; i++) console.log(line); }'));
  assert.equal(r.status, 'crashed');
  assert.match(r.error.message, /Output limit exceeded/);
  assert.equal(r.truncatedLogs, true);
  assert.ok(r.logs.length <= 10000);
  assert.ok(JSON.stringify(r.logs).length < 3 * 1024 * 1024);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
  await nextRunWorks();
});

test('memory blow-up: crashed, out of memory', async () => {
  const small = await newRunner({ recordHistory: false, warm: false, maxOldSpaceMb: 64 });
  try {
    const r = await small.run({ appDir: app('function () { var a = []; for (;;) a.push(new Array(1e5).fill(1.5)); }'), event: 'onContactCreate' });
    assert.equal(r.status, 'crashed');
    assert.match(r.error.message, /out of memory/);
  } finally {
    small.dispose();
  }
  await nextRunWorks();
});

test('spawning child processes: require is refused with a clear message', async () => {
  const r = await run(app('function () { return require("child_process").execSync("echo hi").toString(); }'));
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /require\('child_process'\) is not allowed/);
  assert.match(r.error.message, /Freshworks platform/);
  for (const mod of ['fs', 'node:fs', 'vm', 'worker_threads', 'cluster', 'fs/promises']) {
    const r2 = await run(app(`function () { require(${JSON.stringify(mod)}); }`));
    assert.equal(r2.status, 'failed', mod);
    assert.match(r2.error.message, /is not allowed/, mod);
  }
  const esc = await run(app('function () { require("../../etc/passwd"); }'));
  assert.match(esc.error.message, /outside the app's server\/ folder/);
  const ok = await run(app('function () { return require("crypto").createHash("sha1").update("x").digest("hex").length; }'));
  assert.equal(ok.value, 40);
});

test('polluting global prototypes does not leak into the next run', async () => {
  const polluter = await run(app('function () { Object.prototype.polluted = 1; Array.prototype.map = null; JSON.parse = null; globalThis.leak = 2; return ({}).polluted; }'));
  assert.equal(polluter.value, 1);
  const checker = await run(app('function () { return [({}).polluted === undefined, typeof [].map, typeof JSON.parse, typeof leak]; }'));
  assert.deepEqual(checker.value, [true, 'function', 'function', 'undefined']);
});

test('handler that is not a function: not-runnable', async () => {
  const r = await run(makeApp('exports = { h: 42 };\n'));
  assert.equal(r.status, 'not-runnable');
  assert.equal(r.notRunnableReason, "onContactCreate is registered with handler 'h', but server/server.js exports it as number, not a function.");
});

test('handler missing from exports: not-runnable with the reason', async () => {
  const r = await run(makeApp('exports = { other: function () {} };\n', { events: { onDealCreate: 'onDealCreateHandler' } }), { event: 'onDealCreate' });
  assert.equal(r.status, 'not-runnable');
  assert.equal(r.notRunnableReason, "onDealCreate is registered with handler 'onDealCreateHandler', which server/server.js does not export.");
});

test('server.js with a syntax error: not-runnable with file:line', async () => {
  const r = await run(makeApp('exports = {\n  h: function () {\n    return 1 +;\n  }\n};\n'));
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /^server\/server\.js has a syntax error at server\/server\.js:3:\d+: Unexpected token/);
  assert.equal(r.error.line, 3);
});

test('missing server.js, unregistered event, registration without handler: not-runnable', async () => {
  const noScript = await run(makeApp(undefined));
  assert.equal(noScript.status, 'not-runnable');
  assert.equal(noScript.notRunnableReason, 'server/server.js does not exist.');
  const unregistered = await run(makeApp('exports = { h: function () {} };\n'), { event: 'onDealUpdate' });
  assert.equal(unregistered.status, 'not-runnable');
  assert.match(unregistered.notRunnableReason, /onDealUpdate is not registered in manifest\.json/);
  const typo = await run(makeApp('exports = { h: function () {} };\n', { manifest: {
    'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { hanlder: 'h' } } } },
  } }));
  assert.equal(typo.status, 'not-runnable');
  assert.match(typo.notRunnableReason, /without a "handler" \(the entry has "hanlder"\)/);
  const notApp = await runner.run({ appDir: '/nonexistent/app', event: 'onContactCreate' });
  assert.equal(notApp.status, 'not-runnable');
});

test('top-level throw while loading server.js: failed, positioned', async () => {
  const r = await run(makeApp('var x = undefinedThing.y;\nexports = { h: function () {} };\n'));
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /threw while loading: ReferenceError: undefinedThing is not defined/);
  assert.equal(r.error.line, 1);
});

test('a bad node executable: crashed, not a hang, and the message names the path (not "write EPIPE")', async () => {
  const r = await run(app('function () {}'), { nodePath: '/nonexistent/node' });
  assert.equal(r.status, 'crashed');
  assert.match(r.error.message, /\/nonexistent\/node does not exist/);
  assert.doesNotMatch(r.error.message, /EPIPE/);
});
