// Fidelity: the handler sees what the platform would give it (this, exports, require, iparams, event,
// renderData, $db, $request), and the result reports it honestly.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, makeApp, newRunner } from './helpers.mjs';

let runner;
let crm;
before(async () => {
  runner = await newRunner({ recordHistory: false });
  crm = copyFixture('crm23');
});
after(() => runner.dispose());

const userLogs = (r) => r.logs.filter((l) => l.level !== 'system');

test('this is the exports object; exports reassignment, library files, packages, iparams and event injection', async () => {
  const r = await runner.run({ appDir: crm, event: 'onContactCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.equal(r.handler, 'onContactCreateHandler');
  assert.deepEqual(r.scope, { kind: 'product', name: 'freshworks_crm' });
  assert.equal(r.payloadSource, 'test-data');
  assert.equal(r.payloadFile, 'server/test_data/onContactCreate.json');
  assert.deepEqual(r.value, {
    self: true, helper: 'Hi Ada', event: 'onContactCreate',
    iparams: { api_key: 'key-123', domain: 'acme' }, // defaults of config/iparams.json, stale ones overwritten
    lib: 'HI!', pkg: 'hello Ada', cwd: 'set',
  });
  assert.equal(r.payload.event, 'onContactCreate');
  assert.deepEqual(userLogs(r).map((l) => [l.level, l.message]), [['log', 'contact 42']]);
});

test('config/iparam_test_data.json wins over defaults and is reported as deprecated', async () => {
  const dir = copyFixture('crm23');
  writeFileSync(path.join(dir, 'config/iparam_test_data.json'), JSON.stringify({ api_key: 'from-test-data' }));
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.deepEqual(r.value.iparams, { api_key: 'from-test-data' });
  assert.ok(r.logs.some((l) => l.level === 'system' && /iparam_test_data\.json is deprecated/.test(l.message)));
});

test('payload overrides: inline object, JSON text, file; bad JSON is not-runnable', async () => {
  const inline = await runner.run({ appDir: crm, event: 'onContactCreate', payload: { data: { contact: { id: 1, first_name: 'In' } } } });
  assert.equal(inline.payloadSource, 'inline');
  assert.equal(inline.value.helper, 'Hi In');
  const text = await runner.run({ appDir: crm, event: 'onContactCreate', payloadText: '{"data":{"contact":{"id":2,"first_name":"Tx"}}}' });
  assert.equal(text.value.helper, 'Hi Tx');
  const file = await runner.run({ appDir: crm, event: 'onContactCreate', payloadFile: 'server/test_data/onContactCreate.json' });
  assert.equal(file.payloadSource, 'file');
  assert.equal(file.value.helper, 'Hi Ada');
  const bad = await runner.run({ appDir: crm, event: 'onContactCreate', payloadText: '{ nope' });
  assert.equal(bad.status, 'not-runnable');
  assert.match(bad.notRunnableReason, /not valid JSON/);
  const def = await runner.run({ appDir: crm, event: 'onTaskCreate' });
  assert.equal(def.payloadSource, 'default');
});

test('renderData: set-up events wait for it; error shapes fail the run', async () => {
  const run = (mode) => runner.run({ appDir: crm, event: 'onAppInstall', payload: { mode }, timeoutMs: 3000 });
  const ok = await run('ok');
  assert.equal(ok.status, 'success');
  assert.deepEqual(ok.renderData, { called: true, data: { installed: true } });
  const late = await run('late');
  assert.equal(late.status, 'success', 'waited for renderData called after the handler returned');
  assert.equal(late.value, 'returned before renderData');
  assert.equal(late.renderData.called, true);
  const blocked = await run('error');
  assert.equal(blocked.status, 'failed');
  assert.equal(blocked.error.message, 'Install blocked by the app');
  assert.deepEqual(blocked.renderData.error, { message: 'Install blocked by the app' });
  const badShape = await run('string');
  assert.equal(badShape.status, 'failed');
  assert.equal(badShape.error.message, 'Error: renderData first argument must be an object with message');
  const never = await runner.run({ appDir: crm, event: 'onAppInstall', payload: { mode: 'never' }, timeoutMs: 1200 });
  assert.equal(never.status, 'timeout');
  assert.match(never.error.message, /renderData/);
});

test('$db: platform limits', async () => {
  const r = await runner.run({ appDir: crm, event: 'onContactUpdate', payload: { op: 'limits' } });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.equal(r.value.longKey.status, 400);
  assert.match(r.value.longKey.message, /60 characters/);
  assert.equal(r.value.bigValue.status, 400);
  assert.match(r.value.bigValue.message, /40 KB/);
  assert.deepEqual(r.value.sixtyKey, { Created: true });
  assert.deepEqual(r.effects.db.map((d) => [d.op, d.ok]), [['set', false], ['set', false], ['set', true]]);
});

test('$db: set/get/update/delete round trip persists across runs', async () => {
  const dir = copyFixture('crm23');
  const run = (op) => runner.run({ appDir: dir, event: 'onContactUpdate', payload: { op } });
  const w = await run('write');
  assert.deepEqual(w.value, { status: 400, message: 'The setIf conditional request failed' });
  assert.ok(existsSync(path.join(dir, '.fsdev/db.json')));
  const u = await run('update');
  assert.deepEqual(u.value, { count: 3, tags: ['a', 'b'] });
  const d = await run('delete');
  assert.deepEqual(d.value, { status: 404, message: 'Record not found' });
  const m = await run('missing');
  assert.equal(m.status, 'failed');
  assert.match(m.error.message, /Record not found/);
});

test('$request.invokeTemplate against a local server: templates, iparam and context substitution', async () => {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const host = `127.0.0.1:${server.address().port}`;
    const r = await runner.run({ appDir: crm, event: 'onDealCreate', payload: { host, data: { deal: { id: 77 } } } });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.deepEqual(r.value, { status: 201, body: { ok: true } });
    assert.deepEqual(seen, [{ method: 'POST', url: '/notes/acme/77?source=fsdev', auth: 'Token token=key-123', body: '{"note":"deal 77"}' }]);
    assert.equal(r.effects.requests.length, 1);
    const e = r.effects.requests[0];
    assert.equal(e.template, 'postNote');
    assert.equal(e.status, 201);
    assert.equal(e.stubbed, false);
    assert.equal(e.url, `http://${host}/notes/acme/77?source=fsdev`);
  } finally {
    server.close();
  }
});

test('$request stubs make runs offline; $schedule and generateTargetUrl are recorded', async () => {
  const r = await runner.run({ appDir: crm, event: 'onDealUpdate', offline: true });
  assert.equal(r.status, 'success', JSON.stringify(r.error));
  assert.deepEqual(r.value, { status: 200, deal: { id: 5, name: 'Stubbed deal' }, url: 'string', schedule: 'Schedule created' });
  assert.equal(r.effects.requests[0].stubbed, true);
  assert.equal(r.effects.requests[0].url, 'https://acme.myfreshworks.com/crm/sales/api/deals/5');
  assert.equal(r.effects.schedules[0].op, 'create');
  assert.equal(r.effects.targetUrls.length, 1);
  // Offline without a stub: a clear rejection, recorded.
  const dir = copyFixture('crm23');
  const off = await runner.run({ appDir: dir, event: 'onDealCreate', offline: true, payload: { host: 'example.com', data: { deal: { id: 1 } } } });
  assert.equal(off.status, 'failed');
  assert.match(off.error.message, /Offline run: no stub for template 'postNote'/);
});

test('console methods the platform lacks and timers are flagged; logs stream before the result', async () => {
  const streamed = [];
  const r = await runner.run({ appDir: crm, event: 'onTaskCreate' }, (e) => streamed.push(e));
  assert.equal(r.status, 'success');
  const logs = userLogs(r).map((l) => [l.level, l.message, !!l.unsupported]);
  assert.deepEqual(logs, [['warn', 'careful', true], ['debug', 'details', true], ['error', 'bad', false], ['info', 'fyi', false], ['log', 'later', false]]);
  assert.ok(r.logs.some((l) => l.level === 'system' && l.unsupported && /setTimeout is not available on the Freshworks platform/.test(l.message)));
  assert.deepEqual(streamed, r.logs);
  for (let i = 1; i < r.logs.length; i++) assert.ok(r.logs[i].time >= r.logs[i - 1].time);
});

test('platform 2.0: events array in server.js', async () => {
  const r = await runner.run({ appDir: copyFixture('legacy20'), event: 'onContactCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.equal(r.value, 'ran 2.0');
  assert.equal(r.handler, 'onContactCreateHandler');
});

test('platform 3.0: module layout of test_data, currentHost injected; scope chosen', async () => {
  const dir = copyFixture('v30');
  const r = await runner.run({ appDir: dir, event: 'onDealCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.deepEqual(r.scope, { kind: 'module', name: 'deal' });
  assert.equal(r.payloadFile, 'server/test_data/deal/onDealCreate.json');
  assert.deepEqual(r.value, { deal: 303, modules: ['deal', 'contact'] });
  const wrong = await runner.run({ appDir: dir, event: 'onDealCreate', scope: { kind: 'module', name: 'contact' } });
  assert.equal(wrong.status, 'not-runnable');
  assert.match(wrong.notRunnableReason, /not registered for module contact; it is registered for module deal/);
});

test('omni 2.x: the product picks the payload folder', async () => {
  const dir = copyFixture('omni');
  const crmRun = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(crmRun.value, 'freshworks_crm');
  const classic = await runner.run({ appDir: dir, event: 'onContactCreate', scope: { kind: 'product', name: 'freshsales' } });
  assert.equal(classic.value, 'freshsales');
  assert.equal(classic.payloadFile, 'server/test_data/freshsales/onContactCreate.json');
});

test('the returned value is made JSON-safe', async () => {
  const dir = makeApp('exports = { h: function () { var o = { n: 1n, f: function named() {} }; o.self = o; return o; } };\n');
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.deepEqual(r.value, { n: '1n', f: '[Function named]', self: '[Circular]' });
});

test('module.exports in server.js fails like on the platform, with a hint', async () => {
  const dir = makeApp('module.exports = { h: function () {} };\n');
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /module is not defined/);
  assert.ok(r.logs.some((l) => /module\.exports/.test(l.message)));
});

test('the db file is JSON under .fsdev/', () => {
  const store = JSON.parse(readFileSync(path.join(crm, '.fsdev/db.json'), 'utf8'));
  assert.ok(store.db.installed);
});

test('$request.get/post (the older API) against a local server; an unknown template is a clear rejection', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { res.writeHead(req.url.startsWith('/missing') ? 404 : 200); res.end(JSON.stringify({ method: req.method, url: req.url, body })); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const dir = makeApp(`exports = { h: async function () {
      var a = await $request.get('${base}/a?x=1', { headers: { 'X-Test': '1' } });
      var b = await $request.post('${base}/b', { json: { hello: 'world' } });
      var c = await $request.get('${base}/missing').catch(function (e) { return e.status; });
      var d = await $request.invokeTemplate('nope', {}).catch(function (e) { return e.message; });
      return [JSON.parse(a.response).url, b.response, c, d];
    } };\n`);
    const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
    assert.equal(r.status, 'success', JSON.stringify(r.error));
    assert.equal(r.value[0], '/a?x=1');
    assert.deepEqual(r.value[1], { method: 'POST', url: '/b', body: '{"hello":"world"}' });
    assert.equal(r.value[2], 404);
    assert.match(r.value[3], /Request template 'nope' is not defined in config\/requests\.json/);
    assert.deepEqual(r.effects.requests.map((q) => [q.method, q.status]), [['GET', 200], ['POST', 200], ['GET', 404], ['?', 0]]);
  } finally {
    server.close();
  }
});
