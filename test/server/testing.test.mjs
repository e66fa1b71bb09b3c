// The Testing view's server side over the real server process: discovery by parsing, the app's test files
// and payload tests, a run streamed test by test (results, failures at their line with expected/actual, logs),
// coverage of the run, and "Create test" drafting a first test that passes as written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { cleanupTemps, serverOn } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
async function open(name) { const s = await serverOn(name); clients.push(s.client); return s; }

const events = (s, runId) => s.client.notifications.filter((n) => n.method === 'freshsales/testEvent' && n.params.runId === runId).map((n) => n.params);

test('discovery parses describe/it (nested, skipped, template titles) without running, and tolerates a half-typed file', async () => {
  const s = await open('tested-app');
  const tree = await s.client.request('freshsales/discoverTests', { text: [
    "describe('outer', function () {",
    '  it(`first`, async function () {});',
    "  describe.skip('inner', () => { it('deep', () => {}); });",
    "  for (const c of [1, 2]) it('case ' + c, () => {});",
    "  it('being typed', function () { this.invoke(",
  ].join('\n') });
  assert.equal(tree.length, 1);
  assert.equal(tree[0].title, 'outer');
  assert.deepEqual(tree[0].children.map((c) => [c.kind, c.title, c.skipped ?? false, c.range.start.line]),
    [['test', 'first', false, 1], ['suite', 'inner', true, 2], ['test', 'being typed', false, 4]]);
  assert.deepEqual(tree[0].children[1].children.map((c) => [c.title, c.skipped]), [['deep', true]]);
  const app = await s.client.request('freshsales/appTests', { appDir: s.app });
  assert.deepEqual(app.files, [s.f('test/contact.test.js'), s.f('test/methods.test.js')]);
  assert.deepEqual(app.payloadTests.map((t) => t.file), ['server/test_data/onContactCreate.json', 'server/test_data/onDealUpdate.json']);
});

test('a run streams begin/end per test with the ids the view builds; failures carry their line and expected/actual; coverage of the run', async () => {
  const s = await open('tested-app');
  writeFileSync(s.f('test/zfail.test.js'), [
    "const assert = require('assert');",
    "describe('failing', function () {",
    "  it('compares', async function () {",
    "    const r = await this.invoke('onContactCreate', { data: { contact: { id: 1 } } });",
    "    assert.deepStrictEqual({ got: r }, { got: 'something' });",
    '  });',
    '});',
  ].join('\n'));
  const result = await s.client.request('freshsales/runTests', { runId: 'r1', appDir: s.app, coverage: true, trusted: true });
  assert.deepEqual([result.passed, result.failed, result.error], [9, 1, undefined]);
  const ev = events(s, 'r1');
  const ends = ev.filter((e) => e.message?.type === 'end').map((e) => e.message.result);
  assert.ok(ends.some((r) => r.id === 'test/contact.test.js::onContactCreate › creates a task and remembers it' && r.outcome === 'passed'));
  assert.ok(ends.some((r) => r.id === 'payloads::Test payloads (server/test_data) › onDealUpdate runs with server/test_data/onDealUpdate.json'));
  const failed = ends.find((r) => r.outcome === 'failed');
  assert.equal(failed.id, 'test/zfail.test.js::failing › compares');
  assert.equal(failed.failure.file, s.f('test/zfail.test.js'));
  assert.equal(failed.failure.line, 5);
  assert.match(failed.failure.expected, /"got": "something"/);
  assert.match(failed.failure.actual, /"got"/);
  // The handler's log line is attached to the test that made it.
  assert.ok(ev.some((e) => e.message?.type === 'log' && e.message.testId === failed.id && /contact 1 has no email/.test(e.message.entry.message)));
  assert.deepEqual(result.coverage.map((c) => c.path).sort(), [s.f('server/lib/store.js'), s.f('server/server.js')]);
  assert.ok(result.coverageSummary.pct.functions === 100, JSON.stringify(result.coverageSummary.pct));
  assert.match(result.coverageSummary.text, /We recommend a coverage of 80%/);
  // The Test Coverage view names functions as the outline does; coverage/ keeps Istanbul's names.
  const script = result.coverage.find((c) => c.path === s.f('server/server.js'));
  const names = Object.keys(script.fnMap).map((k) => script.fnNames[k]);
  assert.deepEqual(names.slice(0, 3), ['onAppInstallHandler', 'onContactCreateHandler', 'onDealUpdateHandler'], names.join(', '));
  const stored = JSON.parse(readFileSync(s.f('coverage/coverage-final.json'), 'utf8'))[s.f('server/server.js')];
  assert.equal(Object.values(stored.fnMap)[0].name, '(anonymous_0)');
  assert.equal(stored.fnNames, undefined);

  // A single test by grep, and payload tests only.
  const one = await s.client.request('freshsales/runTests', { runId: 'r2', appDir: s.app, files: [s.f('test/methods.test.js')], payloadEvents: [], trusted: true,
    grep: '^createUser \\(server method\\) answers with the data given to renderData$' });
  assert.deepEqual([one.passed, one.failed], [1, 0]);
  const payloads = await s.client.request('freshsales/runTests', { runId: 'r3', appDir: s.app, files: [], payloadEvents: ['onDealUpdate'], trusted: true });
  assert.deepEqual([payloads.passed, payloads.failed], [1, 0]);
});

