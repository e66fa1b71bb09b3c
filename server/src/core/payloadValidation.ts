// Validates a payload (server/test_data/**.json, or the run panel's editor) against the JSON Schema of its
// event, and maps every problem to the exact range of the offending key or value.
// Fast path: JSON.parse + the schema walker (schemaValidator.ts: nothing to compile); the offending values are
// then found by one skimming pass over the text (jsonLocate.ts). A jsonc tree is built only for malformed JSON.
import type Ajv from 'ajv';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { catalogue, findEvent, payloadSchema, suggestEvent } from './catalogue';
import { PAYLOAD_LIMITS, payloadLimitOf } from './limits';
import { locateAll, pointerSegments, type JsonSpan } from './jsonLocate';
import { schemaWalker, type SchemaError } from './schemaValidator';
import { rangeOf } from './textPositions';
import { MAX_REPORTED, reportCut } from './reportCap';
import { jsonSyntax } from './manifest';
import { defineRule } from './rules';
import type { CatalogueEvent, Diagnostic, ProductName, Range } from './types';

export interface PayloadValidationOptions {
  /** The event the payload is for (e.g. from its file name); defaults to the payload's own `"event"` value. */
  event?: string;
  /** The product whose payload shape applies; defaults to `productContext.name`, then the event's first product. */
  product?: ProductName;
}

export { PAYLOAD_LIMITS };

/** Every error of a value, in ajv's allErrors order. */
export type Validate = (data: unknown) => SchemaError[];

let ajv: Ajv | undefined;
const validators = new Map<string, Validate>();

/** ajv, loaded only for a schema whose keywords the walker does not implement (none of the bundled payload schemas). */
export function ajvValidator(schema: object): Validate {
  if (!ajv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require('ajv') as { default: typeof Ajv }).default;
    // optimize:false: ajv's code optimiser makes compiling a payload schema ~5x slower for no measurable gain here.
    ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false, code: { optimize: false } });
    // VS Code's schema extensions: annotations, not assertions
    ajv.addVocabulary(['enumDescriptions', 'markdownEnumDescriptions', 'markdownDescription', 'defaultSnippets',
      'deprecationMessage', 'errorMessage', 'doNotSuggest']);
  }
  const compiled = ajv.compile(schema);
  return (data) => (compiled(data) ? [] : (compiled.errors ?? []) as SchemaError[]);
}

/** The payload schemas without annotations, generated at build from schemas/payloads (scripts/validationSchemas.mjs). */
function validationSchema(key: string): object | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./generated/validationSchemas.js') as { validationSchemas: Record<string, (() => object) | undefined> }).validationSchemas[key]?.();
}

/** The validator of an event's payload schema (made once, then cached): every error, in ajv's allErrors order. */
export function payloadValidator(event: string, product: ProductName): Validate | undefined {
  const key = `${product}/${event}`;
  let v = validators.get(key);
  if (!v) {
    const schema = validationSchema(key) ?? payloadSchema(event, product);
    if (!schema) return undefined;
    const walk = schemaWalker(schema);
    let viaAjv: Validate | undefined;
    v = (data) => (viaAjv ? undefined : walk(data)) ?? (viaAjv ??= ajvValidator(schema))(data);
    validators.set(key, v);
  }
  return v;
}

export const payloadTooLarge = defineRule<{ size: number; limit: number }>({
  code: 'payload-too-large', severity: 'warning', source: 'documentation',
  short: 'A payload over the platform\'s size limit.',
  full: 'The platform accepts at most 256 KB for a product event\'s payload, 100 KB for an external event\'s and 4 KB for the `data` of a scheduled event ($schedule.create); a larger test payload describes an event the platform never sends.',
});
export const payloadUnknownEvent = defineRule<{ event: string; product?: ProductName; suggestion?: string }>({
  code: 'payload-unknown-event', severity: 'warning', source: 'ours',
  short: 'A payload file named after no known event, or of another product\'s event.',
  full: 'The payload\'s event is not one of the product\'s events, so its schema is unknown and nothing else is checked (one message, no cascade); a did-you-mean is offered. `server/test_data/<function>.json` of a manifest `functions` entry is a server method\'s input: only its JSON is checked.',
});
/** The facts of a schema finding a fix reads: the JSON pointer of the value, ajv's keyword and its parameters. */
export type SchemaFindingData = { path: string; keyword: string; missingProperty?: unknown; allowedValues?: unknown };
export const payloadSchemaRule = defineRule<SchemaFindingData>({
  code: 'payload-schema', severity: 'error', source: 'documentation',
  short: 'A payload value or key that breaks the event\'s documented schema.',
  full: 'The test payload is validated against the JSON Schema of its event (from the platform\'s documentation), each problem on the offending value, or on the key of an object missing a property. A warning when the event is not registered (the payload is never used) or the payload is an empty placeholder fdk still runs.',
});

/** Where the values at some JSON pointers sit: skimmed from the text when it parsed, else from the jsonc tree. */
type Spans = (pointers: string[], withKeys?: string[]) => Map<string, JsonSpan>;

