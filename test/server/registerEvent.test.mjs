// freshsales/registerEvent: the manifest edit of "Register Event", computed by the server with the quick fixes'
// manifest writer, on the text the server has (the open document, unsaved edits included), versioned.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyTextEdits, startServer, uriOf } from './helpers.mjs';

const temps = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** An app in a temp folder: manifest text (or object), server.js text. */
async function serverWith(manifest, serverJs = 'exports = {\n  onAppInstallHandler: function (args) {}\n};\n') {
  const app = mkdtempSync(path.join(tmpdir(), 'fs-register-'));
  temps.push(app);
  mkdirSync(path.join(app, 'server'));
  writeFileSync(path.join(app, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(app, 'server/server.js'), serverJs);
  const client = await startServer({ rootDir: app });
  return { app, client, manifest: path.join(app, 'manifest.json') };
}

const crm = { kind: 'product', name: 'freshworks_crm' };

/** The request's edit applied to `text`; asserts its shape (one versioned TextDocumentEdit of manifest.json). */
function applied(result, s, text, version = null) {
  assert.equal(result.ok, true, JSON.stringify(result));
  const [change, ...more] = result.edit.documentChanges;
  assert.equal(more.length, 0);
  assert.deepEqual(change.textDocument, { uri: uriOf(s.manifest), version });
  return applyTextEdits(text, change.edits);
}

test('2.x: the entry goes beside the existing ones in the file\'s indentation; only the changed span is replaced; nothing is written', async (t) => {
  const s = await serverWith({
    'platform-version': '2.3',
    product: { freshworks_crm: { events: { onContactCreate: { handler: 'onContactCreateHandler' } } } },
    engines: { node: '18.20.8', fdk: '9.6.0' },
  });
  t.after(() => s.client.stop());
  const text = readFileSync(s.manifest, 'utf8');
  const r = await s.client.request('freshsales/registerEvent', { appDir: s.app, event: 'onDealCreate', scope: crm });
  const out = applied(r, s, text);
  const json = JSON.parse(out);
  assert.deepEqual(json.product.freshworks_crm.events, { onContactCreate: { handler: 'onContactCreateHandler' }, onDealCreate: { handler: 'onDealCreateHandler' } });
  assert.equal(r.handler, 'onDealCreateHandler');
  assert.match(out, /\n {8}"onDealCreate": \{\n {10}"handler": "onDealCreateHandler"\n {8}\}\n/, out);
  const [edit] = r.edit.documentChanges[0].edits;
  assert.ok(edit.range.start.line >= 4, `the edit starts inside the events block, not at ${JSON.stringify(edit.range)}`);
  assert.equal(readFileSync(s.manifest, 'utf8'), text, 'the server does not write the manifest');
});

test('the handler is named as completion names it: an existing callback named after the event is reused', async (t) => {
  const s = await serverWith({ 'platform-version': '2.3', product: { freshworks_crm: {} } },
    'exports = {\n  onDealCreateSync: function (args) {}\n};\n');
  t.after(() => s.client.stop());
  const text = readFileSync(s.manifest, 'utf8');
  const r = await s.client.request('freshsales/registerEvent', { appDir: s.app, event: 'onDealCreate', scope: crm });
  assert.equal(r.handler, 'onDealCreateSync');
  assert.deepEqual(JSON.parse(applied(r, s, text)).product.freshworks_crm.events, { onDealCreate: { handler: 'onDealCreateSync' } });
});

test('3.0: under the module, tabs kept; omni 2.x: under the product asked for only; already registered is refused', async (t) => {
  const v30 = await serverWith(JSON.stringify({
    'platform-version': '3.0',
    modules: { common: { events: { onAppInstall: { handler: 'onAppInstallHandler' } } }, deal: { events: {} } },
    engines: { node: '24.11.0', fdk: '10.0.1' },
  }, null, '\t'));
  t.after(() => v30.client.stop());
  const text = readFileSync(v30.manifest, 'utf8');
  const out = applied(await v30.client.request('freshsales/registerEvent', { appDir: v30.app, event: 'onDealUpdate', scope: { kind: 'module', name: 'deal' } }), v30, text);
  assert.deepEqual(JSON.parse(out).modules.deal.events, { onDealUpdate: { handler: 'onDealUpdateHandler' } });
  assert.match(out, /\n\t\t\t\t"onDealUpdate": \{/, 'tabs kept');
  assert.doesNotMatch(out, / {2}"/, 'no spaces where the file uses tabs');

  const omni = await serverWith({
    'platform-version': '2.3',
    product: { freshworks_crm: { events: { onDealCreate: { handler: 'dealHandler' } } }, freshsales: { events: {} } },
  });
  t.after(() => omni.client.stop());
  const omniText = readFileSync(omni.manifest, 'utf8');
  const r = await omni.client.request('freshsales/registerEvent', { appDir: omni.app, event: 'onDealCreate', scope: { kind: 'product', name: 'freshsales' } });
  const json = JSON.parse(applied(r, omni, omniText));
  assert.deepEqual(json.product.freshsales.events, { onDealCreate: { handler: 'onDealCreateHandler' } });
  assert.deepEqual(json.product.freshworks_crm.events, { onDealCreate: { handler: 'dealHandler' } });
  const again = await omni.client.request('freshsales/registerEvent', { appDir: omni.app, event: 'onDealCreate', scope: crm });
  assert.deepEqual([again.ok, again.reason], [false, 'already-registered']);
});

test('unsaved edits: computed on the open document\'s text and version, never on the file', async (t) => {
  const s = await serverWith({ 'platform-version': '2.3', product: { freshworks_crm: { events: {} } } });
  t.after(() => s.client.stop());
  const dirty = '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onDealCreate": { "handler": "a" }\n      }\n    }\n  },\n  "engines": { "node": "18.20.8" }\n}\n';
  await s.client.open(s.manifest, readFileSync(s.manifest, 'utf8'));
  await s.client.change(s.manifest, dirty);
  const r = await s.client.request('freshsales/registerEvent', { appDir: s.app, event: 'onTaskCreate', scope: crm });
  const out = applied(r, s, dirty, 2);
  const json = JSON.parse(out);
  assert.deepEqual(json.product.freshworks_crm.events, { onDealCreate: { handler: 'a' }, onTaskCreate: { handler: 'onTaskCreateHandler' } });
  assert.deepEqual(json.engines, { node: '18.20.8' }, 'the unsaved text around the entry is kept');
  assert.match(out, /"onDealCreate": \{ "handler": "a" \},\n/, 'the neighbouring entry is not reformatted');
});

test('refused, with a reason: a trailing comma (JSON.parse, and so fdk, rejects it), a half-typed key, events not an object, a 2.0 app, bad params', async (t) => {
  const s = await serverWith({ 'platform-version': '2.3', product: { freshworks_crm: { events: {} } } });
  t.after(() => s.client.stop());
  const ask = (params) => s.client.request('freshsales/registerEvent', { appDir: s.app, event: 'onTaskCreate', scope: crm, ...params });
  await s.client.open(s.manifest, readFileSync(s.manifest, 'utf8'));
  await s.client.change(s.manifest, '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onDealCreate": { "handler": "a" },\n      }\n    }\n  }\n}');
  const comma = await ask();
  assert.deepEqual([comma.ok, comma.reason], [false, 'syntax-error']);
  assert.match(comma.message, /line 6: Malformed JSON: trailing comma/);
  await s.client.change(s.manifest, '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onDealCre\n');
  assert.equal((await ask()).reason, 'syntax-error');
  await s.client.change(s.manifest, '{"platform-version":"2.3","product":{"freshworks_crm":{"events":[]}}}');
  assert.equal((await ask()).reason, 'not-an-object');
  await s.client.change(s.manifest, '{"platform-version":"2.0","product":{"freshworks_crm":{}}}');
  const v20 = await ask();
  assert.equal(v20.reason, 'platform-2.0');
  assert.match(v20.message, /server\.js/);
  assert.equal((await ask({ appDir: path.join(s.app, 'elsewhere') })).reason, 'not-an-app');
  assert.equal((await ask({ event: 42 })).reason, 'invalid');
  assert.equal((await ask({ scope: { kind: 'galaxy', name: 'x' } })).reason, 'invalid');
  assert.equal((await ask({ scope: null })).reason, 'invalid');
  assert.ok(s.client.alive);
});
