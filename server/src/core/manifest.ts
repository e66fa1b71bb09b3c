// Reads manifest.json into registrations with exact source ranges. jsonc-parser's tree survives
// half-typed text, so a manifest in the middle of an edit still yields every registration it can.
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { positionAt, rangeOf } from './textPositions';
import { MAX_REPORTED, reportCut } from './reportCap';
import { defineRule } from './rules';
import type { Diagnostic, Dialect, EventRegistration, Range, Scope } from './types';

/** `total` and `listed` only on the finding that ends a capped list (reportCap.ts). */
type CutData = { total: number; listed: number };

export const jsonSyntax = defineRule<CutData>({
  code: 'json-syntax', severity: 'error', source: 'platform', fdkRule: 'json-syntax',
  short: 'Malformed JSON (manifest or payload), trailing commas and comments included.',
  full: 'The platform and fdk read manifest.json and the payloads with JSON.parse, which rejects trailing commas and comments too. At most 100 are listed a file, then one saying how many the parser found in all (a stray quote in a large file turns every later string inside out: tens of thousands).',
});
export const duplicateKey = defineRule<CutData>({
  code: 'duplicate-key', severity: 'warning', source: 'ours',
  short: 'A manifest key given twice in one object.',
  full: 'JSON.parse, which the platform uses, keeps the last of a key given twice (platform-version, a product, ...) and silently ignores the earlier one; check and simulate do the same. At most 100 are listed, then one saying how many. Inside an `events` object, duplicate-event says it instead.',
});

export interface ManifestModel {
  root?: Node;
  platformVersion?: string;
  dialect: Dialect;
  scopes: Scope[];
  /** Each scope's `events` object (or where it should be), for checks and edits. */
  eventsBlocks: EventsBlock[];
  registrations: EventRegistration[];
  /** Server methods declared in the scopes' `functions` blocks (their test inputs live in server/test_data too). */
  functions: string[];
  /** A top-level `"events"` key: copied from the docs fragment and ignored by the platform. */
  strayEvents?: { keyRange: Range; propertyRange: Range; start: number; end: number; valueText: string };
  problems: Diagnostic[];
}

export interface EventsBlock {
  scope: Scope;
  /** The `events` object node, when present. */
  node?: Node;
  /** The scope's own object (`product.freshworks_crm` / `modules.deal`). */
  scopeNode: Node;
  keyRange: Range;
}

export function dialectOf(platformVersion: string | undefined, root: Node | undefined): Dialect {
  if (platformVersion === '2.0') return '2.0';
  if (platformVersion?.startsWith('3.')) return '3.0';
  if (platformVersion?.startsWith('2.')) return '2.x';
  // No (or an unknown) version: guess from the shape, so completion still has a context.
  if (root && findNodeAtLocation(root, ['modules'])) return '3.0';
  return '2.x';
}

