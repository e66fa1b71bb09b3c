// Patterns of real public Freshworks apps that the simulator must run as the platform does (issue 9):
// jQuery-style deferreds, legacy $request with templates and whitelisting, work not awaited, $schedule
// answers, state kept in .fsdev/, non-Error rejections, empty iparams. Each has a fixture app of ours in
// test/fixtures/apps/sim-*.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { copyApp, makeApp, newRunner } from './helpers.mjs';

let runner;
before(async () => { runner = await newRunner({ recordHistory: false }); });
after(() => runner.dispose());

const userLogs = (r) => r.logs.filter((l) => l.level !== 'system').map((l) => `${l.level} ${l.message}`);

test('$db calls are jQuery deferreds: done, fail, always, then(...).then(...).fail(...)', async () => {
  const dir = copyApp('sim-deferred');
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  const logs = userLogs(r);
  assert.ok(logs.includes('log set done {"Created":true}'), logs.join('\n'));
  assert.ok(logs.includes('log get failed 404'), logs.join('\n'));
  assert.ok(logs.includes('log always ran'), logs.join('\n'));
  assert.ok(logs.includes('log then got true'), logs.join('\n'));
  assert.ok(logs.includes('log chained yes'), logs.join('\n'));
  assert.ok(!logs.some((l) => /unexpected|failed/.test(l) && !/get failed/.test(l)), logs.join('\n'));
});

test('store calls not awaited keep program order: later writes land after earlier ones, a read sees the writes before it', async () => {
  const dir = makeApp(`exports = { h: function () {
    $db.set('n', { v: 1 }); $db.set('n', { v: 2 });
    $db.update('count', 'increment', { hits: 1 }).fail(function () {});
    $db.set('count', { hits: 10 }); $db.update('count', 'increment', { hits: 1 }); $db.update('count', 'increment', { hits: 1 });
    $schedule.create({ name: 'later', data: {}, schedule_at: new Date(Date.now() + 3600e3).toISOString() });
    var seen = [];
    return Promise.all([$db.get('n'), $db.get('count'), $db.set('n', { v: 3 }), $db.get('n'), $schedule.fetch({ name: 'later' })])
      .then(function (r) { return [r[0].v, r[1].hits, r[3].v, r[4].name]; });
  } };\n`);
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.deepEqual(r.value, [2, 12, 3, 'later']);
});

