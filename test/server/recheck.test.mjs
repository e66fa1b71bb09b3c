// Cross-file re-checking over the real server: a change in server.js or test_data (open editor or disk) re-checks manifest.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupTemps, serverOn, uriOf } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
async function open(name) { const s = await serverOn(name); clients.push(s.client); return s; }
const has = (code, re = /./) => (ds) => ds.some((d) => d.code === code && re.test(d.message));
const lacks = (code, re = /./) => (ds) => !has(code, re)(ds);
const CREATED = 1, CHANGED = 2, DELETED = 3;

const manifestWithDealCreate = (s) => s.read('manifest.json').replace('"onDealUpdate": { "handler": "onDealUpdateHandler" }',
  '"onDealUpdate": { "handler": "onDealUpdateHandler" },\n        "onDealCreate": { "handler": "onDealCreateHandler" }');
const scriptWithDealCreate = (s) => s.read('server/server.js').replace('  onDealUpdateHandler(args) {',
  "  onDealCreateHandler: function (args) {\n    console.log(args.event);\n  },\n\n  onDealUpdateHandler(args) {");

test('open editors: adding the callback to server.js clears the manifest error (latency printed)', async (t) => {
  const s = await open('v23-app');
  const manifest = s.f('manifest.json');
  await s.client.open(manifest, manifestWithDealCreate(s));
  await s.client.waitForDiagnostics(manifest, has('handler-not-defined', /onDealCreateHandler/));
  await s.client.open(s.f('server/server.js'));
  const latencies = [];
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    await s.client.change(s.f('server/server.js'), scriptWithDealCreate(s));
    await s.client.waitForDiagnostics(manifest, lacks('handler-not-defined'), 3000);
    latencies.push(performance.now() - start);
    start = performance.now();
    await s.client.change(s.f('server/server.js'), s.read('server/server.js'));
    await s.client.waitForDiagnostics(manifest, has('handler-not-defined', /onDealCreateHandler/), 3000);
    latencies.push(performance.now() - start);
  }
  t.diagnostic(`server.js edit → manifest re-check pushed in ${latencies.map((l) => l.toFixed(0)).join(', ')} ms (debounce 60 ms)`);
  console.log(`# cross-file re-check latency: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
  assert.ok(Math.max(...latencies) < 1500, `re-check took ${Math.max(...latencies)} ms`);
});

test('closing an unsaved server.js falls back to the disk version', async () => {
  const s = await open('v23-app');
  const manifest = s.f('manifest.json');
  await s.client.open(manifest, manifestWithDealCreate(s));
  await s.client.open(s.f('server/server.js'), scriptWithDealCreate(s));
  await s.client.waitForDiagnostics(manifest, (d) => d.length > 0 && lacks('handler-not-defined')(d));
  await s.client.close(s.f('server/server.js'));
  await s.client.waitForDiagnostics(manifest, has('handler-not-defined', /onDealCreateHandler/));
});

test('disk: a watched change of server.js clears the error; deleting it reports server-script-missing', async () => {
  const s = await open('v23-app');
  const manifest = s.f('manifest.json');
  await s.client.open(manifest, manifestWithDealCreate(s));
  await s.client.waitForDiagnostics(manifest, has('handler-not-defined', /onDealCreateHandler/));
  writeFileSync(s.f('server/server.js'), scriptWithDealCreate(s));
  const start = performance.now();
  await s.client.watched([[s.f('server/server.js'), CHANGED]]);
  await s.client.waitForDiagnostics(manifest, (d) => d.length > 0 && lacks('handler-not-defined')(d));
  console.log(`# watched-file re-check latency: ${(performance.now() - start).toFixed(0)} ms`);
  unlinkSync(s.f('server/server.js'));
  await s.client.watched([[s.f('server/server.js'), DELETED]]);
  const ds = await s.client.waitForDiagnostics(manifest, has('server-script-missing'));
  assert.equal(ds.filter((d) => d.code === 'server-script-missing').length, 4);
});

