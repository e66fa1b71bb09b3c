// `fsdev test`: the app's mocha tests run as fdk test runs them, with this.invoke / this.stub acting on the
// handlers in the simulator's sandbox; fixtures written after real apps' test styles; hostile test files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bundle, makeApp, repoRoot } from './helpers.mjs';

// The CLI and the test child built from the current sources, side by side as in server/dist.
const testRunner = bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
const cli = bundle('server/src/cli.ts', 'cli');
bundle('server/src/simulate/child.ts', 'runner');
assert.equal(path.dirname(cli), path.dirname(testRunner));

function copyApp(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `fsdev-${name}-`));
  cpSync(path.join(repoRoot, 'test/fixtures/apps', name), dir, { recursive: true });
  return dir;
}

function fsdev(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const hostileManifest = { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } },
  engines: { node: '18.20.8', fdk: '9.6.0' } };

test('real-app styles pass: async/await, returned promises, chai-as-promised, stubs reset in afterEach, server methods, payload tests', () => {
  const app = copyApp('tested-app');
  const r = fsdev('test', app);
  assert.equal(r.code, 0, r.out + r.err);
  // The spec reporter, as fdk test prints it, with the handler's logs under the test that made them.
  assert.match(r.out, /onContactCreate\n\s+task created\n\s+✔ creates a task and remembers it/);
  assert.match(r.out, /✔ rejects with the error given to renderData/);
  assert.match(r.out, /✔ onContactCreate runs with server\/test_data\/onContactCreate.json/);
  assert.match(r.out, /9 passing/);
});

test('a failing assertion fails the run (exit 1) with mocha\'s message and the test file\'s line', () => {
  const app = makeApp('exports = { h: function (args) { return $db.set("k", { n: args.data.n }); } };', {
    manifest: hostileManifest,
    files: {
      'test/a.test.js': [
        "const assert = require('assert');",
        "describe('h', function () {",
        "  it('stores n', async function () {",
        "    const set = this.stub('$db', 'set').resolves({ Created: true });",
        "    await this.invoke('onContactCreate', { data: { n: 2 } });",
        "    assert.deepStrictEqual(set.firstCall.args, ['k', { n: 3 }]);",
        '  });',
        '});',
      ].join('\n'),
    },
  });
  const r = fsdev('test', app, '--no-payloads');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /1 failing/);
  assert.match(r.out, /Expected values to be strictly deep-equal/);
  assert.match(r.out, /test\/a\.test\.js:6:12/);
});

test('stubs act on what the handler calls: rejects, callsFake, generateTargetUrl, restore between files', () => {
  const app = makeApp([
    'exports = {',
    '  h: async function (args) {',
    '    var url = await generateTargetUrl();',
    '    try { await $request.invokeTemplate("t", { body: url }); } catch (e) { await $db.set("failed", { status: e.status }); }',
    '  }',
    '};',
  ].join('\n'), {
    manifest: hostileManifest,
    files: {
      'test/1.test.js': [
        "const assert = require('assert');",
        "describe('one', function () {",
        "  it('sees stubbed platform calls', async function () {",
        "    this.stub('generateTargetUrl').resolves('https://x/hook');",
        "    const req = this.stub('$request', 'invokeTemplate').rejects({ status: 429 });",
        "    const set = this.stub('$db', 'set').callsFake(() => Promise.resolve({ Created: true }));",
        "    await this.invoke('onContactCreate', {});",
        "    assert.deepStrictEqual(req.firstCall.args, ['t', { body: 'https://x/hook' }]);",
        "    assert.ok(set.calledOnceWith('failed', { status: 429 }));",
        '  });',
        '});',
      ].join('\n'),
      'test/2.test.js': [
        "const assert = require('assert');",
        "describe('two', function () {",
        "  it('starts with the real APIs again', async function () {",
        "    assert.equal(typeof $db, 'undefined');", // platform globals live in the sandbox, not in the tests
        "    await this.invoke('onContactCreate', {});", // the real (offline) $request rejected, the real $db stored it
        "    const db = JSON.parse(require('fs').readFileSync(require('path').join(process.cwd(), '.fsdev/db.json'), 'utf8'));",
        "    assert.ok(db.db.failed, JSON.stringify(db));",
        '  });',
        "  it('refuses unknown APIs clearly', function () {",
        "    assert.throws(() => this.stub('$fs', 'read'), /api must be one of '\\$db'/);",
        '  });',
        '});',
      ].join('\n'),
    },
  });
  const r = fsdev('test', app, '--no-payloads');
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /3 passing/);
});