function treeSpans(root: Node | undefined): Spans {
  return (pointers, withKeys = []) => {
    const out = new Map<string, JsonSpan>();
    for (const p of [...pointers, ...withKeys]) {
      const n = nodeAt(root, p);
      if (!n) continue;
      const key = n.parent?.type === 'property' ? n.parent.children?.[0] : undefined;
      const span: JsonSpan = { offset: n.offset, end: n.offset + n.length, key: key && { offset: key.offset, end: key.offset + key.length } };
      if (withKeys.includes(p) && n.type === 'object') {
        span.keys = new Map();
        for (const prop of n.children ?? []) {
          const k = prop.children?.[0];
          if (k) span.keys.set(String(k.value), { offset: k.offset, end: k.offset + k.length });
        }
      }
      out.set(p, span);
    }
    return out;
  };
}

/** The node at a JSON pointer (ajv instancePath) in a jsonc tree; the last duplicate key wins, as in JSON.parse. */
function nodeAt(root: Node | undefined, pointer: string): Node | undefined {
  let node = root;
  for (const seg of pointerSegments(pointer)) {
    if (node?.type === 'object') {
      let found: Node | undefined;
      for (const prop of node.children ?? []) if (prop.children?.[0]?.value === seg) found = prop.children[1];
      node = found;
    } else if (node?.type === 'array') {
      node = node.children?.[Number(seg)];
    } else {
      return undefined;
    }
  }
  return node;
}

const spanRange = (text: string, s: { offset: number; end: number }): Range => rangeOf(text, s.offset, s.end);

/** Where to put a problem about an object as a whole: its key when it is a member's value, else its `{`. */
function objectAnchor(text: string, s: JsonSpan): Range {
  return s.key ? spanRange(text, s.key) : rangeOf(text, s.offset, s.offset + 1);
}

