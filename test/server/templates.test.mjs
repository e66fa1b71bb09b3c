// Request templates over the real server (fixture templates-v30-app, a 3.0 app written as the platform-3
// documentation shows, with a typo in invokeTemplate, an undeclared template, a declared one requests.json lacks
// and an iparam typo): diagnostics in every file, as typed; completion, hover, definition; quick fixes applied.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { applyWorkspaceEdit, cleanupTemps, posOf, readUri, serverOn, uriOf } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });

async function open() {
  const s = await serverOn('templates-v30-app');
  clients.push(s.client);
  const overlay = new Map();
  s.openText = async (rel, text = s.read(rel)) => { overlay.set(uriOf(s.f(rel)), text); await s.client.open(s.f(rel), text); return text; };
  s.textOf = (uri) => (overlay.has(uri) ? overlay.get(uri) : readUri(uri));
  s.fixes = async (rel, code) => {
    const uri = uriOf(s.f(rel));
    const { items } = await s.client.request('textDocument/diagnostic', { textDocument: { uri } });
    const d = items.find((x) => x.code === code);
    assert.ok(d, `no ${code} diagnostic in ${rel}: ${items.map((x) => x.code).join()}`);
    const actions = await s.client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    return actions.filter((a) => a.diagnostics?.[0]?.code === code).map((a) => {
      const { files, created } = applyWorkspaceEdit(a.edit, s.textOf);
      const byRel = Object.fromEntries([...files].map(([u, t]) => [path.relative(s.app, new URL(u).pathname).split(path.sep).join('/'), t]));
      return { title: a.title, files: byRel, created: created.map((u) => path.relative(s.app, new URL(u).pathname)) };
    });
  };
  return s;
}
const codes = (ds) => ds.map((d) => d.code).sort();

test('diagnostics are published on manifest.json, server.js, app/ scripts and config/requests.json, and follow the typing', async () => {
  const s = await open();
  const has = (code) => (ds) => ds.some((d) => d.code === code);
  assert.ok((await s.client.waitForDiagnostics(s.f('manifest.json'), has('request-template-not-defined'))).length);
  const js = await s.client.waitForDiagnostics(s.f('server/server.js'), has('request-template-unknown'));
  assert.deepEqual(codes(js), ['legacy-request-api', 'request-template-unknown']);
  assert.match(js.find((d) => d.code === 'request-template-unknown').message, /Did you mean 'getDeals'\?/);
  assert.deepEqual(codes(await s.client.waitForDiagnostics(s.f('app/scripts/app.js'), has('request-template-unknown'))), ['request-template-unknown']);
  assert.deepEqual(codes(await s.client.waitForDiagnostics(s.f('config/requests.json'), has('request-template-not-declared'))),
    ['request-template-iparam-unknown', 'request-template-not-declared']);
  // Typing the fix in server.js clears it, without a save.
  await s.openText('server/server.js');
  await s.client.change(s.f('server/server.js'), s.read('server/server.js').replace("'getDeal'", "'getDeals'"));
  await s.client.waitForDiagnostics(s.f('server/server.js'), (ds) => !has('request-template-unknown')(ds));
  // Typing in requests.json (open, unsaved) is what is checked.
  await s.openText('config/requests.json');
  await s.client.change(s.f('config/requests.json'), s.read('config/requests.json').replace('"path": "/crm/sales/api/notes"', '"path": "crm/sales/api/notes"'));
  const req = await s.client.waitForDiagnostics(s.f('config/requests.json'), has('request-template-schema'));
  assert.match(req.find((d) => d.code === 'request-template-schema').message, /'createNote' schema\/path must start with '\/'/);
});

test('completion: template names inside invokeTemplate(\'|\') in server.js and app/, iparam names inside <%= iparam.| %>, methods in requests.json', async () => {
  const s = await open();
  const js = await s.openText('server/server.js', s.read('server/server.js').replace("'getDeal'", "''"));
  const at = posOf(js, "invokeTemplate('", 16);
  const items = await s.client.request('textDocument/completion', s.client.at(s.f('server/server.js'), at.line, at.character));
  assert.deepEqual((items.items ?? items).map((i) => i.label).sort(), ['createNote', 'getContacts', 'getDeals', 'syncAccounts']);
  const app = await s.openText('app/scripts/app.js');
  const inApp = posOf(app, "invokeTemplate('getDeals'", 18);
  const appItems = await s.client.request('textDocument/completion', s.client.at(s.f('app/scripts/app.js'), inApp.line, inApp.character));
  const getDeals = (appItems.items ?? appItems).find((i) => i.label === 'getDeals');
  assert.equal(getDeals.detail, 'GET <%= iparam.domain %>.myfreshworks.com/crm/sales/api/deals/<%= context.deal_id %>');
  const req = await s.openText('config/requests.json', s.read('config/requests.json').replace('<%= iparam.regoin %>', '<%= iparam. %>'));
  const ip = posOf(req, '<%= iparam. %>', 11);
  const ipItems = await s.client.request('textDocument/completion', s.client.at(s.f('config/requests.json'), ip.line, ip.character));
  assert.deepEqual((ipItems.items ?? ipItems).map((i) => i.label).sort(), ['domain', 'region'], 'the secure api_key is offered in headers only');
  const m = posOf(req, '"method": "POST"', 11);
  const methods = await s.client.request('textDocument/completion', s.client.at(s.f('config/requests.json'), m.line, m.character));
  assert.deepEqual((methods.items ?? methods).map((i) => i.label), ['"GET"', '"POST"', '"PUT"', '"DELETE"', '"PATCH"']);
});

