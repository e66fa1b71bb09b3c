// Pure client helpers: Register Event edit, payload path rule, Node version check. No vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadTs } from '../helpers/loadCore.mjs';

const m = await loadTs('client/src/manifestEdits.ts');

const crm = { kind: 'product', name: 'freshworks_crm' };

test('2.x: inserts the event beside existing ones, keeps indentation, valid JSON', () => {
  const text = JSON.stringify({
    'platform-version': '2.3',
    product: { freshworks_crm: { events: { onContactCreate: { handler: 'onContactCreateHandler' } } } },
    engines: { node: '18.20.8', fdk: '9.6.0' },
  }, null, 2);
  const r = m.computeRegisterEventEdit(text, { event: 'onDealCreate', scope: crm, dialect: '2.x' });
  assert.equal(r.ok, true);
  const json = JSON.parse(r.newText);
  assert.deepEqual(json.product.freshworks_crm.events.onDealCreate, { handler: 'onDealCreateHandler' });
  assert.deepEqual(json.product.freshworks_crm.events.onContactCreate, { handler: 'onContactCreateHandler' });
  assert.match(r.newText, /\},\n {8}"onDealCreate": \{ "handler": "onDealCreateHandler" \}\n {6}\}/);
  // Edits are minimal: the text before the events block is untouched.
  assert.ok(r.edits.every((e) => e.offset > text.indexOf('"events"')));
});

test('2.x: creates the events object when the product has none', () => {
  const text = '{\n  "platform-version": "2.3",\n  "product": { "freshworks_crm": {} }\n}';
  const r = m.computeRegisterEventEdit(text, { event: 'onAppInstall', scope: crm, dialect: '2.x' });
  assert.equal(r.ok, true);
  assert.deepEqual(JSON.parse(r.newText).product.freshworks_crm.events, { onAppInstall: { handler: 'onAppInstallHandler' } });
});

test('omni 2.x: registers under the requested product only', () => {
  const text = JSON.stringify({
    'platform-version': '2.3',
    product: {
      freshworks_crm: { events: { onDealCreate: { handler: 'dealHandler' } } },
      freshsales: { events: {} },
    },
  }, null, 2);
  const r = m.computeRegisterEventEdit(text, { event: 'onDealCreate', scope: { kind: 'product', name: 'freshsales' }, dialect: '2.x', handler: 'dealHandler' });
  assert.equal(r.ok, true);
  const json = JSON.parse(r.newText);
  assert.deepEqual(json.product.freshsales.events, { onDealCreate: { handler: 'dealHandler' } });
  assert.deepEqual(json.product.freshworks_crm.events, { onDealCreate: { handler: 'dealHandler' } });
  const again = m.computeRegisterEventEdit(text, { event: 'onDealCreate', scope: crm, dialect: '2.x' });
  assert.equal(again.ok, false);
  assert.equal(again.reason, 'already-registered');
});

test('3.0: product events go under their module, set-up events under common', () => {
  const text = JSON.stringify({
    'platform-version': '3.0',
    modules: { common: { events: { onAppInstall: { handler: 'onAppInstallHandler' } } }, deal: { events: {} } },
    engines: { node: '24.11.0', fdk: '10.0.1' },
  }, null, '\t');
  const deal = m.computeRegisterEventEdit(text, { event: 'onDealUpdate', scope: { kind: 'module', name: 'deal' }, dialect: '3.0' });
  assert.equal(deal.ok, true);
  assert.deepEqual(JSON.parse(deal.newText).modules.deal.events, { onDealUpdate: { handler: 'onDealUpdateHandler' } });
  assert.match(deal.newText, /\n\t\t\t\t"onDealUpdate": \{ "handler": "onDealUpdateHandler" \}\n\t\t\t\}/, 'tabs kept');
  const common = m.computeRegisterEventEdit(text, { event: 'onAppUninstall', scope: { kind: 'module', name: 'common' }, dialect: '3.0' });
  assert.equal(common.ok, true);
  const json = JSON.parse(common.newText);
  assert.deepEqual(Object.keys(json.modules.common.events), ['onAppInstall', 'onAppUninstall']);
  assert.deepEqual(json.modules.deal.events, {});
});

test('2.0: refuses and says events live in server.js', () => {
  const r = m.computeRegisterEventEdit('{"platform-version":"2.0","product":{"freshsales":{}}}', { event: 'onDealCreate', scope: { kind: 'product', name: 'freshsales' }, dialect: '2.0' });
  assert.equal(r.ok, false);
  assert.equal(r.reason, 'platform-2.0');
  assert.match(r.message, /server\.js/);
});

test('unsaved, half-typed document: works on the current text, refuses when the edit would not parse', () => {
  // Unsaved edit already added an entry (with a trailing comma, tolerated): the new entry goes beside it.
  const dirty = '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onDealCreate": { "handler": "a" },\n      }\n    }\n  }\n}';
  const ok = m.computeRegisterEventEdit(dirty, { event: 'onTaskCreate', scope: crm, dialect: '2.x' });
  assert.equal(ok.ok, true);
  assert.match(ok.newText, /"onDealCreate": \{ "handler": "a" \}/);
  assert.match(ok.newText, /"onDealCreate": \{ "handler": "a" \},\n {8}"onTaskCreate": \{ "handler": "onTaskCreateHandler" \},\n/);
  // Half-typed key inside the events block: no guessing.
  const broken = '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onDealCre\n';
  const bad = m.computeRegisterEventEdit(broken, { event: 'onTaskCreate', scope: crm, dialect: '2.x' });
  assert.equal(bad.ok, false);
  assert.equal(bad.reason, 'syntax-error');
  assert.equal(m.computeRegisterEventEdit('', { event: 'x', scope: crm, dialect: '2.x' }).ok, false);
});

test('events that is not an object is reported, not overwritten', () => {
  const r = m.computeRegisterEventEdit('{"product":{"freshworks_crm":{"events":[]}}}', { event: 'onDealCreate', scope: crm, dialect: '2.x' });
  assert.equal(r.ok, false);
  assert.equal(r.reason, 'not-an-object');
});

test('payload path rule: inside the app, .json only', () => {
  const app = path.resolve('/tmp/app');
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/onDealCreate.json'), path.join(app, 'server', 'test_data', 'onDealCreate.json'));
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/deal/onDealCreate.json'), path.join(app, 'server', 'test_data', 'deal', 'onDealCreate.json'));
  assert.equal(m.resolvePayloadPath(app, '../outside.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, 'server/../../x.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, '/etc/x.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/x.js'), undefined);
  assert.equal(m.resolvePayloadPath(app, ''), undefined);
});

test('node major mismatch warning', () => {
  assert.equal(m.nodeMajor('18.20.8'), 18);
  assert.equal(m.nodeMajor('v20.1.0'), 20);
  assert.equal(m.nodeMajor('>=24'), 24);
  assert.equal(m.nodeMajor(undefined), undefined);
  assert.equal(m.nodeMismatchWarning('18.20.8', 'v18.19.0', 'VS Code'), undefined);
  assert.match(m.nodeMismatchWarning('18.20.8', 'v20.11.1', "VS Code's Node"), /Node 18.*Node 20/);
  assert.equal(m.nodeMismatchWarning(undefined, 'v20.11.1', 'x'), undefined);
});
