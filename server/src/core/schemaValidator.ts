// Validates a value against a JSON Schema by walking the schema, with no code generation: compiling a payload
// schema with ajv costs 10-100 ms per schema in a fresh process (most of a cold `fsdev check`), and ajv's
// standalone code for all payload schemas is 1.8 MB that V8 must still parse and compile (~150 ms for the 38
// default payloads of an app). The payload schemas use a small set of keywords; for those this walker gives
// exactly ajv's allErrors output (same errors, same order, same instancePath and params), which
// test/unit/schemaValidator.test.mjs checks against ajv over every default payload and thousands of mutations.
// A schema using any other validating keyword gets no walker (undefined): the caller falls back to ajv.

export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export type Validate = (data: unknown) => SchemaError[];

type Schema = boolean | { [k: string]: unknown };

/** Keywords that ajv (draft-07, strict off) validates and this walker does not: their presence means "use ajv". */
const UNSUPPORTED = new Set(['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf', 'maxLength',
  'minLength', 'pattern', 'maxProperties', 'maxItems', 'minItems', 'uniqueItems', 'not', 'anyOf', 'oneOf', 'allOf',
  'if', 'then', 'else', 'propertyNames', 'dependencies', 'patternProperties', 'additionalItems', 'contains', 'format',
  'nullable', 'discriminator', '$async', '$recursiveRef', '$dynamicRef', 'unevaluatedProperties', 'unevaluatedItems']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
/** ajv's rule groups of the keywords walked here: the type-free group runs first, then array, then object. */
const GROUP_OF: Record<string, string> = { required: 'object', minProperties: 'object', additionalProperties: 'object', properties: 'object', items: 'array' };

const isObject = (d: unknown): d is Record<string, unknown> => !!d && typeof d === 'object' && !Array.isArray(d);
function hasType(d: unknown, t: string): boolean {
  switch (t) {
    case 'null': return d === null;
    case 'array': return Array.isArray(d);
    case 'object': return isObject(d);
    case 'integer': return typeof d === 'number' && !(d % 1) && !isNaN(d);
    case 'number': return typeof d === 'number';
    default: return typeof d === t;
  }
}
const pointer = (key: string) => '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return a !== a && b !== b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The subschema a local `$ref` ("#/definitions/x", "#") points at, or undefined. */
function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return typeof node === 'boolean' || isObject(node) ? node : undefined;
}

/** Whether every schema reachable from `root` uses only keywords this walker implements, in forms it implements. */
function supported(root: Schema): boolean {
  const seen = new Set<unknown>();
  const ok = (s: unknown): boolean => {
    if (typeof s === 'boolean') return true;
    if (!isObject(s)) return false;
    if (seen.has(s)) return true;
    seen.add(s);
    for (const k of Object.keys(s)) if (UNSUPPORTED.has(k)) return false;
    const { type, properties, required, additionalProperties, items, $ref, enum: en, minProperties, definitions } = s;
    if (type !== undefined && ![type].flat().every((t) => typeof t === 'string' && TYPES.has(t))) return false;
    if (en !== undefined && !Array.isArray(en)) return false;
    if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string'))) return false;
    if (minProperties !== undefined && typeof minProperties !== 'number') return false;
    if ($ref !== undefined && (typeof $ref !== 'string' || !ok(resolveRef(root, $ref)))) return false;
    if (items !== undefined && (Array.isArray(items) || !ok(items))) return false;
    if (additionalProperties !== undefined && !ok(additionalProperties)) return false;
    for (const group of [properties, definitions]) {
      if (group === undefined) continue;
      if (!isObject(group) || !Object.values(group).every(ok)) return false;
    }
    return true;
  };
  return ok(root);
}

/** A validator with ajv's allErrors semantics for `schema`, or undefined when the schema needs ajv. */
export function schemaWalker(schema: object): Validate | undefined {
  const root = schema as Schema;
  if (!supported(root)) return undefined;
  return (data) => {
    const errors: SchemaError[] = [];
    walk(root, root, data, '', errors);
    return errors;
  };
}

function walk(root: Schema, s: Schema, data: unknown, path: string, out: SchemaError[]): void {
  if (s === true) return;
  if (s === false) { out.push({ instancePath: path, keyword: 'false schema', params: {}, message: 'boolean schema is false' }); return; }
  const types = s.type === undefined ? [] : [s.type as string | string[]].flat();
  const typeError = () => out.push({ instancePath: path, keyword: 'type', params: { type: s.type }, message: `must be ${String(s.type)}` });
  // ajv reports a wrong type up front unless the schema has a single type with keywords of that type's group;
  // then the error comes where that group runs, in place of its keywords.
  const single = types.length === 1 ? types[0] : undefined;
  const groupOwnsType = single !== undefined && Object.keys(s).some((k) => GROUP_OF[k] === single);
  if (types.length && !groupOwnsType && !types.some((t) => hasType(data, t))) typeError();

  // the type-free group: $ref, const, enum
  if (typeof s.$ref === 'string') walk(root, resolveRef(root, s.$ref)!, data, path, out);
  if ('const' in s && !deepEqual(data, s.const)) out.push({ instancePath: path, keyword: 'const', params: { allowedValue: s.const }, message: 'must be equal to constant' });
  if (Array.isArray(s.enum) && !s.enum.some((v) => deepEqual(data, v))) out.push({ instancePath: path, keyword: 'enum', params: { allowedValues: s.enum }, message: 'must be equal to one of the allowed values' });

  const typed = (group: 'array' | 'object', body: () => void) => {
    if (!Object.keys(s).some((k) => GROUP_OF[k] === group)) return;
    if (hasType(data, group)) body();
    else if (single === group) typeError();
  };
  typed('array', () => {
    if (s.items === undefined) return;
    (data as unknown[]).forEach((item, i) => walk(root, s.items as Schema, item, `${path}/${i}`, out));
  });
  typed('object', () => {
    const obj = data as Record<string, unknown>;
    if (typeof s.minProperties === 'number' && Object.keys(obj).length < s.minProperties) {
      out.push({ instancePath: path, keyword: 'minProperties', params: { limit: s.minProperties }, message: `must NOT have fewer than ${s.minProperties} properties` });
    }
    for (const req of (s.required as string[] | undefined) ?? []) {
      if (obj[req] === undefined) out.push({ instancePath: path, keyword: 'required', params: { missingProperty: req }, message: `must have required property '${req}'` });
    }
    const props = isObject(s.properties) ? s.properties as Record<string, Schema> : {};
    const ap = s.additionalProperties as Schema | undefined;
    if (ap !== undefined && ap !== true) {
      for (const key in obj) {
        if (key !== '__proto__' && Object.prototype.hasOwnProperty.call(props, key)) continue;
        if (ap === false) out.push({ instancePath: path, keyword: 'additionalProperties', params: { additionalProperty: key }, message: 'must NOT have additional properties' });
        else walk(root, ap, obj[key], path + pointer(key), out);
      }
    }
    // ajv's `data.prop !== undefined`: an inherited member counts as present, as there
    for (const key of Object.keys(props)) if (key !== '__proto__' && obj[key] !== undefined) walk(root, props[key], obj[key], path + pointer(key), out);
  });
}
