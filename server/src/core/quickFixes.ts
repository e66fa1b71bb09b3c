// Quick fixes for the checks' diagnostics, as plain file edits (the server turns them into a WorkspaceEdit).
import { parseExpressionAt } from 'acorn';
import { applyEdits, format, getNodeValue, modify, type FormattingOptions } from 'jsonc-parser';
import { defaultPayloadText, findEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { objectProperties } from './manifest';
import { productOf } from './payloadChecks';
import { requestTemplateFixes } from './requestTemplates';
import { offsetAt, rangeOf } from './textPositions';
import type { Diagnostic, Range, Scope } from './types';

export interface FileEdit {
  file: string;
  /** Create the file (with the edits' text) if it does not exist; never overwrite one that does. */
  create?: boolean;
  edits: { range: Range; newText: string }[];
}
export interface QuickFix { title: string; diagnostic: Diagnostic; edits: FileEdit[]; preferred?: boolean }

export function quickFixesFor(app: App, d: Diagnostic, payloadText?: string): QuickFix[] {
  // A fix that cannot be computed on this text (jsonc's modify throws when a parent on the path is a number
  // or a boolean, e.g. `"product": 1`) is not offered; the other diagnostics' fixes still are.
  try {
    return fixesOf(app, d, payloadText);
  } catch {
    return [];
  }
}

function fixesOf(app: App, d: Diagnostic, payloadText?: string): QuickFix[] {
  const fix = (title: string, edits: FileEdit[], preferred = true): QuickFix[] => [{ title, diagnostic: d, edits, preferred }];
  const data = d.data ?? {};
  switch (d.code) {
    case 'unknown-event':
      return typeof data.suggestion === 'string' ? fix(`Change to '${data.suggestion}'`, [replaceToken(app, d, data.suggestion)]) : [];
    case 'handler-key-typo':
      return fix('Change the key to "handler"', [{ file: d.file, edits: [{ range: d.range, newText: '"handler"' }] }]);
    case 'handler-not-defined':
    case 'server-script-missing': {
      const edit = typeof data.handler === 'string' ? createCallback(app, data.handler) : undefined;
      return edit ? fix(`Create callback '${data.handler}' in server/server.js`, [edit]) : [];
    }
    case 'handler-not-visible': {
      const edit = typeof data.handler === 'string' ? makeVisible(app, data.handler) : undefined;
      return edit ? fix(`Rewrite '${data.handler}' as a function expression fdk can see`, [edit]) : [];
    }
    case 'events-block-ignored':
      return fix(app.dialect === '3.0' ? 'Move these events under "modules"' : 'Move these events under "product"', [moveStrayEvents(app)]);
    case 'event-not-in-scope':
      return typeof data.module === 'string' ? fix(`Move the registration to modules.${data.module}.events`, [moveToModule(app, d, data.module)]) : [];
    case 'no-test-data':
      return typeof data.path === 'string' && typeof data.event === 'string'
        ? fix(`Create ${data.path} from the bundled default payload`, [createPayload(app, data.path, data.event, data.scope as Scope | undefined)], false) : [];
    case 'payload-event-mismatch':
      return typeof data.event === 'string' && payloadText !== undefined
        ? fix(`Set "event" to "${data.event}"`, [{ file: d.file, edits: [{ range: d.range, newText: JSON.stringify(data.event) }] }]) : [];
    case 'payload-legacy-type':
      // The value's own range, replaced by the same value in the documented type (computed by payloadChecks).
      return typeof data.newText === 'string' && payloadText !== undefined
        ? fix(String(data.title ?? 'Change to the documented type'), [{ file: d.file, edits: [{ range: d.range, newText: data.newText }] }]) : [];
    default:
      return requestTemplateFixes(app, d);
  }
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
    return { file: SERVER_SCRIPT, create: true, edits: [{ range: zero(), newText: `exports = {\n  ${body('  ', false)}\n};\n` }] };
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
  return applyEdits(out, format(out, { offset: raw[0].offset, length: raw[0].content.length }, fmt));
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

export function createPayload(app: App, path: string, event: string, scope?: Scope): FileEdit {
  return { file: path, create: true, edits: [{ range: zero(), newText: defaultPayloadText(event, productOf(app, scope)) }] };
}

function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
