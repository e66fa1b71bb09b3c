// Walks a payload JSON Schema along a JSON path: what may stand at this place, with descriptions.
// Enough of JSON Schema for our generated schemas: local $ref, properties, items, anyOf/oneOf/allOf.

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode | SchemaNode[];
  enum?: unknown[];
  enumDescriptions?: string[];
  markdownEnumDescriptions?: string[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  required?: string[];
  definitions?: Record<string, SchemaNode>;
}

/** The schemas that apply at `path` (several when anyOf/oneOf branch), $refs resolved. */
export function schemasAt(root: SchemaNode, path: (string | number)[]): SchemaNode[] {
  let current = expand(root, root);
  for (const segment of path) {
    const next: SchemaNode[] = [];
    for (const s of current) {
      if (typeof segment === 'number') {
        const items = Array.isArray(s.items) ? s.items[segment] : s.items;
        if (items) next.push(...expand(root, items));
      } else if (s.properties?.[segment]) {
        next.push(...expand(root, s.properties[segment]));
      } else if (typeof s.additionalProperties === 'object') {
        next.push(...expand(root, s.additionalProperties));
      }
    }
    current = next;
    if (!current.length) break;
  }
  return current;
}

/** A schema and its anyOf/oneOf/allOf branches, flattened, with local $refs followed (cycle-safe). */
function expand(root: SchemaNode, schema: SchemaNode, depth = 0): SchemaNode[] {
  if (depth > 8) return [];
  let s = schema;
  if (s.$ref?.startsWith('#/')) {
    const target = s.$ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root) as SchemaNode | undefined;
    if (!target) return [];
    s = { ...target, description: schema.description ?? target.description };
  }
  const out = [s];
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) out.push(...expand(root, branch, depth + 1));
  return out;
}

export function describe(schemas: SchemaNode[]): string | undefined {
  for (const s of schemas) if (s.markdownDescription ?? s.description) return s.markdownDescription ?? s.description;
  return undefined;
}

export function typeWords(schemas: SchemaNode[]): string {
  const types = new Set<string>();
  for (const s of schemas) for (const t of [s.type ?? []].flat()) types.add(t);
  return [...types].join(' | ');
}

/** Property names that may stand in the object at this place, with their schema. */
export function propertiesAt(schemas: SchemaNode[]): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  for (const s of schemas) for (const [k, v] of Object.entries(s.properties ?? {})) if (!out.has(k)) out.set(k, v);
  return out;
}

export function enumValuesAt(schemas: SchemaNode[]): { value: unknown; description?: string }[] {
  const out: { value: unknown; description?: string }[] = [];
  for (const s of schemas) {
    s.enum?.forEach((value, i) => out.push({ value, description: s.markdownEnumDescriptions?.[i] ?? s.enumDescriptions?.[i] }));
  }
  return out;
}
