// Quick fixes over the real server: each action's WorkspaceEdit is APPLIED to the text and the result compared exactly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { applyWorkspaceEdit, cleanupTemps, readUri, repoRoot, serverOn, uriOf } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });

async function open(name, { remove = [] } = {}) {
  const s = await serverOn(name);
  for (const rel of remove) rmSync(s.f(rel));
  clients.push(s.client);
  const overlay = new Map();
  s.openText = async (rel, text = s.read(rel)) => { overlay.set(uriOf(s.f(rel)), text); await s.client.open(s.f(rel), text); return text; };
  s.textOf = (uri) => (overlay.has(uri) ? overlay.get(uri) : readUri(uri));
  /** The quick fixes offered for the diagnostic with `code` (the `nth` one) in `rel`, each applied. */
  s.fixes = async (rel, code, nth = 0) => {
    const uri = uriOf(s.f(rel));
    const { items } = await s.client.request('textDocument/diagnostic', { textDocument: { uri } });
    const d = items.filter((x) => x.code === code)[nth];
    assert.ok(d, `no ${code} diagnostic in ${rel}: ${items.map((x) => x.code).join()}`);
    const actions = await s.client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    return actions.filter((a) => a.diagnostics?.[0]?.code === code && JSON.stringify(a.diagnostics[0].range) === JSON.stringify(d.range)).map((a) => {
      const { files, created } = applyWorkspaceEdit(a.edit, s.textOf);
      const byRel = Object.fromEntries([...files].map(([u, t]) => [path.relative(s.app, new URL(u).pathname).split(path.sep).join('/'), t]));
      return { title: a.title, kind: a.kind, preferred: a.isPreferred, files: byRel, created: created.map((u) => path.relative(s.app, new URL(u).pathname)) };
    });
  };
  return s;
}
const only = (fixes) => { assert.equal(fixes.length, 1, JSON.stringify(fixes.map((f) => f.title))); return fixes[0]; };

test('unknown event: did-you-mean replaces the name', async () => {
  const s = await open('broken-app');
  const m = await s.openText('manifest.json');
  const fix = only(await s.fixes('manifest.json', 'unknown-event'));
  assert.equal(fix.title, "Change to 'onDealCreate'");
  assert.equal(fix.kind, 'quickfix');
  assert.deepEqual(Object.keys(fix.files), ['manifest.json']);
  assert.equal(fix.files['manifest.json'], m.replace('"onDealCreat":', '"onDealCreate":'));
});

test('2.0: did-you-mean in the events array keeps the quote style of server.js', async () => {
  const s = await open('v20-app');
  const js = await s.openText('server/server.js', s.read('server/server.js').replace("event: 'onContactUpdate'", "event: 'onContactUpdat'"));
  const fix = only(await s.fixes('server/server.js', 'unknown-event'));
  assert.equal(fix.files['server/server.js'], js.replace("'onContactUpdat'", "'onContactUpdate'"));
});

test('"hanlder" → "handler"', async () => {
  const s = await open('broken-app');
  const m = await s.openText('manifest.json');
  const fix = only(await s.fixes('manifest.json', 'handler-key-typo'));
  assert.equal(fix.files['manifest.json'], m.replace('"hanlder"', '"handler"'));
});

test('create the missing callback: default house style (blank line between, no trailing comma)', async () => {
  const s = await open('broken-app');
  const js = s.read('server/server.js');
  await s.openText('manifest.json');
  const fix = only(await s.fixes('manifest.json', 'handler-not-defined', 1));
  assert.equal(fix.title, "Create callback 'onTaskUpdateHandler' in server/server.js");
  assert.equal(fix.files['server/server.js'], js.replace(
    "    console.log('Contact updated: ' + args.data.contact.id);\n  }\n};",
    "    console.log('Contact updated: ' + args.data.contact.id);\n  },\n\n  onTaskUpdateHandler: function (args) {\n    console.log('onTaskUpdateHandler received ' + args.event);\n  }\n};"));
});

test('create the missing callback: trailing-comma style', async () => {
  const s = await open('v23-app');
  const js = 'exports = {\n    onAppInstallHandler: function (args) {\n        renderData();\n    },\n    onContactCreateHandler: function (args) {\n        console.log(args.event);\n    },\n};\n';
  await s.openText('server/server.js', js);
  await s.openText('manifest.json');
  const fix = only(await s.fixes('manifest.json', 'handler-not-defined'));
  assert.equal(fix.files['server/server.js'],
    'exports = {\n    onAppInstallHandler: function (args) {\n        renderData();\n    },\n    onContactCreateHandler: function (args) {\n        console.log(args.event);\n    },\n'
    + "    onDealUpdateHandler: function (args) {\n        console.log('onDealUpdateHandler received ' + args.event);\n    },\n};\n");
});