test('--grep, --reporter tap and --reporter junit', () => {
  const app = copyApp('tested-app');
  const tap = fsdev('test', app, '--reporter', 'tap', '--grep', 'createUser');
  assert.equal(tap.code, 0, tap.out + tap.err);
  assert.match(tap.out, /^1\.\.2$/m);
  assert.match(tap.out, /^ok 1 createUser \(server method\) answers with the data given to renderData$/m);
  const junit = fsdev('test', app, '--reporter', 'junit');
  assert.equal(junit.code, 0, junit.err);
  assert.match(junit.out, /^<testsuite name="Mocha Tests" tests="9" failures="0" errors="0" skipped="0"/m);
  assert.match(junit.out, /<testcase classname="onContactCreate" name="creates a task and remembers it"/);
});

test('without test/: fdk\'s message and exit 1; --payloads runs the payload tests alone; not an app: exit 2', () => {
  const app = makeApp('exports = { h: function () {} };', { manifest: hostileManifest, files: { 'server/test_data/onContactCreate.json': { data: {} } } });
  const r = fsdev('test', app);
  assert.equal(r.code, 1);
  assert.equal(r.err.trim(), 'Please add tests under the "test/" folder in your app\'s root.');
  const p = fsdev('test', app, '--payloads');
  assert.equal(p.code, 0, p.out + p.err);
  assert.match(p.out, /✔ onContactCreate runs with server\/test_data\/onContactCreate.json/);
  assert.equal(fsdev('test', tmpdir()).code, 2);
  assert.equal(fsdev('test', app, '--reporter', 'html').code, 2);
});

test('hostile tests: an endless loop and process.exit end with a clear failure; the CLI survives and reports', () => {
  const app = makeApp('exports = { h: function () { while (true) {} } };', {
    manifest: hostileManifest,
    files: {
      'test/a.test.js': [
        "describe('hostile', function () {",
        "  it('exits', function () { process.exit(3); });",
        "  it('still runs after the exit', function () {});",
        "  it('loops forever in the handler', async function () { await this.invoke('onContactCreate', {}); });",
        "  it('never runs', function () {});",
        '});',
      ].join('\n'),
    },
  });
  const r = fsdev('test', app, '--no-payloads');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /1\) exits/);
  assert.match(r.out, /✔ still runs after the exit/);
  assert.match(r.out, /process\.exit\(3\) was called by a test: it would end the whole test run/);
  assert.match(r.out, /The test run broke off: the test process did not respond for 10 s \(an endless synchronous loop\?\) and was stopped/);
  assert.match(r.out, /2\) hostile › loops forever in the handler \(.*a\.test\.js\):\n\s+Did not finish/);
  assert.doesNotMatch(r.out, /never runs/);
});