export function parseManifest(text: string, file = 'manifest.json'): ManifestModel {
  const errors: ParseError[] = [];
  // fdk reads manifest.json with JSON.parse: trailing commas and comments break it, so they are errors here
  // too (the tree still survives them). A truncated file yields one error per unclosed brace at the same
  // spot, and a trailing comma two (property name + value expected): report each place once.
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const problems: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const comma = trailingCommaBefore(text, e.offset);
    const start = comma ?? e.offset;
    const message = comma !== undefined ? 'Malformed JSON: trailing comma (JSON.parse, which fdk uses, rejects it)'
      : `Malformed JSON: ${describeParseError(printParseErrorCode(e.error))}`;
    const key = `${start}\u0000${comma !== undefined ? 'comma' : e.error}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (problems.length === MAX_REPORTED) {
      problems.push(reportCut(problems[0], text, start, errors.length, 'Malformed JSON: the parser reports more errors'));
      break;
    }
    problems.push(jsonSyntax.at(file, rangeOf(text, start, start + (comma !== undefined ? 1 : Math.max(1, e.length))), message));
  }
  problems.push(...duplicateKeys(root, text, file));
  // A key given twice: JSON.parse (the platform's reader) keeps the last one, and so do we.
  const versionNode = lastProperty(root, 'platform-version');
  const platformVersion = typeof versionNode?.value === 'string' ? versionNode.value
    : typeof versionNode?.value === 'number' ? versionNode.value.toFixed(1) : undefined;
  const dialect = dialectOf(platformVersion, root);
  const model: ManifestModel = { root, platformVersion, dialect, scopes: [], eventsBlocks: [], registrations: [], functions: [], problems };
  if (root?.type !== 'object') return model;

  const container = dialect === '3.0' ? 'modules' : 'product';
  const containerNode = lastProperty(root, container);
  for (const prop of objectProperties(containerNode)) {
    const scope: Scope = { kind: dialect === '3.0' ? 'module' : 'product', name: prop.key };
    model.scopes.push(scope);
    if (prop.value?.type !== 'object') continue;
    const eventsProp = objectProperties(prop.value).find((p) => p.key === 'events');
    const functionsProp = objectProperties(prop.value).find((p) => p.key === 'functions');
    model.functions.push(...objectProperties(functionsProp?.value).map((f) => f.key));
    model.eventsBlocks.push({ scope, node: eventsProp?.value, scopeNode: prop.value, keyRange: rangeOf(text, prop.keyNode.offset, prop.keyNode.offset + prop.keyNode.length) });
    if (eventsProp?.value?.type === 'object') {
      model.registrations.push(...readEventsObject(text, file, scope, eventsProp.value));
    }
  }

  const stray = objectProperties(root).find((p) => p.key === 'events');
  if (stray) {
    const property = stray.keyNode.parent!;
    model.strayEvents = {
      keyRange: rangeOf(text, stray.keyNode.offset, stray.keyNode.offset + stray.keyNode.length),
      propertyRange: rangeOf(text, property.offset, property.offset + property.length),
      start: property.offset, end: property.offset + property.length,
      valueText: stray.value ? text.slice(stray.value.offset, stray.value.offset + stray.value.length) : '{}',
    };
  }
  return model;
}

function readEventsObject(text: string, file: string, scope: Scope, events: Node): EventRegistration[] {
  return objectProperties(events).map(({ key, keyNode, value }) => {
    const entry = keyNode.parent!;
    const registration: EventRegistration = {
      event: key, scope, file,
      eventRange: rangeOf(text, keyNode.offset, keyNode.offset + keyNode.length),
      entryRange: rangeOf(text, entry.offset, entry.offset + entry.length),
      otherKeys: [],
    };
    for (const p of objectProperties(value)) {
      if (p.key === 'handler') {
        if (typeof p.value?.value === 'string') registration.handler = p.value.value;
        const n = p.value ?? p.keyNode;
        registration.handlerRange = rangeOf(text, n.offset, n.offset + n.length);
      } else {
        registration.otherKeys.push({ key: p.key, range: rangeOf(text, p.keyNode.offset, p.keyNode.offset + p.keyNode.length) });
      }
    }
    return registration;
  });
}

export interface PropertyView { key: string; keyNode: Node; value?: Node }

/** The value of the last `key` property of an object node (JSON.parse keeps the last of duplicates). */
export function lastProperty(node: Node | undefined, key: string): Node | undefined {
  return objectProperties(node).filter((p) => p.key === key).pop()?.value;
}

/**
 * A warning on every key given twice in one object (the earlier one is ignored by JSON.parse), except inside an
 * `events` object, where the `duplicate-event` check says it in the platform's words.
 */
function duplicateKeys(root: Node | undefined, text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let total = 0;
  let cut: number | undefined;
  const stack: { node: Node; events: boolean }[] = root ? [{ node: root, events: false }] : [];
  while (stack.length > 0) {
    const { node, events } = stack.pop()!;
    if (node.type === 'object' && !events) {
      const props = objectProperties(node);
      const seen = new Map<string, PropertyView>();
      for (const p of props) {
        const earlier = seen.get(p.key);
        if (earlier && ++total > MAX_REPORTED) cut ??= earlier.keyNode.offset;
        else if (earlier) {
          // The line from the cached line table: counting line breaks before each duplicate was O(n²) over a file of them.
          const line = positionAt(text, p.keyNode.offset).line + 1;
          out.push(duplicateKey.at(file, rangeOf(text, earlier.keyNode.offset, earlier.keyNode.offset + earlier.keyNode.length),
            `"${p.key}" is given again on line ${line}: JSON.parse (which the platform uses) keeps the last one and ignores this one.`));
        }
        seen.set(p.key, p);
      }
      for (const p of props) if (p.value) stack.push({ node: p.value, events: p.key === 'events' });
    } else if (node.type === 'array' || (node.type === 'object' && events)) {
      for (const c of node.children ?? []) {
        const v = node.type === 'array' ? c : c.children?.[1];
        if (v) stack.push({ node: v, events: false });
      }
    }
  }
  if (cut !== undefined) out.push(reportCut(out[0], text, cut, total, 'More keys are given twice'));
  return out;
}

/** The properties of an object node (nothing for any other node), skipping half-typed ones without a key. */
export function objectProperties(node: Node | undefined): PropertyView[] {
  if (node?.type !== 'object' || !node.children) return [];
  const out: PropertyView[] = [];
  for (const prop of node.children) {
    const keyNode = prop.children?.[0];
    if (keyNode?.type !== 'string') continue;
    out.push({ key: String(keyNode.value), keyNode, value: prop.children?.[1] });
  }
  return out;
}

/** Offset of the `,` when `offset` is a `}` or `]` that directly follows one (whitespace aside). */
function trailingCommaBefore(text: string, offset: number): number | undefined {
  const c = text[offset];
  if (c !== '}' && c !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',' ? i : undefined;
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
