// The schema walker (server/src/core/schemaValidator.ts) must say exactly what ajv says: same errors, same
// order, same instancePath and params, for every payload schema, over every default payload and thousands
// of mutations of them. ajv is the oracle here; the walker is what runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const { schemaWalker, walksWhole } = await loadTs('server/src/core/schemaValidator.ts');
const { payloadValidator, ajvValidator } = await loadTs('server/src/core/payloadValidation.ts');

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false, code: { optimize: false } });
ajv.addVocabulary(['enumDescriptions', 'markdownEnumDescriptions', 'markdownDescription', 'defaultSnippets',
  'deprecationMessage', 'errorMessage', 'doNotSuggest']);
const oracle = (schema) => { const v = ajv.compile(schema); return (data) => (v(data) ? [] : v.errors); };
const shape = (errors) => errors.map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));

const readJson = (...p) => JSON.parse(readFileSync(path.join(repoRoot, ...p), 'utf8'));
const schemas = [];
for (const product of readdirSync(path.join(repoRoot, 'schemas/payloads'))) {
  for (const f of readdirSync(path.join(repoRoot, 'schemas/payloads', product))) {
    const event = f.replace('.schema.json', '');
    let payload;
    try { payload = readJson('schemas/defaults', product, `${event}.json`); } catch { /* no default for this event */ }
    schemas.push({ product, event, schema: readJson('schemas/payloads', product, f), payload });
  }
}

/** Every path in a value (arrays by index), the root included. */
function paths(value, at = []) {
  const out = [at];
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}
const REPLACEMENTS = [null, 0, 1.5, -3, 'x', '', true, false, [], [1, 'a', null], {}, { a: 1 }, 'US'];
/** The payload with the value at `p` replaced (or deleted, when `value` is DELETE), as a new object. */
const DELETE = Symbol('delete');
function mutate(payload, p, value) {
  const copy = structuredClone(payload);
  if (!p.length) return value === DELETE ? undefined : value;
  let node = copy;
  for (const seg of p.slice(0, -1)) node = node[seg];
  const last = p[p.length - 1];
  if (value === DELETE) { if (Array.isArray(node)) node.splice(last, 1); else delete node[last]; } else node[last] = value;
  return copy;
}

test('every bundled payload schema is walked (no schema needs ajv at run time)', () => {
  const needAjv = schemas.filter((s) => !walksWhole(s.schema)).map((s) => `${s.product}/${s.event}`);
  assert.deepEqual(needAjv, [], 'these schemas use a keyword schemaValidator.ts does not implement: they still validate (through ajv) but slowly');
});

test('payload validation (the walker on the build\'s annotation-free schemas) agrees with ajv on the schemas/ files, over every default payload and mutations of every value in it', (t) => {
  let compared = 0;
  let withErrors = 0;
  for (const { product, event, schema, payload } of schemas) {
    const walk = payloadValidator(event, product);
    const ref = oracle(schema);
    const base = payload ?? { event };
    const check = (data, what) => {
      const expected = shape(ref(data));
      assert.deepEqual(shape(walk(data)), expected, `${product}/${event}: ${what}`);
      compared++;
      if (expected.length) withErrors++;
    };
    check(base, 'default payload');
    for (const p of paths(base)) {
      const where = '/' + p.join('/');
      // a rotating third of the replacements per value keeps the run short; over a payload every one is used
      REPLACEMENTS.forEach((r, i) => { if ((i + p.length + where.length) % 3 === 0) check(mutate(base, p, r), `${where} := ${JSON.stringify(r)}`); });
      if (p.length) check(mutate(base, p, DELETE), `delete ${where}`);
      const target = p.reduce((n, seg) => n[seg], base);
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        check(mutate(base, p, { ...target, zz_extra: 1, 'a/b~c': 'x' }), `extra members at ${where}`);
      }
    }
  }
  t.diagnostic(`${compared} payloads compared, ${withErrors} of them with errors`);
  assert.ok(compared > 10000, `only ${compared} comparisons`);
  assert.ok(withErrors > compared / 4, `only ${withErrors} of ${compared} comparisons had errors`);
});

test('the walker agrees with ajv on the keywords it implements, in every combination the payload schemas could use', () => {
  const cases = [
    [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'b'], additionalProperties: false, minProperties: 3 },
      [{}, { a: 1 }, { a: 'x', c: 2, 'd/e': 3 }, [], 'str', null, { a: 'x', b: 1, c: 2 }]],
    [{ type: ['object', 'null'], properties: { a: { type: 'integer' } } }, [null, 1, { a: 1.5 }, { a: 2 }, [], 'x']],
    [{ type: 'array', items: { type: 'number', enum: [1, 2] } }, [[1, 2, 3, 'x'], {}, 'x', []]],
    [{ type: 'string', enum: ['a', 'b'] }, ['a', 'c', 1, null, ['a']]],
    [{ enum: [{ a: 1 }, [1, 2], null] }, [{ a: 1 }, { a: 2 }, [1, 2], [2, 1], null, 0]],
    [{ const: { x: [1] } }, [{ x: [1] }, { x: [2] }, 1]],
    [{ properties: { a: false, b: true, constructor: { type: 'string' } }, additionalProperties: { type: 'number' } }, [{ a: 1, b: 2, c: 'x' }, { c: 1 }, 'str']],
    [{ $ref: '#/definitions/u', description: 'x', definitions: { u: { type: 'object', required: ['id'], properties: { id: { type: 'number' } } } } },
      [{}, { id: 'x' }, 1, { id: 1 }]],
    [{ type: 'object', properties: { a: { $ref: '#' } } }, [{ a: { a: { a: 1 } } }, { a: 'x' }]],
    [{ type: ['number', 'string'], enum: [1, 'x'] }, [1, 'x', 2, true]],
    [{ type: 'object' }, [{}, [], 1]],
    [{ type: 'integer' }, [1, 1.5, 'x']],
    [{ type: ['array', 'object'], additionalProperties: { type: 'string' }, items: { type: 'string' } }, [[1, 'a'], { a: 1 }, 'x', null]],
  ];
  for (const [schema, values] of cases) {
    const walk = schemaWalker(schema);
    assert.ok(walksWhole(schema), `walker for ${JSON.stringify(schema)}`);
    const ref = oracle(schema);
    for (const v of values) assert.deepEqual(shape(walk(v)), shape(ref(v)), `${JSON.stringify(schema)} on ${JSON.stringify(v)}`);
  }
});

