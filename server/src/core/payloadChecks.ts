// Checks one server/test_data payload in the context of the app: its schema (by the event its file
// name says), whether its `event` field agrees, and whether the event it belongs to is registered.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { findEvent, otherProductEvents } from './catalogue';
import type { App } from './appModel';
import { otherScope } from './checks';
import { locateAll } from './jsonLocate';
import { jsonSyntax } from './manifest';
import { analysePayload, payloadSchemaRule, payloadUnknownEvent, type PayloadAnalysis, type PayloadValidationOptions, type SchemaFindingData } from './payloadValidation';
import { defineRule } from './rules';
import { classifyTestData, expectedTestDataPath } from './testDataLayout';
import { rangeOf, START } from './textPositions';
import type { Diagnostic, ProductName, Scope } from './types';

export const payloadEventMismatch = defineRule<{ event: string }>({
  code: 'payload-event-mismatch', severity: 'warning', source: 'ours', fixable: true,
  short: 'The payload\'s "event" disagrees with its file name.',
  full: 'The simulator reads the payload for the event its file is named after and overwrites "event" with that name before the call, so the value in the file misleads. A quick fix sets it.',
});
export const payloadNotRegistered = defineRule<{ expected: string }>({
  code: 'payload-not-registered', severity: 'hint', source: 'ours',
  short: 'A payload that is never used: its event is not registered, or it is not where the simulator reads it.',
  full: 'A hint for a payload of an event the manifest does not register (fdk writes a payload for every event, about 20 in a new app; the Problems panel lists no hints, the file shows it on hover, `fsdev check` gives one line for all); an information when a registered event\'s payload is not where the dialect\'s simulator reads it.',
});
export const payloadLegacyType = defineRule<SchemaFindingData & { newText?: string; title: string }>({
  code: 'payload-legacy-type', severity: 'warning', source: 'ours', fixable: true,
  short: 'A value of the type older fdk versions generated, which fdk still runs.',
  full: '`account_id` a number, `timestamp` a string, onExternalEvent\'s `data` a string: older fdk versions generated these payloads and fdk runs them as they are, while the platform sends the documented type. A quick fix converts the value.',
});

/** The product whose payload shape applies to a scope: 3.0 modules are Freshworks CRM's. */
export function productOf(app: Pick<App, 'scopes' | 'dialect'>, scope?: Scope): ProductName {
  const candidate = scope?.kind === 'product' ? scope.name : app.dialect !== '3.0' ? app.scopes[0]?.name : undefined;
  return candidate === 'freshsales' ? 'freshsales' : 'freshworks_crm';
}

/** The other Freshworks product whose payload this is (no documented schema here), if any. */
export function otherProductOfPayload(app: Pick<App, 'scopes' | 'dialect'>, scope?: Scope): string | undefined {
  if (scope) return otherScope(scope);
  const own = app.scopes.filter((s) => s.name !== 'common');
  return own.length > 0 && own.every((s) => otherScope(s)) ? otherScope(own[0]) : undefined;
}

export type Analyse = (text: string, file: string, opts: PayloadValidationOptions) => PayloadAnalysis;

/**
 * analysePayload, remembering the last analysis of each file while its text, event and product stay the same:
 * an edit of server.js or manifest.json re-checks every payload's registration, never its schema again.
 * Only the parsed payload's top level is kept (what the checks here read): a 250 KB payload is not kept alive.
 */
export function rememberedAnalysis(): Analyse {
  const last = new Map<string, { text: string; event?: string; product?: string; analysis: PayloadAnalysis }>();
  return (text, file, opts) => {
    let m = last.get(file);
    if (!m || m.text !== text || m.event !== opts.event || m.product !== opts.product) {
      const analysis = analysePayload(text, file, opts);
      m = { text, event: opts.event, product: opts.product, analysis: { ...analysis, value: topLevel(analysis.value) } };
      last.set(file, m);
    }
    return { ...m.analysis, diagnostics: [...m.analysis.diagnostics] };
  };
}

/** A parsed payload's top-level members, nested objects and arrays reduced to empty ones. */
function topLevel(value: unknown): unknown {
  const shallow = (v: unknown) => (v && typeof v === 'object' ? (Array.isArray(v) ? [] : {}) : v);
  return value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shallow(v)])) : shallow(value);
}