test('test_data: creating the payload on disk clears the no-test-data information', async () => {
  const s = await open('v23-app');
  const manifest = s.f('manifest.json');
  const payload = s.f('server/test_data/onDealUpdate.json');
  const text = readFileSync(payload, 'utf8');
  rmSync(payload);
  await s.client.watched([[payload, DELETED]]);
  let ds = await s.client.waitForDiagnostics(manifest, has('no-test-data', /onDealUpdate/));
  assert.equal(ds.find((d) => d.code === 'no-test-data').severity, 3);
  writeFileSync(payload, text);
  await s.client.watched([[payload, CREATED]]);
  ds = await s.client.waitForDiagnostics(manifest, (d) => d.length === 0);
  assert.deepEqual(ds, []);

  // 3.0 layout: a payload in a module folder, typed into an editor before its first save
  const v30 = await open('v30-app');
  const p30 = v30.f('server/test_data/deal/onDealUpdate.json');
  const t30 = readFileSync(p30, 'utf8');
  rmSync(p30);
  await v30.client.watched([[p30, DELETED]]);
  await v30.client.waitForDiagnostics(v30.f('manifest.json'), has('no-test-data', /deal\/onDealUpdate/));
  await v30.client.open(p30, t30);
  await v30.client.waitForDiagnostics(v30.f('manifest.json'), (d) => d.length === 0);
});

test('a payload edited in an editor is re-validated; closing clears it', async () => {
  const s = await open('v23-app');
  const rel = 'server/test_data/onContactCreate.json';
  const text = s.read(rel);
  await s.client.open(s.f(rel), text.replace('"region": "US"', '"region": "MARS"'));
  const ds = await s.client.waitForDiagnostics(s.f(rel), (d) => d.length > 0);
  assert.equal(ds[0].severity, 1);
  const pulled = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f(rel)) } });
  assert.deepEqual(pulled.items.map((d) => d.range), ds.map((d) => d.range));
  await s.client.close(s.f(rel));
  await s.client.waitForDiagnostics(s.f(rel), (d) => d.length === 0);
});

test('a new app appears when its manifest is created in the workspace', async () => {
  const s = await open('v23-app');
  const dir = path.join(path.dirname(s.app), 'later-app');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(dir, 'server'), { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), '{ "platform-version": "2.3", "product": { "freshworks_crm": { "events": { "onDealCreat": { "handler": "h" } } } } }');
  await s.client.watched([[path.join(dir, 'manifest.json'), CREATED]]);
  await s.client.waitForDiagnostics(path.join(dir, 'manifest.json'), has('unknown-event'));
});

test('config/: an unsaved config JSON is what the app model reads (open document over disk); a watched change re-checks it', async () => {
  const s = await open('v23-app');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(s.f('config'), { recursive: true });
  const iparams = s.f('config/iparams.json');
  const deep = `{ "a": ${'['.repeat(300)}${']'.repeat(300)} }`;
  writeFileSync(iparams, '{}\n');
  await s.client.watched([[iparams, CREATED]]);
  // Typed, not saved: the model reads the editor's text (the core guards its nesting, and says so on the file).
  await s.client.open(iparams, deep);
  await s.client.waitForDiagnostics(iparams, has('nesting-too-deep'));
  const pulled = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(iparams) } });
  // The config rules read the same unsaved text: "a" is no iparam object there.
  assert.deepEqual(pulled.items.map((d) => d.code).sort(), ['iparams-shape', 'nesting-too-deep']);
  // Closed unsaved: the disk's text again.
  await s.client.close(iparams);
  await s.client.waitForDiagnostics(iparams, (d) => d.length === 0);
  // Changed on disk, not open: the watcher's event re-checks the app.
  const requests = s.f('config/requests.json');
  writeFileSync(requests, deep);
  await s.client.watched([[requests, CREATED]]);
  await s.client.waitForDiagnostics(requests, has('nesting-too-deep'));
  writeFileSync(requests, '{}');
  await s.client.watched([[requests, CHANGED]]);
  await s.client.waitForDiagnostics(requests, (d) => d.length === 0);
});
