// The one diagnostics pipeline (core/diagnoseApp.ts) with the cache a caller injects (the language server keeps
// one per app): what an edit re-does, and the config/ files the model reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { diagnoseApp, diagnoseFile, newDiagnoseCache } = await loadTs('server/src/core/diagnoseApp.ts');
const { defaultPayload } = await loadTs('server/src/core/catalogue.ts');

const MANIFEST = JSON.stringify({ 'platform-version': '2.3', product: { freshworks_crm: { events: { onDealCreate: { handler: 'onDealCreateHandler' }, onContactCreate: { handler: 'onContactCreateHandler' } } } }, engines: { node: '18.20.8', fdk: '9.6.0' } }, null, 2);
const SCRIPT = 'exports = {\n  onDealCreateHandler: function (args) {},\n  onContactCreateHandler: function (args) {}\n};\n';
const deal = JSON.stringify(defaultPayload('onDealCreate', 'freshworks_crm'), null, 2);
const bad = deal.replace('"region": "US"', '"region": "MARS"');

/** An app's files in memory: the payloads named by `texts`, config/ when given. */
function appFiles(texts, { script = SCRIPT, config } = {}) {
  return {
    manifest: { path: 'manifest.json', text: MANIFEST },
    serverScript: { path: 'server/server.js', text: script },
    testData: Object.keys(texts).sort(),
    ...(config ? { config } : {}),
  };
}

/** A cache whose schema checks are counted, by file. */
function countingCache() {
  const cache = newDiagnoseCache();
  const counts = new Map();
  const analyse = cache.analyse;
  cache.analyse = (text, file, opts) => { counts.set(file, (counts.get(file) ?? 0) + 1); return analyse(text, file, opts); };
  return { cache, counts, total: () => [...counts.values()].reduce((a, b) => a + b, 0) };
}

test('with a cache, an edit of one payload re-checks that payload only; unchanged files keep their model and lists', () => {
  const texts = { 'server/test_data/onDealCreate.json': deal };
  for (let i = 0; i < 50; i++) texts[`server/test_data/onDealCreate${i}.json`] = deal.replace('"onDealCreate"', `"onDealCreate${i}"`);
  const { cache, counts, total } = countingCache();
  const read = (p) => texts[p];
  const first = diagnoseApp(appFiles(texts), read, { cache });
  assert.equal(total(), 51, 'every payload analysed once');
  assert.ok(first.diagnostics.every((d) => d.code !== 'payload-schema'));

  // A keystroke in the registered payload: the model is the same object, that payload alone is analysed again.
  texts['server/test_data/onDealCreate.json'] = bad;
  const second = diagnoseApp(appFiles(texts), read, { cache });
  assert.equal(second.app, first.app, 'the model is kept while manifest, server.js, the payload list and config/ are the same');
  assert.equal(counts.get('server/test_data/onDealCreate.json'), 2);
  assert.equal(total(), 52, 'the 50 others are not analysed again');
  assert.deepEqual(second.diagnostics.filter((d) => d.code === 'payload-schema').map((d) => d.file), ['server/test_data/onDealCreate.json']);

  // Pull diagnostics of one file answer from the same cache, with nothing analysed again.
  assert.deepEqual(diagnoseFile(appFiles(texts), read, 'server/test_data/onDealCreate.json', { cache }).map((d) => d.code), ['payload-schema']);
  assert.equal(total(), 52);

  // A server.js edit: a new model, every payload checked again against it (its schema check is remembered, see checks.test.mjs).
  const third = diagnoseApp(appFiles(texts, { script: `${SCRIPT}// edited\n` }), read, { cache });
  assert.notEqual(third.app, second.app);
  assert.equal(total(), 103);
  assert.deepEqual(third.diagnostics.map((d) => `${d.file} ${d.code}`), second.diagnostics.map((d) => `${d.file} ${d.code}`));

  // Without a cache (fsdev check) the same answer.
  assert.deepEqual(diagnoseApp(appFiles(texts, { script: `${SCRIPT}// edited\n` }), read).diagnostics, third.diagnostics);
});

test('config/ files reach the model through the pipeline, guarded: a config JSON nested 100,000 deep is a warning, not a stack overflow', () => {
  const deep = `{"a": ${'['.repeat(100000)}${']'.repeat(100000)}}`;
  const config = [
    { path: 'config/iparams.json', text: '{ "apiKey": { "display_name": "API key", "type": "text", "required": true } }' },
    { path: 'config/requests.json', text: deep },
    { path: 'config/iparams.html', text: '<html><body>' + '['.repeat(300) + '</body></html>' },
  ];
  const { app, diagnostics } = diagnoseApp(appFiles({}, { config }), () => undefined);
  assert.deepEqual(app.config.map((f) => f.path), ['config/iparams.json', 'config/requests.json', 'config/iparams.html']);
  assert.equal(app.config[0].root?.type, 'object', 'config/iparams.json is parsed');
  assert.equal(app.config[0].text, config[0].text);
  const nesting = diagnostics.filter((d) => d.code === 'nesting-too-deep');
  assert.deepEqual(nesting.map((d) => d.file), ['config/requests.json'], 'HTML is not JSON: not guarded, not warned about');
  assert.equal(app.config[2].text, config[2].text);
  // (The request-template rules also read this requests.json: their findings on it are theirs, not the guard's.)
  assert.deepEqual(diagnoseFile(appFiles({}, { config }), () => undefined, 'config/requests.json').map((d) => d.code)
    .filter((c) => !c.startsWith('request-template-')), ['nesting-too-deep']);
});
