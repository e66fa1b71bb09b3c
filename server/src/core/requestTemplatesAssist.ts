// Editor help for request templates: completion of template names in invokeTemplate('|') and of iparam names in
// `<%= iparam.| %>`, keys and values of config/requests.json (from schemas/requests.schema.json), hover on an
// invokeTemplate name, and go to definition invokeTemplate → requests.json → manifest.json, `<%= iparam.x %>` → iparams.json.
import { CompletionItemKind, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver-types';
import { getLocation } from 'jsonc-parser';
import requestsSchema from '../../../schemas/requests.schema.json';
import { SERVER_SCRIPT, type App } from './appModel';
import { configFile } from './configFiles';
import { IPARAMS_JSON, REQUESTS_JSON, templatesOf, type TemplateCall } from './requestTemplates';
import { schemaCompletions, schemaHover } from './schemaAssist';
import type { SchemaNode } from './schemaNavigation';
import { escapeMarkdown } from './safeText';
import { offsetAt, rangeContains, rangeOf } from './textPositions';
import type { Position, Range } from './types';

const schema = requestsSchema as SchemaNode;

/** The text of a file the templates model reads: server.js, an app/ script, or a config/ file. */
function textOf(app: App, file: string): string | undefined {
  if (file === SERVER_SCRIPT) return app.files.serverScript?.text;
  if (file === app.files.manifest.path) return app.files.manifest.text;
  return app.files.appScripts?.find((f) => f.path === file)?.text ?? app.config.find((f) => f.path === file)?.text;
}

function isScript(app: App, file: string): boolean {
  return file === SERVER_SCRIPT || !!app.files.appScripts?.some((f) => f.path === file);
}

function callAt(app: App, file: string, offset: number): TemplateCall | undefined {
  return templatesOf(app).calls.find((c) => c.kind === 'invoke' && c.file === file && c.start < offset && offset < c.end);
}

/** Completion items, or undefined when the position is not one of ours (the caller's own completion runs). */
export function templateCompletions(app: App, file: string, pos: Position): CompletionItem[] | undefined {
  const text = textOf(app, file);
  if (text === undefined) return undefined;
  const offset = offsetAt(text, pos);
  if (isScript(app, file)) {
    const call = callAt(app, file, offset);
    let start: number; let end: number;
    if (call) {
      start = call.start + 1;
      // A literal the loose parser recovered may lack its closing quote.
      end = call.end - call.start >= 2 && text[call.end - 1] === text[call.start] ? call.end - 1 : call.end;
    }
    else {
      // Half-typed (`invokeTemplate('ge` before the quote is closed): the literal is not in the tree yet.
      const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
      const typed = /(?:\$request|\.request)\s*\.\s*invokeTemplate\s*\(\s*(['"`])([\w-]*)$/.exec(text.slice(lineStart, offset));
      if (!typed) return undefined;
      start = offset - typed[2].length;
      end = offset;
      while (end < text.length && /[\w-]/.test(text[end])) end++;
    }
    return templateNameItems(app, rangeOf(text, start, end));
  }
  if (file === REQUESTS_JSON) {
    const iparam = iparamCompletions(app, text, offset);
    return iparam ?? schemaCompletions(text, offset, schema);
  }
  return undefined;
}

function templateNameItems(app: App, range: Range): CompletionItem[] {
  const m = templatesOf(app);
  const declared = new Set(m.decls.map((d) => d.name));
  const names = [...new Set([...m.decls.map((d) => d.name), ...m.defs.map((d) => d.name)])];
  return names.map((name) => {
    const def = m.defs.find((d) => d.name === name);
    return {
      label: name, kind: CompletionItemKind.Value,
      detail: def ? `${def.method ?? '?'} ${def.host ?? ''}${def.path ?? ''}` : 'declared in manifest.json, not in config/requests.json',
      documentation: declared.has(name) ? undefined : { kind: MarkupKind.Markdown, value: 'Not declared in manifest.json yet: the call fails until it is.' },
      sortText: `${declared.has(name) && def ? 0 : 1}${name}`,
      textEdit: { range, newText: name },
    };
  });
}

/** Inside `<%= iparam.|` of a string of requests.json: the iparams of config/iparams.json. */
function iparamCompletions(app: App, text: string, offset: number): CompletionItem[] | undefined {
  const loc = getLocation(text, offset);
  const node = loc.previousNode;
  if (node?.type !== 'string' || loc.isAtPropertyKey || offset <= node.offset || offset >= node.offset + node.length) return undefined;
  const before = text.slice(node.offset, offset);
  const typed = /<%=\s*(?:encode\(\s*)?iparam\.([\w$-]*)$/.exec(before);
  if (!typed) return undefined;
  const start = offset - typed[1].length;
  let end = offset;
  while (end < text.length && /[\w$-]/.test(text[end])) end++;
  const place = loc.path[2];
  const names = templatesOf(app).iparams?.names ?? new Map();
  return [...names].filter(([, v]) => !v.secure || place === 'headers').map(([name, v]) => ({
    label: name, kind: CompletionItemKind.Variable, detail: v.secure ? 'secure iparam (headers only)' : 'iparam',
    textEdit: { range: rangeOf(text, start, end), newText: name },
  }));
}

export function templateHover(app: App, file: string, pos: Position): Hover | null {
  const text = textOf(app, file);
  if (text === undefined) return null;
  if (file === REQUESTS_JSON) return schemaHover(text, offsetAt(text, pos), schema, 'requests.json');
  if (!isScript(app, file)) return null;
  const call = callAt(app, file, offsetAt(text, pos));
  if (!call?.name) return null;
  const m = templatesOf(app);
  const def = m.defs.find((d) => d.name === call.name);
  const name = escapeMarkdown(call.name);
  const declared = m.decls.some((d) => d.name === call.name);
  const value = def
    ? `**${name}** — ${codeSpan(`${def.method ?? '?'} ${def.host ?? '?'}${def.path ?? ''}`)}\n\nconfig/requests.json:${def.keyRange.start.line + 1}${declared ? '' : ' · not declared in manifest.json'}`
    : `**${name}** — not defined in config/requests.json${declared ? ' (declared in manifest.json)' : ''}.`;
  return { contents: { kind: MarkupKind.Markdown, value }, range: call.range };
}

/** invokeTemplate('x') → requests.json's "x" (else the manifest's); "x" in requests.json ↔ the manifest's declaration; iparam.x → iparams.json. */
export function templateDefinition(app: App, file: string, pos: Position): { file: string; range: Range } | null {
  const text = textOf(app, file);
  if (text === undefined) return null;
  const m = templatesOf(app);
  const manifest = app.files.manifest.path;
  const decl = (name: string) => m.decls.find((d) => d.name === name);
  const def = (name: string) => m.defs.find((d) => d.name === name);
  if (isScript(app, file)) {
    const call = callAt(app, file, offsetAt(text, pos));
    if (!call?.name) return null;
    const d = def(call.name);
    if (d) return { file: REQUESTS_JSON, range: d.keyRange };
    const c = decl(call.name);
    return c ? { file: manifest, range: c.keyRange } : null;
  }
  if (file === REQUESTS_JSON) {
    const s = m.substitutions.find((x) => x.root === 'iparam' && x.name !== undefined && rangeContains(x.range, pos));
    if (s) {
      const ip = m.iparams?.names.get(s.name!);
      return ip && configFile(app.config, 'iparams.json') ? { file: IPARAMS_JSON, range: ip.keyRange } : null;
    }
    const d = m.defs.find((x) => rangeContains(x.keyRange, pos));
    const c = d && decl(d.name);
    return c ? { file: manifest, range: c.keyRange } : null;
  }
  if (file === manifest) {
    const c = m.decls.find((x) => rangeContains(x.keyRange, pos));
    const d = c && def(c.name);
    return d ? { file: REQUESTS_JSON, range: d.keyRange } : null;
  }
  return null;
}

/** The app's text as a markdown code span: rendered literally (no link, image or HTML); a backtick cannot end it early. */
function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}