test('create the missing callback: method style, tabs', async () => {
  const s = await open('v23-app');
  const js = 'exports = {\n\tonAppInstallHandler(args) {\n\t\trenderData();\n\t},\n\tonContactCreateHandler(args) {\n\t\tconsole.log(args.event);\n\t}\n};\n';
  await s.openText('server/server.js', js);
  const fix = only(await s.fixes('manifest.json', 'handler-not-defined'));
  assert.equal(fix.files['server/server.js'],
    'exports = {\n\tonAppInstallHandler(args) {\n\t\trenderData();\n\t},\n\tonContactCreateHandler(args) {\n\t\tconsole.log(args.event);\n\t},\n'
    + "\tonDealUpdateHandler(args) {\n\t\tconsole.log('onDealUpdateHandler received ' + args.event);\n\t}\n};\n");
});

test('create the missing callback when server.js does not exist: CreateFile + the exports object', async () => {
  const s = await open('v23-app', { remove: ['server/server.js'] });
  const fix = only(await s.fixes('manifest.json', 'server-script-missing'));
  assert.deepEqual(fix.created, ['server/server.js']);
  assert.equal(fix.files['server/server.js'], "exports = {\n  onAppInstallHandler: function (args) {\n    console.log('onAppInstallHandler received ' + args.event);\n  }\n};\n");
});

test('arrow → function expression (manifest diagnostic and server.js diagnostic give the same edit)', async () => {
  const s = await open('broken-app');
  const js = s.read('server/server.js');
  const expected = js.replace('onContactUpdateHandler: (args) => {', 'onContactUpdateHandler: function (args) {');
  const fromManifest = only(await s.fixes('manifest.json', 'handler-not-visible'));
  assert.equal(fromManifest.title, "Rewrite 'onContactUpdateHandler' as a function expression fdk can see");
  assert.equal(fromManifest.files['server/server.js'], expected);
  const fromScript = only(await s.fixes('server/server.js', 'handler-not-visible'));
  assert.equal(fromScript.files['server/server.js'], expected);
});

test('arrow with an expression body and async → async function with a return', async () => {
  const s = await open('v23-app');
  const js = await s.openText('server/server.js', s.read('server/server.js').replace(
    "onDealUpdateHandler(args) {\n    console.log('Deal updated', JSON.stringify(args.data.changes.model_changes));\n  }",
    'onDealUpdateHandler: async (args) => $db.set(\'k\', args.data)'));
  const fix = only(await s.fixes('server/server.js', 'handler-not-visible'));
  assert.equal(fix.files['server/server.js'], js.replace("async (args) => $db.set('k', args.data)", "async function (args) {\n  return $db.set('k', args.data);\n}"));
});

test('arrow followed by another callback (the usual case) → function expression', async () => {
  const s = await open('v23-app');
  const original = s.read('server/server.js');
  const arrow = original.replace('onContactCreateHandler: async function (args) {', 'onContactCreateHandler: async (args) => {');
  assert.notEqual(arrow, original, 'the fixture has a function-expression onContactCreateHandler to turn into an arrow');
  const js = await s.openText('server/server.js', arrow);
  const fix = only(await s.fixes('server/server.js', 'handler-not-visible'));
  assert.equal(fix.files['server/server.js'], js.replace('onContactCreateHandler: async (args) => {', 'onContactCreateHandler: async function (args) {'));
});

test('2.3: move a top-level "events" block under product.<p>.events', async () => {
  const s = await open('v23-app');
  const m = s.read('manifest.json').replace('  "engines"', '  "events": {\n    "onDealCreate": { "handler": "onDealCreateHandler" }\n  },\n  "engines"');
  await s.openText('manifest.json', m);
  const fix = only(await s.fixes('manifest.json', 'events-block-ignored'));
  assert.equal(fix.title, 'Move these events under "product"');
  assert.equal(fix.files['manifest.json'], s.read('manifest.json').replace(
    '"onDealUpdate": { "handler": "onDealUpdateHandler" }\n',
    '"onDealUpdate": { "handler": "onDealUpdateHandler" },\n        "onDealCreate": {\n          "handler": "onDealCreateHandler"\n        }\n'));
  assert.deepEqual(JSON.parse(fix.files['manifest.json']).product.freshworks_crm.events.onDealCreate, { handler: 'onDealCreateHandler' });
});

