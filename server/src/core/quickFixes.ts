// Quick fixes for the checks' diagnostics, as plain file edits (the server turns them into a WorkspaceEdit).
// Fixes are looked up by rule in the fix table. A rule module that has fixes exports a `Fix` function
// `(app, diagnostic, payloadText?) => QuickFix[]` beside its check (its diagnostic's `data` typed as its rule
// declares), says `fixable: true` on the rule, and registers it here with one line: `fixOf(myRule, myRuleFixes),`.
import { parseExpressionAt } from 'acorn';
import { applyEdits, findNodeAtLocation, format, getNodeValue, modify, parseTree, type FormattingOptions } from 'jsonc-parser';
import { defaultPayloadText, findEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { objectProperties } from './manifest';
import { eventNotInScope, eventsBlockIgnored, handlerKeyTypo, handlerNotDefined, handlerNotVisible, noTestData, serverScriptMissing, unknownEvent } from './checks';
import { payloadEventMismatch, payloadLegacyType, productOf } from './payloadChecks';
import { suggestHandlerName } from './manifestAssist';
import { templateNotDeclared, templateNotDefined, unknownIparam, unknownTemplate, requestTemplateFixes } from './requestTemplates';
import { dependencyVersion, dependencyVersionFixes } from './manifestRules';
import type { Rule } from './rules';
import { offsetAt, rangeOf, START } from './textPositions';
import type { Diagnostic, Range, Scope } from './types';

export interface FileEdit {
  file: string;
  /** Create the file (with the edits' text) if it does not exist; never overwrite one that does. */
  create?: boolean;
  edits: { range: Range; newText: string }[];
}
export interface QuickFix { title: string; diagnostic: Diagnostic; edits: FileEdit[]; preferred?: boolean }

/** The fixes of one rule's diagnostic, its `data` typed as the rule declares it. */
export type Fix<D extends Record<string, unknown> | undefined = Record<string, unknown> | undefined> =
  (app: App, d: Diagnostic & { data?: D }, payloadText?: string) => QuickFix[];

/** A rule and its fix, for the table below: the fix's `data` type is checked against the rule's. */
function fixOf<D extends Record<string, unknown> | undefined>(rule: Rule<D>, fix: Fix<D>): [string, Fix] {
  return [rule.code, (app, d, payloadText) => { const own = rule.match(d); return own ? fix(app, own, payloadText) : []; }];
}

/**
 * The quick fixes, by rule: one line per rule with a fix (a new rule module exports its fix and adds its line).
 * Built on first use: rule modules import this module's edit helpers, so at load time their rules may not exist yet.
 */
let fixes: Map<string, Fix> | undefined;
const fixTable = (): Map<string, Fix> => (fixes ??= new Map<string, Fix>([
  fixOf(unknownEvent, (app, d) => (d.data?.suggestion !== undefined ? one(d, `Change to '${d.data.suggestion}'`, [replaceToken(app, d, d.data.suggestion)]) : [])),
  fixOf(handlerKeyTypo, (_app, d) => one(d, 'Change the key to "handler"', [{ file: d.file, edits: [{ range: d.range, newText: '"handler"' }] }])),
  fixOf(handlerNotDefined, fixMissingCallback),
  fixOf(serverScriptMissing, fixMissingCallback),
  fixOf(handlerNotVisible, (app, d) => {
    const handler = d.data?.handler;
    const edit = handler !== undefined ? makeVisible(app, handler) : undefined;
    return edit ? one(d, `Rewrite '${handler}' as a function expression fdk can see`, [edit]) : [];
  }),
  fixOf(eventsBlockIgnored, (app, d) => one(d, app.dialect === '3.0' ? 'Move these events under "modules"' : 'Move these events under "product"', [moveStrayEvents(app)])),
  fixOf(eventNotInScope, (app, d) => (d.data ? one(d, `Move the registration to modules.${d.data.module}.events`, [moveToModule(app, d, d.data.module)]) : [])),
  fixOf(noTestData, (app, d) => (d.data ? one(d, `Create ${d.data.path} from the bundled default payload`, [createPayload(app, d.data.path, d.data.event, d.data.scope)], false) : [])),
  fixOf(payloadEventMismatch, (_app, d, payloadText) => (d.data && payloadText !== undefined
    ? one(d, `Set "event" to "${d.data.event}"`, [{ file: d.file, edits: [{ range: d.range, newText: JSON.stringify(d.data.event) }] }]) : [])),
  // The value's own range, replaced by the same value in the documented type (computed by payloadChecks).
  fixOf(payloadLegacyType, (_app, d, payloadText) => (d.data?.newText !== undefined && payloadText !== undefined
    ? one(d, d.data.title, [{ file: d.file, edits: [{ range: d.range, newText: d.data.newText }] }]) : [])),
  fixOf(templateNotDefined, requestTemplateFixes),
  fixOf(templateNotDeclared, requestTemplateFixes),
  fixOf(unknownTemplate, requestTemplateFixes),
  fixOf(unknownIparam, requestTemplateFixes),
  fixOf(dependencyVersion, dependencyVersionFixes),
]));

/** The codes of the rules that have a quick fix (each such rule says `fixable`; a unit test keeps the two in step). */
export const fixableCodes = (): string[] => [...fixTable().keys()];

export function quickFixesFor(app: App, d: Diagnostic, payloadText?: string): QuickFix[] {
  // A fix that cannot be computed on this text (jsonc's modify throws when a parent on the path is a number
  // or a boolean, e.g. `"product": 1`) is not offered; the other diagnostics' fixes still are.
  try {
    return fixTable().get(d.code)?.(app, d, payloadText) ?? [];
  } catch {
    return [];
  }
}

function one(d: Diagnostic, title: string, edits: FileEdit[], preferred = true): QuickFix[] {
  return [{ title, diagnostic: d, edits, preferred }];
}

function fixMissingCallback(app: App, d: Diagnostic & { data?: { handler: string } }): QuickFix[] {
  const handler = d.data?.handler;
  const edit = handler !== undefined ? createCallback(app, handler) : undefined;
  return edit ? one(d, `Create callback '${handler}' in server/server.js`, [edit]) : [];
}

function replaceToken(app: App, d: Diagnostic, name: string): FileEdit {
  const quote = d.file === SERVER_SCRIPT ? (app.files.serverScript?.text[offsetAt(app.files.serverScript.text, d.range.start)] ?? "'") : '"';
  return { file: d.file, edits: [{ range: d.range, newText: `${quote}${name}${quote}` }] };
}

/** A new callback in the `exports` object, written the way the file writes its others. */
export function createCallback(app: App, name: string): FileEdit | undefined {
  const script = app.files.serverScript;
  const body = (indent: string, method: boolean) => {
    const inner = indent + (indent.includes('\t') ? '\t' : indent.length >= 2 ? indent.slice(0, Math.min(indent.length, 4)) : '  ');
    const head = method ? `${name}(args)` : `${name}: function (args)`;
    return `${head} {\n${inner}console.log('${name} received ' + args.event);\n${indent}}`;
  };
  if (!script) {
    return { file: SERVER_SCRIPT, create: true, edits: [{ range: START, newText: `exports = {\n  ${body('  ', false)}\n};\n` }] };
  }
  const eo = app.script?.exportsObject;
  if (!eo) return undefined;
  const text = script.text;
  const visible = app.script!.callbacks.filter((c) => c.visibleToPlatform);
  const method = visible.length > 0 && visible.filter((c) => c.form === 'method').length > visible.length / 2;
  const newProp = body(eo.indent, method);
  if (eo.lastPropertyEnd === undefined) {
    return { file: SERVER_SCRIPT, edits: [{ range: rangeOf(text, eo.open + 1, eo.close), newText: `\n${eo.indent}${newProp}\n` }] };
  }
  const gap = eo.blankLineBetween ? '\n\n' : '\n';
  if (eo.trailingComma) {
    const at = text.indexOf(',', eo.lastPropertyEnd) + 1;
    return { file: SERVER_SCRIPT, edits: [{ range: rangeOf(text, at, at), newText: `${gap}${eo.indent}${newProp},` }] };
  }
  return { file: SERVER_SCRIPT, edits: [{ range: rangeOf(text, eo.lastPropertyEnd, eo.lastPropertyEnd), newText: `,${gap}${eo.indent}${newProp}` }] };
}

/** Arrow → function expression; quoted key → plain key. Other forms need a human. */
function makeVisible(app: App, name: string): FileEdit | undefined {
  const c = findCallback(app, name);
  const text = app.files.serverScript?.text;
  if (!c || !text) return undefined;
  if (c.form === 'quoted-key' && /^[A-Za-z_$][\w$]*$/.test(name)) {
    return { file: SERVER_SCRIPT, edits: [{ range: c.nameRange, newText: name }] };
  }
  if (c.form !== 'arrow') return undefined;
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- ESTree node */
  let arrow: any;
  try {
    // Parse the value alone: from its start, acorn would read on through `, nextCallback` as one sequence.
    arrow = parseExpressionAt(text.slice(0, c.valueEnd), c.valueStart, { ecmaVersion: 'latest' });
  } catch {
    return undefined; // server.js is parsed loosely; a broken arrow has no faithful rewrite
  }
  if (arrow.type !== 'ArrowFunctionExpression') return undefined;
  const params = arrow.params.length ? text.slice(arrow.params[0].start, arrow.params[arrow.params.length - 1].end) : '';
  const body = text.slice(arrow.body.start, arrow.body.end);
  const newBody = arrow.body.type === 'BlockStatement' ? body : `{\n  return ${body};\n}`;
  return { file: SERVER_SCRIPT, edits: [{ range: rangeOf(text, c.valueStart, c.valueEnd), newText: `${arrow.async ? 'async ' : ''}function (${params}) ${newBody}` }] };
}

export function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** Rewrites manifest.json through jsonc-parser's `modify`, so comments and formatting elsewhere survive. */
function rewriteManifest(app: App, change: (text: string, fmt: FormattingOptions) => string): FileEdit {
  const text = app.files.manifest.text;
  return { file: app.files.manifest.path, edits: [{ range: rangeOf(text, 0, text.length), newText: change(text, formatting(text)) }] };
}

export function set(text: string, path: (string | number)[], value: unknown, fmt: FormattingOptions): string {
  // modify's own formatting re-formats every line the edit touches, which rewrites the user's neighbouring
  // entry (a one-line `"onX": { "handler": "h" }` before an insertion became three lines). Insert unformatted,
  // then format only the inserted text.
  const raw = modify(text, path, value, {});
  if (value === undefined || raw.length !== 1) return applyEdits(text, modify(text, path, value, { formattingOptions: fmt }));
  const out = applyEdits(text, raw);
  // Into an empty object (`{}`), its braces are formatted too, so the entry gets lines of its own.
  const { offset, content } = raw[0];
  const empty = out[offset - 1] === '{' && out[offset + content.length] === '}';
  return applyEdits(out, format(out, empty ? { offset: offset - 1, length: content.length + 2 } : { offset, length: content.length }, fmt));
}

function moveStrayEvents(app: App): FileEdit {
  return rewriteManifest(app, (text, fmt) => {
    const root = app.manifest.root;
    const stray = objectProperties(root).find((p) => p.key === 'events');
    let out = set(text, ['events'], undefined, fmt);
    for (const { key, value } of objectProperties(stray?.value)) {
      const entry = value ? getNodeValue(value) ?? {} : { handler: `${key}Handler` }; // tolerant: the manifest may be half-typed
      const scope = app.dialect === '3.0' ? ['modules', findEvent(key)?.module ?? 'common'] : ['product', app.scopes[0]?.name ?? 'freshworks_crm'];
      out = set(out, [...scope, 'events', key], entry, fmt);
    }
    return out;
  });
}

function moveToModule(app: App, d: Diagnostic, module: string): FileEdit {
  const reg = app.registrations.find((r) => r.file === d.file && r.eventRange.start.line === d.range.start.line && r.eventRange.start.character === d.range.start.character);
  return rewriteManifest(app, (text, fmt) => {
    if (!reg) return text;
    const out = set(text, ['modules', reg.scope.name, 'events', reg.event], undefined, fmt);
    return set(out, ['modules', module, 'events', reg.event], reg.handler !== undefined ? { handler: reg.handler } : {}, fmt);
  });
}

export type RegisterEventResult =
  | { ok: true; edit: FileEdit; handler: string }
  | { ok: false; reason: 'platform-2.0' | 'already-registered' | 'syntax-error' | 'not-an-object'; message: string };

/**
 * "Register Event" (the Events view, the palette): `"<event>": { "handler": "<name>" }` in the scope's events
 * object, created when missing, written as the quick fixes write the manifest (`set`, the file's own indentation)
 * and given as one edit of the changed span only, so it lands on the document's current text and undoes alone.
 * The handler is named as completion names it (suggestHandlerName). Refuses rather than guesses: a 2.0 app
 * (events live in server.js), an event already there, and a manifest fdk could not read (any JSON syntax error,
 * trailing commas included: JSON.parse rejects them).
 */
export function registerEventEdit(app: App, event: string, scope: Scope): RegisterEventResult {
  if (app.dialect === '2.0') {
    return { ok: false, reason: 'platform-2.0', message: 'This is a platform 2.0 app: events are registered in server/server.js (the `events` array of exports), not in manifest.json.' };
  }
  const text = app.files.manifest.text;
  const root = app.manifest.root;
  const syntax = app.manifest.problems.find((p) => p.code === 'json-syntax');
  if (root?.type !== 'object' || syntax) {
    const where = syntax ? ` (line ${syntax.range.start.line + 1}: ${syntax.message})` : '';
    return { ok: false, reason: 'syntax-error', message: `manifest.json does not parse${where}; fix it (or finish typing) and try again.` };
  }
  const base = app.dialect === '3.0' || scope.kind === 'module' ? ['modules', scope.name, 'events'] : ['product', scope.name, 'events'];
  const events = findNodeAtLocation(root, base);
  if (events && events.type !== 'object') return { ok: false, reason: 'not-an-object', message: `"${base.join('.')}" is not an object in manifest.json.` };
  if (events && findNodeAtLocation(root, [...base, event])) return { ok: false, reason: 'already-registered', message: `${event} is already registered under ${scope.name}.` };
  const handler = suggestHandlerName(app, event);
  const newText = set(text, [...base, event], { handler }, formatting(text));
  const after = parseTree(newText);
  const inserted = after && findNodeAtLocation(after, [...base, event, 'handler']);
  if (inserted?.value !== handler) return { ok: false, reason: 'syntax-error', message: 'manifest.json could not be edited safely here; fix its structure and try again.' };
  let start = 0;
  while (start < text.length && start < newText.length && text[start] === newText[start]) start++;
  let end = 0;
  while (end < text.length - start && end < newText.length - start && text[text.length - 1 - end] === newText[newText.length - 1 - end]) end++;
  const edit = { range: rangeOf(text, start, text.length - end), newText: newText.slice(start, newText.length - end) };
  return { ok: true, handler, edit: { file: app.files.manifest.path, edits: [edit] } };
}

export function createPayload(app: App, path: string, event: string, scope?: Scope): FileEdit {
  return { file: path, create: true, edits: [{ range: START, newText: defaultPayloadText(event, productOf(app, scope)) }] };
}
