// Robustness fuzz (see fuzzCases.mjs): a few thousand seeded cases on one server process, plus the cases the
// fuzz found, kept as regression tests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './fuzzCases.mjs';
import { cleanupTemps, posOf, serverOn, uriOf } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });

// Every request is timed from send to answer. The bound here is 2 s, not `npm run fuzz`'s 1 s: `npm test` runs
// this beside the other test files (and CI beside other jobs) on 2 cores, where a 0.5 s answer can take twice that.
test('fuzz: 3,000 seeded cases; the server never crashes, hangs or throws, and answers every request within 2 s', { timeout: 120000 }, async (t) => {
  const res = await runFuzz({ count: 3000, seed: 20240601, hugeEvery: 1000, latencyBoundMs: 2000, log: (m) => t.diagnostic(m) });
  const l = res.latency;
  console.log(`# fuzz: ${res.cases} cases, ${res.requests} requests in ${(res.ms / 1000).toFixed(1)} s; answers: median ${l.medianMs.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(0)} ms, slowest ${l.maxMs.toFixed(0)} ms (${l.slowest?.what}); peak RSS ${(res.rssPeakKb / 1024).toFixed(0)} MB`);
  assert.equal(res.cases, 3000);
  assert.deepEqual(res.slow.map((s) => `${s.ms.toFixed(0)} ms: ${s.what}`), [], 'answers slower than 2 s');
  assert.deepEqual(res.guarded, [], 'handlers that threw (caught by the guard)');
});

test('regression: 10k-deep nesting in manifest, server.js and a payload keeps the app checked and answering', async () => {
  const s = await serverOn('v23-app');
  clients.push(s.client);
  const guarded = [];
  s.client.conn.onNotification('window/logMessage', (p) => { if (p.type === 1) guarded.push(p.message); });
  const deep = '['.repeat(10000);
  const manifest = s.read('manifest.json').replace('"engines"', `"x": ${deep},\n  "engines"`);
  await s.client.open(s.f('manifest.json'), manifest);
  await s.client.open(s.f('server/server.js'), s.read('server/server.js') + '\nvar x = ' + '('.repeat(10000) + ';\n');
  const rel = 'server/test_data/onContactCreate.json';
  await s.client.open(s.f(rel), s.read(rel).replace('"region": "US"', `"region": "MARS", "deep": ${'{"a":'.repeat(10000)}`));
  const ds = await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.some((x) => x.code === 'nesting-too-deep'));
  assert.deepEqual(ds.map((d) => d.code).sort(), ['json-syntax', 'json-syntax', 'nesting-too-deep'], 'the unclosed brackets, and the deep part not checked');
  const cut = posOf(manifest, deep, 255); // the root object is level 1: the 256th "[" is level 257
  assert.deepEqual(ds.find((d) => d.code === 'nesting-too-deep').range.start, cut);
  const payload = await s.client.waitForDiagnostics(s.f(rel), (d) => d.length > 0);
  assert.ok(payload.some((d) => d.code === 'nesting-too-deep'));
  const p = posOf(manifest, '"onContactCreate"', 2);
  const h = await s.client.request('textDocument/hover', s.client.at(s.f('manifest.json'), p.line, p.character));
  assert.match(h.contents.value, /onContactCreate/);
  assert.ok((await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/server.js')) } })).length > 0);
  assert.deepEqual(guarded, []);
});

test('regression: code actions survive a broken arrow, a non-JSON stray block and a wrong-typed product', async () => {
  const s = await serverOn('broken-app');
  clients.push(s.client);
  const guarded = [];
  s.client.conn.onNotification('window/logMessage', (p) => { if (p.type === 1) guarded.push(p.message); });
  await s.client.open(s.f('server/server.js'), s.read('server/server.js').replace('onContactUpdateHandler: (args) => {', 'onContactUpdateHandler: (args) => { ]'));
  const m = s.read('manifest.json').replace('"onDealUpdate": { "handler": "onDealUpdateHandler" }', '"onDealUpdate": { "handler": "onDealUpdateHandler", }');
  await s.client.open(s.f('manifest.json'), m);
  const uri = uriOf(s.f('manifest.json'));
  const all = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
  const actions = await s.client.request('textDocument/codeAction', { textDocument: { uri }, range: all, context: { diagnostics: [] } });
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes("Change to 'onDealCreate'"), titles.join());
  assert.ok(titles.includes('Move these events under "product"'), titles.join());
  assert.ok(!titles.some((x) => /Rewrite 'onContactUpdateHandler'/.test(x)), 'no rewrite of an arrow that does not parse');

  await s.client.change(s.f('manifest.json'), '{ "platform-version": "2.3", "product": 1, "events": { "onDealCreat": { "handler": "x" } } }');
  await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.some((x) => x.code === 'events-block-ignored'));
  await s.client.request('textDocument/codeAction', { textDocument: { uri }, range: all, context: { diagnostics: [] } });
  assert.deepEqual(guarded, []);
});
