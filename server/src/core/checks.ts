// The checks on the app model: the rules `fdk validate` applies (with its wording where it has one)
// and the mistakes it misses. Every diagnostic has a stable code, listed in README.md.
import { catalogue, editDistance, eventsFor, findEvent, otherProductEvents, otherProductOf, suggestEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { expectedTestDataPath, testDataFor } from './testDataLayout';
import { lastProperty, objectProperties } from './manifest';
import { rangeOf } from './textPositions';
import { checkConfig } from './configRules';
import { checkManifestRules } from './manifestRules';
import type { CallbackForm, Diagnostic, EventRegistration, ProductName, Range, Scope } from './types';

/** The file's first position: where a finding about the file as a whole goes. */
export const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

const FORM_WORDS: Record<CallbackForm, string> = {
  function: 'a function expression', method: 'a method', arrow: 'an arrow function', 'quoted-key': 'a quoted key',
  'computed-key': 'a computed key', 'exports-assignment': '`exports.<name> = ...`', 'module-exports': '`module.exports`',
  identifier: 'a reference to a function defined elsewhere',
};

export function scopeWord(scope: Scope): string {
  return `${scope.kind}: ${scope.name}`;
}

/** Every check on manifest.json and server.js. Payload files are checked by `checkPayloadFile`. */
export function checkApp(app: App): Diagnostic[] {
  const out: Diagnostic[] = [...app.parseProblems];
  const manifestFile = app.files.manifest.path;
  checkManifestShape(app, out);
  checkServerScript(app, out);
  checkIgnoredEventsArray(app, out);
  const seen = new Map<string, EventRegistration>();
  for (const reg of app.registrations) {
    const key = `${reg.scope.name}/${reg.event}`;
    const first = seen.get(key);
    if (first) {
      out.push(reg.file === SERVER_SCRIPT
        ? diag(reg.file, reg.eventRange, 'error', 'duplicate-event', `Event '${reg.event}' is already mapped to a callback for ${scopeWord(reg.scope)}`)
        : diag(reg.file, first.eventRange, 'warning', 'duplicate-event',
          `'${reg.event}' is registered twice for ${scopeWord(reg.scope)}; the platform silently keeps the last one.`, { line: reg.eventRange.start.line + 1 }));
    }
    seen.set(key, reg);
    checkRegistration(app, reg, out);
  }
  checkOmniApp(app, out);
  if (app.manifest.strayEvents) {
    const where = app.dialect === '3.0' ? 'modules.<module>.events' : app.dialect === '2.0' ? 'the `events` array of server/server.js' : 'product.<product>.events';
    out.push(diag(manifestFile, app.manifest.strayEvents.keyRange, 'warning', 'events-block-ignored',
      `The platform ignores a top-level "events" block: platform-version ${app.platformVersion ?? '?'} reads events from ${where}.`));
  }
  out.push(...checkConfig(app));
  out.push(...checkManifestRules(app));
  return out;
}

function checkManifestShape(app: App, out: Diagnostic[]): void {
  const file = app.files.manifest.path;
  const root = app.manifest.root;
  if (root && root.type !== 'object') {
    out.push(diag(file, rangeOf(app.files.manifest.text, root.offset, root.offset + 1), 'error', 'manifest-not-object',
      `manifest.json must be a JSON object ({ "platform-version": ..., ${app.dialect === '3.0' ? '"modules"' : '"product"'}: ... }), not ${root.type === 'array' ? 'an array' : root.type}.`));
    return;
  }
  if (!root) return;
  const container = app.dialect === '3.0' ? 'modules' : 'product';
  const containerNode = lastProperty(root, container);
  const badScope = containerNode?.type === 'object' ? objectProperties(containerNode).find((p) => p.value?.type !== 'object') : undefined;
  if (containerNode && (containerNode.type !== 'object' || badScope)) {
    const at = badScope?.value ?? badScope?.keyNode ?? containerNode;
    const what = (n?: { type: string }) => (!n ? 'nothing' : n.type === 'array' ? 'an array' : n.type);
    out.push(diag(file, rangeOfNode(app, at), 'error', 'manifest-shape', badScope
      ? `"${container}.${badScope.key}" must be an object ({ "events": { ... } }), not ${what(badScope.value)}.`
      : `"${container}" must be an object of ${app.dialect === '3.0' ? 'modules' : 'products'} ({ "${app.dialect === '3.0' ? 'deal' : 'freshworks_crm'}": { "events": { ... } } }), not ${what(containerNode)}.`));
  }
  if (!app.platformVersion) out.push(diag(file, START, 'error', 'missing-platform-version', 'manifest.json has no "platform-version" (2.0, 2.1, 2.2, 2.3 or 3.0).'));
  const known = app.dialect === '3.0' ? Object.keys(catalogue.modules) : Object.keys(catalogue.products);
  const others = app.manifest.eventsBlocks.filter((b) => otherScope(b.scope));
  if (others.length) {
    // Said once per app, on the first such block: every event of theirs would otherwise repeat it.
    const names = others.map((b) => `'${b.scope.name}'`).join(', ');
    const products = [...new Set(others.map((b) => productLabel(otherScope(b.scope)!)))].join(', ');
    const kind = others[0].scope.kind;
    out.push(diag(file, others[0].keyRange, 'information', 'other-product',
      `${names} ${others.length > 1 ? `are not Freshsales ${kind}s` : `is not a Freshsales ${kind}`} (${products}): event names and handlers are checked,`
      + ' payloads are not validated (this tool has no documented schema for them).'));
  }
  for (const block of app.manifest.eventsBlocks) {
    if (!others.includes(block) && !known.includes(block.scope.name)) {
      out.push(diag(file, block.keyRange, 'warning', app.dialect === '3.0' ? 'unknown-module' : 'unknown-product',
        `'${block.scope.name}' is not a Freshsales ${block.scope.kind}. Expected one of: ${known.join(', ')}.`));
    }
    if (app.dialect === '3.0' && block.node?.type === 'object' && !block.node.children?.length) {
      out.push(diag(file, rangeOfNode(app, block.node), 'error', 'empty-events', `"events" of module ${block.scope.name} is empty: the platform rejects "events": {}. Register an event or remove the block.`));
    }
  }
  if (app.dialect === '3.0') {
    if (!app.scopes.some((s) => s.name !== 'common')) out.push(diag(file, START, 'error', 'missing-module', 'A platform 3.0 manifest needs at least one module besides "common" under "modules".'));
    if (!root.children?.some((p) => p.children?.[0]?.value === 'engines')) out.push(diag(file, START, 'error', 'missing-engines', 'A platform 3.0 manifest needs an "engines" block ({ "node": ..., "fdk": ... }).'));
  }
}

function checkServerScript(app: App, out: Diagnostic[]): void {
  const script = app.script;
  if (!script || (!script.syntaxError && script.hasExportsObject)) return;
  const range = script.syntaxError?.range ?? START;
  const detail = script.syntaxError ? ` (${script.syntaxError.message})` : ' (no top-level `exports = { ... }` was found)';
  out.push(diag(SERVER_SCRIPT, range, 'error', 'server-script-unparsable',
    `Error while parsing file containing serverless functions. Please use the exports section as recommended in the Serverless Apps section of the SDK documentation.${detail}`));
}

/**
 * Another Freshworks product's scope (`freshdesk`, a 3.0 `support_ticket` module), or undefined. A 3.0 module
 * within two edits of a Freshsales module is taken for a typo of it (reported as unknown-module), not another product.
 */
export function otherScope(scope: Scope): string | undefined {
  const other = otherProductOf(scope);
  if (other !== '*') return other;
  return Object.keys(catalogue.modules).some((m) => editDistance(m, scope.name) <= 2) ? undefined : other;
}

function productLabel(product: string): string {
  return product === '*' ? 'another Freshworks product' : catalogue.otherProducts[product]?.label ?? product;
}

/** Events of another product are checked against that product's list, in fdk's words; a guessed 3.0 module only warns. */
/** App set-up events (afterAppUpdate too, which fdk's older lists lack) are every product's. */
const SETUP_EVENTS = catalogue.events.filter((e) => e.kind === 'app-setup').map((e) => e.name);
const COMMON_MODULE_EVENTS = new Set(eventsFor({ kind: 'module', name: 'common' }).map((e) => e.name));

function checkOtherProductRegistration(app: App, reg: EventRegistration, product: string, out: Diagnostic[]): void {
  const names = [...new Set([...otherProductEvents(product).map((e) => e.name), ...SETUP_EVENTS])];
  const candidates = reg.scope.kind === 'module' ? names.filter((n) => !COMMON_MODULE_EVENTS.has(n)) : names;
  if (!candidates.includes(reg.event)) {
    const suggestion = suggestEvent(reg.event, candidates);
    const base = `Invalid event: '${reg.event}' for ${scopeWord(reg.scope)}`;
    const sure = reg.scope.kind === 'product';
    const message = sure ? base : `${base}: not an event of ${productLabel(product)} as this tool knows it (from fdk's event lists, which may lag behind the platform)`;
    out.push(diag(reg.file, reg.eventRange, sure ? 'error' : 'warning', 'unknown-event', suggestion ? `${message}. Did you mean '${suggestion}'?` : message, suggestion ? { suggestion } : undefined));
  }
  checkHandler(app, reg, out);
}

/** 2.1–2.3 read events from the manifest only: a 2.0 `events` array left in server.js does nothing. */
function checkIgnoredEventsArray(app: App, out: Diagnostic[]): void {
  const array = app.script?.eventsArray;
  if (app.dialect !== '2.x' || !array || app.registrations.length > 0 || !app.script?.eventsArrayItems.length) return;
  const range = rangeOf(app.files.serverScript!.text, array.open, array.close + 1);
  out.push(diag(SERVER_SCRIPT, range, 'warning', 'events-array-ignored',
    `platform-version ${app.platformVersion ?? '2.x'} reads events from manifest.json only: this 2.0 \`events\` array registers nothing. Register them under product.<product>.events in manifest.json.`));
}

function checkRegistration(app: App, reg: EventRegistration, out: Diagnostic[]): void {
  const other = otherScope(reg.scope);
  if (other) return checkOtherProductRegistration(app, reg, other, out);
  const def = findEvent(reg.event);
  const valid = eventsFor(reg.scope).some((e) => e.name === reg.event);
  if (!valid) {
    const base = `Invalid event: '${reg.event}' for ${scopeWord(reg.scope)}`;
    if (!def) {
      const suggestion = suggestEvent(reg.event, eventsFor(reg.scope).map((e) => e.name));
      out.push(diag(reg.file, reg.eventRange, 'error', 'unknown-event', suggestion ? `${base}. Did you mean '${suggestion}'?` : base, suggestion ? { suggestion } : undefined));
    } else {
      const hint = reg.scope.kind === 'module'
        ? ` — register it under modules.${def.module}.events.`
        : ` — it is a ${def.products.map((p) => catalogue.products[p as ProductName].label).join(' / ')} event.`;
      out.push(diag(reg.file, reg.eventRange, 'error', 'event-not-in-scope', base + hint, reg.scope.kind === 'module' ? { module: def.module } : undefined));
    }
  }
  checkHandler(app, reg, out);
  if (valid && app.files.manifest && !testDataFor(app, reg.event, reg.scope)) {
    const path = expectedTestDataPath(app, reg.event, reg.scope);
    out.push(diag(reg.file, reg.eventRange, 'information', 'no-test-data',
      `No test payload for ${reg.event} at ${path}: simulation will use the bundled default.`, { path, event: reg.event, scope: reg.scope }));
  }
}

function checkHandler(app: App, reg: EventRegistration, out: Diagnostic[]): void {
  const where = reg.handlerRange ?? reg.eventRange;
  const typo = reg.otherKeys.find((k) => isHandlerTypo(k.key));
  if (typo) {
    out.push(diag(reg.file, typo.range, 'error', 'handler-key-typo', `"${typo.key}" is not a key the platform knows: did you mean "handler"? (fdk reports: Event callback 'undefined' is not defined for ${scopeWord(reg.scope)}.)`, { key: typo.key }));
  }
  for (const other of reg.otherKeys) {
    if (other === typo || reg.file === SERVER_SCRIPT) continue;
    out.push(diag(reg.file, other.range, 'warning', 'unknown-event-key', `Unknown key "${other.key}" in the registration of ${reg.event}: only "handler" is read.`));
  }
  if (reg.file === SERVER_SCRIPT && reg.otherKeys.length) {
    out.push(diag(reg.file, reg.entryRange, 'error', 'events-array-invalid-key', `Invalid key in events array: '${reg.otherKeys.map((k) => k.key).join(', ')}' for ${scopeWord(reg.scope)}`));
  }
  if (reg.handler === undefined) {
    if (!typo) out.push(diag(reg.file, where, 'error', 'handler-missing', `Event callback 'undefined' is not defined for ${scopeWord(reg.scope)}. Add "handler": "<callback name>".`));
    return;
  }
  if (!app.script) {
    out.push(diag(reg.file, where, 'error', 'server-script-missing', `Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}. (server/server.js does not exist.)`, { handler: reg.handler }));
    return;
  }
  if (!app.script.hasExportsObject && !app.script.callbacks.length) return; // reported once as server-script-unparsable
  const callback = findCallback(app, reg.handler);
  if (!callback) {
    out.push(diag(reg.file, where, 'error', 'handler-not-defined', `Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}.`, { handler: reg.handler }));
  } else if (!callback.visibleToPlatform) {
    const why = `'${reg.handler}' is defined as ${FORM_WORDS[callback.form]}, which the Freshworks tooling does not see: fdk reports "Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}." Write it as \`${reg.handler}: function (args) { ... }\` inside \`exports = { ... }\`.`;
    out.push(diag(reg.file, where, 'error', 'handler-not-visible', why, { handler: reg.handler, form: callback.form }));
    if (reg.file !== SERVER_SCRIPT) out.push(diag(SERVER_SCRIPT, callback.nameRange, 'error', 'handler-not-visible', why, { handler: reg.handler, form: callback.form }));
  }
}

/** An omni app (both products) must register each event under both. */
function checkOmniApp(app: App, out: Diagnostic[]): void {
  if (app.dialect !== '2.x') return;
  const products = app.scopes.filter((s) => s.name in catalogue.products);
  if (products.length < 2) return;
  for (const reg of app.registrations) {
    for (const product of products) {
      if (product.name === reg.scope.name || !eventsFor(product).some((e) => e.name === reg.event)) continue;
      if (app.registrations.some((r) => r.event === reg.event && r.scope.name === product.name)) continue;
      out.push(diag(reg.file, reg.eventRange, 'warning', 'omni-missing-event',
        `Omni app: '${reg.event}' is registered for ${reg.scope.name} but not for ${product.name}. Register it under both products.`, { product: product.name }));
    }
  }
}

const HANDLER = 'handler';
function isHandlerTypo(key: string): boolean {
  if (key === HANDLER) return false;
  const k = key.toLowerCase();
  if (k === HANDLER || k === 'callback' || k === 'handle' || k === 'handlers') return true;
  return key.length >= 5 && key.length <= 9 && [...HANDLER].filter((c) => k.includes(c)).length >= 6 && editDistance(k, HANDLER) <= 2;
}

function rangeOfNode(app: App, node: { offset: number; length: number }): Range {
  return rangeOf(app.files.manifest.text, node.offset, node.offset + node.length);
}

export function diag(file: string, range: Range, severity: Diagnostic['severity'], code: string, message: string, data?: Record<string, unknown>): Diagnostic {
  return data ? { file, range, severity, code, message, data } : { file, range, severity, code, message };
}
