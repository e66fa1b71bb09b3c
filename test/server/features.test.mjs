// Diagnostics, definition, CodeLens and the custom requests over the real server process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupTemps, posOf, serverOn, uriOf, until } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
async function open(name) { const s = await serverOn(name); clients.push(s.client); return s; }
const codes = (ds) => ds.map((d) => d.code).sort();

test('diagnostics are pushed for every dialect: clean fixtures stay clean (2.0: only its deprecation warning)', async () => {
  for (const name of ['v20-app', 'v23-app', 'v30-app', 'omni-app']) {
    const s = await open(name);
    await until(() => s.client.notifications.some((n) => n.method === 'freshsales/appChanged'), 5000, `first check of ${name}`);
    const all = [...s.client.diagnostics.values()].flat();
    const expected = name === 'v20-app' ? [['platform-version-deprecated', 2]] : [];
    assert.deepEqual(all.map((d) => [d.code, d.severity]), expected, `${name}: ${JSON.stringify(all)}`);
  }
});

test('2.3 diagnostics (broken-app): every mistake with its code and range', async () => {
  const s = await open('broken-app');
  const ds = await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.length > 0);
  assert.deepEqual(codes(ds), ['duplicate-event', 'event-not-in-scope', 'events-block-ignored', 'handler-key-typo', 'handler-missing', 'handler-not-defined',
    'handler-not-defined', 'handler-not-visible', 'no-test-data', 'no-test-data', 'no-test-data', 'unknown-event', 'unknown-event-key'].sort());
  const m = s.read('manifest.json');
  const unknown = ds.find((d) => d.code === 'unknown-event');
  assert.equal(unknown.severity, 1);
  assert.equal(unknown.source, 'freshsales');
  assert.equal(unknown.message, "Invalid event: 'onDealCreat' for product: freshworks_crm. Did you mean 'onDealCreate'?");
  assert.deepEqual(unknown.range.start, posOf(m, '"onDealCreat"'));
  const script = await s.client.waitForDiagnostics(s.f('server/server.js'), (d) => d.length > 0);
  assert.deepEqual(codes(script), ['handler-not-visible']);
  assert.deepEqual(codes(await s.client.waitForDiagnostics(s.f('server/test_data/onDealCreate.json'), (d) => d.length > 0)), ['payload-event-mismatch']);
  assert.deepEqual(codes(await s.client.waitForDiagnostics(s.f('server/test_data/onContactUpdate.json'), (d) => d.length > 0)), ['json-syntax']);
});

test('2.0 diagnostics: events array in server.js', async () => {
  const s = await open('v20-app');
  const js = s.read('server/server.js').replace("event: 'onContactUpdate'", "event: 'onContactUpdat'").replace("callback: 'onDealCreateHandler'", "callback: 'onDealCreateHandlr'");
  await s.client.open(s.f('server/server.js'), js);
  const ds = await s.client.waitForDiagnostics(s.f('server/server.js'), (d) => d.length >= 2);
  assert.deepEqual(codes(ds), ['handler-not-defined', 'unknown-event']);
  assert.equal(ds.find((d) => d.code === 'handler-not-defined').message, "Event callback 'onDealCreateHandlr' is not defined for product: freshworks_crm.");
});

test('3.0 diagnostics: an event under the wrong module, an empty events block', async () => {
  const s = await open('v30-app');
  const m = s.read('manifest.json').replace('"onContactCreate": { "handler": "onContactCreateHandler" }', '"onDealDelete": { "handler": "onContactCreateHandler" }')
    .replace('"modules": {', '"modules": {\n    "task": { "events": {} },');
  await s.client.open(s.f('manifest.json'), m);
  const ds = await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.some((x) => x.code === 'empty-events'));
  assert.ok(ds.some((d) => d.code === 'event-not-in-scope' && /for module: contact/.test(d.message)), JSON.stringify(ds));
  const pulled = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f('manifest.json')) } });
  assert.equal(pulled.kind, 'full');
  assert.deepEqual(codes(pulled.items), codes(ds));
});