test('where the data meets a keyword the walker does not implement it gives up, and payload validation falls back to ajv', () => {
  for (const [schema, data] of [[{ type: 'string', pattern: '^a' }, 'b'], [{ anyOf: [{ type: 'string' }] }, 1],
    [{ properties: { a: { minimum: 1 } } }, { a: 0 }], [{ items: [{ type: 'string' }] }, [1]], [{ $ref: 'other.json#/x' }, 1], [{ type: 'date' }, 1]]) {
    assert.equal(walksWhole(schema), false, JSON.stringify(schema));
    assert.equal(schemaWalker(schema)(data), undefined, JSON.stringify(schema));
  }
  // a subschema the data never reaches yields no error in ajv either: the walk needs no ajv for it
  assert.deepEqual(schemaWalker({ properties: { a: { minimum: 1 } }, required: ['b'] })({ c: 1 }), [{ instancePath: '', keyword: 'required', params: { missingProperty: 'b' }, message: "must have required property 'b'" }]);
  const viaAjv = ajvValidator({ type: 'object', properties: { a: { type: 'string', pattern: '^a' } } });
  assert.deepEqual(shape(viaAjv({ a: 'b' })), [{ instancePath: '/a', keyword: 'pattern', params: { pattern: '^a' } }]);
  assert.deepEqual(viaAjv({ a: 'abc' }), []);
});

test('payloadValidator reports the walker\'s errors for a bundled event', () => {
  const v = payloadValidator('onContactCreate', 'freshworks_crm');
  const payload = readJson('schemas/defaults/freshworks_crm/onContactCreate.json');
  assert.deepEqual(v(payload), []);
  payload.region = 'MARS';
  assert.deepEqual(shape(v(payload)), [{ instancePath: '/region', keyword: 'enum', params: { allowedValues: ['US', 'EU', 'EUC', 'AUS', 'IND'] } }]);
  assert.equal(payloadValidator('noSuchEvent', 'freshworks_crm'), undefined);
});

test('the build drops annotations only: member names like "description" stay, other keywords stay as they are', async () => {
  const { stripAnnotations } = await import('../../scripts/validationSchemas.mjs');
  const schema = {
    $id: 'x', title: 't', description: 'd', type: 'object', required: ['description'], 'x-custom': { description: 'kept' },
    properties: { description: { type: 'string', description: 'gone', enum: ['a'], markdownEnumDescriptions: ['gone'] }, title: { $ref: '#/definitions/title' } },
    definitions: { title: { type: 'number', default: 1, examples: [2] } },
    items: [{ description: 'gone', const: { description: 'kept' } }], anyOf: [{ title: 'gone', minimum: 1 }],
  };
  assert.deepEqual(stripAnnotations(schema), {
    type: 'object', required: ['description'], 'x-custom': { description: 'kept' },
    properties: { description: { type: 'string', enum: ['a'] }, title: { $ref: '#/definitions/title' } },
    definitions: { title: { type: 'number' } },
    items: [{ const: { description: 'kept' } }], anyOf: [{ minimum: 1 }],
  });
});

test('the build writes a repeated subschema once and refers to it: validation is unchanged', async () => {
  const { shareRepeats } = await import('../../scripts/validationSchemas.mjs');
  const field = { type: 'object', properties: { label: { type: 'string' }, value: {} } };
  const schema = { type: 'object', required: ['a'], properties: { a: field, b: field, c: { type: 'array', items: field }, d: { $ref: '#/definitions/x' } }, definitions: { x: { type: 'object', properties: { e: field } } } };
  const shared = shareRepeats(structuredClone(schema));
  assert.deepEqual(shared.properties.a, { $ref: '#/definitions/_shared0' });
  assert.deepEqual(shared.definitions._shared0, field);
  assert.deepEqual(shared.definitions.x.properties.e, { $ref: '#/definitions/_shared0' });
  const ref = oracle(schema);
  for (const v of [{}, { a: { label: 1 }, b: 'x', c: [{ label: 2 }, 3], d: { e: { label: false } } }, { a: {}, c: [] }]) {
    assert.deepEqual(shape(schemaWalker(shared)(v)), shape(ref(v)), JSON.stringify(v));
  }
});
