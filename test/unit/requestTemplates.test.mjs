// Request templates (issue 16 item 3): config/requests.json's schema, the manifest's declarations, invokeTemplate
// names in server.js and app/ scripts, `<%= %>` substitutions, the legacy request API; their quick fixes and editor
// help. In-memory apps, no disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');
const { quickFixesFor } = await loadTs('server/src/core/quickFixes.ts');
const { templateCompletions, templateHover, templateDefinition } = await loadTs('server/src/core/requestTemplatesAssist.ts');

const CODES = new Set(['requests-json-syntax', 'request-template-schema', 'request-template-not-defined', 'request-template-not-declared',
  'request-template-unknown', 'request-template-iparam-unknown', 'request-template-secure-iparam', 'request-template-substitution', 'legacy-request-api']);
const R = (sl, sc, el, ec) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

/** A 3.0 manifest declaring `requests` in modules.common (one line per name, from line 5). */
function m30(requests = []) {
  return ['{', '  "platform-version": "3.0",', '  "modules": {', '    "common": {', '      "requests": {',
    ...requests.map((r, i) => `        "${r}": {}${i < requests.length - 1 ? ',' : ''}`),
    '      },', '      "events": { "onAppInstall": { "handler": "onAppInstallHandler" } }', '    },',
    '    "deal": { "events": { "onDealCreate": { "handler": "onDealCreateHandler" } } }', '  },',
    '  "engines": { "node": "18.20.8", "fdk": "9.6.0" }', '}'].join('\n');
}
const SCRIPT = (body = '') => `exports = {\n  onAppInstallHandler: function () { renderData(); },\n  onDealCreateHandler: async function (args) {\n${body}\n  }\n};\n`;
const IPARAMS = JSON.stringify({
  domain: { display_name: 'Domain', type: 'text', required: true },
  api_key: { display_name: 'API key', type: 'text', required: true, secure: true },
}, null, 2);
const template = (schema, options) => ({ schema: { method: 'GET', host: 'api.example.com', path: '/v1', ...schema }, ...(options ? { options } : {}) });
const requests = (obj) => JSON.stringify(obj, null, 2);

function diagnose({ manifest = m30(), script = SCRIPT(), config = {}, appScripts = {} }) {
  return diagnoseApp({
    manifest: { path: 'manifest.json', text: manifest },
    serverScript: script === undefined ? undefined : { path: 'server/server.js', text: script },
    testData: [],
    config: Object.entries(config).map(([name, text]) => ({ path: `config/${name}`, text })),
    appScripts: Object.entries(appScripts).map(([path, text]) => ({ path, text })),
  }, () => undefined);
}
const ours = (r) => r.diagnostics.filter((d) => CODES.has(d.code));
const only = (r, code) => r.diagnostics.filter((d) => d.code === code);
function one(r, code) {
  const found = only(r, code);
  assert.equal(found.length, 1, `expected exactly one ${code}, got: ${JSON.stringify(ours(r).map((d) => `${d.code}: ${d.message}`), null, 1)}`);
  return found[0];
}
/** Applies a fix's FileEdits to { path: text } (whole-file replacements or a created file, as our fixes make them). */
function apply(files, fix) {
  const out = { ...files };
  for (const e of fix.edits) {
    let text = out[e.file] ?? '';
    const lines = text.split('\n');
    const off = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    for (const ed of [...e.edits].sort((a, b) => off(b.range.start) - off(a.range.start))) text = text.slice(0, off(ed.range.start)) + ed.newText + text.slice(off(ed.range.end));
    out[e.file] = text;
  }
  return out;
}

test('the platform-3 documentation\'s own example (declared, defined, iparams, context, OAuth) has no finding', () => {
  const r = diagnose({
    manifest: m30(['getDeals', 'sendToExternalAPI', 'getRepo']),
    script: SCRIPT("    await $request.invokeTemplate('getDeals', { context: { page: 1 } });\n    await $request.invokeTemplate(\"sendToExternalAPI\", { body: '{}' });"),
    config: {
      'requests.json': requests({
        getDeals: { schema: { method: 'GET', host: '<%= iparam.domain %>.myfreshworks.com', path: '/crm/sales/api/deals', headers: { Authorization: 'Bearer <%= iparam.api_key %>', 'Content-Type': 'application/json' }, query: { page: '<%= context.page %>', per_page: '20' } }, options: { retryDelay: 1000 } },
        sendToExternalAPI: { schema: { protocol: 'https', method: 'POST', host: '<%= iparam.domain %>.example.com', path: '/api/', headers: { Authorization: 'Basic <%= encode(iparam.api_key) %>' } } },
        getRepo: { schema: { method: 'GET', host: 'api.github.com', path: '/repos/<%= context.repo %>', headers: { Authorization: 'bearer <%= access_token %>' } }, options: { oauth: 'github', maxAttempts: 3 } },
      }),
      'iparams.json': IPARAMS,
    },
    appScripts: { 'app/scripts/app.js': "client.request.invokeTemplate('getDeals', {}).then(console.log);" },
  });
  assert.deepEqual(ours(r), []);
});

