// Hover on an iparam's type in config/iparams.json: what that kind of field is and what it needs, from
// schemas/iparams.schema.json (the keys and the other values get the schema's own hover, core/schemaAssist.ts).
import { findNodeAtOffset, parseTree } from 'jsonc-parser';
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import iparamsSchema from '../../../schemas/iparams.schema.json';
import { rangeOf } from './textPositions';

const TYPE = iparamsSchema.definitions.iparam.properties.type;

export function iparamTypeHover(text: string, offset: number): Hover | null {
  const root = parseTree(text);
  const node = root && findNodeAtOffset(root, offset);
  const prop = node?.parent;
  // The value of "type" directly inside an iparam (root → iparam → "type").
  if (node?.type !== 'string' || prop?.type !== 'property' || prop.children?.[1] !== node || prop.children[0].value !== 'type') return null;
  if (prop.parent?.parent?.parent !== root) return null;
  const i = TYPE.enum.indexOf(String(node.value));
  const body = i < 0 ? `Not an iparam type: one of ${TYPE.enum.map((t) => `\`${t}\``).join(', ')}.` : TYPE.markdownEnumDescriptions[i];
  return { contents: { kind: MarkupKind.Markdown, value: `**${i < 0 ? 'unknown type' : TYPE.enum[i]}** (iparam type)\n\n${body}` }, range: rangeOf(text, node.offset, node.offset + node.length) };
}
