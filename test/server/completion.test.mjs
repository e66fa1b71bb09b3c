// Completion and hover over the real server process (stdio), on copies of the fixture apps.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupTemps, posOf, serverOn } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
async function open(name) { const s = await serverOn(name); clients.push(s.client); return s; }
const labels = (items) => (Array.isArray(items) ? items : items?.items ?? []).map((i) => i.label);
const item = (items, label) => (Array.isArray(items) ? items : items.items).find((i) => i.label === label);

test('2.3: events valid for the product and not yet registered, with the registration snippet', async () => {
  const { client, f, read } = await open('v23-app');
  const text = read('manifest.json').replace('"onDealUpdate": { "handler": "onDealUpdateHandler" }\n',
    '"onDealUpdate": { "handler": "onDealUpdateHandler" },\n        "\n');
  await client.open(f('manifest.json'), text);
  const pos = posOf(text, '"\n      }', 1);
  const items = await client.request('textDocument/completion', client.at(f('manifest.json'), pos.line, pos.character));
  const got = labels(items);
  assert.ok(got.includes('onDealCreate') && got.includes('onTaskUpdate') && got.includes('onAppUninstall'), got.join());
  for (const taken of ['onContactCreate', 'onDealUpdate', 'onAppInstall']) assert.ok(!got.includes(taken), `${taken} is registered already`);
  for (const classic of ['onLeadCreate', 'onDealDelete']) assert.ok(!got.includes(classic), `${classic} is Classic-only`);
  const deal = item(items, 'onDealCreate');
  assert.equal(deal.insertTextFormat, 2);
  assert.equal(deal.textEdit.newText, '"onDealCreate": { "handler": "${1:onDealCreateHandler}" }');
  assert.deepEqual(deal.textEdit.range, { start: { line: pos.line, character: pos.character - 1 }, end: pos }, 'replaces the typed quote');
});

test('omni 2.3: each product block offers its own product\'s events', async () => {
  const { client, f, read } = await open('omni-app');
  const text = read('manifest.json').replace(/("freshsales": \{\n\s*"events": \{\n)/, '$1        "",\n')
    .replace(/("freshworks_crm": \{\n\s*"events": \{\n)/, '$1        "",\n');
  await client.open(f('manifest.json'), text);
  const crm = posOf(text, '""', 1, 0);
  const classic = posOf(text, '""', 1, 1);
  const inCrm = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), crm.line, crm.character)));
  const inClassic = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), classic.line, classic.character)));
  assert.ok(!inCrm.includes('onLeadCreate') && inCrm.includes('onTaskCreate'), inCrm.join());
  assert.ok(inClassic.includes('onLeadCreate') && inClassic.includes('onDealDelete'), inClassic.join());
  for (const l of [inCrm, inClassic]) assert.ok(!l.includes('onDealCreate') && !l.includes('onContactCreate'));
});

test('3.0: module events, common events, module keys', async () => {
  const { client, f, read } = await open('v30-app');
  let text = read('manifest.json')
    .replace('"onDealUpdate": { "handler": "onDealUpdateHandler" }\n', '"onDealUpdate": { "handler": "onDealUpdateHandler" },\n        "\n')
    .replace('"onAppInstall": { "handler": "onAppInstallHandler" }\n', '"onAppInstall": { "handler": "onAppInstallHandler" },\n        "\n');
  await client.open(f('manifest.json'), text);
  const common = posOf(text, '"\n      }', 1, 0);
  const deal = posOf(text, '"\n      }', 1, 1);
  const inCommon = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), common.line, common.character)));
  const inDeal = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), deal.line, deal.character)));
  assert.ok(inCommon.includes('onAppUninstall') && inCommon.includes('onScheduledEvent') && !inCommon.includes('onAppInstall'), inCommon.join());
  assert.ok(!inCommon.includes('onDealCreate'), 'product events do not belong to common');
  assert.ok(!inDeal.includes('onDealCreate') && !inDeal.includes('onDealUpdate') && !inDeal.includes('onContactCreate') && !inDeal.includes('onAppUninstall'), inDeal.join());

  // module keys: a new key directly under "modules"
  text = read('manifest.json').replace('"modules": {\n', '"modules": {\n    "",\n');
  await client.change(f('manifest.json'), text);
  const key = posOf(text, '""', 1);
  const mods = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), key.line, key.character)));
  assert.ok(mods.includes('sales_account') && mods.includes('task'), mods.join());
  assert.ok(!mods.includes('deal') && !mods.includes('contact') && !mods.includes('common'), 'existing modules are not offered again');
});

