// Text-edit computations for "Register Event" and "Create Test Payload". Pure: text in, edits out, no
// `vscode` import, so they are unit-tested with node:test (test/unit/client-manifestEdits.test.mjs).
// The caller applies the edits through a WorkspaceEdit so they land on the document's CURRENT (maybe unsaved)
// text and stay undoable.
import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit, type ParseError, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import * as path from 'node:path';

export interface RegisterEventInput {
  event: string;
  scope: { kind: 'product' | 'module'; name: string };
  dialect: '2.0' | '2.x' | '3.0';
  /** Defaults to `<event>Handler`, the convention of Freshworks' samples. */
  handler?: string;
}

export type RegisterEventResult =
  | { ok: true; edits: Edit[]; handler: string; newText: string }
  | { ok: false; reason: 'platform-2.0' | 'already-registered' | 'syntax-error' | 'not-an-object'; message: string };

/** Where the `events` object of a scope lives in the manifest, by dialect. */
export function eventsPath(scope: RegisterEventInput['scope'], dialect: RegisterEventInput['dialect']): JSONPath {
  return dialect === '3.0' || scope.kind === 'module'
    ? ['modules', scope.name, 'events']
    : ['product', scope.name, 'events'];
}

/** The indentation the file already uses, so the inserted entry looks hand-written. */
export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /^([ \t]+)\S/m.exec(text);
  if (m && m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: m ? Math.min(m[1].length, 8) : 2, eol };
}

function parse(text: string) {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  return { root, errors };
}

const syntaxError: RegisterEventResult = {
  ok: false, reason: 'syntax-error',
  message: 'manifest.json has a syntax error near the events block; fix it (or finish typing) and try again.',
};

/**
 * The edits that insert `"<event>": { "handler": "<event>Handler" }` into the scope's events object,
 * creating `events` (and the scope) when missing. Refuses rather than guesses when the text does not parse
 * around the edit: the result is re-parsed and must contain the new entry without adding syntax errors.
 */
export function computeRegisterEventEdit(text: string, input: RegisterEventInput): RegisterEventResult {
  if (input.dialect === '2.0') {
    return {
      ok: false, reason: 'platform-2.0',
      message: 'This is a platform 2.0 app: events are registered in server/server.js (the `events` array of exports), not in manifest.json.',
    };
  }
  const handler = input.handler ?? `${input.event}Handler`;
  const before = parse(text);
  if (!before.root || before.root.type !== 'object') {
    return { ok: false, reason: 'syntax-error', message: 'manifest.json is not a JSON object yet; fix it before registering an event.' };
  }
  const base = eventsPath(input.scope, input.dialect);
  const eventsNode = findNodeAtLocation(before.root, base);
  if (eventsNode && eventsNode.type !== 'object') {
    return { ok: false, reason: 'not-an-object', message: `"${base.join('.')}" is not an object in manifest.json.` };
  }
  if (findNodeAtLocation(before.root, [...base, input.event])) {
    return { ok: false, reason: 'already-registered', message: `${input.event} is already registered under ${input.scope.name}.` };
  }
  // A half-typed entry inside the block would be "recovered" by the parser into something we would then extend.
  const container = eventsNode ?? findNodeAtLocation(before.root, base.slice(0, -1)) ?? before.root;
  if (before.errors.some((e) => e.offset >= container.offset && e.offset <= container.offset + container.length)) {
    return syntaxError;
  }
  const fmt = detectIndent(text);
  const edits = eventsNode
    ? insertIntoEventsObject(text, eventsNode, input.event, handler, fmt)
    : modify(text, [...base, input.event], { handler }, { formattingOptions: fmt });
  const newText = applyEdits(text, edits);
  const after = parse(newText);
  const inserted = after.root && findNodeAtLocation(after.root, [...base, input.event, 'handler']);
  if (!inserted || inserted.value !== handler || after.errors.length > before.errors.length) {
    return syntaxError;
  }
  return { ok: true, edits, handler, newText };
}

function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/**
 * Appends the entry after the last property of an existing events object, one line, in the file's own
 * indentation. (jsonc-parser's formatted `modify` would re-format the neighbouring entry's lines too.)
 */
function insertIntoEventsObject(text: string, events: JsonNode, event: string, handler: string,
  fmt: ReturnType<typeof detectIndent>): Edit[] {
  const entry = `${JSON.stringify(event)}: { "handler": ${JSON.stringify(handler)} }`;
  const props = events.children ?? [];
  if (props.length > 0) {
    const last = props[props.length - 1];
    const indent = lineIndentAt(text, last.offset);
    return [{ offset: last.offset + last.length, length: 0, content: `,${fmt.eol}${indent}${entry}` }];
  }
  const outer = lineIndentAt(text, events.offset);
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize) : '\t';
  return [{ offset: events.offset + 1, length: events.length - 2, content: `${fmt.eol}${outer}${unit}${entry}${fmt.eol}${outer}` }];
}

/**
 * The absolute path of an event's payload file from the server's `expectedPayloadFile` (relative to the app).
 * Returns undefined when the relative path would leave the app folder: we never write outside it.
 */
export function resolvePayloadPath(appDir: string, relative: string): string | undefined {
  if (!relative || path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return undefined;
  const abs = path.resolve(appDir, relative);
  const rel = path.relative(appDir, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  if (!abs.toLowerCase().endsWith('.json')) return undefined;
  return abs;
}

/** The major version in `18.20.8`, `v20.1.0`, `>=18`, `18.x`, `^24`; undefined if none. */
export function nodeMajor(version: string | undefined): number | undefined {
  const m = /(\d+)/.exec(version ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A warning when the Node that runs handlers is not the major the manifest's `engines.node` asks for. */
export function nodeMismatchWarning(manifestEnginesNode: string | undefined, actual: string, actualLabel: string): string | undefined {
  const want = nodeMajor(manifestEnginesNode);
  const have = nodeMajor(actual);
  if (want === undefined || have === undefined || want === have) return undefined;
  return `The app targets Node ${want} (manifest engines.node "${manifestEnginesNode}") but handlers run on Node ${have} (${actualLabel}). `
    + 'Set "freshsales.simulation.nodePath" to a Node ' + want + ' binary for a faithful simulation.';
}