test('the test process is untrusted: forged and malformed messages on its pipe are dropped, the run is reported truthfully', () => {
  // A test file (or a package it requires) reaches the real fd 3 of the test child, as a hostile package would.
  const forge = (m) => `require('fs').writeSync(3, ${JSON.stringify(typeof m === 'string' ? m : JSON.stringify(m))} + '\\n');`;
  const app = makeApp('exports = { h: function () {} };', {
    manifest: hostileManifest,
    files: {
      'test/forge.test.js': [
        "const assert = require('assert');",
        "describe('forger', function () {",
        `  it('sends garbage', function () { ${forge('not json at all')} });`,
        `  it('forges a result', function () { ${forge({ type: 'end', result: { outcome: 'weird', logs: 'x' } })} });`,
        `  it('forges an unknown type', function () { ${forge({ type: 'zzz' })} });`,
        "  it('fails for real', function () { assert.equal(1, 2); });",
        '});',
      ].join('\n'),
    },
  });
  const r = fsdev('test', app, '--no-payloads', '--reporter', 'tap');
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /fsdev test: a malformed message from the test process was dropped \(not JSON: not json at all\)/);
  assert.equal(r.err.match(/malformed message/g).length, 1, 'reported once');
  assert.match(r.out, /ok 1 forger sends garbage/);
  assert.match(r.out, /not ok 4 forger fails for real/);
});

test('Debug profile: the test child waits for a debugger; breakpoints in the test file and in server.js both stop', async () => {
  const { loadTs } = await import('../helpers/loadCore.mjs');
  const { connect, targetUrl } = await import('./cdp.mjs');
  const { pathToFileURL } = await import('node:url');
  const { planTests, runTests } = await loadTs('server/src/testing/testRun.ts');
  const app = makeApp('exports = {\n  h: function (args) {\n    var x = args.data.n;\n    return x + 2;\n  }\n};\n', {
    manifest: hostileManifest,
    files: { 'test/h.test.js': "const assert = require('assert');\ndescribe('h', function () {\n  it('adds', async function () {\n    const r = await this.invoke('onContactCreate', { data: { n: 40 } });\n    assert.equal(r, 42);\n  });\n});\n" },
  });
  const planned = await planTests(app, { reporter: 'none', payloads: 'none' });
  // Closing the debugger's connection while the child runs (below, after the second stop) now and then crashes
  // Node 20's inspector under load (SIGSEGV in its I/O thread: README, issue 17 item 9); the run says so, and that
  // one outcome, Node's and not the test's, is run again once.
  for (let attempt = 1; ; attempt++) {
    const { result, stops, debugError } = await debugRun(planned, app, { connect, targetUrl, pathToFileURL, runTests });
    if (attempt < 2 && /ended by SIG\w+ while the debugger was attached/.test(result.error ?? '')) continue;
    if (debugError) throw debugError;
    assert.deepEqual([result.passed, result.failed, result.error], [1, 0, undefined]);
    assert.deepEqual(stops, ['h.test.js:4', 'server.js:4']);
    return;
  }
});

async function debugRun(planned, app, { connect, targetUrl, pathToFileURL, runTests }) {
  const stops = [];
  let debugging;
  const run = runTests(planned.plan, {
    script: testRunner, inspectPort: 0, output: { stdout: () => {}, stderr: () => {} },
    onDebugReady: (port) => { debugging = (async () => {
      const cdp = await connect(await targetUrl(port));
      await cdp.send('Debugger.enable');
      await cdp.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(path.join(app, 'test/h.test.js')).href, lineNumber: 3 });
      await cdp.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(path.join(app, 'server/server.js')).href, lineNumber: 3 });
      let paused = cdp.waitFor('Debugger.paused');
      await cdp.send('Runtime.runIfWaitingForDebugger');
      for (let i = 0; i < 3; i++) {
        const p = await paused;
        const url = cdp.scripts.get(p.callFrames[0].location.scriptId);
        if (url?.endsWith('.test.js') || url?.endsWith('server.js')) stops.push(`${path.basename(url)}:${p.callFrames[0].location.lineNumber + 1}`);
        paused = cdp.waitFor('Debugger.paused');
        await cdp.send('Debugger.resume');
        if (stops.length === 2) break;
      }
      cdp.close();
    })(); },
  });
  const result = await run.result;
  const debugError = await debugging?.then(() => undefined, (e) => e);
  return { result, stops, debugError };
}
