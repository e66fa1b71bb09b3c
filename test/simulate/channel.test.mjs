// The one fd-3 channel (server/src/simulate/channel.ts) seen from the children's side: the handler child
// (runner.js) and the test child (testRunner.js) read their parent's lines with the same bound as the parents
// read theirs — a line over BOUNDS.messageBytes (8 MB) is skipped unread, never held whole, and the message after
// it is taken. Each child is started by hand here, with a pipe on fd 3, as its parent starts it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundle, makeApp, runnerScriptPath } from './helpers.mjs';

const made = [];
const procs = [];
after(() => {
  for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A child started as its parent starts it; `messages` collects what it says on fd 3, parsed. */
function start(script, cwd) {
  const proc = spawn(process.execPath, ['--max-old-space-size=512', script], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  procs.push(proc);
  const messages = [];
  let buf = '';
  proc.stdio[3].setEncoding('utf8').on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) { messages.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
  });
  proc.stdout.resume();
  proc.stderr.resume();
  return { proc, messages, write: (text) => new Promise((r) => { if (proc.stdio[3].write(text)) r(); else proc.stdio[3].once('drain', r); }) };
}

async function until(check, ms, what) {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) assert.fail(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function rssMb(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; }
}

/** 24 MB without a newline, in 1 MB writes, then the newline; the child's peak resident memory meanwhile. */
async function overlongLine(child) {
  const base = rssMb(child.proc.pid);
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, rssMb(child.proc.pid)); }, 10);
  const mb = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 24; i++) await child.write(mb);
  await child.write('\n');
  await new Promise((r) => setTimeout(r, 200));
  clearInterval(sampler);
  return { base, peak };
}

test('the test child skips a parent line over the bound and takes the run that follows', async () => {
  const dir = makeApp('exports = { h: function () { return 1; } };\n', {
    files: { 'test/a.test.js': "describe('a', function () { it('runs', function () {}); });\n" },
  });
  made.push(dir);
  const script = bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
  const child = start(script, dir);
  await overlongLine(child);
  const plan = { appDir: dir, files: [path.join(dir, 'test/a.test.js')], payloadTests: [], reporter: 'none', timeoutMs: 5000, coverage: false, offline: true };
  await child.write(`${JSON.stringify({ type: 'run', plan })}\n`);
  await until(() => child.messages.some((m) => m.type === 'finished'), 60_000, 'the test child to finish its run');
  // On the wire, a listed test's end names it by its index in the child's `tests` messages.
  const listed = child.messages.filter((m) => m.type === 'tests').flatMap((m) => m.tests);
  const ends = child.messages.filter((m) => m.type === 'end');
  assert.deepEqual(ends.map((m) => [listed[m.result.n]?.title, m.result.outcome]), [['runs', 'passed']]);
});

test('the handler child holds no more than the bound of an over-long parent line, and takes the run that follows', async () => {
  const dir = makeApp('exports = { h: function (args) { return { id: args.data.id }; } };\n');
  made.push(dir);
  const child = start(runnerScriptPath(), path.dirname(runnerScriptPath()));
  await until(() => child.messages.some((m) => m.type === 'ready'), 30_000, 'the handler child to be ready');
  const { base, peak } = await overlongLine(child);
  // The bounded reader holds at most 8 MB of the line, plus the 8 MB head it hands over and the chunks in flight
  // (about 21 MB measured); one that kept the line held it and the copies made while searching it for a newline
  // (135 MB measured). The bound: the line twice.
  assert.ok(peak - base < 48, `the child grew by ${Math.round(peak - base)} MB while reading a 24 MB line`);
  const plan = { appDir: dir, serverScript: path.join(dir, 'server/server.js'), event: 'onContactCreate', kind: 'product', handler: 'h',
    payloadJson: JSON.stringify({ data: { id: 7 } }), iparams: {}, offline: true, dbFile: path.join(dir, '.fsdev/db.json'),
    outputLimitBytes: 1024 * 1024, outputLimitLines: 10_000 };
  await child.write(`${JSON.stringify({ type: 'run', plan })}\n`);
  await until(() => child.messages.some((m) => m.type === 'done'), 30_000, 'the handler child to finish its run');
  const done = child.messages.find((m) => m.type === 'done');
  assert.equal(done.outcome.status, 'success', JSON.stringify(done.outcome));
  assert.deepEqual(done.outcome.value, { id: 7 });
});