test('a template the manifest declares but requests.json lacks is an error on the declaration; the fix creates a stub', () => {
  const files = { 'config/requests.json': requests({ getDeals: template() }) };
  const r = diagnose({ manifest: m30(['getDeals', 'getContacts']), config: { 'requests.json': files['config/requests.json'] } });
  const d = one(r, 'request-template-not-defined');
  assert.equal(d.file, 'manifest.json');
  assert.deepEqual(d.range, R(6, 8, 6, 21));
  assert.match(d.message, /'getContacts' is declared in manifest.json but config\/requests.json does not define it: invoking it fails with "Request template not found"/);
  const [fix] = quickFixesFor(r.app, d);
  assert.equal(fix.title, "Create template 'getContacts' in config/requests.json");
  const after = JSON.parse(apply(files, fix)['config/requests.json']);
  assert.deepEqual(Object.keys(after), ['getDeals', 'getContacts']);
  assert.equal(after.getContacts.schema.method, 'GET');
});

test('without config/requests.json the declared template\'s stub fix creates the file', () => {
  const r = diagnose({ manifest: m30(['getDeals']) });
  const d = one(r, 'request-template-not-defined');
  assert.match(d.message, /the app has no config\/requests.json/);
  const [fix] = quickFixesFor(r.app, d);
  assert.equal(fix.edits[0].create, true);
  assert.deepEqual(Object.keys(JSON.parse(fix.edits[0].edits[0].newText)), ['getDeals']);
});

test('a template of requests.json the manifest does not declare is a warning there; the fix declares it (3.0: modules.common.requests; 2.3: product.<p>.requests)', () => {
  const req = requests({ getDeals: template(), syncAccounts: template() });
  const r = diagnose({ manifest: m30(['getDeals']), config: { 'requests.json': req } });
  const d = one(r, 'request-template-not-declared');
  assert.equal(d.severity, 'warning');
  assert.equal(d.file, 'config/requests.json');
  assert.deepEqual(d.range, R(8, 2, 8, 16));
  assert.match(d.message, /'syncAccounts' is not declared in manifest.json \(modules.common.requests\)/);
  const [fix] = quickFixesFor(r.app, d);
  assert.equal(fix.title, "Declare 'syncAccounts' in manifest.json");
  const manifest = JSON.parse(apply({ 'manifest.json': m30(['getDeals']) }, fix)['manifest.json']);
  assert.deepEqual(Object.keys(manifest.modules.common.requests), ['getDeals', 'syncAccounts']);
  assert.deepEqual(manifest.modules.common.events, { onAppInstall: { handler: 'onAppInstallHandler' } });

  const m23 = JSON.stringify({ 'platform-version': '2.3', product: { freshworks_crm: { requests: { getDeals: {} }, events: {} } } }, null, 2);
  const r23 = diagnose({ manifest: m23, script: undefined, config: { 'requests.json': req } });
  const d23 = one(r23, 'request-template-not-declared');
  assert.match(d23.message, /\(product.<product>.requests\)/);
  const m = JSON.parse(apply({ 'manifest.json': m23 }, quickFixesFor(r23.app, d23)[0])['manifest.json']);
  assert.deepEqual(Object.keys(m.product.freshworks_crm.requests), ['getDeals', 'syncAccounts']);
});