test('hover and go to definition: invokeTemplate → requests.json → manifest.json; <%= iparam.x %> → iparams.json', async () => {
  const s = await open();
  const app = await s.openText('app/scripts/app.js');
  const at = posOf(app, "'getDeals'", 3);
  const hover = await s.client.request('textDocument/hover', s.client.at(s.f('app/scripts/app.js'), at.line, at.character));
  assert.match(hover.contents.value, /^\*\*getDeals\*\* — `GET <%= iparam.domain %>.myfreshworks.com\/crm\/sales\/api\/deals\/<%= context.deal_id %>`/);
  const def = await s.client.request('textDocument/definition', s.client.at(s.f('app/scripts/app.js'), at.line, at.character));
  assert.equal(def.uri, uriOf(s.f('config/requests.json')));
  assert.deepEqual(def.range.start, posOf(s.read('config/requests.json'), '"getDeals"'));
  const toManifest = await s.client.request('textDocument/definition', s.client.at(s.f('config/requests.json'), def.range.start.line, def.range.start.character + 2));
  assert.equal(toManifest.uri, uriOf(s.f('manifest.json')));
  assert.deepEqual(toManifest.range.start, posOf(s.read('manifest.json'), '"getDeals"'));
  const ip = posOf(s.read('config/requests.json'), 'iparam.api_key', 8);
  const toIparams = await s.client.request('textDocument/definition', s.client.at(s.f('config/requests.json'), ip.line, ip.character));
  assert.equal(toIparams.uri, uriOf(s.f('config/iparams.json')));
  assert.deepEqual(toIparams.range.start, posOf(s.read('config/iparams.json'), '"api_key"'));
});

test('quick fixes: declare the template in the manifest, create a template stub in requests.json, add the missing iparam', async () => {
  const s = await open();
  const declare = await s.fixes('app/scripts/app.js', 'request-template-unknown');
  assert.deepEqual(declare.map((f) => f.title), ["Declare 'syncAccounts' in manifest.json"]);
  const manifest = JSON.parse(declare[0].files['manifest.json']);
  assert.deepEqual(Object.keys(manifest.modules.common.requests), ['getDeals', 'createNote', 'getContacts', 'syncAccounts']);
  assert.deepEqual(manifest.modules.deal, JSON.parse(s.read('manifest.json')).modules.deal);

  const stub = await s.fixes('manifest.json', 'request-template-not-defined');
  assert.deepEqual(stub.map((f) => f.title), ["Create template 'getContacts' in config/requests.json"]);
  const requests = JSON.parse(stub[0].files['config/requests.json']);
  assert.deepEqual(requests.getContacts, { schema: { method: 'GET', host: 'api.example.com', path: '/' } });
  assert.deepEqual(requests.getDeals, JSON.parse(s.read('config/requests.json')).getDeals);

  const iparam = await s.fixes('config/requests.json', 'request-template-iparam-unknown');
  assert.deepEqual(iparam.map((f) => f.title), ["Change to 'region'", "Add iparam 'regoin' to config/iparams.json"]);
  assert.equal(iparam[0].files['config/requests.json'], s.read('config/requests.json').replace('iparam.regoin', 'iparam.region'));
  assert.deepEqual(Object.keys(JSON.parse(iparam[1].files['config/iparams.json'])), ['domain', 'api_key', 'region', 'regoin']);

  const typo = await s.fixes('server/server.js', 'request-template-unknown');
  assert.deepEqual(typo.map((f) => f.title), ["Change to 'getDeals'", "Create template 'getDeal' in config/requests.json and declare it in manifest.json"]);
  assert.equal(typo[0].files['server/server.js'], s.read('server/server.js').replace("'getDeal'", "'getDeals'"));
});
