// Payloads the platform may send, as fast-check arbitraries (the generator and shrinker of `fsdev fuzz`).
// Pure: no I/O. Starts from one payload (the app's test payload or the bundled default) and the event's JSON
// Schema when there is one (schemas/payloads), and varies what the documentation allows to vary:
//
// - the envelope (account_id, domain, event, region, timestamp, productContext, iparams, version, currentHost)
//   stays as it is: the platform fills it, the run's iparams and event name are the app's;
// - under `data`: a key the schema does not require may be left out (the schema's `required` stay, an `id` stays; without a schema the parts of `data` stay);
//   a field object `{ label, type, value }` keeps its label and type, its value may be null; null wherever the
//   schema's type allows it or the payload itself holds null; strings empty, long (2,000 characters) or
//   non-ASCII (a date-time, e-mail or URL string stays one); numbers at their limits (ids stay positive
//   integers); arrays empty, longer, or holding varied elements; booleans either way; a custom-field object
//   (`custom_field`, `custom_fields`) also gains fields of its own.
// Each value shrinks towards the starting payload's (an optional key towards being left out), so a failure's
// smallest payload differs from the start only where it must.
import * as fc from 'fast-check';

/** The envelope: set by the platform (and the run), never varied. */
export const ENVELOPE_KEYS = ['account_id', 'domain', 'event', 'region', 'timestamp', 'productContext', 'iparams', 'version', 'currentHost'];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type Schema = Record<string, unknown>;
type Payload = Record<string, unknown>;

export interface PayloadModel {
  arbitrary: fc.Arbitrary<Payload>;
  /** True when the event's schema shaped the generation; false: only the payload's own shape did. */
  fromSchema: boolean;
}

export const LONG_STRING_LENGTH = 2000;
const MAX_DEPTH = 8;
const MAX_ARRAY = 12;

/** One of the arbitraries; a value of a later one shrinks towards the first (the starting payload's value). */
function pick<T>(...arbs: fc.Arbitrary<T>[]): fc.Arbitrary<T> {
  return fc.oneof({ withCrossShrink: true }, ...arbs) as fc.Arbitrary<T>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Freshsales field object: `{ label, type | dom_type, value }`. */
export function isFieldObject(v: unknown): v is { value: unknown } {
  return isObject(v) && 'value' in v && ('label' in v || 'type' in v || 'dom_type' in v);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const URL_LIKE = /^https?:\/\//;

/** Strings a handler meets in real payloads: names in other scripts, emoji, right-to-left text, combining marks. */
const UNICODE_SAMPLES = ['José Müller', '李小龙', 'Ωμέγα', 'مرحبا', '👩‍💻 Dev', 'e\u0301', '\u200b', 'Ñandú', '   '];

class Builder {
  usedSchema = false;
  constructor(private readonly root: Schema | undefined, private readonly keepKeys = false) {}

  resolve(schema: unknown): Schema | undefined {
    let s = isObject(schema) ? schema : undefined;
    for (let i = 0; s && typeof s.$ref === 'string' && i < 8; i++) {
      const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
      const defs = this.root && isObject(this.root.definitions) ? this.root.definitions : undefined;
      const target = m && defs ? defs[m[1]] : undefined;
      s = isObject(target) ? target : undefined;
    }
    if (s) this.usedSchema = true;
    return s;
  }

  value(seed: unknown, schema: unknown, key: string, depth: number): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const types = schemaTypes(s);
    const nullable = seed === null || types.includes('null');
    const withNull = (a: fc.Arbitrary<unknown>) => (nullable && seed !== null ? pick<unknown>(a, fc.constant(null)) : a);
    if (seed === null) return this.fromTypes(types.filter((t) => t !== 'null'), s, key, depth);
    if (depth >= MAX_DEPTH) return fc.constant(seed);
    if (isFieldObject(seed)) return withNull(this.fieldObject(seed, s, key, depth));
    if (isObject(seed)) return withNull(this.object(seed, s, key, depth));
    if (Array.isArray(seed)) return withNull(this.array(seed, s, key, depth));
    if (typeof seed === 'string') return withNull(stringVariants(seed));
    if (typeof seed === 'number') return withNull(numberVariants(seed, key));
    if (typeof seed === 'boolean') return withNull(fc.boolean().map((b) => (b ? seed : !seed)));
    return fc.constant(seed);
  }

  /** A value where the payload holds null: null first (it shrinks there), else what the schema's types allow. */
  fromTypes(types: string[], schema: Schema | undefined, key: string, depth: number): fc.Arbitrary<unknown> {
    const others: fc.Arbitrary<unknown>[] = [];
    for (const t of types) {
      if (t === 'string') others.push(stringVariants(''));
      else if (t === 'number' || t === 'integer') others.push(numberVariants(0, key));
      else if (t === 'boolean') others.push(fc.boolean());
      else if (t === 'array') others.push(fc.constant([]));
      else if (t === 'object' && depth < MAX_DEPTH && schema) others.push(this.object({}, schema, key, depth));
    }
    return others.length ? pick<unknown>(fc.constant(null), ...others) : fc.constant(null);
  }

  fieldObject(seed: Record<string, unknown>, schema: Schema | undefined, key: string, depth: number): fc.Arbitrary<unknown> {
    const valueSchema = schema && isObject(schema.properties) ? schema.properties.value : undefined;
    const inner = seed.value === null ? this.fromTypes(['string', 'number'], undefined, key, depth + 1)
      : pick<unknown>(this.value(seed.value, valueSchema, key, depth + 1), fc.constant(null));
    return inner.map((value) => ({ ...seed, value }));
  }

  object(seed: Record<string, unknown>, schema: Schema | undefined, key: string, depth: number): fc.Arbitrary<unknown> {
    const props = schema && isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema?.required) ? (schema.required as unknown[]).map(String) : []);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const [k, v] of Object.entries(seed)) {
      model[k] = this.value(v, props[k], k, depth + 1);
      // Without a schema the parts of `data` (the entity, actor, associations) stay: the platform always sends them.
      if (this.keepKeys || required.has(k) || k === 'id' || (!schema && depth === 0)) requiredKeys.push(k);
    }
    const record = fc.record(model, { requiredKeys });
    if (!/^custom_fields?$/.test(key)) return record;
    // Custom fields vary from account to account: any name, a text, number, boolean or null value.
    const extra = fc.dictionary(fc.stringMatching(/^cf_[a-z]{1,12}$/),
      pick<unknown>(fc.constant(null), stringVariants(''), fc.integer(), fc.boolean()), { maxKeys: 4 });
    return fc.tuple(record, extra).map(([r, x]) => ({ ...x, ...(r as object) }));
  }

  array(seed: unknown[], schema: Schema | undefined, key: string, depth: number): fc.Arbitrary<unknown> {
    if (seed.length === 0) {
      const items = this.resolve(schema?.items);
      const kinds = schemaTypes(items);
      const element: fc.Arbitrary<unknown> | undefined = kinds.includes('string') ? stringVariants('') : kinds.includes('number') ? fc.integer() : undefined;
      return element ? pick<unknown>(fc.constant([]), fc.array(element, { maxLength: MAX_ARRAY })) : fc.constant([]);
    }
    const elements = pick(...seed.map((e) => this.value(e, schema?.items, key, depth + 1)));
    return pick<unknown>(
      fc.constant(seed),
      fc.constant([]),
      fc.array(elements, { minLength: 1, maxLength: MAX_ARRAY }),
    );
  }
}