test('$request.invokeTemplate with a name neither declared nor defined: error at the literal, did-you-mean and its fix', () => {
  const script = SCRIPT("    const deal = await $request.invokeTemplate('getDeal', {});");
  const r = diagnose({ manifest: m30(['getDeals']), script, config: { 'requests.json': requests({ getDeals: template() }) } });
  const d = one(r, 'request-template-unknown');
  assert.equal(d.file, 'server/server.js');
  assert.deepEqual(d.range, R(3, 47, 3, 56));
  assert.match(d.message, /'getDeal' is not declared in manifest.json nor defined in config\/requests.json: the call fails with "Request template not found". Did you mean 'getDeals'\?/);
  const fixes = quickFixesFor(r.app, d);
  assert.deepEqual(fixes.map((f) => f.title), ["Change to 'getDeals'", "Create template 'getDeal' in config/requests.json and declare it in manifest.json"]);
  assert.match(apply({ 'server/server.js': script }, fixes[0])['server/server.js'], /invokeTemplate\('getDeals', \{\}\)/);
  const both = apply({ 'manifest.json': m30(['getDeals']), 'config/requests.json': requests({ getDeals: template() }) }, fixes[1]);
  assert.ok(JSON.parse(both['manifest.json']).modules.common.requests.getDeal);
  assert.ok(JSON.parse(both['config/requests.json']).getDeal.schema);
});

test('client.request.invokeTemplate in app/ naming a template requests.json defines but the manifest does not declare', () => {
  const app = "async function show(client) {\n  const r = await client.request.invokeTemplate(\"syncAccounts\", {});\n}\n";
  const r = diagnose({ manifest: m30(['getDeals']), config: { 'requests.json': requests({ getDeals: template(), syncAccounts: template() }) }, appScripts: { 'app/scripts/app.js': app } });
  const d = only(r, 'request-template-unknown')[0];
  assert.equal(d.file, 'app/scripts/app.js');
  assert.deepEqual(d.range, R(1, 48, 1, 62));
  assert.match(d.message, /'syncAccounts' is defined in config\/requests.json but not declared in manifest.json/);
  assert.deepEqual(quickFixesFor(r.app, d).map((f) => f.title), ["Declare 'syncAccounts' in manifest.json"]);
});

test('calls are found in the syntax tree: a name in a comment or a string, or a computed name, is not a call', () => {
  const script = SCRIPT("    // $request.invokeTemplate('inAComment', {});\n    const s = \"$request.invokeTemplate('inAString')\";\n    const name = 'x';\n    await $request.invokeTemplate(name, {});\n    await $request.invokeTemplate(`getDeals`, {});");
  const r = diagnose({ manifest: m30(['getDeals']), script, config: { 'requests.json': requests({ getDeals: template() }) } });
  assert.deepEqual(ours(r), []);
});

test('<%= iparam.x %> naming an iparam iparams.json lacks: error at the name, did-you-mean, and the fix adds the iparam', () => {
  const req = requests({ getDeals: template({ host: '<%= iparam.domian %>.myfreshworks.com' }) });
  const r = diagnose({ manifest: m30(['getDeals']), config: { 'requests.json': req, 'iparams.json': IPARAMS } });
  const d = one(r, 'request-template-iparam-unknown');
  assert.equal(d.file, 'config/requests.json');
  assert.equal(req.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), 'domian');
  assert.match(d.message, /'getDeals' substitutes iparam 'domian', which config\/iparams.json does not define.*Did you mean 'domain'\?/);
  const fixes = quickFixesFor(r.app, d);
  assert.deepEqual(fixes.map((f) => f.title), ["Change to 'domain'", "Add iparam 'domian' to config/iparams.json"]);
  const added = JSON.parse(apply({ 'config/iparams.json': IPARAMS }, fixes[1])['config/iparams.json']);
  assert.deepEqual(Object.keys(added), ['domain', 'api_key', 'domian']);
  assert.equal(added.domian.type, 'text');
  // Custom iparams (iparams.html): the names are the page's own, not checked.
  assert.deepEqual(ours(diagnose({ manifest: m30(['getDeals']), config: { 'requests.json': req, 'iparams.html': '<html></html>' } })), []);
});