test('3.0: move a top-level "events" block: product events to their module, set-up events to common', async () => {
  const s = await open('v30-app');
  const m = s.read('manifest.json').replace('  "engines"', '  "events": {\n    "onContactUpdate": { "handler": "onContactUpdateHandler" },\n    "onAppUninstall": { "handler": "onAppUninstallHandler" }\n  },\n  "engines"');
  await s.openText('manifest.json', m);
  const fix = only(await s.fixes('manifest.json', 'events-block-ignored'));
  assert.equal(fix.title, 'Move these events under "modules"');
  const out = JSON.parse(fix.files['manifest.json']);
  assert.equal(out.events, undefined);
  assert.deepEqual(out.modules.contact.events, { onContactCreate: { handler: 'onContactCreateHandler' }, onContactUpdate: { handler: 'onContactUpdateHandler' } });
  assert.deepEqual(out.modules.common.events, { onAppInstall: { handler: 'onAppInstallHandler' }, onAppUninstall: { handler: 'onAppUninstallHandler' } });
  assert.equal(fix.files['manifest.json'], s.read('manifest.json')
    .replace('"onAppInstall": { "handler": "onAppInstallHandler" }\n', '"onAppInstall": { "handler": "onAppInstallHandler" },\n        "onAppUninstall": {\n          "handler": "onAppUninstallHandler"\n        }\n')
    .replace('"onContactCreate": { "handler": "onContactCreateHandler" }\n', '"onContactCreate": { "handler": "onContactCreateHandler" },\n        "onContactUpdate": {\n          "handler": "onContactUpdateHandler"\n        }\n'));
});

async function expectCreatedPayload(s, rel, diagFile, event, product, nth = 0) {
  const fixes = (await s.fixes(diagFile, 'no-test-data', nth)).filter((f) => f.title.includes(rel));
  const fix = only(fixes);
  assert.equal(fix.title, `Create ${rel} from the bundled default payload`);
  assert.deepEqual(fix.created, [rel]);
  const def = await s.client.request('freshsales/defaultPayload', { event, product });
  assert.equal(fix.files[rel], def.text);
  const expected = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults', product, `${event}.json`), 'utf8'));
  expected.event = event;
  assert.equal(fix.files[rel], JSON.stringify(expected, null, 2) + '\n');
}

test('create the test payload at the path of each dialect', async () => {
  const v23 = await open('broken-app');
  await expectCreatedPayload(v23, 'server/test_data/onContactCreate.json', 'manifest.json', 'onContactCreate', 'freshworks_crm');
  const omni = await open('omni-app', { remove: ['server/test_data/freshsales/onDealCreate.json'] });
  await expectCreatedPayload(omni, 'server/test_data/freshsales/onDealCreate.json', 'manifest.json', 'onDealCreate', 'freshsales');
  const v30 = await open('v30-app', { remove: ['server/test_data/deal/onDealUpdate.json', 'server/test_data/common/onAppInstall.json'] });
  await expectCreatedPayload(v30, 'server/test_data/common/onAppInstall.json', 'manifest.json', 'onAppInstall', 'freshworks_crm', 0);
  await expectCreatedPayload(v30, 'server/test_data/deal/onDealUpdate.json', 'manifest.json', 'onDealUpdate', 'freshworks_crm', 1);
  const v20 = await open('v20-app', { remove: ['server/test_data/onContactUpdate.json'] });
  await expectCreatedPayload(v20, 'server/test_data/onContactUpdate.json', 'server/server.js', 'onContactUpdate', 'freshworks_crm');
});

test('payload event mismatch: set "event" to the file\'s event', async () => {
  const s = await open('broken-app');
  const rel = 'server/test_data/onDealCreate.json';
  const t = await s.openText(rel);
  const fix = only(await s.fixes(rel, 'payload-event-mismatch'));
  assert.equal(fix.title, 'Set "event" to "onDealCreate"');
  assert.equal(fix.files[rel], t.replace('"event": "onDealUpdate"', '"event": "onDealCreate"'));
});

test('payload legacy types (old fdk payloads): each fix brings the value to the documented type, and the warning goes', async () => {
  const s = await open('old-fdk-payloads-app');
  const rel = 'server/test_data/onContactCreate.json';
  const t = await s.openText(rel);
  const account = only(await s.fixes(rel, 'payload-legacy-type', 0));
  assert.equal(account.title, 'Make "account_id" a string');
  assert.equal(account.files[rel], t.replace('"account_id": 2001', '"account_id": "2001"'));
  const timestamp = only(await s.fixes(rel, 'payload-legacy-type', 1));
  assert.equal(timestamp.title, 'Make "timestamp" a number');
  const fixed = timestamp.files[rel];
  assert.equal(fixed, t.replace('"timestamp": "1593015490.2012472"', '"timestamp": 1593015490.2012472'));
  await s.client.change(s.f(rel), account.files[rel].replace('"timestamp": "1593015490.2012472"', '"timestamp": 1593015490.2012472'));
  const { items } = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f(rel)) } });
  assert.deepEqual(items.map((d) => d.code), []);

  const ext = 'server/test_data/onExternalEvent.json';
  const e = await s.openText(ext);
  const data = only(await s.fixes(ext, 'payload-legacy-type'));
  assert.equal(data.title, 'Make "data" an object');
  assert.deepEqual(JSON.parse(data.files[ext]).data, { order: 'A-17', status: 'paid' });
  assert.equal(JSON.parse(e).data, '{"order":"A-17","status":"paid"}');
});