test('omni diagnostics: an event registered for one product only', async () => {
  const s = await open('omni-app');
  const m = s.read('manifest.json').replace(/("freshsales": \{\n\s*"events": \{\n\s*"onDealCreate": \{ "handler": "onDealCreateHandler" \}),/, '$1');
  const cut = m.replace(/\n\s*"onContactCreate": \{ "handler": "onContactCreateHandler" \}\n(\s*\}\n\s*\}\n\s*\},\n\s*"engines")/, '\n$1');
  assert.notEqual(cut, m);
  await s.client.open(s.f('manifest.json'), cut.replace(/"onDealCreate": \{ "handler": "onDealCreateHandler" \}\n(\s*\}\n\s*\}\n\s*\},\n\s*"engines")/, '"onDealCreate": { "handler": "onDealCreateHandler" }\n$1'));
  const ds = await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.length > 0);
  assert.ok(ds.some((d) => d.code === 'omni-missing-event' && /onContactCreate/.test(d.message)), JSON.stringify(ds));
});

test('pull diagnostics answer for open and unopened files, and for files outside any app', async () => {
  const s = await open('broken-app');
  const pull = (rel) => s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f(rel)) } });
  assert.deepEqual(codes((await pull('server/server.js')).items), ['handler-not-visible']);
  assert.deepEqual(codes((await pull('server/test_data/onDealCreate.json')).items), ['payload-event-mismatch']);
  const outside = await s.client.request('textDocument/diagnostic', { textDocument: { uri: 'file:///nowhere/x.json' } });
  assert.deepEqual(outside, { kind: 'full', items: [] });
});

test('definition: handler → callback in server.js; event → its test payload (2.3, 3.0, omni)', async () => {
  const s = await open('v23-app');
  const m = s.read('manifest.json');
  let p = posOf(m, '"onDealUpdateHandler"', 4);
  let def = await s.client.request('textDocument/definition', s.client.at(s.f('manifest.json'), p.line, p.character));
  assert.deepEqual(def, { uri: uriOf(s.f('server/server.js')), range: { start: { line: 11, character: 2 }, end: { line: 11, character: 21 } } });
  p = posOf(m, '"onContactCreate"', 4);
  def = await s.client.request('textDocument/definition', s.client.at(s.f('manifest.json'), p.line, p.character));
  assert.equal(def.uri, uriOf(s.f('server/test_data/onContactCreate.json')));
  p = posOf(m, '"platform-version"', 4);
  assert.equal(await s.client.request('textDocument/definition', s.client.at(s.f('manifest.json'), p.line, p.character)), null);

  const v30 = await open('v30-app');
  const m3 = v30.read('manifest.json');
  p = posOf(m3, '"onDealUpdate"', 2);
  def = await v30.client.request('textDocument/definition', v30.client.at(v30.f('manifest.json'), p.line, p.character));
  assert.equal(def.uri, uriOf(v30.f('server/test_data/deal/onDealUpdate.json')));
  p = posOf(m3, '"onContactCreateHandler"', 2);
  def = await v30.client.request('textDocument/definition', v30.client.at(v30.f('manifest.json'), p.line, p.character));
  assert.deepEqual(def.range, { start: { line: 14, character: 2 }, end: { line: 14, character: 24 } });

  const omni = await open('omni-app');
  const mo = omni.read('manifest.json');
  p = posOf(mo, '"onDealCreate"', 2, 1);
  def = await omni.client.request('textDocument/definition', omni.client.at(omni.f('manifest.json'), p.line, p.character));
  assert.equal(def.uri, uriOf(omni.f('server/test_data/freshsales/onDealCreate.json')));

  const v20 = await open('v20-app');
  const js = v20.read('server/server.js');
  p = posOf(js, "'onContactUpdateHandler'", 3);
  def = await v20.client.request('textDocument/definition', v20.client.at(v20.f('server/server.js'), p.line, p.character));
  assert.deepEqual(def.range.start, posOf(js, 'onContactUpdateHandler: function'));
});

const lensTitles = (lenses) => lenses.map((l) => `${l.range.start.line}:${l.command.title}`);

