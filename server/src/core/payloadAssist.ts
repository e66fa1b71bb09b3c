// Completion and hover in a test payload, from the event's JSON Schema (the seed's descriptions).
import { getLocation, findNodeAtOffset, getNodePath, parseTree, type Node } from 'jsonc-parser';
import { CompletionItemKind, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver-types';
import { payloadSchema } from './catalogue';
import { describe, enumValuesAt, propertiesAt, schemasAt, typeWords, type SchemaNode } from './schemaNavigation';
import { rangeOf } from './textPositions';
import type { ProductName } from './types';

export function payloadCompletions(text: string, offset: number, event: string, product: ProductName): CompletionItem[] {
  const schema = payloadSchema(event, product) as SchemaNode | undefined;
  if (!schema) return [];
  const loc = getLocation(text, offset);
  const prev = loc.previousNode;
  const inString = prev?.type === 'string' && prev.offset < offset && offset <= prev.offset + prev.length;
  const range = inString ? rangeOf(text, prev!.offset, prev!.offset + prev!.length) : rangeOf(text, offset, offset);
  if (loc.isAtPropertyKey) {
    const parentPath = loc.path.slice(0, -1);
    const present = existingKeys(text, offset);
    const followedByColon = inString && /^\s*:/.test(text.slice(prev!.offset + prev!.length, prev!.offset + prev!.length + 20));
    return [...propertiesAt(schemasAt(schema, parentPath))].filter(([k]) => !present.has(k) || (inString && prev!.value === k)).map(([key, sub]) => {
      const subs = schemasAt(schema, [...parentPath, key]);
      return {
        label: key, kind: CompletionItemKind.Property, detail: typeWords(subs) || undefined, filterText: `"${key}"`,
        documentation: describe([sub, ...subs]) ? { kind: MarkupKind.Markdown, value: describe([sub, ...subs])! } : undefined,
        textEdit: { range, newText: followedByColon ? `"${key}"` : `"${key}": ${placeholder(subs)}` },
      };
    });
  }
  return enumValuesAt(schemasAt(schema, loc.path)).map(({ value, description }) => ({
    label: JSON.stringify(value), kind: CompletionItemKind.EnumMember, filterText: JSON.stringify(value),
    documentation: description ? { kind: MarkupKind.Markdown, value: description } : undefined,
    textEdit: { range, newText: JSON.stringify(value) },
  }));
}

/** The last parsed payload: completion and hover ask about the same (often 100+ KB) text many times between edits. */
let lastTree: { text: string; root: Node | undefined } | undefined;
function treeOf(text: string): Node | undefined {
  if (lastTree?.text !== text) lastTree = { text, root: parseTree(text) };
  return lastTree.root;
}

export function payloadHover(text: string, offset: number, event: string, product: ProductName): Hover | null {
  const schema = payloadSchema(event, product) as SchemaNode | undefined;
  const root = schema && treeOf(text);
  const node = root && findNodeAtOffset(root, offset);
  if (!schema || !node) return null;
  // On a key, describe its property; on a value, the value's own place.
  const target: Node = node.parent?.type === 'property' && node.parent.children?.[0] === node ? node.parent.children[1] ?? node : node;
  const path = getNodePath(target);
  const subs = schemasAt(schema, path);
  const description = describe(subs);
  if (!description) return null;
  const types = typeWords(subs);
  const title = `**${path.length ? path[path.length - 1] : event}**${types ? ` \`${types}\`` : ''}`;
  return { contents: { kind: MarkupKind.Markdown, value: `${title}\n\n${description}` }, range: rangeOf(text, node.offset, node.offset + node.length) };
}

function existingKeys(text: string, offset: number): Set<string> {
  const root = treeOf(text);
  const node = root && findNodeAtOffset(root, offset, true);
  let obj = node;
  while (obj && obj.type !== 'object') obj = obj.parent;
  return new Set((obj?.children ?? []).map((p) => String(p.children?.[0]?.value)));
}

function placeholder(subs: SchemaNode[]): string {
  const types = new Set(subs.flatMap((s) => [s.type ?? []].flat()));
  if (types.has('object')) return '{}';
  if (types.has('array')) return '[]';
  if (types.has('string')) return '""';
  if (types.has('number') || types.has('integer')) return '0';
  if (types.has('boolean')) return 'false';
  return 'null';
}
