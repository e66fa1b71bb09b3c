// The fuzzer's payload rules (server/src/core/payloadFuzz.ts): what varies, what stays, and that a seed
// gives the same payloads. Sampled from the bundled default onContactCreate payload and its schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { payloadArbitrary, samplePayloads, ENVELOPE_KEYS, isFieldObject, LONG_STRING_LENGTH } = await loadTs('server/src/core/payloadFuzz.ts');
const { defaultPayload, payloadSchema } = await loadTs('server/src/core/catalogue.ts');

const seedPayload = () => ({ ...defaultPayload('onContactCreate', 'freshworks_crm'), iparams: { apiKey: 'k' } });
const schema = payloadSchema('onContactCreate', 'freshworks_crm');
const sample = (n = 300, seed = 42, payload = seedPayload(), s = schema) => samplePayloads(payloadArbitrary(payload, s).arbitrary, n, seed);

/** Every [path, value] pair of a JSON value. */
function* walk(v, at = []) {
  yield [at, v];
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* walk(x, [...at, k]);
}
const get = (v, at) => at.reduce((o, k) => (o == null ? undefined : o[k]), v);

test('the envelope (event, iparams, account, domain, region, timestamp, productContext) never varies', () => {
  const start = seedPayload();
  for (const p of sample()) {
    for (const k of ENVELOPE_KEYS) if (k in start) assert.deepEqual(p[k], start[k], k);
    assert.ok(p.data && typeof p.data === 'object', 'data is always sent');
  }
});

test('the same seed gives the same payloads; another seed other ones', () => {
  assert.deepEqual(sample(50, 7), sample(50, 7));
  assert.notDeepEqual(sample(50, 7), sample(50, 8));
});

test('required parts and ids stay; optional fields are sometimes left out', () => {
  const start = seedPayload();
  let omitted = 0;
  for (const p of sample()) {
    for (const k of schema.properties.data.required) assert.ok(k in p.data, `data.${k} kept`);
    assert.equal(typeof p.data.contact.id, 'number');
    assert.ok(Number.isInteger(p.data.contact.id) && p.data.contact.id > 0, 'an id stays a positive integer');
    omitted += Object.keys(start.data.contact).filter((k) => !(k in p.data.contact)).length;
  }
  assert.ok(omitted > 0, 'some optional contact fields were left out');
});

test('a field object keeps its label and type; its value is sometimes null', () => {
  const start = seedPayload();
  const fields = Object.entries(start.data.contact).filter(([, v]) => isFieldObject(v)).map(([k]) => k);
  assert.ok(fields.length > 5);
  let nulls = 0;
  for (const p of sample()) {
    for (const k of fields) {
      const f = p.data.contact[k];
      if (f === undefined) continue;
      assert.equal(f.label, start.data.contact[k].label);
      assert.equal(f.type, start.data.contact[k].type);
      if (f.value === null && start.data.contact[k].value !== null) nulls++;
    }
  }
  assert.ok(nulls > 0, 'null values were generated');
});

test('null only where the payload holds null, the schema allows it, or a field object\'s value', () => {
  const start = seedPayload();
  const nullAllowed = (at) => {
    if (get(start, at) === null) return true;
    if (at[at.length - 1] === 'value' && isFieldObject(get(start, at.slice(0, -1)))) return true;
    // The schema's type at that place (following the data.<entity>.<field> properties, or actor/user definitions)
    let s = schema;
    for (const k of at) {
      if (s?.$ref) s = schema.definitions[s.$ref.split('/').pop()];
      s = s?.properties?.[k] ?? (/^\d+$/.test(k) ? s?.items : undefined);
    }
    if (s?.$ref) s = schema.definitions[s.$ref.split('/').pop()];
    return Array.isArray(s?.type) && s.type.includes('null');
  };
  for (const p of sample(200)) {
    for (const [at, v] of walk(p.data, ['data'])) {
      if (v !== null || at.includes('custom_field') || at.includes('custom_fields')) continue;
      // Inside an array or a value that replaced null, the start has no value to compare: skip.
      if (get(start, at) === undefined) continue;
      assert.ok(nullAllowed(at), `null at ${at.join('.')}`);
    }
  }
});

test('strings: empty, long and non-ASCII ones; date-time strings stay date-times', () => {
  let empty = 0; let long = 0; let unicode = 0;
  for (const p of sample()) {
    for (const [at, v] of walk(p.data)) {
      if (typeof v !== 'string') continue;
      if (v === '') empty++;
      if (v.length >= LONG_STRING_LENGTH) long++;
      if (/[^\x00-\x7f]/.test(v)) unicode++;
      if (at.at(-1) === 'created_at' || at.at(-1) === 'updated_at') assert.ok(!Number.isNaN(Date.parse(v)), `${at.join('.')}: ${v}`);
    }
  }
  assert.ok(empty > 0 && long > 0 && unicode > 0, `empty ${empty}, long ${long}, unicode ${unicode}`);
});