function schemaTypes(schema: Schema | undefined): string[] {
  const t = schema?.type;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

/** A string as the platform may send it in this place: the same, empty, long or non-ASCII; formats kept. */
export function stringVariants(seed: string): fc.Arbitrary<string> {
  if (DATE_TIME.test(seed)) {
    return pick(fc.constant(seed), fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')));
  }
  if (EMAIL.test(seed)) return pick(fc.constant(seed), fc.emailAddress());
  if (URL_LIKE.test(seed)) return pick(fc.constant(seed), fc.webUrl());
  return pick(
    fc.constant(seed),
    fc.constant(''),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.constantFrom(...UNICODE_SAMPLES),
    fc.constant('x'.repeat(LONG_STRING_LENGTH)),
  );
}

/** A number at its limits; ids (`id`, `*_id`) stay positive integers, as the platform's ids are. */
export function numberVariants(seed: number, key: string): fc.Arbitrary<number> {
  if (key === 'id' || key.endsWith('_id')) {
    return pick(fc.constant(seed), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constant(Number.MAX_SAFE_INTEGER));
  }
  return pick(
    fc.constant(seed),
    fc.constantFrom(0, -1, 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.5),
    Number.isInteger(seed) ? fc.integer() : fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
}

/**
 * The arbitrary of an event's payloads, from one payload and (when the event has one) its JSON Schema; for an
 * external event (`options.external`) from the payload's shape only, every key kept.
 * The envelope keys keep their values; `data` (or, in a payload without `data`, every other key) varies.
 */
export function payloadArbitrary(seed: Payload, schema?: object, options: { external?: boolean } = {}): PayloadModel {
  // An external event's `data` is the sender's body, not the platform's: no schema says which of its keys may be
  // missing, so every key stays and only values vary (the envelope's schema is not used for it).
  const root = options.external ? undefined : schema as Schema | undefined;
  const b = new Builder(root, options.external);
  const props = root && isObject(root.properties) ? root.properties : {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const hasData = isObject(seed.data);
  for (const [k, v] of Object.entries(seed)) {
    const varied = hasData ? k === 'data' : !ENVELOPE_KEYS.includes(k);
    model[k] = varied ? b.value(v, props[k], k, 0) : fc.constant(v);
  }
  // Top-level keys are always sent (the envelope and `data`): only their contents vary.
  const arbitrary = fc.record(model) as fc.Arbitrary<Payload>;
  return { arbitrary, fromSchema: b.usedSchema };
}

/** `count` payloads of an arbitrary, the same ones for the same seed (tests, the benchmark). */
export function samplePayloads(arbitrary: fc.Arbitrary<Payload>, count: number, seed: number): Payload[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}

export interface RegressionTestInput {
  event: string;
  /** The saved payload, relative to test/ (`../server/test_data/fuzz/onX-abc.json`). */
  payloadRequire: string;
  /** The failure it reproduces: message and location. */
  message: string;
  where?: string;
  /** The product or module to pass to this.invoke (omni and 3.0 apps). */
  scope?: string;
}

/** A mocha test (for `fsdev test` / `fdk test`) that invokes the handler with the payload a fuzz found. */
export function regressionTestText(t: RegressionTestInput): string {
  const headline = t.message.split('\n')[0].replace(/\*\//g, '* /');
  return `// Regression test for a payload \`fsdev fuzz\` found: the platform may send it, and the handler failed with
//   ${headline}${t.where ? `\n//   at ${t.where}` : ''}
// It fails until the handler copes with that payload.
describe('${t.event} with the payload fsdev fuzz found', function () {
  it('handles ${t.payloadRequire.split('/').pop()} without failing', async function () {
    const payload = require('${t.payloadRequire}');
    await this.invoke('${t.event}', payload${t.scope ? `, '${t.scope}'` : ''});
  });
});
`;
}
