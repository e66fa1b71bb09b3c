// `fsdev fuzz`'s loop (server/src/fuzz/fuzz.ts) on throw-away apps: a failure is found, shrunk to the smallest
// payload that fails the same way, saved so that a simulation reproduces it; the app's .fsdev state is not
// touched; a seed replays; loops, memory exhaustion and unregistered events end clearly. Also the runner's
// child reuse that makes fuzzing fast: a clean run's child takes the next run, in a fresh sandbox.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadTs } from '../helpers/loadCore.mjs';
import { contactPayload, makeApp, newRunner } from './helpers.mjs';

const { fuzz } = await loadTs('server/src/fuzz/fuzz.ts');
const apps = [];
const runners = [];
after(() => {
  for (const r of runners) r.dispose();
  for (const d of apps) rmSync(d, { recursive: true, force: true });
});
async function runner() { const r = await newRunner({ recordHistory: false }); runners.push(r); return r; }
function app(serverJs, opts) { const d = makeApp(serverJs, opts); apps.push(d); return d; }

// The default onContactCreate payload has tags as a field object with a list value: fine there, but the
// platform may send the field without it, or with a null value.
const TAGS_HANDLER = `exports = { h: function (args) {
  var tags = args.data.contact.tags.value;
  return { vip: tags.filter(function (t) { return t === 'vip'; }).length };
} };`;

test('a handler that reads .filter of a list the payload may lack: found, shrunk, saved, reproduced', async () => {
  const dir = app(TAGS_HANDLER);
  const r = await runner();
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 100, seed: 1, runner: r });
  assert.equal(out.status, 'failed');
  assert.equal(out.fromSchema, true);
  const f = out.failure;
  assert.match(f.error.message, /Cannot read properties of (undefined|null) \(reading '(value|filter)'\)/);
  assert.equal(f.error.file, 'server/server.js');
  assert.ok(f.error.line === 2 || f.error.line === 3, `line ${f.error.line}`);
  // Shrunk: of the contact's many fields only the id (always sent) and what the failure needs are left.
  const contactKeys = Object.keys(f.payload.data.contact);
  assert.ok(contactKeys.length <= 2, `contact keys left: ${contactKeys}`);
  assert.ok(contactKeys.includes('id'));
  assert.equal(f.payload.event, 'onContactCreate');
  // Saved under server/test_data/fuzz/, and a plain simulation of that file fails the same way.
  assert.match(f.savedTo, /^server\/test_data\/fuzz\/onContactCreate-[0-9a-f]{10}\.json$/);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, f.savedTo), 'utf8')), f.payload);
  const again = await r.run({ appDir: dir, event: 'onContactCreate', payloadFile: f.savedTo, offline: true });
  assert.equal(again.status, 'failed');
  assert.equal(again.error.message, f.error.message);
  assert.equal(again.error.line, f.error.line);
});

test('the same seed gives the same runs and the same shrunk payload', async () => {
  const dir = app(TAGS_HANDLER);
  const a = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 100, seed: 99, runner: await runner(), save: false });
  const b = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 100, seed: 99, runner: await runner(), save: false });
  assert.equal(a.status, 'failed');
  assert.equal(a.runs, b.runs);
  assert.deepEqual(a.failure.payload, b.failure.payload);
  assert.equal(a.failure.savedTo, undefined);
  assert.ok(!existsSync(path.join(dir, 'server/test_data/fuzz')), 'save: false writes nothing');
});

test('a robust handler passes every run; $db works in a throwaway store and the app\'s .fsdev is untouched', async () => {
  const dir = app(`exports = { h: async function (args) {
    var c = args.data.contact || {};
    var first = c.first_name && c.first_name.value;
    var n = await $db.get('n').then(function (v) { return v.n; }, function () { return 0; });
    await $db.set('n', { n: n + 1 });
    return { greeted: String(first || 'someone') };
  } };`);
  mkdirSync(path.join(dir, '.fsdev'));
  const db = '{"n":{"value":{"n":41}}}';
  writeFileSync(path.join(dir, '.fsdev/db.json'), db);
  writeFileSync(path.join(dir, '.fsdev/history.json'), '[]');
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 60, seed: 5, runner: await runner() });
  assert.equal(out.status, 'passed', JSON.stringify(out.failure?.error));
  assert.equal(out.runs, 60);
  assert.equal(out.failure, undefined);
  assert.equal(readFileSync(path.join(dir, '.fsdev/db.json'), 'utf8'), db);
  assert.equal(readFileSync(path.join(dir, '.fsdev/history.json'), 'utf8'), '[]');
  assert.deepEqual(readdirSync(path.join(dir, '.fsdev')).sort(), ['db.json', 'history.json'], 'the throwaway store is removed');
});