test('2.3: product keys, the handler key and handler values from server.js', async () => {
  const { client, f, read } = await open('v23-app');
  let text = read('manifest.json').replace('"product": {\n', '"product": {\n    "",\n');
  await client.open(f('manifest.json'), text);
  let p = posOf(text, '""', 1);
  const products = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), p.line, p.character)));
  assert.deepEqual(products, ['freshsales']);

  text = read('manifest.json').replace('"onContactCreate": { "handler": "onContactCreateHandler" }', '"onContactCreate": { "" }');
  await client.change(f('manifest.json'), text);
  p = posOf(text, '{ "" }', 3);
  const keys = await client.request('textDocument/completion', client.at(f('manifest.json'), p.line, p.character));
  assert.deepEqual(labels(keys), ['handler']);
  assert.equal(keys[0].textEdit.newText, '"handler": "$1"');

  text = read('manifest.json').replace('"handler": "onContactCreateHandler"', '"handler": ""');
  await client.change(f('manifest.json'), text);
  p = posOf(text, '"handler": ""', 12);
  const handlers = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), p.line, p.character)));
  assert.deepEqual([...handlers].sort(), ['onAppInstallHandler', 'onContactCreateHandler', 'onDealUpdateHandler']);
});

test('a half-typed manifest still gets completions', async () => {
  const { client, f } = await open('v23-app');
  const text = '{\n  "platform-version": "2.3",\n  "product": {\n    "freshworks_crm": {\n      "events": {\n        "onCo';
  await client.open(f('manifest.json'), text);
  const p = posOf(text, '"onCo', 5);
  const items = await client.request('textDocument/completion', client.at(f('manifest.json'), p.line, p.character));
  const got = labels(items);
  assert.ok(got.includes('onContactCreate') && got.includes('onContactUpdate'), got.join());
  assert.equal(item(items, 'onContactCreate').textEdit.newText, '"onContactCreate": { "handler": "${1:onContactCreateHandler}" }',
    'the callback already in server.js is suggested as handler');
});

test('2.0: event and callback names inside the events array of server.js', async () => {
  const { client, f, read } = await open('v20-app');
  const text = read('server/server.js').replace("{ event: 'onContactUpdate', callback: 'onContactUpdateHandler' }",
    "{ event: 'onContactUpdate', callback: 'onContactUpdateHandler' },\n    { event: 'on', callback: '' }");
  await client.open(f('server/server.js'), text);
  let p = posOf(text, "event: 'on'", 9);
  const events = labels(await client.request('textDocument/completion', client.at(f('server/server.js'), p.line, p.character)));
  assert.ok(events.includes('onDealUpdate') && events.includes('onContactCreate'), events.join());
  assert.ok(!events.includes('onDealCreate') && !events.includes('onContactUpdate'), 'registered events are not offered');
  p = posOf(text, "callback: ''", 11);
  const callbacks = labels(await client.request('textDocument/completion', client.at(f('server/server.js'), p.line, p.character)));
  assert.deepEqual(callbacks.sort(), ['onContactUpdateHandler', 'onDealCreateHandler']);
});

test('payload: property names from the schema and enum values (region)', async () => {
  const { client, f, read } = await open('v23-app');
  const rel = 'server/test_data/onContactCreate.json';
  let text = read(rel).replace('"region": "US",', '"region": "",');
  await client.open(f(rel), text);
  let p = posOf(text, '"region": ""', 11);
  const values = await client.request('textDocument/completion', client.at(f(rel), p.line, p.character));
  assert.deepEqual(labels(values), ['"US"', '"EU"', '"EUC"', '"AUS"', '"IND"']);
  assert.equal(item(values, '"EU"').textEdit.newText, '"EU"');

  text = read(rel).replace('"region": "US",\n', '');
  text = text.replace('"timestamp"', '""');
  await client.change(f(rel), text);
  p = posOf(text, '""', 1);
  const keys = await client.request('textDocument/completion', client.at(f(rel), p.line, p.character));
  const got = labels(keys);
  assert.ok(got.includes('region') && got.includes('timestamp'), got.join());
  assert.ok(!got.includes('domain') && !got.includes('data'), 'keys already present are not offered');
  assert.match(item(keys, 'region').documentation.value, /Region where the app is installed/);
});