test('codeLens: one Simulate + Debug + Fuzz per event; shared callbacks get one pair per event; payload files', async () => {
  const s = await open('v23-app');
  const lenses = await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/server.js')) } });
  assert.deepEqual(lensTitles(lenses), ['1:▶ Simulate onAppInstall', '1:Debug', '1:Fuzz', '1:Create test', '6:▶ Simulate onContactCreate', '6:Debug', '6:Fuzz', '6:Create test',
    '11:▶ Simulate onDealUpdate', '11:Debug', '11:Fuzz', '11:Create test']);
  assert.deepEqual(lenses[2].command, { title: 'Fuzz', command: 'freshsales.fuzz', arguments: [{ appDir: s.app, event: 'onAppInstall', scope: { kind: 'product', name: 'freshworks_crm' } }] });
  assert.deepEqual(lenses[3].command, { title: 'Create test', command: 'freshsales.createTest', arguments: [{ appDir: s.app, event: 'onAppInstall', scope: { kind: 'product', name: 'freshworks_crm' } }] });
  assert.equal(lenses[0].command.command, 'freshsales.simulate');
  assert.equal(lenses[1].command.command, 'freshsales.debug');
  assert.deepEqual(lenses[0].command.arguments, [{ appDir: s.app, event: 'onAppInstall', scope: { kind: 'product', name: 'freshworks_crm' } }]);

  // two events sharing one callback
  await s.client.open(s.f('manifest.json'), s.read('manifest.json').replace('"onDealUpdate": { "handler": "onDealUpdateHandler" }',
    '"onDealUpdate": { "handler": "onDealUpdateHandler" },\n        "onDealCreate": { "handler": "onDealUpdateHandler" }'));
  const shared = await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/server.js')) } });
  assert.deepEqual(lensTitles(shared).filter((t) => t.startsWith('11:')), ['11:▶ Simulate onDealUpdate', '11:Debug', '11:Fuzz', '11:Create test', '11:▶ Simulate onDealCreate', '11:Debug', '11:Fuzz', '11:Create test']);

  const payload = await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/test_data/onContactCreate.json')) } });
  assert.deepEqual(lensTitles(payload), ['0:▶ Simulate onContactCreate with this payload', '0:Debug']);
  assert.deepEqual(payload[0].command.arguments, [{ appDir: s.app, event: 'onContactCreate', scope: { kind: 'product', name: 'freshworks_crm' }, payloadFile: s.f('server/test_data/onContactCreate.json') }]);
  assert.deepEqual(await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('manifest.json')) } }), []);

  const omni = await open('omni-app');
  const ol = await omni.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(omni.f('server/server.js')) } });
  assert.deepEqual(lensTitles(ol), ['2:▶ Simulate onDealCreate (freshworks_crm)', '2:Debug', '2:Fuzz', '2:Create test', '6:▶ Simulate onContactCreate (freshworks_crm)', '6:Debug', '6:Fuzz', '6:Create test',
    '2:▶ Simulate onDealCreate (freshsales)', '2:Debug', '2:Fuzz', '6:▶ Simulate onContactCreate (freshsales)', '6:Debug', '6:Fuzz']);
  const ol2 = await omni.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(omni.f('server/test_data/freshsales/onDealCreate.json')) } });
  assert.deepEqual(ol2[0].command.arguments[0].scope, { kind: 'product', name: 'freshsales' });
});

test('freshsales/appEvents: registered and available events with handler and payload', async () => {
  const s = await open('v30-app');
  const { apps } = await s.client.request('freshsales/appEvents', { uri: uriOf(s.f('manifest.json')) });
  assert.equal(apps.length, 1);
  const app = apps[0];
  assert.equal(app.appDir, s.app);
  assert.equal(app.dialect, '3.0');
  assert.equal(app.manifestUri, uriOf(s.f('manifest.json')));
  const reg = app.events.filter((e) => e.registered);
  assert.deepEqual(reg.map((e) => `${e.scope.name}/${e.event}`), ['common/onAppInstall', 'deal/onDealCreate', 'deal/onDealUpdate', 'contact/onContactCreate']);
  const deal = reg.find((e) => e.event === 'onDealCreate');
  assert.equal(deal.handler, 'onDealCreateHandler');
  assert.equal(deal.handlerDefined, true);
  assert.deepEqual(deal.handlerLocation, { file: 'server/server.js', line: 6, character: 2, endLine: 8 }, 'endLine: the line of the closing brace');
  assert.equal(deal.payloadFile, 'server/test_data/deal/onDealCreate.json');
  assert.equal(deal.problems, 0);
  assert.equal(deal.timeLimitMs, 20000);
  assert.equal(reg[0].timeLimitMs, 10000);
  const avail = app.events.filter((e) => !e.registered);
  assert.ok(avail.some((e) => e.event === 'onContactUpdate' && e.scope.name === 'contact' && e.expectedPayloadFile === 'server/test_data/contact/onContactUpdate.json'));
  assert.ok(avail.some((e) => e.event === 'onAppUninstall' && e.scope.name === 'common'));
  assert.ok(!avail.some((e) => e.event === 'onDealCreate'));

  const all = await s.client.request('freshsales/appEvents', {});
  assert.equal(all.apps.length, 1);
  const broken = await open('broken-app');
  const b = (await broken.client.request('freshsales/appEvents', {})).apps[0].events;
  const task = b.find((e) => e.event === 'onTaskUpdate' && e.registered);
  assert.equal(task.handlerDefined, false);
  assert.ok(task.problems >= 1);
  assert.equal(task.payloadFile, undefined);
});

