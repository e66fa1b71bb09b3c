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

// Documents far beyond what the platform accepts (its payload limit is 256 KB) are not analysed as they are typed:
// one information says so, and every request answers at once with nothing. Seed 1's case 9499 was such a
// manifest: alone, one completion took 10–12 s; in the fuzz, the requests queued behind it waited 25–50 s.
const FAST_MS = 2000; // the fuzz test's bound, for the same reason (npm test runs files side by side)

/** Like seed 1's case 9499: a 3.0 manifest on one line, `product` a 4.9 MB array, a few random bytes and a lone \r inside a string. */
function hugeManifest(base) {
  const v = JSON.parse(base);
  const item = { label: 'Field', type: 'text', value: 'v'.repeat(200) };
  v.product = Array.from({ length: 20250 }, () => item);
  const text = JSON.stringify(v);
  const at = text.indexOf('v'.repeat(200), text.length >> 2) + 40;
  return text.slice(0, at) + '⋲:⁦exportsNaN}:\r' + text.slice(at + 16);
}

test('regression: a 4.9 MB manifest (like seed 1, case 9499) answers at once, with one information saying why', async () => {
  const s = await serverOn('v30-app');
  clients.push(s.client);
  const guarded = [];
  s.client.conn.onNotification('window/logMessage', (p) => { if (p.type === 1) guarded.push(p.message); });
  const text = hugeManifest(s.read('manifest.json'));
  assert.ok(text.length > 4.8e6 && /"[^"\n]*\r[^"\n]*"/.test(text) && !text.includes('\n'), 'one line, a lone \\r inside a string');
  await s.client.open(s.f('manifest.json'), text);
  const timed = async (method, params) => {
    const t0 = performance.now();
    const r = await s.client.request(method, params);
    return { r, ms: performance.now() - t0 };
  };
  const completion = await timed('textDocument/completion', s.client.at(s.f('manifest.json'), 0, 105476));
  assert.ok(completion.ms < FAST_MS, `completion took ${completion.ms.toFixed(0)} ms`);
  assert.deepEqual(completion.r, []);
  const hover = await timed('textDocument/hover', s.client.at(s.f('manifest.json'), 0, 2000000));
  assert.ok(hover.ms < FAST_MS, `hover took ${hover.ms.toFixed(0)} ms`);
  assert.equal(hover.r, null);
  const ds = await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => d.some((x) => x.code === 'too-large-to-analyse'));
  assert.equal(ds.length, 1, JSON.stringify(ds.map((d) => d.code)));
  assert.equal(ds[0].severity, 3); // information
  assert.match(ds[0].message, /^manifest\.json is 4\.\d MB: too large to analyse as you type \(the limit is 1 MB\)/);
  assert.deepEqual(ds[0].data, { size: Buffer.byteLength(text), limit: 1024 * 1024 });
  // The app cannot be modelled from it: server.js offers nothing either until the manifest is smaller.
  assert.deepEqual(await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/server.js')) } }), []);
  await s.client.change(s.f('manifest.json'), s.read('manifest.json'));
  assert.ok((await s.client.request('textDocument/codeLens', { textDocument: { uri: uriOf(s.f('server/server.js')) } })).length > 0, 'back under the limit');
  await s.client.waitForDiagnostics(s.f('manifest.json'), (d) => !d.some((x) => x.code === 'too-large-to-analyse'));
  assert.deepEqual(guarded, []);
});

test('regression: a 2 MB payload gets one information and empty answers at once; back under the limit it is checked again', async () => {
  const s = await serverOn('v23-app');
  clients.push(s.client);
  const rel = 'server/test_data/onContactCreate.json';
  const v = JSON.parse(s.read(rel));
  v.data.padding = Array.from({ length: 8000 }, () => ({ label: 'Field', value: 'v'.repeat(250) }));
  const text = JSON.stringify(v).replace('"MARS"', '"MARS').replace('"region": "US"', '"region": 1');
  await s.client.open(s.f(rel), text.slice(0, 5000) + '"' + text.slice(5000)); // a stray quote: every later string inside out
  const t0 = performance.now();
  assert.equal(await s.client.request('textDocument/hover', s.client.at(s.f(rel), 0, 1500000)), null);
  assert.deepEqual(await s.client.request('textDocument/completion', s.client.at(s.f(rel), 0, 1000000)), []);
  assert.ok(performance.now() - t0 < FAST_MS, `hover + completion took ${(performance.now() - t0).toFixed(0)} ms`);
  const ds = await s.client.waitForDiagnostics(s.f(rel), (d) => d.some((x) => x.code === 'too-large-to-analyse'));
  assert.deepEqual(ds.map((d) => d.code), ['too-large-to-analyse']);
  assert.match(ds[0].message, /^This payload is 2\.\d MB: too large to analyse as you type \(the limit is 1 MB; the platform accepts at most 256 KB for a product event\)/);
  // Under the limit (here 300 KB, still over the platform's 256 KB) everything is checked again.
  v.data.padding = v.data.padding.slice(0, 1150);
  await s.client.change(s.f(rel), JSON.stringify(v, null, 2).replace('"region": "US"', '"region": 1'));
  const back = await s.client.waitForDiagnostics(s.f(rel), (d) => d.some((x) => x.code === 'payload-too-large'));
  assert.ok(!back.some((d) => d.code === 'too-large-to-analyse'), JSON.stringify(back.map((d) => d.code)));
});

test('regression: a manifest repeating a key 40,000 times is checked at once; 100 warnings listed, then one saying how many', async () => {
  const s = await serverOn('v23-app');
  clients.push(s.client);
  const base = s.read('manifest.json');
  const text = base.replace('"platform-version"', `${Array.from({ length: 40001 }, (_, i) => `"k${i % 7}": 1`).join(', ')}, "platform-version"`);
  await s.client.open(s.f('manifest.json'), text);
  const t0 = performance.now();
  const items = (await s.client.request('textDocument/diagnostic', { textDocument: { uri: uriOf(s.f('manifest.json')) } })).items;
  // The whole 280 KB is parsed and checked here (it is under the live limit): 10 s, where counting each
  // duplicate's line by splitting the text before it took 24 s on the same loaded machine (5.7 s now).
  assert.ok(performance.now() - t0 < 10000, `diagnostics took ${(performance.now() - t0).toFixed(0)} ms`);
  const dups = items.filter((d) => d.code === 'duplicate-key');
  assert.equal(dups.length, 101);
  assert.match(dups[100].message, /^More keys are given twice: 39,994 in this file, only the first 100 are listed/);
  const p = posOf(text, '"onContactCreate"', 2);
  assert.match((await s.client.request('textDocument/hover', s.client.at(s.f('manifest.json'), p.line, p.character))).contents.value, /onContactCreate/);
});
