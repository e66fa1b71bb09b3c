// No child outlives its parent (issue 13, D2): whatever ends the parent (SIGTERM, SIGINT, SIGKILL) and whatever
// the child is doing (a `while (true)` that blocks its event loop, waiting for a debugger that never attaches).
// Only this test's own processes are looked at and killed, by pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { alive, childrenOf, waitFor } from '../helpers/processes.mjs';
import { bundle, makeApp, runnerScriptPath } from './helpers.mjs';

const linux = process.platform === 'linux';

/** CPU time used by a process, in clock ticks (user + system). */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch { return 0; }
}

/**
 * Wait until the handler's `while (true)` is running: the child burns CPU (an idle child does not). Setting
 * `stop.done` ends the wait at once (for the children that lost a race: else this file's process waited out
 * their 60 s).
 */
async function spinning(pid, stop = {}) {
  const start = cpuTicks(pid);
  await waitFor(`child ${pid} to run the handler's loop`, () => stop.done || cpuTicks(pid) - start > 50, 60000);
}

const hang = () => makeApp('exports = { h: function () { while (true) {} } };\n');

for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL']) {
  test(`fsdev simulate killed by ${signal} during a while(true) run: its handler child dies too`, { skip: !linux && '/proc is Linux only' }, async () => {
    runnerScriptPath(); // runner.js beside the CLI bundle, as in server/dist
    const cli = bundle('server/src/cli.ts', 'cli');
    const parent = spawn(process.execPath, [cli, 'simulate', 'onContactCreate', hang(), '--timeout', '600000'], { stdio: 'ignore' });
    try {
      const child = await waitFor('the handler child', () => childrenOf(parent.pid).find((c) => c.cmd.includes('runner.js')));
      await spinning(child.pid); // the run has started: the child's event loop is blocked
      assert.ok(alive(child.pid));
      parent.kill(signal);
      await waitFor(`the child ${child.pid} to end after ${signal} of its parent`, () => !alive(child.pid));
    } finally {
      try { parent.kill('SIGKILL'); } catch { /* gone */ }
    }
  });
}

test('fsdev test SIGKILLed while a test spins in while(true): the test child dies too', { skip: !linux && '/proc is Linux only' }, async () => {
  const cli = bundle('server/src/cli.ts', 'cli');
  bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
  const app = makeApp('exports = { h: function () {} };', { files: { 'test/spin.test.js': "describe('s', function () { it('spins', function () { while (true) {} }); });\n" } });
  const parent = spawn(process.execPath, [cli, 'test', app, '--no-payloads'], { stdio: 'ignore' });
  try {
    const child = await waitFor('the test child', () => childrenOf(parent.pid).find((c) => c.cmd.includes('testRunner.js')));
    await spinning(child.pid);
    parent.kill('SIGKILL');
    await waitFor(`the test child ${child.pid} to end after SIGKILL of its parent`, () => !alive(child.pid));
  } finally {
    try { parent.kill('SIGKILL'); } catch { /* gone */ }
  }
});

test('a runner host (like the language server) SIGKILLed: the running child, the warm child and a debug child waiting for a debugger all die', { skip: !linux && '/proc is Linux only' }, async () => {
  const runner = runnerScriptPath();
  const script = `import { newRunner } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
    const r = await newRunner({ runnerScript: ${JSON.stringify(runner)} });
    const app = ${JSON.stringify(hang())};
    await r.whenWarm(app);
    void r.run({ appDir: app, event: 'onContactCreate', timeoutMs: 600000 });
    void r.run({ appDir: app, event: 'onContactCreate', debug: {} }, undefined, { onDebugReady: () => console.log('debug-ready') });
    await new Promise((res) => setTimeout(res, 1000)); // the first run has taken the warm child
    await r.whenWarm(app); // a new warm child, idle
    setInterval(() => {}, 1000);`;
  const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  host.stdout.on('data', (d) => { out += d; });
  try {
    await waitFor('the debug child to wait for a debugger', () => out.includes('debug-ready'));
    // The running child, the debug child, and the idle warm child.
    const kids = await waitFor('three handler children', () => {
      const k = childrenOf(host.pid).filter((c) => c.cmd.includes('runner.js'));
      return k.length >= 3 ? k : undefined;
    });
    assert.ok(kids.some((k) => k.cmd.includes('--inspect')));
    const busy = kids.filter((k) => !k.cmd.includes('--inspect'));
    const stop = {};
    await Promise.race(busy.map((k) => spinning(k.pid, stop)));
    stop.done = true;
    host.kill('SIGKILL');
    for (const k of kids) await waitFor(`child ${k.pid} (${k.cmd.slice(0, 60)}) to end`, () => !alive(k.pid));
  } finally {
    try { host.kill('SIGKILL'); } catch { /* gone */ }
  }
});