test('freshsales/defaultPayload and freshsales/validatePayload', async () => {
  const s = await open('v23-app');
  const d = await s.client.request('freshsales/defaultPayload', { event: 'onDealCreate' });
  assert.equal(d.product, 'freshworks_crm');
  const payload = JSON.parse(d.text);
  assert.equal(payload.event, 'onDealCreate');
  assert.ok(payload.data.deal);
  const classic = await s.client.request('freshsales/defaultPayload', { event: 'onLeadCreate', product: 'freshsales' });
  assert.ok(JSON.parse(classic.text).data.lead);
  assert.equal(await s.client.request('freshsales/defaultPayload', { event: 'onNothing' }), null);

  assert.deepEqual(await s.client.request('freshsales/validatePayload', { text: d.text, event: 'onDealCreate' }), []);
  const bad = d.text.replace(/"region": "[A-Z]+"/, '"region": "MARS"');
  const problems = await s.client.request('freshsales/validatePayload', { text: bad, event: 'onDealCreate' });
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].severity, 'error');
  assert.deepEqual(problems[0].range.start, posOf(bad, '"MARS"'));
  // The attribute, as people write it: the panel shows it before the message.
  assert.equal(problems[0].path, 'region', JSON.stringify(problems[0]));
  const broken = await s.client.request('freshsales/validatePayload', { text: '{ "event": ', event: 'onDealCreate' });
  assert.ok(broken.some((p) => p.severity === 'error'));
});

test('freshsales/appChanged is sent after a change', async () => {
  const s = await open('v23-app');
  await until(() => s.client.notifications.some((n) => n.method === 'freshsales/appChanged'), 5000, 'initial appChanged');
  s.client.notifications.length = 0;
  await s.client.open(s.f('manifest.json'), s.read('manifest.json').replace('onDealUpdateHandler', 'onDealUpdateHandler2'));
  const n = await until(() => s.client.notifications.find((x) => x.method === 'freshsales/appChanged'), 5000, 'appChanged');
  assert.deepEqual(n.params, { appDir: s.app });
});

test('another product\'s app: its default payload, only JSON checks in the panel, and diagnostics as fsdev check', async () => {
  const s = await open('freshdesk-app');
  const scope = { kind: 'product', name: 'freshdesk' };
  const d = await s.client.request('freshsales/defaultPayload', { event: 'onTicketCreate', scope });
  assert.equal(d.product, 'freshdesk');
  assert.ok(JSON.parse(d.text).data.ticket);
  const moduleDefault = await s.client.request('freshsales/defaultPayload', { event: 'onTicketCreate', scope: { kind: 'module', name: 'service_ticket' } });
  assert.equal(moduleDefault.product, 'freshservice');
  assert.deepEqual(await s.client.request('freshsales/validatePayload', { text: d.text, event: 'onTicketCreate', scope }), []);
  const broken = await s.client.request('freshsales/validatePayload', { text: '{ "data": ', event: 'onTicketCreate', scope });
  assert.ok(broken.length > 0 && broken.every((p) => p.code === 'json-syntax'), JSON.stringify(broken));
  const rel = 'server/test_data/onTicketCreate.json';
  const { items } = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f(rel)) } });
  assert.deepEqual(items, [], 'no Freshsales schema on a Freshdesk payload (its account_id is a number, its timestamp a string)');
  const manifest = await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f('manifest.json')) } });
  assert.deepEqual(manifest.items.map((x) => x.code), ['other-product']);
});
