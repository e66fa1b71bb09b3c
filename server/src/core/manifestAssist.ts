// Completion and hover inside manifest.json (and the 2.0 `events` array of server.js): events valid for
// the product or module under the cursor, handlers from server.js, product / module keys, `handler`.
import { getLocation, type Node } from 'jsonc-parser';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver-types';
import { catalogue, eventsFor, findEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { testDataFor } from './testDataLayout';
import { escapeMarkdown } from './safeText';
import { rangeContains, rangeOf, START } from './textPositions';
import type { CatalogueEvent, ExportedCallback, Position, Range, Scope } from './types';

const KIND_WORDS = { product: 'Product event', 'app-setup': 'App set-up event', external: 'External event', scheduled: 'Scheduled event' } as const;

export function eventDocumentation(e: CatalogueEvent): string {
  const entity = e.entity ? Object.entries(e.entity).map(([p, k]) => `\`data.${k}\` (${p})`).join(', ') : undefined;
  return [
    `**${e.name}** — ${KIND_WORDS[e.kind]}`, '', e.description, '',
    `- Time limit: ${e.timeLimitMs / 1000} s`,
    `- Products: ${e.products.map((p) => catalogue.products[p].label).join(', ')}`,
    `- Platform 3.0 module: \`${e.module}\``,
    ...(entity ? [`- Payload record: ${entity}`] : []),
    ...(e.update ? ['- Payload carries `data.changes` (`model_changes`: field → [old, new])'] : []),
    ...(e.documented ? [] : ['- Less documented: no sample payload in the Freshsales events documentation']),
    '', `[Documentation](${e.docUrl})`,
  ].join('\n');
}

export function manifestCompletions(app: App, offset: number): CompletionItem[] {
  const text = app.files.manifest.text;
  const loc = getLocation(text, offset);
  const path = loc.path;
  const container = app.dialect === '3.0' ? 'modules' : 'product';
  const token = tokenRange(text, offset, loc.previousNode);
  if (path[0] === container && path[2] === 'events') {
    const scope: Scope = { kind: app.dialect === '3.0' ? 'module' : 'product', name: String(path[1]) };
    if (path.length === 4 && loc.isAtPropertyKey) return eventItems(app, scope, text, token);
    if (path.length === 5 && loc.isAtPropertyKey) return [keyItem('handler', 'The name of the callback exported from server/server.js that runs when this event occurs.', text, token, '"handler": "$1"')];
    if (path.length === 5 && path[4] === 'handler' && !loc.isAtPropertyKey) return handlerItems(app, text, token);
  }
  if (path[0] === container && path.length === 2 && loc.isAtPropertyKey) {
    const names = app.dialect === '3.0' ? catalogue.modules : catalogue.products;
    return Object.entries(names).filter(([name]) => !app.scopes.some((s) => s.name === name)).map(([name, info]) =>
      keyItem(name, `${info.label}: ${info.description}`, text, token, `"${name}": {\n\t"events": {\n\t\t$1\n\t}\n}`));
  }
  if (path[0] === container && path.length === 3 && loc.isAtPropertyKey) {
    return [keyItem('events', 'Product events this app subscribes to: `"<event>": { "handler": "<callback>" }`.', text, token, '"events": {\n\t$1\n}')];
  }
  return [];
}

/** In server.js of a 2.0 app: `event: '…'` and `callback: '…'` inside the `events` array. */
export function scriptEventsArrayCompletions(app: App, offset: number): CompletionItem[] {
  const text = app.files.serverScript?.text ?? '';
  const array = app.script?.eventsArray;
  if (!array || offset <= array.open || offset > array.close) return [];
  const before = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  const m = /\b(event|callback)\s*:\s*(['"])([\w$]*)$/.exec(before);
  if (!m) return [];
  const range = rangeOf(text, offset - m[3].length, offset);
  if (m[1] === 'callback') {
    return (app.script?.callbacks ?? []).map((c) => ({ label: c.name, kind: CompletionItemKind.Function, textEdit: { range, newText: c.name } }));
  }
  const scope = app.scopes[0] ?? { kind: 'product', name: 'freshworks_crm' };
  const taken = new Set(app.registrations.map((r) => r.event));
  return eventsFor(scope).filter((e) => !taken.has(e.name)).map((e, i) => ({
    label: e.name, kind: CompletionItemKind.Event, detail: KIND_WORDS[e.kind],
    documentation: { kind: MarkupKind.Markdown, value: eventDocumentation(e) }, sortText: sortKey(e, i), textEdit: { range, newText: e.name },
  }));
}

function eventItems(app: App, scope: Scope, text: string, token: TokenRange): CompletionItem[] {
  const taken = new Set(app.registrations.filter((r) => r.scope.name === scope.name && !sameRangeStart(r.eventRange, token.range)).map((r) => r.event));
  return eventsFor(scope).filter((e) => !taken.has(e.name)).map((e, i) => {
    const handler = suggestHandlerName(app, e.name);
    const snippet = token.followedByColon ? `"${e.name}"` : `"${e.name}": { "handler": "\${1:${handler}}" }`;
    return {
      label: e.name, kind: CompletionItemKind.Event, detail: `${KIND_WORDS[e.kind]} · ${e.timeLimitMs / 1000} s`,
      documentation: { kind: MarkupKind.Markdown, value: eventDocumentation(e) },
      sortText: sortKey(e, i), filterText: `"${e.name}"`, insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: token.range, newText: snippet },
    };
  });
}

function handlerItems(app: App, text: string, token: TokenRange): CompletionItem[] {
  const callbacks = app.script?.callbacks ?? [];
  return callbacks.map((c) => ({
    label: c.name, kind: CompletionItemKind.Function,
    detail: c.visibleToPlatform ? 'server/server.js' : `server/server.js · ${c.form}: not visible to fdk`,
    sortText: (c.visibleToPlatform ? '0' : '1') + c.name, filterText: `"${c.name}"`,
    textEdit: { range: token.range, newText: `"${c.name}"` },
  }));
}

function keyItem(label: string, doc: string, text: string, token: TokenRange, snippet: string): CompletionItem {
  return {
    label, kind: CompletionItemKind.Property, documentation: { kind: MarkupKind.Markdown, value: doc }, filterText: `"${label}"`,
    insertTextFormat: InsertTextFormat.Snippet, textEdit: { range: token.range, newText: token.followedByColon ? `"${label}"` : snippet },
  };
}

/** `<event>Handler`, unless a callback already named after the event exists. */
export function suggestHandlerName(app: App, event: string): string {
  const existing = app.script?.callbacks.find((c) => c.name.toLowerCase().startsWith(event.toLowerCase()));
  return existing?.name ?? `${event}Handler`;
}

function sortKey(e: CatalogueEvent, i: number): string {
  const rank = e.kind === 'product' ? (e.documented ? 0 : 2) : 1;
  return `${rank}${String(i).padStart(3, '0')}`;
}

interface TokenRange { range: Range; followedByColon: boolean }

/** The string (or partial word) under the cursor, which a completion replaces whole. */
function tokenRange(text: string, offset: number, previous: Node | undefined): TokenRange {
  let start = offset;
  let end = offset;
  if (previous && (previous.type === 'string' || previous.type === 'property') && previous.offset <= offset && offset <= previous.offset + previous.length) {
    start = previous.offset;
    end = previous.offset + previous.length;
  } else {
    while (start > 0 && /[\w$"-]/.test(text[start - 1])) start--;
    while (end < text.length && /[\w$"-]/.test(text[end])) end++;
  }
  const followedByColon = /^\s*:/.test(text.slice(end, end + 50));
  return { range: rangeOf(text, start, end), followedByColon };
}

function sameRangeStart(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character;
}

/** Hover on an event key or a handler value, in manifest.json or the 2.0 events array. */
export function registrationHover(app: App, file: string, line: number, character: number): Hover | null {
  for (const reg of app.registrations) {
    if (reg.file !== file) continue;
    if (rangeContains(reg.eventRange, { line, character })) {
      const e = findEvent(reg.event);
      const value = e ? eventDocumentation(e) : `**${escapeMarkdown(reg.event)}** is not a Freshsales event.`;
      return { contents: { kind: MarkupKind.Markdown, value }, range: reg.eventRange };
    }
    if (reg.handlerRange && reg.handler !== undefined && rangeContains(reg.handlerRange, { line, character })) {
      const c = findCallback(app, reg.handler);
      return { contents: { kind: MarkupKind.Markdown, value: handlerHoverText(reg.handler, c) }, range: reg.handlerRange };
    }
  }
  return null;
}

/** Markdown; `handler` is the app's text, escaped so that a name never renders as a link, image or HTML. */
function handlerHoverText(handler: string, c: ExportedCallback | undefined): string {
  const name = escapeMarkdown(handler);
  if (!c) return `**${name}** — not defined in server/server.js.`;
  const where = `server/server.js:${c.nameRange.start.line + 1}:${c.nameRange.start.character + 1}`;
  return c.visibleToPlatform
    ? `**${name}** — defined in \`${where}\` (${c.form === 'method' ? 'method' : 'function expression'}).`
    : `**${name}** — defined in \`${where}\` as ${c.form}, which the Freshworks tooling does not see.`;
}


/** Go to definition: from a handler value to its callback in server.js, from an event to its test payload. */
export function definitionAt(app: App, file: string, pos: Position): { file: string; range: Range } | null {
  for (const reg of app.registrations) {
    if (reg.file !== file) continue;
    if (reg.handler && reg.handlerRange && rangeContains(reg.handlerRange, pos)) {
      const callback = findCallback(app, reg.handler);
      if (callback) return { file: SERVER_SCRIPT, range: callback.nameRange };
    }
    if (rangeContains(reg.eventRange, pos)) {
      const payload = testDataFor(app, reg.event, reg.scope);
      if (payload) return { file: payload.path, range: START };
    }
  }
  return null;
}