test('Create test drafts test/<event>.test.js in the app\'s style (chai here) with this.invoke and a stub; it passes as written', async () => {
  const s = await open('tested-app');
  const draft = await s.client.request('freshsales/createTest', { appDir: s.app, event: 'onContactCreate' });
  assert.equal(draft.exists, false);
  assert.equal(draft.file, s.f('test/onContactCreate.test.js'));
  assert.match(draft.text, /require\('chai'\)/);
  assert.match(draft.text, /this\.stub\('\$request', 'invokeTemplate'\)/);
  assert.match(draft.text, /this\.invoke\('onContactCreate', payload\)/);
  assert.match(draft.text, /require\('\.\.\/server\/test_data\/onContactCreate\.json'\)/);
  writeFileSync(draft.file, draft.text);
  const r = await s.client.request('freshsales/runTests', { runId: 'c1', appDir: s.app, files: [draft.file], payloadEvents: [], trusted: true });
  assert.deepEqual([r.passed, r.failed], [1, 0], JSON.stringify(events(s, 'c1').map((e) => e.message?.result?.failure).filter(Boolean)));
  assert.equal((await s.client.request('freshsales/createTest', { appDir: s.app, event: 'onContactCreate' })).exists, true);
});

test('payload tests run the payload as it stands in the editor (unsaved edits), as its diagnostics read it; closed, the disk again', async () => {
  const s = await open('tested-app');
  const rel = 'server/test_data/onContactCreate.json';
  const saved = s.read(rel);
  const run = async (runId) => {
    const result = await s.client.request('freshsales/runTests', { runId, appDir: s.app, trusted: true, files: [], payloadEvents: ['onContactCreate'] });
    const ends = events(s, runId).filter((e) => e.message?.type === 'end').map((e) => e.message.result);
    return { result, ends };
  };
  const before = await run('p1');
  assert.deepEqual([before.result.passed, before.result.failed], [1, 0]);
  // Typed, not saved: without data.contact the handler reads contact.email of undefined.
  await s.client.open(s.f(rel), saved.replace('"contact"', '"kontact"'));
  const unsaved = await run('p2');
  assert.deepEqual([unsaved.result.passed, unsaved.result.failed], [0, 1]);
  assert.match(unsaved.ends[0].failure.message, /Cannot read properties of undefined \(reading 'email'\)/);
  assert.equal(s.read(rel), saved, 'the file on disk is untouched');
  // Not JSON in the editor: the test says so, naming the file, as a run of that file would.
  await s.client.change(s.f(rel), '{ "data": ');
  const broken = await run('p3');
  assert.deepEqual([broken.result.passed, broken.result.failed], [0, 1]);
  assert.match(broken.ends[0].failure.message, /server\/test_data\/onContactCreate\.json is not valid JSON/);
  await s.client.close(s.f(rel));
  const after = await run('p4');
  assert.deepEqual([after.result.passed, after.result.failed], [1, 0]);
});
