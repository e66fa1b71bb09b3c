// Checks one server/test_data payload in the context of the app: its schema (by the event its file
// name says), whether its `event` field agrees, and whether the event it belongs to is registered.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { findEvent } from './catalogue';
import type { App } from './appModel';
import { diag } from './checks';
import { locateAll } from './jsonLocate';
import { analysePayload, type PayloadAnalysis, type PayloadValidationOptions } from './payloadValidation';
import { classifyTestData, expectedTestDataPath } from './testDataLayout';
import { rangeOf } from './textPositions';
import type { Diagnostic, ProductName, Scope } from './types';

/** The product whose payload shape applies to a scope: 3.0 modules are Freshworks CRM's. */
export function productOf(app: Pick<App, 'scopes' | 'dialect'>, scope?: Scope): ProductName {
  const candidate = scope?.kind === 'product' ? scope.name : app.dialect !== '3.0' ? app.scopes[0]?.name : undefined;
  return candidate === 'freshsales' ? 'freshsales' : 'freshworks_crm';
}

export type Analyse = (text: string, file: string, opts: PayloadValidationOptions) => PayloadAnalysis;

/**
 * analysePayload, remembering the last analysis of each file while its text, event and product stay the same:
 * an edit of server.js or manifest.json re-checks every payload's registration, never its schema again.
 */
export function rememberedAnalysis(): Analyse {
  const last = new Map<string, { text: string; event?: string; product?: string; analysis: PayloadAnalysis }>();
  return (text, file, opts) => {
    let m = last.get(file);
    if (!m || m.text !== text || m.event !== opts.event || m.product !== opts.product) {
      m = { text, event: opts.event, product: opts.product, analysis: analysePayload(text, file, opts) };
      last.set(file, m);
    }
    return { ...m.analysis, diagnostics: [...m.analysis.diagnostics] };
  };
}

export function checkPayloadFile(app: App, path: string, text: string, analyse: Analyse = analysePayload): Diagnostic[] {
  const file = classifyTestData(app, [path])[0];
  if (!file) return [];
  const event = file.event;
  const { diagnostics: out, ownEvent, parsed } = analyse(text, path, { event, product: productOf(app, file.scope) });
  if (!findEvent(event)) return out; // analysePayload already said, once, that the event is unknown
  // Only when the payload's own "event" disagrees is its place needed: skimmed from the text (no tree of a
  // 250 KB payload), or read from a jsonc tree when the JSON is malformed and only the tree can read it.
  let eventNode: { offset: number; end: number; value: unknown } | undefined;
  if (!parsed) {
    const root = parseTree(text);
    const n = root && findNodeAtLocation(root, ['event']);
    eventNode = n && { offset: n.offset, end: n.offset + n.length, value: n.value };
  } else if (typeof ownEvent === 'string' && ownEvent !== event) {
    const span = locateAll(text, ['/event']).get('/event');
    eventNode = span && { ...span, value: ownEvent };
  }
  if (eventNode && typeof eventNode.value === 'string' && eventNode.value !== event) {
    out.push(diag(path, rangeOf(text, eventNode.offset, eventNode.end), 'warning', 'payload-event-mismatch',
      `This payload says "event": "${eventNode.value}" but its file is for ${event}. The simulator overwrites "event" with "${event}" before the call.`, { event }));
  }
  const sameEvent = app.registrations.filter((r) => r.event === event);
  const registered = sameEvent.some((r) => !file.scope || r.scope.name === file.scope.name);
  const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (!registered && app.registrations.length) {
    const where = file.scope ? ` for ${file.scope.kind} ${file.scope.name}` : '';
    out.push(diag(path, START, 'information', 'payload-not-registered',
      `${event} is not registered${where} in manifest.json, so this payload is never used.`));
  } else if (registered && !sameEvent.some((r) => expectedTestDataPath(app, r.event, r.scope) === path)) {
    // Registered, but not where this dialect's simulator looks (a flat file in an omni or 3.0 app, a
    // product folder in a single-product app): the file is never read either.
    const expected = expectedTestDataPath(app, event, sameEvent[0].scope);
    out.push(diag(path, START, 'information', 'payload-not-registered',
      `The simulator reads the ${event} payload from ${expected}, so this file is never used.`, { expected }));
  }
  return out;
}
