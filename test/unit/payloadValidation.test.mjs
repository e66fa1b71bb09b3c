// Wrong payloads: each must yield the right code on the exact range of the offending key or value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const { validatePayload } = await loadTs('server/src/core/payloadValidation.ts');

// A small, hand-formatted onContactUpdate payload; line numbers below refer to it (0-based).
const BASE = [
  '{', //                                                                                   0
  '  "account_id": "1967183444532229946",', //                                              1
  '  "domain": "sample.myfreshworks.com",', //                                              2
  '  "event": "onContactUpdate",', //                                                       3
  '  "region": "US",', //                                                                   4
  '  "timestamp": 1593015490.2,', //                                                        5
  '  "productContext": { "url": "https://sample.myfreshworks.com/crm", "name": "freshworks_crm" },', // 6
  '  "data": {', //                                                                         7
  '    "actor": { "id": 1437, "name": "John Doe" },', //                                    8
  '    "contact": { "id": 5510, "is_deleted": false },', //                                 9
  '    "associations": {},', //                                                             10
  '    "changes": { "model_changes": { "name": ["a", "b"] }, "system_changes": {}, "misc_changes": {} }', // 11
  '  }', //                                                                                 12
  '}', //                                                                                   13
];
const text = (edit = (l) => l) => edit([...BASE]).join('\n');
const setLine = (n, s) => (l) => { l[n] = s; return l; };
const dropLine = (n) => (l) => { l.splice(n, 1); return l; };
const r = (l1, c1, l2, c2) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const run = (t, opts = {}) => validatePayload(t, 'server/test_data/onContactUpdate.json', opts);

test('the base payload is valid', () => {
  assert.deepEqual(run(text()), []);
  assert.deepEqual(run(text(), { event: 'onContactUpdate', product: 'freshworks_crm' }), []);
});

const cases = [
  {
    name: 'region "XX" -> enum error on the value',
    text: text(setLine(4, '  "region": "XX",')),
    code: 'payload-schema', range: r(4, 12, 4, 16),
    message: 'Value is not accepted. Valid values: "US", "EU", "EUC", "AUS", "IND".',
  },
  {
    name: 'timestamp "yesterday" -> type error on the value',
    text: text(setLine(5, '  "timestamp": "yesterday",')),
    code: 'payload-schema', range: r(5, 15, 5, 26), message: 'Incorrect type. Expected "number".',
  },
  {
    name: 'data missing -> missing property on the root brace',
    text: text((l) => { l.splice(7, 6); l[6] = l[6].replace(/,$/, ''); return l; }),
    code: 'payload-schema', range: r(0, 0, 0, 1), message: 'Missing property "data".',
  },
  {
    name: 'entity missing -> missing property on the "data" key',
    text: text(dropLine(9)),
    code: 'payload-schema', range: r(7, 2, 7, 8), message: 'Missing property "contact".',
  },
  {
    name: 'contact.id "abc" -> type error on the value',
    text: text(setLine(9, '    "contact": { "id": "abc", "is_deleted": false },')),
    code: 'payload-schema', range: r(9, 23, 9, 28), message: 'Incorrect type. Expected "number".',
  },
  {
    name: 'is_deleted "yes" -> type error on the value',
    text: text(setLine(9, '    "contact": { "id": 5510, "is_deleted": "yes" },')),
    code: 'payload-schema', range: r(9, 43, 9, 48), message: 'Incorrect type. Expected "boolean".',
  },
  {
    name: 'changes as a string on an update event -> type error on the value',
    text: text(setLine(11, '    "changes": "name changed"')),
    code: 'payload-schema', range: r(11, 15, 11, 29), message: 'Incorrect type. Expected "object".',
  },
  {
    name: 'changes.model_changes as a number -> type error on the value',
    text: text(setLine(11, '    "changes": { "model_changes": 5, "system_changes": {}, "misc_changes": {} }')),
    code: 'payload-schema', range: r(11, 34, 11, 35), message: 'Incorrect type. Expected "object".',
  },
  {
    name: 'changes missing on an update event -> missing property on the "data" key',
    text: text((l) => { l.splice(11, 1); l[10] = '    "associations": {}'; return l; }),
    code: 'payload-schema', range: r(7, 2, 7, 8), message: 'Missing property "changes".',
  },
  {
    name: 'actor.id as a string -> type error on the value',
    text: text(setLine(8, '    "actor": { "id": "1437", "name": "John Doe" },')),
    code: 'payload-schema', range: r(8, 21, 8, 27), message: 'Incorrect type. Expected "number".',
  },
  {
    name: 'productContext.name "freshdesk" -> enum error on the value',
    text: text(setLine(6, '  "productContext": { "url": "https://x", "name": "freshdesk" },')),
    code: 'payload-schema', range: r(6, 50, 6, 61), message: 'Value is not accepted. Valid values: "freshworks_crm", "freshsales".',
  },
  {
    name: 'trailing garbage -> json-syntax after the closing brace',
    text: text() + ' x',
    code: 'json-syntax', range: r(13, 2, 13, 3),
  },
  {
    name: 'trailing comma -> json-syntax on the closing brace that follows',
    text: text(setLine(11, '    "changes": { "model_changes": {}, "system_changes": {}, "misc_changes": {}, }')),
    code: 'json-syntax', range: r(11, 80, 11, 81), message: 'Property name expected.',
  },
  {
    name: 'a comment -> json-syntax (the platform parses with JSON.parse)',
    text: text(setLine(4, '  "region": "US", // where')),
    code: 'json-syntax', range: r(4, 18, 4, 26), message: 'Comments are not permitted in JSON.',
  },
  {
    name: 'unknown event in the payload -> one warning on the event value, nothing else',
    text: text((l) => { l[3] = '  "event": "onContactUpdat",'; l[4] = '  "region": "XX",'; return l; }),
    code: 'payload-unknown-event', range: r(3, 11, 3, 27), severity: 'warning',
    message: 'Unknown event "onContactUpdat", so this payload cannot be checked. Did you mean "onContactUpdate"?',
  },
  {
    name: 'unknown event from the file name -> one warning at the document start',
    text: text(setLine(5, '  "timestamp": "yesterday",')),
    opts: { event: 'onContactUpdated', product: 'freshworks_crm' },
    code: 'payload-unknown-event', range: r(0, 0, 0, 1), severity: 'warning',
  },
  {
    name: 'a Classic-only event for Freshworks CRM -> one warning',
    text: text(setLine(3, '  "event": "onLeadCreate",')),
    opts: { product: 'freshworks_crm' },
    code: 'payload-unknown-event', range: r(3, 11, 3, 25), severity: 'warning',
    message: 'onLeadCreate is an event of freshsales, not of freshworks_crm, so this payload cannot be checked.',
  },
];

