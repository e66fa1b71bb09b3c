// The runner as the server and the CLI use it: warm pool, history, debug mode, and `fsdev simulate`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { connect, targetUrl } from './cdp.mjs';
import { bundle, copyFixture, makeApp, newRunner, runnerScriptPath, simulate } from './helpers.mjs';
import { loadTs } from '../helpers/loadCore.mjs';

let runner;
before(async () => { runner = await newRunner(); });
after(() => runner.dispose());

test('history: newest first, bounded, request summary and payload kept; diffResults', async () => {
  const dir = copyFixture('crm23');
  const history = await loadTs('server/src/simulate/history.ts');
  const { diffResults } = await loadTs('server/src/shared/resultDiff.ts');
  const a = await runner.run({ appDir: dir, event: 'onContactCreate' });
  const b = await runner.run({ appDir: dir, event: 'onContactCreate', payload: { data: { contact: { id: 9, first_name: 'Bo' } } } });
  await runner.idle();
  const runs = await history.list(dir);
  assert.deepEqual(runs.map((r) => r.id), [b.id, a.id]);
  assert.equal(runs[1].payloadSource, 'test-data');
  assert.equal(runs[0].payload.data.contact.first_name, 'Bo');
  const diff = diffResults(a, b);
  assert.deepEqual(diff.map((d) => d.field), ['value', 'logs']);
  assert.deepEqual(diffResults(a, a), []);
  // Bound and truncation, through add() directly.
  const huge = { ...a, id: 'huge', payload: { blob: 'x'.repeat(300 * 1024) } };
  for (let i = 0; i < 55; i++) void history.add(dir, { ...a, id: `r${i}` });
  await history.add(dir, huge);
  const after55 = await history.list(dir);
  assert.equal(after55.length, 50);
  assert.equal(after55[0].id, 'huge');
  assert.equal(after55[0].payloadTruncated, true);
  assert.equal(typeof after55[0].payload, 'string');
  assert.equal(after55[1].id, 'r54');
});

test('warm pool: the next child is pre-started; a hung run never blocks the next one', async () => {
  const hang = makeApp('exports = { h: function () { while (true) {} } };\n');
  const quick = makeApp('exports = { h: function () { return 1; } };\n');
  const [slow, fast] = await Promise.all([
    runner.run({ appDir: hang, event: 'onContactCreate', timeoutMs: 2000 }),
    runner.run({ appDir: quick, event: 'onContactCreate' }),
  ]);
  assert.equal(slow.status, 'timeout');
  assert.equal(fast.status, 'success');
  assert.ok(fast.durationMs < slow.durationMs);
  await runner.whenWarm();
  const t = performance.now();
  const again = await runner.run({ appDir: quick, event: 'onContactCreate', runId: 'run-42' });
  assert.equal(again.status, 'success');
  assert.equal(again.id, 'run-42');
  assert.ok(performance.now() - t < 1000);
});

test('debug mode: the port is reported, the child waits, and a breakpoint in server.js binds', async () => {
  const dir = makeApp('exports = {\n  h: function (args) {\n    var x = 40;\n    return x + 2;\n  }\n};\n');
  const file = path.join(dir, 'server/server.js');
  let paused;
  let pausedUrl;
  const result = await runner.run({ appDir: dir, event: 'onContactCreate', debug: {}, timeoutMs: 20000 }, undefined, {
    async onDebugReady(port) {
      assert.ok(port > 0);
      const cdp = await connect(await targetUrl(port));
      await cdp.send('Debugger.enable');
      const bp = await cdp.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(file).href, lineNumber: 3 });
      assert.ok(bp.result.breakpointId);
      const pausedP = cdp.waitFor('Debugger.paused');
      await cdp.send('Runtime.runIfWaitingForDebugger');
      paused = await pausedP;
      pausedUrl = cdp.scripts.get(paused.callFrames[0].location.scriptId);
      await cdp.send('Debugger.resume');
      cdp.close();
    },
  });
  assert.equal(result.status, 'success', JSON.stringify(result.error));
  assert.equal(result.value, 42);
  assert.equal(result.debug, true);
  // Node reports a vm script compiled with an absolute filename under its file URL (js-debug maps it back).
  assert.equal(pausedUrl, pathToFileURL(file).href);
  assert.equal(paused.callFrames[0].location.lineNumber, 3);
});