test('numbers at their limits, empty and longer arrays, custom fields with fields of their own', () => {
  let limits = 0; let emptied = 0; let longer = 0; let extraCustom = 0;
  const start = seedPayload();
  start.data.contact.custom_field = { cf_region: 'EU', cf_score: 3 };
  const startCustom = Object.keys(start.data.contact.custom_field);
  for (const p of sample(300, 42, start)) {
    for (const [at, v] of walk(p.data, ['data'])) {
      if (v === Number.MAX_SAFE_INTEGER || v === -Number.MAX_SAFE_INTEGER) limits++;
      const was = get(start, at);
      if (Array.isArray(v) && Array.isArray(was) && was.length > 0 && v.length === 0) emptied++;
      if (Array.isArray(v) && Array.isArray(was) && v.length > was.length) longer++;
    }
    const cf = p.data.contact.custom_field;
    if (cf && Object.keys(cf).some((k) => !startCustom.includes(k))) extraCustom++;
  }
  assert.ok(limits > 0 && emptied > 0 && longer > 0 && extraCustom > 0, `limits ${limits}, emptied ${emptied}, longer ${longer}, custom ${extraCustom}`);
});

test('without a schema: generated from the payload\'s shape, and the model says so', () => {
  const other = { account_id: '1', event: 'onTicketCreate', iparams: {}, data: { ticket: { id: 7, subject: 'Hi', tags: ['a'] } } };
  const model = payloadArbitrary(other, undefined);
  assert.equal(model.fromSchema, false);
  assert.equal(payloadArbitrary(seedPayload(), schema).fromSchema, true);
  const payloads = samplePayloads(model.arbitrary, 200, 3);
  assert.ok(payloads.every((p) => p.event === 'onTicketCreate' && p.data.ticket.id > 0));
  assert.ok(payloads.some((p) => !('subject' in p.data.ticket)), 'a field left out');
  assert.ok(payloads.some((p) => Array.isArray(p.data.ticket.tags) && p.data.ticket.tags.length === 0), 'an empty list');
});

test('the regression test invokes the handler with the saved payload, names the failure, and parses', async () => {
  const { regressionTestText } = await loadTs('server/src/core/payloadFuzz.ts');
  const text = regressionTestText({ event: 'onContactCreate', payloadRequire: '../server/test_data/fuzz/onContactCreate-0123456789.json',
    message: "TypeError: Cannot read properties of null (reading 'filter')\nmore", where: 'server/server.js:3', scope: 'freshworks_crm' });
  assert.match(text, /require\('\.\.\/server\/test_data\/fuzz\/onContactCreate-0123456789\.json'\)/);
  assert.match(text, /await this\.invoke\('onContactCreate', payload, 'freshworks_crm'\);/);
  assert.match(text, /TypeError: Cannot read properties of null \(reading 'filter'\)\n\/\/ {3}at server\/server\.js:3/);
  assert.doesNotMatch(text, /more/);
  // It is JavaScript a mocha run can load (describe/it given).
  const calls = [];
  new Function('describe', 'it', 'require', text)((name, fn) => { calls.push(name); fn(); }, (name) => calls.push(name), () => ({}));
  assert.deepEqual(calls, ['onContactCreate with the payload fsdev fuzz found', 'handles onContactCreate-0123456789.json without failing']);
});

test('an external event\'s data is the sender\'s: every key stays, no null is added, only values vary', () => {
  const start = { account_id: '1', event: 'onExternalEvent', iparams: {}, data: { event: 'webinar.joined', payload: { id: 'x', tags: ['a'], n: 2 } } };
  const model = payloadArbitrary(start, payloadSchema('onExternalEvent', 'freshworks_crm'), { external: true });
  assert.equal(model.fromSchema, false);
  const payloads = samplePayloads(model.arbitrary, 200, 5);
  for (const p of payloads) {
    assert.deepEqual(Object.keys(p.data).sort(), ['event', 'payload']);
    assert.deepEqual(Object.keys(p.data.payload).sort(), ['id', 'n', 'tags']);
    for (const [, v] of walk(p.data)) assert.notEqual(v, null);
  }
  assert.ok(payloads.some((p) => p.data.event !== 'webinar.joined'), 'values vary');
});