for (const c of cases) {
  test(c.name, () => {
    const diags = run(c.text, c.opts);
    assert.equal(diags.length, 1, JSON.stringify(diags, null, 1));
    const [d] = diags;
    assert.equal(d.code, c.code);
    assert.deepEqual(d.range, c.range);
    assert.equal(d.file, 'server/test_data/onContactUpdate.json');
    if (c.message) assert.equal(d.message, c.message);
    assert.equal(d.severity, c.severity ?? 'error');
  });
}

test('several mistakes -> one diagnostic each, each on its own value', () => {
  const t = text((l) => {
    l[4] = '  "region": "XX",';
    l[9] = '    "contact": { "id": "abc", "is_deleted": "yes" },';
    return l;
  });
  const got = run(t).map((d) => [d.code, d.range.start.line, d.range.start.character]).sort();
  assert.deepEqual(got, [['payload-schema', 4, 12], ['payload-schema', 9, 23], ['payload-schema', 9, 44]]);
});

test('Classic payload: the entity key is checked (custom_module, lead)', () => {
  const file = path.join(repoRoot, 'schemas/defaults/freshsales/onLeadCreate.json');
  const lead = JSON.parse(readFileSync(file, 'utf8'));
  delete lead.data.lead;
  const d = run(JSON.stringify(lead, null, 2), { event: 'onLeadCreate', product: 'freshsales' });
  assert.deepEqual(d.map((x) => x.message), ['Missing property "lead".']);
  const cm = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults/freshsales/onCustomModuleCreate.json'), 'utf8'));
  assert.deepEqual(run(JSON.stringify(cm), { event: 'onCustomModuleCreate', product: 'freshsales' }), []);
});

test('payload-too-large: a warning above 256 KB (product) and 100 KB (external)', () => {
  const big = JSON.parse(text());
  big.data.contact.custom_fields = ['x'.repeat(270 * 1024)];
  const d = run(JSON.stringify(big));
  assert.deepEqual(d.map((x) => [x.code, x.severity]), [['payload-too-large', 'warning']]);
  assert.deepEqual(d[0].range, r(0, 0, 0, 1));
  const ext = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults/freshworks_crm/onExternalEvent.json'), 'utf8'));
  ext.data.blob = 'y'.repeat(120 * 1024);
  assert.deepEqual(run(JSON.stringify(ext)).map((x) => x.code), ['payload-too-large']);
  ext.data.blob = 'y'.repeat(90 * 1024);
  assert.deepEqual(run(JSON.stringify(ext)), []);
});

test('speed: a ~250 KB payload validates in well under 20 ms after warm-up', () => {
  const sample = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/seed-samples/onContactCreate.json'), 'utf8'));
  sample.data.contact.custom_fields = Array.from({ length: 1800 }, (_, i) => ({ name: `cf_${i}`, value: 'v'.repeat(60) }));
  const good = JSON.stringify(sample, null, 2);
  assert.ok(good.length > 200 * 1024 && good.length < 256 * 1024, String(good.length));
  const bad = good.replace('"region": "US"', '"region": "XX"');
  for (let i = 0; i < 5; i++) { run(good); run(bad); }
  const times = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    assert.equal(run(bad).length, 1);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // the best of 9 runs: robust against a busy CI machine, still catches a slow algorithm (re-stringify, re-compile)
  assert.ok(times[0] < 20, `best ${times[0].toFixed(1)} ms, median ${times[4].toFixed(1)} ms`);
});