test('a secure iparam is substituted in headers only; context and iparams in host, path, headers and query only', () => {
  const req = requests({ getDeals: template({ method: 'GET', path: '/deals/<%= iparam.api_key %>', headers: { Authorization: '<%= iparam.api_key %>' } }) });
  const r = diagnose({ manifest: m30(['getDeals']), config: { 'requests.json': req, 'iparams.json': IPARAMS } });
  const d = one(r, 'request-template-secure-iparam');
  assert.equal(d.range.start.line, 5);
  assert.match(d.message, /secure iparam 'api_key' in schema.path: the platform substitutes secure iparams in schema.headers only/);
  const bad = requests({ a: { schema: { method: '<%= context.m %>', host: 'x.example.com', path: '/', query: { t: '<%= access_token %>' } }, options: {} } });
  const r2 = diagnose({ manifest: m30(['a']), config: { 'requests.json': bad, 'iparams.json': IPARAMS } });
  const msgs = only(r2, 'request-template-substitution').map((x) => x.message);
  assert.equal(msgs.length, 2, msgs.join('\n'));
  assert.match(msgs[0], /context substitutions are made in schema.host, path, headers and query only, not in schema.method/);
  assert.match(msgs[1], /<%= access_token %> is substituted in schema.headers only/);
  const noOauth = requests({ a: template({ headers: { Authorization: 'Bearer <%= access_token %>' } }) });
  const w = one(diagnose({ manifest: m30(['a']), config: { 'requests.json': noOauth } }), 'request-template-substitution');
  const isOAuth = requests({ a: template({ headers: { Authorization: 'Bearer <%= access_token %>' } }, { isOAuth: true }) });
  assert.deepEqual(ours(diagnose({ manifest: m30(['a']), config: { 'requests.json': isOAuth } })), [], 'the older "isOAuth": true is an OAuth template');
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /has no "options": \{ "oauth"/);
});

test('$request.post on 3.0 and client.request.get on 2.3 are errors with the platform\'s words; on 2.2 they are the API', () => {
  const script = SCRIPT("    await $request.post('https://example.com', {});");
  const d = one(diagnose({ script }), 'legacy-request-api');
  assert.match(d.message, /^post is no longer supported in Request API/);
  assert.deepEqual(d.range, R(3, 19, 3, 23));
  const m23 = JSON.stringify({ 'platform-version': '2.3', product: { freshworks_crm: {} } });
  const a = one(diagnose({ manifest: m23, script: undefined, appScripts: { 'app/app.js': "client.request.get('https://x.example.com', {});" } }), 'legacy-request-api');
  assert.equal(a.file, 'app/app.js');
  assert.match(a.message, /^get is no longer supported in Request API/);
  const m22 = JSON.stringify({ 'platform-version': '2.2', product: { freshworks_crm: {} } });
  assert.deepEqual(ours(diagnose({ manifest: m22, script: undefined, appScripts: { 'app/app.js': "client.request.get('https://x.example.com', {});" } })), []);
});

test('requests.json schema: method, host without protocol or path, path with "/", no body, options in range, strings in headers', () => {
  const req = requests({
    a: template({ method: 'get' }),
    b: template({ host: 'https://api.example.com' }),
    c: template({ host: 'api.example.com/v2' }),
    d: template({ path: 'v1/deals' }),
    e: { schema: { method: 'POST', host: 'api.example.com', path: '/', body: '{}' } },
    f: template({}, { retryDelay: 1250, maxAttempts: 9 }),
    g: template({ headers: { 'X-Count': { n: 3 } }, query: { limit: 50, all: true } }),
    h: { options: {} },
    'bad name': template(),
  });
  const r = diagnose({ manifest: m30(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'bad name']), config: { 'requests.json': req } });
  const msgs = only(r, 'request-template-schema').map((x) => x.message);
  const expect = [
    /'a' schema\/method must be one of GET, POST, PUT, DELETE, PATCH/,
    /'b' schema\/host must not have the protocol/,
    /'c' schema\/host must not have path/,
    /'d' schema\/path must start with '\/'/,
    /'e' schema must NOT have additional properties 'body': the body is passed when invoking/,
    /'f' options\/maxAttempts must be a whole number from 1 to 5/,
    /'f' options\/retryDelay must be a multiple of 100 up to 1500/,
    /'g' schema\/headers\/X-Count must be a string/,
    /'h' has no "schema"/,
    /name 'bad name' may contain only letters, digits, underscores and hyphens/,
  ];
  assert.equal(msgs.length, expect.length, msgs.join('\n'));
  for (const re of expect) assert.ok(msgs.some((m) => re.test(m)), `${re} in\n${msgs.join('\n')}`);
});

test('requests.json that does not parse is one error, and no other template finding; a non-object root is one', () => {
  const r = diagnose({ manifest: m30([]), config: { 'requests.json': '{ "getDeals": { "schema": ' } });
  const d = one(r, 'requests-json-syntax');
  assert.equal(d.file, 'config/requests.json');
  assert.match(d.message, /config\/requests.json is not valid JSON \(value expected\)/);
  const arr = diagnose({ manifest: m30([]), config: { 'requests.json': '[]' } });
  assert.match(one(arr, 'request-template-schema').message, /must be an object of templates/);
});