test('hover: event, handler, payload attribute', async () => {
  const { client, f, read } = await open('v23-app');
  const m = read('manifest.json');
  await client.open(f('manifest.json'), m);
  let p = posOf(m, '"onContactCreate"', 3);
  let h = await client.request('textDocument/hover', client.at(f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /\*\*onContactCreate\*\*/);
  assert.match(h.contents.value, /Time limit: 20 s/);
  assert.match(h.contents.value, /\[Documentation\]\(https:\/\//);
  p = posOf(m, '"onAppInstall"', 3);
  h = await client.request('textDocument/hover', client.at(f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /Time limit: 10 s/);

  p = posOf(m, '"onDealUpdateHandler"', 5);
  h = await client.request('textDocument/hover', client.at(f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /onDealUpdateHandler\*\* — defined in `server\/server.js:12:3` \(method\)/);
  p = posOf(m, '"onContactCreateHandler"', 5);
  h = await client.request('textDocument/hover', client.at(f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /server\/server.js:7:3` \(function expression\)/);

  const rel = 'server/test_data/onContactCreate.json';
  const t = read(rel);
  await client.open(f(rel), t);
  p = posOf(t, '"region"', 2);
  h = await client.request('textDocument/hover', client.at(f(rel), p.line, p.character));
  assert.match(h.contents.value, /Region where the app is installed/);
  p = posOf(t, '"US"', 1);
  h = await client.request('textDocument/hover', client.at(f(rel), p.line, p.character));
  assert.match(h.contents.value, /Region where the app is installed/);
});

test('hover: 3.0 event, 2.0 event in server.js, a handler that is not defined', async () => {
  const v30 = await open('v30-app');
  const m = v30.read('manifest.json');
  let p = posOf(m, '"onDealCreate"', 2);
  let h = await v30.client.request('textDocument/hover', v30.client.at(v30.f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /onDealCreate\*\* — Product event/);
  assert.match(h.contents.value, /module: `deal`/);

  const v20 = await open('v20-app');
  const s = v20.read('server/server.js');
  p = posOf(s, "'onContactUpdate'", 3);
  h = await v20.client.request('textDocument/hover', v20.client.at(v20.f('server/server.js'), p.line, p.character));
  assert.match(h.contents.value, /onContactUpdate\*\*/);
  assert.match(h.contents.value, /data.changes/);

  const broken = await open('broken-app');
  const b = broken.read('manifest.json');
  p = posOf(b, '"onTaskUpdateHandler"', 3);
  h = await broken.client.request('textDocument/hover', broken.client.at(broken.f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /not defined in server\/server.js/);
  p = posOf(b, '"onContactUpdateHandler"', 3);
  h = await broken.client.request('textDocument/hover', broken.client.at(broken.f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /as arrow, which the Freshworks tooling does not see/);
});

test('manifest keys outside the events blocks: completion and hover from schemas/manifest.schema.json', async () => {
  const { client, f, read } = await open('v23-app');
  const text = read('manifest.json');
  await client.open(f('manifest.json'), text);
  const version = posOf(text, '"2.3"', 1);
  const versions = labels(await client.request('textDocument/completion', client.at(f('manifest.json'), version.line, version.character)));
  assert.deepEqual(versions, ['"2.0"', '"2.1"', '"2.2"', '"2.3"', '"3.0"']);
  const key = posOf(text, '"platform-version"', 3);
  const hover = await client.request('textDocument/hover', client.at(f('manifest.json'), key.line, key.character));
  assert.match(hover.contents.value, /\*\*platform-version\*\*[\s\S]*decides where events are registered/);
});

test('payload: the key under the cursor is offered with its siblings, so retyping it works', async () => {
  const { client, f, read } = await open('v23-app');
  const file = 'server/test_data/onContactCreate.json';
  const text = read(file);
  await client.open(f(file), text);
  const at = posOf(text, '"region"', 2);
  const got = labels(await client.request('textDocument/completion', client.at(f(file), at.line, at.character)));
  assert.ok(got.includes('region'), got.join());
  assert.ok(!got.includes('timestamp'), 'keys already present elsewhere are not offered');
});
