// Memory of a long fuzz (issue 18): the two processes that live through all of a fuzz's runs stay near the size of
// a one-run simulation's (server/src/simulate/collect.ts). The reused child of a fuzz: a small young generation,
// no optimizing compiler, its runs' garbage collected between runs, and still no `gc` for the handler; the
// parent's settings: a young generation that stops growing and a collection once the heap has grown a few MB.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadTs } from '../helpers/loadCore.mjs';
import { bundle, contactPayload, makeApp, runnerScriptPath } from './helpers.mjs';

const { fuzz, fuzzRunner } = await loadTs('server/src/fuzz/fuzz.ts');
const apps = [];
const runners = [];
after(() => {
  for (const r of runners) r.dispose();
  for (const d of apps) rmSync(d, { recursive: true, force: true });
});
const linux = process.platform === 'linux' && existsSync('/proc/self/status');

/** Resident memory (MB) and command line of the child a fuzz runner keeps parked for its next run. */
function parkedChild(runner) {
  const pid = runner.warmChild?.proc.pid;
  assert.ok(pid, 'the fuzz left its child parked for the next run');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  return { rss, argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
}

// Each run makes ~2 MB of objects that stay alive through the handler (young-generation collections during
// it copy them, as a real handler's parsed records would be) and are garbage once it returns.
const CHURN = `exports = { h: function (args) {
  if (typeof gc !== 'undefined') throw new Error('the handler can call gc()');
  var rows = [];
  for (var i = 0; i < 20000; i++) rows.push({ i: i, name: 'row ' + i + ' of ' + args.data.contact.id });
  return rows.length;
} };`;

test('a fuzz\'s child keeps about a fresh child\'s memory over 400 runs of a handler that makes garbage; the handler sees no gc', { skip: !linux && 'reads /proc' }, async () => {
  const dir = makeApp(CHURN);
  apps.push(dir);
  const fresh = fuzzRunner({ runnerScript: runnerScriptPath() });
  const long = fuzzRunner({ runnerScript: runnerScriptPath() });
  runners.push(fresh, long);
  const one = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 1, seed: 3, runner: fresh, save: false });
  assert.equal(one.status, 'passed');
  const many = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 400, seed: 3, runner: long, save: false });
  assert.equal(many.status, 'passed', JSON.stringify(many.failure?.error));
  assert.equal(many.runs, 400);
  const a = parkedChild(fresh);
  const b = parkedChild(long);
  for (const flag of ['--max-semi-space-size=1', '--no-opt']) assert.ok(b.argv.includes(flag), `the child runs with ${flag}: ${b.argv.join(' ')}`);
  // Without the settings the reused child grew by 40–60 MB here (a 32 MB young generation and the old one's garbage).
  assert.ok(b.rss - a.rss < 20, `after 400 runs the child holds ${b.rss.toFixed(1)} MB, a fresh one ${a.rss.toFixed(1)} MB`);
});

test('a handler that exhausts memory in a fuzz\'s child (its flags): a crashed failure, not a crashed fuzzer', async () => {
  const dir = makeApp(`exports = { h: function (args) {
    if (args.data.contact.tags && args.data.contact.tags.value === null) { var a = []; for (;;) a.push(new Array(1e6).fill(1)); }
    return 1;
  } };`, { files: { 'server/test_data/onContactCreate.json': contactPayload('id', 'first_name', 'tags') } });
  apps.push(dir);
  const { HandlerRunner } = await loadTs('server/src/simulate/runner.ts');
  const { FUZZ_CHILD_FLAGS } = await loadTs('server/src/simulate/collect.ts');
  const r = new HandlerRunner({ runnerScript: runnerScriptPath(), recordHistory: false, maxOldSpaceMb: 64, maxMemoryMb: 256, v8Flags: FUZZ_CHILD_FLAGS });
  runners.push(r);
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 100, seed: 11, runner: r, save: false });
  assert.equal(out.status, 'failed');
  assert.equal(out.failure.status, 'crashed');
  assert.match(out.failure.error.message, /out of memory/);
  assert.equal(out.failure.payload.data.contact.tags.value, null);
});

test('the parent of a fuzz: its young generation stops growing, and a collection follows a few MB of old garbage', () => {
  const collect = bundle('server/src/simulate/collect.ts', 'collect');
  // As `fsdev fuzz` does: the settings first, then 3,000 "runs", each holding ~300 KB through a young-generation
  // collection (the parent holds a run's payload, plan and message while the child runs it). Without the
  // settings the young generation grows to 32 MB. Then 8 MB of old objects become garbage: collected at once.
  const script = `
    const v8 = require('node:v8');
    const { settleFuzzParent, Collector, oldGenerationBytes } = require(${JSON.stringify(collect)});
    settleFuzzParent();
    const collector = new Collector();
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    let held = [], maxNew = 0;
    for (let run = 0; run < 3000; run++) {
      held = [];
      for (let i = 0; i < 4000; i++) held.push({ i, text: 'payload ' + i + ' of run ' + run });
      collector.maybeCollect();
      maxNew = Math.max(maxNew, newSpace());
    }
    held = null;
    let old = Array.from({ length: 100000 }, (_, i) => ({ i, text: 'old object ' + i }));
    const before = oldGenerationBytes();
    old = null;
    const collected = collector.maybeCollect();
    console.log(JSON.stringify({ maxNew, collected, freed: before - oldGenerationBytes(), gc: typeof gc }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  const MB = 1024 * 1024;
  assert.ok(m.maxNew <= 4 * MB, `the young generation reached ${(m.maxNew / MB).toFixed(1)} MB`);
  assert.equal(m.collected, true, 'the collector ran once the old generation had grown past its step');
  assert.ok(m.freed > 4 * MB, `it freed ${(m.freed / MB).toFixed(1)} MB`);
  assert.equal(m.gc, 'undefined', 'taking gc() leaves no gc global behind');
});