test('fsdev simulate: human and --json output, exit codes', async () => {
  const outDir = path.dirname(runnerScriptPath());
  const cli = bundle('server/src/cli.ts', 'cli');
  assert.equal(path.dirname(cli), outDir);
  const dir = copyFixture('crm23');
  const json = spawnSync(process.execPath, [cli, 'simulate', 'onContactCreate', dir, '--json'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['durationMs', 'effects', 'logs', 'status', 'value'].sort());
  assert.equal(out.status, 'success');
  assert.equal(out.value.helper, 'Hi Ada');
  assert.deepEqual(out.logs.at(-1), { level: 'log', message: 'contact 42' });

  const failing = makeApp('exports = {\n  h: function () {\n    throw new Error("nope");\n  }\n};\n');
  const f = spawnSync(process.execPath, [cli, 'simulate', 'onContactCreate', failing, '--json'], { encoding: 'utf8' });
  assert.equal(f.status, 1);
  const fo = JSON.parse(f.stdout);
  assert.equal(fo.status, 'failed');
  assert.deepEqual({ ...fo.error, stack: undefined }, { message: 'nope', stack: undefined, file: 'server/server.js', line: 3, column: 11 });

  const human = spawnSync(process.execPath, [cli, 'simulate', 'onContactCreate', failing], { encoding: 'utf8' });
  assert.equal(human.status, 1);
  assert.match(human.stdout, /onContactCreate \(freshworks_crm\) → h: failed in \d+ ms/);
  assert.match(human.stdout, /error: nope at server\/server\.js:3:11/);

  const notRunnable = spawnSync(process.execPath, [cli, 'simulate', 'onDealCreate', failing, '--json'], { encoding: 'utf8' });
  assert.equal(notRunnable.status, 1);
  assert.equal(JSON.parse(notRunnable.stdout).status, 'not-runnable');

  const usage = spawnSync(process.execPath, [cli, 'simulate'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  const timeout = spawnSync(process.execPath, [cli, 'simulate', 'onContactCreate', makeApp('exports = { h: function () { for (;;) {} } };'), '--timeout', '800', '--json'], { encoding: 'utf8' });
  assert.equal(timeout.status, 1);
  assert.equal(JSON.parse(timeout.stdout).status, 'timeout');
});

test('parseSimulateArgs', async () => {
  const { parseSimulateArgs } = await loadTs('server/src/simulate/simulateCommand.ts');
  const p = parseSimulateArgs(['onDealCreate', 'app', '--module', 'deal', '--timeout=500', '--payload', 'p.json', '--json'], '/w');
  assert.deepEqual(p, { json: true, request: { event: 'onDealCreate', appDir: '/w/app', scope: { kind: 'module', name: 'deal' }, timeoutMs: 500, payloadFile: '/w/p.json' } });
  assert.match(parseSimulateArgs(['--bogus']).error, /unknown option/);
  assert.equal(parseSimulateArgs(['onAppInstall', '--fresh'], '/w').fresh, true);
  assert.ok(await simulate());
});

test('the warm child follows the node executable of the last run (a nodePath setting)', async () => {
  const r = await newRunner({ recordHistory: false });
  try {
    const quick = makeApp('exports = { h: function () { return process.version; } };\n');
    const first = await r.run({ appDir: quick, event: 'onContactCreate', nodePath: process.execPath });
    assert.equal(first.status, 'success');
    await r.whenWarm();
    const t = performance.now();
    const second = await r.run({ appDir: quick, event: 'onContactCreate', nodePath: process.execPath });
    assert.equal(second.value, process.version);
    assert.ok(performance.now() - t < 1000);
  } finally {
    r.dispose();
  }
});

test('planning with PlanReads (fsdev test) reads the app once; without, every plan reads afresh', async () => {
  const { planRun } = await loadTs('server/src/simulate/plan.ts');
  const { writeFileSync } = await import('node:fs');
  const dir = makeApp('exports = { h: function () {} };\n', { files: { 'config/iparams.json': { region: { default_value: 'eu' } } } });
  const reads = new Map();
  const first = await planRun({ appDir: dir, event: 'onContactCreate', payload: { data: { n: 1 } } }, undefined, reads);
  assert.equal(first.ok, true, first.reason);
  writeFileSync(path.join(dir, 'config/iparams.json'), JSON.stringify({ region: { default_value: 'us' } }));
  const again = await planRun({ appDir: dir, event: 'onContactCreate', payload: { data: { n: 2 } } }, undefined, reads);
  assert.deepEqual([first.plan.iparams, again.plan.iparams], [{ region: 'eu' }, { region: 'eu' }]);
  assert.equal(JSON.parse(again.plan.payloadJson).data.n, 2, 'the payload is the call\'s own');
  const fresh = await planRun({ appDir: dir, event: 'onContactCreate', payload: {} });
  assert.deepEqual(fresh.plan.iparams, { region: 'us' });
});