test('then(...).fail(...) reaches fail; state(), promise() and instanceof Promise behave', async () => {
  const dir = copyApp('sim-deferred');
  const r = await runner.run({ appDir: dir, event: 'onDealCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  // fail() returns the same (rejected) promise, as in jQuery 3: a catch after it runs too.
  assert.deepEqual(r.value, ['fail 404', 'catch', 'pending', 'resolved', 'function', true]);
});

test('a throw inside a .done callback fails the run with the handler line', async () => {
  const dir = copyApp('sim-deferred');
  const r = await runner.run({ appDir: dir, event: 'onDealUpdate' });
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /undefinedFunction is not defined/);
  assert.equal(r.error.file, 'server/server.js');
  assert.equal(r.error.line, 32);
});

test('$schedule create/update/delete resolve { status: 200, message }; a duplicate name is 400 as in fdk', async () => {
  const dir = copyApp('sim-schedule');
  const r = await runner.run({ appDir: dir, event: 'onDealCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.deepEqual(r.value, ['Schedule created', '400 This Schedule name already exists', 'Schedule updated', 3, 'Schedule deleted']);
});

test('a schedule left in .fsdev/ by an earlier run is named in the failure, with the reset', async () => {
  const dir = copyApp('sim-schedule');
  const first = await runner.run({ appDir: dir, event: 'onAppInstall' });
  assert.equal(first.status, 'success', JSON.stringify(first.error ?? first.notRunnableReason));
  assert.ok(first.logs.some((l) => l.message === 'Schedule created'));
  const second = await runner.run({ appDir: dir, event: 'onAppInstall' });
  assert.equal(second.status, 'failed');
  assert.match(second.error.message, /\$schedule\.create\('hourly-sync'\) rejected with \{"status":400,"message":"This Schedule name already exists"\}/);
  assert.match(second.error.message, /Caused by local state: the schedule 'hourly-sync' exists in \.fsdev\/db\.json from an earlier run \(created /);
  assert.match(second.error.message, /fsdev simulate --fresh/);
  assert.equal(second.error.file, 'server/server.js');
  assert.equal(second.error.line, 4, 'the $schedule.create call');
});

/** A local server answering after `delayMs` (the test's "third-party API"): nothing leaves the machine. */
async function slowServer(delayMs) {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => setTimeout(() => res.end('pong'), delayMs));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/ping`, close: () => new Promise((r) => server.close(r)) };
}

test('work the handler did not await (http.get) finishes within the run: its logs and errors belong to it', async () => {
  const dir = copyApp('sim-unawaited');
  const api = await slowServer(300);
  try {
    const payload = { data: { contact: { id: 1, url: api.url } } };
    const ok = await runner.run({ appDir: dir, event: 'onContactCreate', payload });
    assert.equal(ok.status, 'success', JSON.stringify(ok.error ?? ok.notRunnableReason));
    assert.deepEqual(userLogs(ok), ['log handler returns', 'log fetched 200 pong']);
    const bad = await runner.run({ appDir: dir, event: 'onContactUpdate', payload });
    assert.equal(bad.status, 'failed');
    assert.match(bad.error.message, /^Uncaught exception: sync failed after 200/);
    assert.equal(bad.error.line, 19);
  } finally { await api.close(); }
});

test('a rejection whose reason is not an Error: a platform call points at the call, other values say so', async () => {
  const dir = copyApp('sim-unawaited');
  const db = await runner.run({ appDir: dir, event: 'onDealUpdate' });
  assert.equal(db.status, 'failed');
  assert.match(db.error.message, /^Unhandled promise rejection: \$db\.get\('never-stored'\) rejected with \{"status":404,"message":"Record not found"\} and nothing handled it/);
  assert.deepEqual([db.error.file, db.error.line], ['server/server.js', 30]);
  const plain = await runner.run({ appDir: dir, event: 'onDealCreate' });
  assert.equal(plain.status, 'failed');
  assert.match(plain.error.message, /plain string reason \(a string value, not an Error, so it has no stack trace/);
  assert.deepEqual([plain.error.file, plain.error.line], ['server/server.js', 24], 'the handler that was running');
});

test('a handler failing on a property of empty iparams says so, and where test iparams go', async () => {
  const dir = copyApp('sim-unawaited');
  const r = await runner.run({ appDir: dir, event: 'onTaskCreate' });
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /Cannot read properties of undefined \(reading 'trim'\)/);
  assert.match(r.error.message, /This run's iparams are empty \(\{\}\): the failing line reads iparams\. Test iparams come from config\/iparam_test_data\.json .* config\/iparams\.json/);
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(`${dir}/config`, { recursive: true });
  writeFileSync(`${dir}/config/iparams.json`, JSON.stringify({ api_key: { display_name: 'Key', type: 'text', default_value: 'k' } }));
  const r2 = await runner.run({ appDir: dir, event: 'onTaskCreate' });
  assert.match(r2.error.message, /This run's iparams have no 'domain' \(they have: api_key\)/);
});

test('legacy $request (platform 2.2): templates substituted in the URL; whitelisted-domains, HTTPS and IP rules enforced', async () => {
  const dir = copyApp('sim-legacy-request');
  const ok = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(ok.status, 'success', JSON.stringify(ok.error ?? ok.notRunnableReason));
  assert.deepEqual(ok.value, [200, 2, 'pong']);
  assert.deepEqual(ok.effects.requests.map((q) => q.url), ['https://acme.example.com/api/contacts?token=s3cret', 'https://eu.trusted.example/ping']);
  const refused = await runner.run({ appDir: dir, event: 'onContactUpdate' });
  assert.equal(refused.status, 'success', JSON.stringify(refused.error ?? refused.notRunnableReason));
  assert.deepEqual(refused.value, [
    '400 Only HTTPS requests are allowed: http://acme.example.com/api',
    '400 Requests to IP addresses are not allowed: https://10.1.2.3/api',
    '400 This domain has not been whitelisted: https://evil.example.org (add it to "whitelisted-domains" in manifest.json)',
  ]);
  assert.equal(refused.effects.requests.length, 3);
});

test('legacy $request substitutes iparam, encode() and access_token in headers and body too', async () => {
  const http = await import('node:http');
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { seen.push({ auth: req.headers.authorization, token: req.headers['x-token'], body }); res.end('{}'); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    // A 2.3 app: no whitelist (the rules above are platform ≤ 2.2), so a local http server can stand in.
    const dir = copyApp('sim-legacy-request');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const manifest = JSON.parse((await import('node:fs')).readFileSync(`${dir}/manifest.json`, 'utf8'));
    manifest['platform-version'] = '2.3';
    delete manifest['whitelisted-domains'];
    writeFileSync(`${dir}/manifest.json`, JSON.stringify(manifest));
    mkdirSync(`${dir}/.fsdev`, { recursive: true });
    writeFileSync(`${dir}/.fsdev/oauth.json`, JSON.stringify({ access_token: 'tok-1' }));
    writeFileSync(`${dir}/server/server.js`, `exports = { onContactCreateHandler: function () {
      return $request.post('http://127.0.0.1:${server.address().port}/x', {
        headers: { Authorization: 'Basic <%= encode(iparam.api_key) %>', 'X-Token': 'Bearer <%= access_token %>' },
        json: { domain: '<%= iparam.domain %>' } }).then(function (r) { return r.status; });
    } };`);
    const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
    assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
    assert.deepEqual(seen, [{ auth: `Basic ${Buffer.from('s3cret').toString('base64')}`, token: 'Bearer tok-1', body: '{"domain":"acme"}' }]);
  } finally { await new Promise((r) => server.close(r)); }
});

test('fsdev simulate --fresh clears the state earlier runs left (and says what), so app set-up runs again', async () => {
  const dir = copyApp('sim-schedule');
  const { spawnSync } = await import('node:child_process');
  const { repoRoot } = await import('./helpers.mjs');
  const cli = (...args) => spawnSync(process.execPath, [`${repoRoot}/server/dist/cli.js`, 'simulate', 'onAppInstall', dir, ...args],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(cli().status, 0);
  const again = cli();
  assert.equal(again.status, 1);
  assert.match(again.stdout, /Caused by local state: the schedule 'hourly-sync' exists in \.fsdev\/db\.json/);
  const fresh = cli('--fresh');
  assert.equal(fresh.status, 0, fresh.stdout + fresh.stderr);
  assert.match(fresh.stderr, /^fsdev: --fresh: cleared \.fsdev\/db\.json \(0 \$db keys, 1 schedule\)\. The run history, request stubs/m);
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(`${dir}/.fsdev/history.json`), 'the history is kept');
});

test('$db.entity (entity storage) is named as not simulated, at the app\'s line, not "is not a function"', async () => {
  const dir = makeApp("exports = { h: async function () {\n  const tickets = $db.entity({ version: 'v1' }).get('tickets');\n  return tickets;\n} };\n");
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'failed');
  assert.match(r.error.message, /\$db\.entity \(entity storage, custom objects\) is not simulated by fsdev yet/);
  assert.doesNotMatch(r.error.message, /is not a function/);
  assert.equal(r.error.line, 2);
});
