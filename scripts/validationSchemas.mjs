// Build step (run by esbuild.mjs before bundling): the payload schemas of schemas/payloads as the validator
// needs them, written to server/src/core/generated/validationSchemas.js (git-ignored build output).
// schemas/ stays the one source of truth; this drops only annotations (descriptions, titles, enum
// descriptions...), which are ~75% of the bytes and never change a validation result, and embeds each schema
// as a JSON string, which V8 loads several times faster than the same object written as a JS literal.
// `fsdev check` then loads ~90 KB of JSON instead of ~360 KB of object literals; hover and completion
// still read the full schemas (server/src/core/schemaIndex.ts).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const VALIDATION_SCHEMAS = 'server/src/core/generated/validationSchemas.js';

const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$comment', '$schema', '$id', 'deprecated', 'readOnly', 'writeOnly',
  'enumDescriptions', 'markdownEnumDescriptions', 'markdownDescription', 'defaultSnippets', 'deprecationMessage', 'errorMessage', 'doNotSuggest']);
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', 'dependencies']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'allOf', 'anyOf', 'oneOf']);

/** A schema without its annotations; every other keyword (known or not) is kept as it is. */
export function stripAnnotations(schema) {
  if (Array.isArray(schema)) return schema.map(stripAnnotations);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, Array.isArray(sub) ? sub : stripAnnotations(sub)]));
    } else if (SCHEMA_VALUES.has(k)) out[k] = stripAnnotations(v);
    else out[k] = v;
  }
  return out;
}

/**
 * The schema with every subschema that occurs more than once (the `{ label, type, value }` field object occurs
 * ~50 times in a record's schema) written once under `definitions` and referred to by `$ref`: smaller to load,
 * and the validator reads each shared subschema once. A `$ref`-only subschema validates exactly as the subschema.
 */
export function shareRepeats(schema) {
  const count = new Map();
  const visit = (sub, fn) => {
    if (!sub || typeof sub !== 'object' || Array.isArray(sub)) return;
    for (const [k, v] of Object.entries(sub)) {
      if (SCHEMA_MAPS.has(k) && v && typeof v === 'object') Object.values(v).forEach((x) => fn(x));
      else if (k === 'items' || k === 'additionalProperties') fn(v);
    }
  };
  const countAll = (sub) => {
    if (!sub || typeof sub !== 'object' || Array.isArray(sub)) return;
    const key = JSON.stringify(sub);
    count.set(key, (count.get(key) ?? 0) + 1);
    visit(sub, countAll);
  };
  visit(schema, countAll);
  const shared = new Map();
  const definitions = { ...(schema.definitions ?? {}) };
  const rewrite = (sub) => {
    if (!sub || typeof sub !== 'object' || Array.isArray(sub)) return sub;
    const key = JSON.stringify(sub);
    if ((count.get(key) ?? 0) > 1 && key.length > 40 && !sub.$ref) {
      if (!shared.has(key)) {
        const name = `_shared${shared.size}`;
        if (name in definitions) throw new Error(`schema already has definitions.${name}`);
        shared.set(key, name);
        definitions[name] = rewriteChildren(sub);
      }
      return { $ref: `#/definitions/${shared.get(key)}` };
    }
    return rewriteChildren(sub);
  };
  const rewriteChildren = (sub) => Object.fromEntries(Object.entries(sub).map(([k, v]) => {
    if (SCHEMA_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) return [k, Object.fromEntries(Object.entries(v).map(([n, x]) => [n, rewrite(x)]))];
    if (k === 'items' || k === 'additionalProperties') return [k, rewrite(v)];
    return [k, v];
  }));
  const out = rewriteChildren(schema);
  if (shared.size) out.definitions = { ...out.definitions, ...Object.fromEntries([...shared.values()].map((n) => [n, definitions[n]])) };
  return out;
}

/** Writes the module; returns its path. `root` is the repository. */
export function writeValidationSchemas(root) {
  const dir = path.join(root, 'schemas/payloads');
  const lines = [
    '// GENERATED at build by scripts/validationSchemas.mjs from schemas/payloads (annotations dropped). Do not edit.',
    '"use strict";',
    '/** `<product>/<event>` -> the payload schema without annotations. */',
    'exports.validationSchemas = {',
  ];
  for (const product of readdirSync(dir).sort()) {
    for (const f of readdirSync(path.join(dir, product)).filter((x) => x.endsWith('.schema.json')).sort()) {
      const schema = shareRepeats(stripAnnotations(JSON.parse(readFileSync(path.join(dir, product, f), 'utf8'))));
      lines.push(`  ${JSON.stringify(`${product}/${f.slice(0, -'.schema.json'.length)}`)}: () => JSON.parse(${JSON.stringify(JSON.stringify(schema))}),`);
    }
  }
  lines.push('};', '');
  const file = path.join(root, VALIDATION_SCHEMAS);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n'));
  return file;
}