function messageOf(e: SchemaError): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? p.type as string[] : String(p.type).split(',');
      return types.length === 1 ? `Incorrect type. Expected "${types[0]}".`
        : `Incorrect type. Expected one of ${types.join(', ')}.`;
    }
    case 'enum':
      return `Value is not accepted. Valid values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'const':
      return `Value must be ${JSON.stringify(p.allowedValue)}.`;
    case 'required':
      return `Missing property "${String(p.missingProperty)}".`;
    case 'additionalProperties':
      return `Property ${String(p.additionalProperty)} is not allowed.`;
    case 'pattern':
      return `String does not match the pattern of "${String(p.pattern)}".`;
    case 'minProperties':
      return `Object has fewer properties than the required number of ${String(p.limit)}.`;
    default: {
      const m = e.message ?? 'Invalid value';
      return m.charAt(0).toUpperCase() + m.slice(1) + '.';
    }
  }
}

/** Bytes of `text` in UTF-8 (the platform's limits are in bytes). */
export function utf8Length(text: string): number {
  if (typeof Buffer !== 'undefined') return Buffer.byteLength(text, 'utf8');
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

export const kb = (bytes: number) => `${Math.round(bytes / 102.4) / 10} KB`;

function sizeDiagnostics(text: string, file: string, ev: CatalogueEvent, spans: Spans, value: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const limit = ev.kind === 'app-setup' ? undefined : payloadLimitOf(ev.kind);
  if (limit !== undefined && text.length * 3 > limit) {
    const size = utf8Length(text);
    if (size > limit) {
      const first = Math.max(0, text.search(/\S/));
      out.push(payloadTooLarge.at(file, rangeOf(text, first, Math.min(text.length, first + 1)),
        `Payload is ${kb(size)}; the platform accepts at most ${kb(limit)} for ${ev.kind === 'external' ? 'external' : 'product'} events.`,
        { size, limit }));
    }
  }
  if (ev.kind === 'scheduled' && value && typeof value === 'object' && 'data' in value) {
    const dataNode = spans(['/data']).get('/data');
    if (dataNode && (dataNode.end - dataNode.offset) * 3 > PAYLOAD_LIMITS.scheduledData) {
      const size = utf8Length(text.slice(dataNode.offset, dataNode.end));
      if (size > PAYLOAD_LIMITS.scheduledData) {
        out.push(payloadTooLarge.at(file, objectAnchor(text, dataNode),
          `Scheduled-event data is ${kb(size)}; $schedule.create accepts at most 4 KB.`, { size, limit: PAYLOAD_LIMITS.scheduledData }));
      }
    }
  }
  return out;
}

/**
 * Diagnostics for one payload text: `json-syntax` (errors, with ranges), `payload-unknown-event` (one warning, and
 * nothing else is checked), `payload-schema` (errors on the offending value, or on the key of an object missing a
 * property) and `payload-too-large` (warnings at the platform limits).
 */
export function validatePayload(text: string, file: string, opts: PayloadValidationOptions = {}): Diagnostic[] {
  return analysePayload(text, file, opts).diagnostics;
}

/** What validatePayload found, and the parsed value (undefined when the text does not parse). */
export interface PayloadAnalysis { diagnostics: Diagnostic[]; value?: unknown; parsed: boolean }

/** validatePayload, also handing back the parsed value so callers need not parse a large payload twice. */
export function analysePayload(text: string, file: string, opts: PayloadValidationOptions = {}): PayloadAnalysis {
  const out: Diagnostic[] = [];
  const done = (): PayloadAnalysis => ({ diagnostics: out, value, parsed });
  let value: unknown;
  let parsed = false;
  let spans: Spans = (pointers, withKeys) => locateAll(text, pointers, withKeys);
  let root: Node | undefined;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    parsed = true;
  } catch {
    const errors: ParseError[] = [];
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    spans = treeSpans(root);
    const offsets = new Set<number>();
    for (const e of errors) {
      if (offsets.has(e.offset)) continue; // jsonc reports e.g. "Property name expected" and "Value expected" at one comma
      offsets.add(e.offset);
      if (out.length === MAX_REPORTED) { out.push(reportCut(out[0], text, Math.min(e.offset, text.length), errors.length, 'Malformed JSON: the parser reports more errors')); break; }
      const end = Math.min(text.length, e.offset + Math.max(e.length, 1));
      out.push(jsonSyntax.at(file, rangeOf(text, Math.min(e.offset, text.length), end),
        syntaxMessage(printParseErrorCode(e.error))));
    }
    if (!out.length) out.push(jsonSyntax.at(file, rangeOf(text, 0, Math.min(1, text.length)), 'Invalid JSON.'));
  }

  const obj = parsed && value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  const ownEvent = typeof obj?.event === 'string' ? obj.event : undefined;
  const treeEvent = parsed ? undefined : nodeAt(root, '/event')?.value;
  const eventName = opts.event ?? ownEvent ?? (typeof treeEvent === 'string' ? treeEvent : undefined);
  if (!eventName) return done();

  const ev = findEvent(eventName);
  const ctxName = (obj?.productContext as { name?: unknown } | undefined)?.name;
  const product: ProductName = opts.product
    ?? (ev && typeof ctxName === 'string' && ev.products.includes(ctxName as ProductName) ? ctxName as ProductName : undefined)
    ?? ev?.products[0] ?? 'freshworks_crm';

  if (!ev || !ev.products.includes(product)) {
    const candidates = catalogue.events.filter((e) => e.products.includes(product));
    const suggestion = ev ? undefined : suggestEvent(eventName, candidates);
    const found = spans(['', '/event']);
    const eventNode = opts.event === undefined || opts.event === ownEvent ? found.get('/event') : undefined;
    const whole = found.get('');
    const range = eventNode ? spanRange(text, eventNode) : whole ? objectAnchor(text, whole) : rangeOf(text, 0, 0);
    const base = ev ? `${eventName} is an event of ${ev.products.join(' and ')}, not of ${product}` : `Unknown event "${eventName}"`;
    out.push(payloadUnknownEvent.at(file, range,
      `${base}, so this payload cannot be checked.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
      { event: eventName, product, ...(suggestion ? { suggestion } : {}) }));
    return done();
  }

  if (!parsed) return done(); // syntax errors: the schema would only add noise about a partial value

  const errors = (payloadValidator(eventName, product)?.(value) ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'allOf');
  if (errors.length) {
    const found = spans(errors.map((e) => e.instancePath), errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
    const seen = new Set<string>();
    for (const e of errors) {
      const message = messageOf(e);
      const key = `${e.instancePath}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const node = found.get(e.instancePath);
      let range: Range;
      if (!node) range = rangeOf(text, 0, Math.min(1, text.length));
      else if (e.keyword === 'required' || e.keyword === 'minProperties') range = objectAnchor(text, node);
      else if (e.keyword === 'additionalProperties') {
        const prop = node.keys?.get(String(e.params.additionalProperty));
        range = prop ? spanRange(text, prop) : objectAnchor(text, node);
      } else range = spanRange(text, node);
      const data: SchemaFindingData = { path: e.instancePath, keyword: e.keyword };
      if (e.keyword === 'required') data.missingProperty = e.params.missingProperty;
      if (e.keyword === 'enum') data.allowedValues = e.params.allowedValues;
      out.push(payloadSchemaRule.at(file, range, message, data));
    }
  }
  out.push(...sizeDiagnostics(text, file, ev, spans, value));
  return done();
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol.',
  InvalidNumberFormat: 'Invalid number format.',
  PropertyNameExpected: 'Property name expected.',
  ValueExpected: 'Value expected.',
  ColonExpected: 'Colon expected.',
  CommaExpected: 'Comma expected.',
  CloseBraceExpected: 'Closing brace expected.',
  CloseBracketExpected: 'Closing bracket expected.',
  EndOfFileExpected: 'End of file expected.',
  InvalidCommentToken: 'Comments are not permitted in JSON.',
  UnexpectedEndOfComment: 'Unexpected end of comment.',
  UnexpectedEndOfString: 'Unexpected end of string.',
  UnexpectedEndOfNumber: 'Unexpected end of number.',
  InvalidUnicode: 'Invalid unicode sequence in string.',
  InvalidEscapeCharacter: 'Invalid escape character in string.',
  InvalidCharacter: 'Invalid characters in string. Control characters must be escaped.',
};

function syntaxMessage(code: string): string {
  return SYNTAX_MESSAGES[code] ?? code;
}
