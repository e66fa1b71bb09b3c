// Validates a value against a JSON Schema by walking the schema, with no code generation: compiling a payload
// schema with ajv costs 10-100 ms per schema in a fresh process (most of a cold `fsdev check`), and ajv's
// standalone code for all payload schemas is 1.8 MB that V8 must still parse and compile (~150 ms for the 38
// default payloads of an app). The payload schemas use a small set of keywords; for those this walker gives
// exactly ajv's allErrors output (same errors, same order, same instancePath and params), which
// test/unit/schemaValidator.test.mjs checks against ajv over every default payload and thousands of mutations.
// Where the data meets any other validating keyword, the walk gives up (undefined) and the caller asks ajv.

export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type Schema = boolean | { [k: string]: unknown };

/** Keywords that ajv (draft-07, strict off) validates and this walker does not: their presence means "use ajv". */
const UNSUPPORTED = new Set(['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf', 'maxLength',
  'minLength', 'pattern', 'maxProperties', 'maxItems', 'minItems', 'uniqueItems', 'not', 'anyOf', 'oneOf', 'allOf',
  'if', 'then', 'else', 'propertyNames', 'dependencies', 'patternProperties', 'additionalItems', 'contains', 'format',
  'nullable', 'discriminator', '$async', '$recursiveRef', '$dynamicRef', 'unevaluatedProperties', 'unevaluatedItems']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

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
const pointer = (key: string) => '/' + (key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

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

/** One schema object, read once: what the walk needs, without looking at the object's keys again. */
interface Node {
  types: string[];
  /** The single type, when the schema names exactly one. */
  single?: string;
  /** A wrong type is reported up front (ajv: unless a single type has keywords of its own group). */
  upFront: boolean;
  ref?: Schema;
  hasConst: boolean;
  constValue?: unknown;
  enumValues?: unknown[];
  array?: { items?: Schema };
  object?: { minProperties?: number; required: string[]; props: Record<string, Schema>; propKeys: string[]; additional?: Schema };
}

class Unsupported extends Error {}
/** Schema objects already read (a Map: the schemas are loaded once and kept, and a Map is faster to warm up). */
const nodes = new Map<object, Node>();

/** Reads a schema object on its first use; throws Unsupported for a keyword or form the walk does not implement. */
function nodeOf(root: Schema, s: { [k: string]: unknown }): Node {
  let n = nodes.get(s);
  if (n) return n;
  let arrayKeywords = false;
  let objectKeywords = false;
  for (const k of Object.keys(s)) {
    if (UNSUPPORTED.has(k)) throw new Unsupported();
    if (k === 'items') arrayKeywords = true;
    else if (k === 'required' || k === 'minProperties' || k === 'additionalProperties' || k === 'properties') objectKeywords = true;
  }
  const types = s.type === undefined ? [] : [s.type].flat();
  if (!types.every((t) => typeof t === 'string' && TYPES.has(t))) throw new Unsupported();
  const { properties, required, additionalProperties, items, $ref, enum: en, minProperties } = s;
  if ((en !== undefined && !Array.isArray(en)) || (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string')))
    || (minProperties !== undefined && typeof minProperties !== 'number') || (items !== undefined && !isSchema(items))
    || (additionalProperties !== undefined && !isSchema(additionalProperties)) || (properties !== undefined && !isObject(properties))) throw new Unsupported();
  const ref = $ref === undefined ? undefined : typeof $ref === 'string' ? resolveRef(root, $ref) : undefined;
  if ($ref !== undefined && ref === undefined) throw new Unsupported();
  const single = types.length === 1 ? types[0] as string : undefined;
  // ajv's rule groups of the keywords walked here: the type-free group runs first, then array, then object
  const has = (group: string) => (group === 'array' ? arrayKeywords : group === 'object' ? objectKeywords : false);
  const props = (properties ?? {}) as Record<string, Schema>;
  n = {
    types: types as string[], single, upFront: types.length > 0 && !(single !== undefined && has(single)), ref,
    hasConst: 'const' in s, constValue: s.const, enumValues: en as unknown[] | undefined,
    array: has('array') ? { items: items as Schema | undefined } : undefined,
    object: has('object') ? {
      minProperties: minProperties as number | undefined, required: (required ?? []) as string[], props,
      propKeys: Object.keys(props).filter((k) => k !== '__proto__'), additional: additionalProperties as Schema | undefined,
    } : undefined,
  };
  nodes.set(s, n);
  return n;
}
const isSchema = (v: unknown) => typeof v === 'boolean' || isObject(v);

/** Whether the walk implements every keyword of every subschema reachable from `schema` (then ajv is never needed). */
export function walksWhole(schema: object): boolean {
  const root = schema as Schema;
  const seen = new Set<object>();
  const read = (s: Schema | undefined): void => {
    if (typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    const n = nodeOf(root, s);
    read(n.ref);
    read(n.array?.items);
    read(n.object?.additional);
    Object.values(n.object?.props ?? {}).forEach(read);
  };
  try { read(root); return true; } catch (e) { if (e instanceof Unsupported) return false; throw e; }
}

/**
 * A validator with ajv's allErrors semantics for `schema`. It reads each subschema when the data first reaches
 * it (a subschema the data never reaches cannot yield an error, in ajv either); it returns undefined when the
 * data reaches a keyword it does not implement, and then the caller asks ajv.
 */
export function schemaWalker(schema: object): (data: unknown) => SchemaError[] | undefined {
  const root = schema as Schema;
  return (data) => {
    const errors: SchemaError[] = [];
    try {
      walk(root, root, data, '', errors);
    } catch (e) {
      if (e instanceof Unsupported) return undefined;
      throw e;
    }
    return errors;
  };
}

function typeError(s: { [k: string]: unknown }, path: string, out: SchemaError[]): void {
  out.push({ instancePath: path, keyword: 'type', params: { type: s.type }, message: `must be ${String(s.type)}` });
}

function walk(root: Schema, s: Schema, data: unknown, path: string, out: SchemaError[]): void {
  if (s === true) return;
  if (s === false) { out.push({ instancePath: path, keyword: 'false schema', params: {}, message: 'boolean schema is false' }); return; }
  const n = nodes.get(s) ?? nodeOf(root, s);
  if (n.upFront && !n.types.some((t) => hasType(data, t))) typeError(s, path, out);
  // the type-free group: $ref, const, enum
  if (n.ref !== undefined) walk(root, n.ref, data, path, out);
  if (n.hasConst && !deepEqual(data, n.constValue)) out.push({ instancePath: path, keyword: 'const', params: { allowedValue: n.constValue }, message: 'must be equal to constant' });
  if (n.enumValues && !n.enumValues.some((v) => deepEqual(data, v))) out.push({ instancePath: path, keyword: 'enum', params: { allowedValues: n.enumValues }, message: 'must be equal to one of the allowed values' });
  // then the array group, then the object group; a single type owning its group reports a wrong type there
  if (n.array) {
    if (Array.isArray(data)) {
      if (n.array.items !== undefined) for (let i = 0; i < data.length; i++) walk(root, n.array.items, data[i], `${path}/${i}`, out);
    } else if (n.single === 'array') typeError(s, path, out);
  }
  const o = n.object;
  if (!o) return;
  if (!isObject(data)) { if (n.single === 'object') typeError(s, path, out); return; }
  if (o.minProperties !== undefined && Object.keys(data).length < o.minProperties) {
    out.push({ instancePath: path, keyword: 'minProperties', params: { limit: o.minProperties }, message: `must NOT have fewer than ${o.minProperties} properties` });
  }
  for (const req of o.required) {
    if (data[req] === undefined) out.push({ instancePath: path, keyword: 'required', params: { missingProperty: req }, message: `must have required property '${req}'` });
  }
  if (o.additional !== undefined && o.additional !== true) {
    for (const key in data) {
      if (key !== '__proto__' && Object.prototype.hasOwnProperty.call(o.props, key)) continue;
      if (o.additional === false) out.push({ instancePath: path, keyword: 'additionalProperties', params: { additionalProperty: key }, message: 'must NOT have additional properties' });
      else walk(root, o.additional, data[key], path + pointer(key), out);
    }
  }
  // ajv's `data.prop !== undefined`: an inherited member counts as present, as there
  for (const key of o.propKeys) if (data[key] !== undefined) walk(root, o.props[key], data[key], path + pointer(key), out);
}