export function checkPayloadFile(app: App, path: string, text: string, analyse: Analyse = analysePayload): Diagnostic[] {
  const file = classifyTestData(app, [path])[0];
  if (!file) return [];
  const event = file.event;
  if (isFunctionInput(app, event)) return payloadSyntaxDiagnostics(text, path);
  const sameEvent = app.registrations.filter((r) => r.event === event);
  const registered = sameEvent.some((r) => !file.scope || r.scope.name === file.scope.name);
  const other = otherProductOfPayload(app, file.scope ?? sameEvent[0]?.scope);
  let out: Diagnostic[];
  if (other) {
    // Another product's payload: no documented schema here, so only its JSON and its event name are checked.
    out = payloadSyntaxDiagnostics(text, path);
    // Case-insensitive: fdk itself writes Freshteam's onNewHireCreate payload as onNewhireCreate.json.
    if (!otherProductEvents(other).some((e) => e.name.toLowerCase() === event.toLowerCase()) && !findEvent(event)) {
      out.push(payloadUnknownEvent.at(path, START,
        `Unknown event "${event}" for ${other === '*' ? 'this module' : other}, so this payload is never used.`, { event }));
      return out;
    }
  } else {
    const analysed = analyse(text, path, { event, product: productOf(app, file.scope) });
    const { value, parsed } = analysed;
    // A manifest that does not parse registers nothing yet: its payloads keep their errors meanwhile.
    out = relaxSchemaFindings(analysed.diagnostics, event, value, registered || (!app.registrations.length && app.parseProblems.length > 0));
    if (!findEvent(event)) return out; // analysePayload already said, once, that the event is unknown
    // Only when the payload's own "event" disagrees is its place needed: skimmed from the text (no tree of a
    // 250 KB payload), or read from a jsonc tree when the JSON is malformed and only the tree can read it.
    const ownEvent = value && typeof value === 'object' ? (value as { event?: unknown }).event : undefined;
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
      out.push(payloadEventMismatch.at(path, rangeOf(text, eventNode.offset, eventNode.end),
        `This payload says "event": "${eventNode.value}" but its file is for ${event}. The simulator overwrites "event" with "${event}" before the call.`, { event }));
    }
  }
  if (!registered && app.registrations.length) {
    // A hint, not an information: fdk writes a payload for every event (about 20 in a new app), and 20 entries
    // would bury the Problems panel, which lists no hints; the file still says it on hover, `fsdev check` in one line.
    const where = file.scope ? ` for ${file.scope.kind} ${file.scope.name}` : '';
    out.push(payloadNotRegistered.at(path, START,
      `${event} is not registered${where} in manifest.json, so this payload is never used.`));
  } else if (registered && !sameEvent.some((r) => expectedTestDataPath(app, r.event, r.scope) === path)) {
    // Registered, but not where this dialect's simulator looks (a flat file in an omni or 3.0 app, a
    // product folder in a single-product app): the file is never read either, and the user is told so.
    const expected = expectedTestDataPath(app, event, sameEvent[0].scope);
    out.push(payloadNotRegistered.at(path, START,
      `The simulator reads the ${event} payload from ${expected}, so this file is never used.`, { expected }, 'information'));
  }
  return out;
}

/** `server/test_data/<function>.json` of a manifest `functions` entry is a server method's input, not an event payload. */
function isFunctionInput(app: App, name: string | undefined): boolean {
  return name !== undefined && !findEvent(name) && app.manifest.functions.includes(name);
}

/** Only the JSON syntax problems of a payload (another product's, a server method's input). */
export function payloadSyntaxDiagnostics(text: string, path: string): Diagnostic[] {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return [];
  } catch {
    return analysePayload(text, path, {}).diagnostics.filter((d) => jsonSyntax.match(d));
  }
}

/**
 * The payloads older fdk versions generated (`account_id` a number, `timestamp` a string, onExternalEvent's `data`
 * a string) are run by fdk: they get a warning with a fix to the documented type, never an error. A payload of an
 * event the app does not register is never used, so its schema findings are warnings too.
 */
function relaxSchemaFindings(diags: Diagnostic[], event: string, value: unknown, registered: boolean): Diagnostic[] {
  return diags.map((d) => {
    const schema = payloadSchemaRule.match(d);
    if (!schema) return d;
    const legacy = legacyFix(schema.data?.path, event, value);
    if (legacy && schema.data) {
      return payloadLegacyType.at(d.file, d.range,
        `${legacy.what} is ${legacy.is} here, as older fdk versions generated it; the platform sends ${legacy.should}. fdk runs it as it is.`,
        { ...schema.data, newText: legacy.newText, title: legacy.title });
    }
    if (!registered) return { ...d, severity: 'warning', message: `${d.message} (${event} is not registered, so this payload is never used.)` };
    // `{}` is a placeholder real apps keep (fdk runs it, filling in only event and iparams): say what is missing, do not fail.
    if (isEmptyObject(value)) return { ...d, severity: 'warning', message: `${d.message} (The payload is empty: fdk runs it with only "event" and "iparams" filled in; the platform sends more.)` };
    return d;
  });
}

function legacyFix(path: unknown, event: string, value: unknown): { what: string; is: string; should: string; newText?: string; title: string } | undefined {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  if (!obj) return undefined;
  if (path === '/account_id' && typeof obj.account_id === 'number') {
    return { what: '"account_id"', is: 'a number', should: 'a string', newText: JSON.stringify(String(obj.account_id)), title: 'Make "account_id" a string' };
  }
  if (path === '/timestamp' && typeof obj.timestamp === 'string') {
    const n = Number(obj.timestamp);
    const epoch = Number.isFinite(n) && obj.timestamp.trim() !== '' ? n : Date.parse(obj.timestamp) / 1000;
    return { what: '"timestamp"', is: 'a string', should: 'a number (epoch time)', newText: Number.isFinite(epoch) ? String(epoch) : undefined, title: 'Make "timestamp" a number' };
  }
  if (path === '/data' && event === 'onExternalEvent' && typeof obj.data === 'string') {
    let parsed: unknown;
    try { parsed = JSON.parse(obj.data); } catch { parsed = undefined; }
    const isObj = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    return { what: '"data"', is: 'a string', should: 'the posted body as an object', newText: JSON.stringify(isObj ? parsed : { body: obj.data }, null, 2), title: 'Make "data" an object' };
  }
  return undefined;
}

function isEmptyObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}
