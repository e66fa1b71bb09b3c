// Completion and hover from a JSON Schema: test payloads (the event's schema, with the seed's descriptions)
// and the parts of manifest.json that are not event registrations (schemas/manifest.schema.json).
import { getLocation, findNodeAtOffset, getNodePath, parseTree, type Node } from 'jsonc-parser';
import { CompletionItemKind, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver-types';
import { describe, enumValuesAt, propertiesAt, schemasAt, typeWords, type SchemaNode } from './schemaNavigation';
import { escapeMarkdown } from './safeText';
import { rangeOf } from './textPositions';

export function schemaCompletions(text: string, offset: number, schema: SchemaNode | undefined): CompletionItem[] {
  if (!schema) return [];
  const loc = getLocation(text, offset);
  const prev = loc.previousNode;
  const inString = (prev?.type === 'string' || prev?.type === 'property') && prev.offset < offset && offset <= prev.offset + prev.length;
  const range = inString ? rangeOf(text, prev!.offset, prev!.offset + prev!.length) : rangeOf(text, offset, offset);
  if (loc.isAtPropertyKey) {
    const parentPath = loc.path.slice(0, -1);
    const present = existingKeys(text, offset);
    // The key being retyped is offered too: replacing it with itself (or a sibling) is the point.
    if (inString) present.delete(String(prev!.value));
    const followedByColon = inString && /^\s*:/.test(text.slice(prev!.offset + prev!.length, prev!.offset + prev!.length + 20));
    return [...propertiesAt(schemasAt(schema, parentPath))].filter(([k]) => !present.has(k)).map(([key, sub]) => {
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

/** The last parsed document: completion and hover ask about the same (often 100+ KB) text many times between edits. */
let lastTree: { text: string; root: Node | undefined } | undefined;
function treeOf(text: string): Node | undefined {
  if (lastTree?.text !== text) lastTree = { text, root: parseTree(text) };
  return lastTree.root;
}

/** `rootTitle` names the document itself (the event, or "manifest.json") when the cursor is on the root. */
export function schemaHover(text: string, offset: number, schema: SchemaNode | undefined, rootTitle: string): Hover | null {
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
  // The key and the title come from the payload and its file name: escaped, they never render as markdown.
  const title = `**${escapeMarkdown(String(path.length ? path[path.length - 1] : rootTitle))}**${types ? ` \`${types}\`` : ''}`;
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