test('an app without .fsdev has none afterwards', async () => {
  const dir = app('exports = { h: function () { return 1; } };');
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 10, seed: 1, runner: await runner() });
  assert.equal(out.status, 'passed');
  assert.ok(!existsSync(path.join(dir, '.fsdev')));
});

test('a handler that loops on some payloads: each run keeps its time limit; the time-out is the failure, with its payload', async () => {
  const dir = app(`exports = { h: function (args) {
    if (!args.data.contact.first_name) { for (;;) {} }
    return 1;
  } };`, { files: { 'server/test_data/onContactCreate.json': contactPayload('id', 'first_name', 'tags') } });
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 50, seed: 3, timeoutMs: 400, runner: await runner() });
  assert.equal(out.status, 'failed');
  assert.equal(out.failure.status, 'timeout');
  assert.match(out.failure.error.message, /did not finish within 0.4 s/);
  assert.ok(!('first_name' in out.failure.payload.data.contact), 'the saved payload is one that loops');
  assert.ok(existsSync(path.join(dir, out.failure.savedTo)));
});

test('a handler that exhausts memory: a crashed failure, not a crashed fuzzer', async () => {
  const dir = app(`exports = { h: function (args) {
    if (args.data.contact.tags && args.data.contact.tags.value === null) { var a = []; for (;;) a.push(new Array(1e6).fill(1)); }
    return 1;
  } };`, { files: { 'server/test_data/onContactCreate.json': contactPayload('id', 'first_name', 'tags') } });
  const r = await newRunner({ recordHistory: false, maxOldSpaceMb: 64, maxMemoryMb: 256 });
  runners.push(r);
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 100, seed: 11, runner: r });
  assert.equal(out.status, 'failed');
  assert.equal(out.failure.status, 'crashed');
  assert.match(out.failure.error.message, /out of memory/);
  assert.equal(out.failure.payload.data.contact.tags.value, null);
});

test('an event the app does not register: not runnable, with the reason, nothing written', async () => {
  const dir = app('exports = { h: function () {} };');
  const out = await fuzz({ appDir: dir, event: 'onDealCreate', runs: 10, runner: await runner() });
  assert.equal(out.status, 'not-runnable');
  assert.match(out.reason, /onDealCreate is not registered in manifest.json/);
  assert.ok(!existsSync(path.join(dir, '.fsdev')));
});

test('reuseChild: clean runs share one process, each in a fresh sandbox; an interval ends the process', async () => {
  const dir = app(`var seen = 0;
  exports = { h: function (args) {
    globalThis.count = (globalThis.count || 0) + 1; seen++;
    if (args.data.interval) setInterval(function () {}, 1000);
    return { count: globalThis.count, seen: seen };
  } };`);
  mkdirSync(path.join(dir, '.fsdev/fz'), { recursive: true });
  const r = await runner();
  // Count the processes the runner starts (its private spawn).
  let spawns = 0;
  const spawn = r.spawn;
  r.spawn = function (...args) { spawns++; return spawn.apply(this, args); };
  const base = { appDir: dir, event: 'onContactCreate', offline: true, reuseChild: true, storeDir: path.join(dir, '.fsdev/fz') };
  const a = await r.run({ ...base, payload: { data: { contact: { id: 1 } } } });
  const afterA = spawns;
  const b = await r.run({ ...base, payload: { data: { contact: { id: 2 }, interval: true } } });
  assert.equal(spawns, afterA, 'the second run took the first run\'s process');
  assert.deepEqual([b.value.count, b.value.seen], [1, 1], 'in a fresh sandbox: nothing of the first run is seen');
  const c = await r.run({ ...base, payload: { data: { contact: { id: 3 } } } });
  assert.ok(spawns > afterA, 'a run that left an interval is not reused: the next run has another process');
  assert.deepEqual([a.status, b.status, c.status], ['success', 'success', 'success']);
  // Without reuseChild every run has a process of its own (as before).
  const beforeD = spawns;
  await r.run({ appDir: dir, event: 'onContactCreate', offline: true, payload: { data: { contact: { id: 4 } } } });
  await r.run({ appDir: dir, event: 'onContactCreate', offline: true, payload: { data: { contact: { id: 5 } } } });
  assert.ok(spawns >= beforeD + 1, `processes started: ${spawns - beforeD}`);
});

test('every run starts from an empty store: a schedule an earlier run created does not fail the next', async () => {
  const dir = app(`exports = { h: async function () {
    await $schedule.create({ name: 'sync', data: {}, schedule_at: new Date(Date.now() + 3600e3).toISOString() });
    var seen = await $db.get('seen').catch(function () { return null; });
    if (seen) throw new Error('state of an earlier run');
    await $db.set('seen', { yes: true });
  } };`);
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 20, seed: 2, runner: await runner() });
  assert.equal(out.status, 'passed', JSON.stringify(out.failure?.error));
  assert.equal(out.runs, 20);
});