test('editor: template names complete inside invokeTemplate(\'|\'), hover shows method, host and path, definition goes to requests.json and on to the manifest', () => {
  const script = SCRIPT("    await $request.invokeTemplate('', {});\n    await $request.invokeTemplate('getDeals', {});");
  const req = requests({ getDeals: template({ host: 'api.example.com', path: '/deals' }), syncAccounts: template() });
  const { app } = diagnose({ manifest: m30(['getDeals', 'createNote']), script, config: { 'requests.json': req, 'iparams.json': IPARAMS } });
  const items = templateCompletions(app, 'server/server.js', { line: 3, character: 35 });
  assert.deepEqual(items.map((i) => i.label).sort(), ['createNote', 'getDeals', 'syncAccounts']);
  assert.equal(items.find((i) => i.label === 'getDeals').detail, 'GET api.example.com/deals');
  assert.deepEqual(items[0].textEdit.range, R(3, 35, 3, 35));
  // Half-typed, before the quote is closed: still offered.
  const typed = diagnose({ manifest: m30(['getDeals']), script: "exports = {\n  h: function () {\n    $request.invokeTemplate('ge", config: { 'requests.json': req } }).app;
  assert.deepEqual(templateCompletions(typed, 'server/server.js', { line: 2, character: 30 }).map((i) => i.textEdit.range), [R(2, 29, 2, 31), R(2, 29, 2, 31)]);
  assert.equal(templateCompletions(app, 'server/server.js', { line: 1, character: 5 }), undefined);

  const hover = templateHover(app, 'server/server.js', { line: 4, character: 38 });
  assert.match(hover.contents.value, /\*\*getDeals\*\* — `GET api.example.com\/deals`/);
  const toDef = templateDefinition(app, 'server/server.js', { line: 4, character: 38 });
  assert.deepEqual(toDef, { file: 'config/requests.json', range: R(1, 2, 1, 12) });
  assert.deepEqual(templateDefinition(app, 'config/requests.json', { line: 1, character: 5 }), { file: 'manifest.json', range: R(5, 8, 5, 18) });
  assert.deepEqual(templateDefinition(app, 'manifest.json', { line: 5, character: 10 }), { file: 'config/requests.json', range: R(1, 2, 1, 12) });
});

test('editor: iparam names complete inside <%= iparam.| %> (a secure one only in headers), requests.json keys and methods from its schema, iparam.x goes to iparams.json', () => {
  const req = '{\n  "a": {\n    "schema": {\n      "method": "GET",\n      "host": "<%= iparam. %>.example.com",\n      "headers": { "Authorization": "<%= iparam.api_key %>" }\n    }\n  }\n}';
  const { app } = diagnose({ manifest: m30(['a']), config: { 'requests.json': req, 'iparams.json': IPARAMS } });
  const hostItems = templateCompletions(app, 'config/requests.json', { line: 4, character: 26 });
  assert.deepEqual(hostItems.map((i) => i.label), ['domain']);
  const headerItems = templateCompletions(app, 'config/requests.json', { line: 5, character: 50 });
  assert.deepEqual(headerItems.map((i) => i.label).sort(), ['api_key', 'domain']);
  assert.deepEqual(headerItems.find((i) => i.label === 'api_key').textEdit.range, R(5, 48, 5, 55));
  const methods = templateCompletions(app, 'config/requests.json', { line: 3, character: 17 });
  assert.deepEqual(methods.map((i) => i.label), ['"GET"', '"POST"', '"PUT"', '"DELETE"', '"PATCH"']);
  const keyText = '{\n  "a": {\n    "schema": {\n      ""\n    }\n  }\n}';
  const keys = templateCompletions(diagnose({ manifest: m30(['a']), config: { 'requests.json': keyText } }).app, 'config/requests.json', { line: 3, character: 7 });
  assert.deepEqual(keys.map((i) => i.label).sort(), ['headers', 'host', 'method', 'path', 'protocol', 'query']);
  assert.deepEqual(templateDefinition(app, 'config/requests.json', { line: 5, character: 50 }), { file: 'config/iparams.json', range: R(6, 2, 6, 11) });
});
