// Checks one server/test_data payload in the context of the app: its schema (by the event its file
// name says), whether its `event` field agrees, and whether the event it belongs to is registered.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { findEvent } from './catalogue';
import type { App } from './appModel';
import { diag } from './checks';
import { analysePayload } from './payloadValidation';
import { classifyTestData, expectedTestDataPath } from './testDataLayout';
import { rangeOf } from './textPositions';
import type { Diagnostic, ProductName, Scope } from './types';

/** The product whose payload shape applies to a scope: 3.0 modules are Freshworks CRM's. */
export function productOf(app: Pick<App, 'scopes' | 'dialect'>, scope?: Scope): ProductName {
  const candidate = scope?.kind === 'product' ? scope.name : app.dialect !== '3.0' ? app.scopes[0]?.name : undefined;
  return candidate === 'freshsales' ? 'freshsales' : 'freshworks_crm';
}

export function checkPayloadFile(app: App, path: string, text: string): Diagnostic[] {
  const file = classifyTestData(app, [path])[0];
  if (!file) return [];
  const event = file.event;
  const { diagnostics: out, value, parsed } = analysePayload(text, path, { event, product: productOf(app, file.scope) });
  if (!findEvent(event)) return out; // analysePayload already said, once, that the event is unknown
  // Hot path: building the jsonc tree of a 250 KB payload costs several times a JSON.parse and makes most of
  // the garbage, so only build it when the payload's own "event" disagrees (or the JSON is malformed).
  const ownEvent = value && typeof value === 'object' ? (value as { event?: unknown }).event : undefined;
  const needTree = !parsed || (typeof ownEvent === 'string' && ownEvent !== event);
  const tree = needTree ? parseTree(text) : undefined;
  const eventNode = tree && findNodeAtLocation(tree, ['event']);
  if (eventNode && typeof eventNode.value === 'string' && eventNode.value !== event) {
    out.push(diag(path, rangeOf(text, eventNode.offset, eventNode.offset + eventNode.length), 'warning', 'payload-event-mismatch',
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
