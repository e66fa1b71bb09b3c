// The checks on the app model: the rules `fdk validate` applies (with its wording where it has one)
// and the mistakes it misses. Every diagnostic is made by its rule (defined below, listed in README.md).
import { catalogue, editDistance, eventsFor, findEvent, otherProductEvents, otherProductOf, suggestEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { expectedTestDataPath, testDataFor } from './testDataLayout';
import { lastProperty, objectProperties } from './manifest';
import { defineRule } from './rules';
import { rangeOf, START } from './textPositions';
import { checkRequestTemplates } from './requestTemplates';
import { checkConfig } from './configRules';
import { checkManifestRules } from './manifestRules';
import type { CallbackForm, Diagnostic, EventRegistration, ProductName, Range, Scope } from './types';

/** Defined once in textPositions.ts; re-exported for modules that took it from here. */
export { START } from './textPositions';

const CALLBACK_NOT_DEFINED = "Event callback '<handler>' is not defined for product: <product>.";

export const manifestNotObject = defineRule({
  code: 'manifest-not-object', severity: 'error', source: 'ours',
  short: 'manifest.json is not a JSON object.',
  full: 'The manifest must be one JSON object ({ "platform-version": ..., "product" or "modules": ... }). A top-level array, string or number gives the platform nothing to read; no other manifest check runs on it.',
});
export const manifestShape = defineRule({
  code: 'manifest-shape', severity: 'error', source: 'ours',
  short: '"product" / "modules", or one product or module in it, is not an object.',
  full: '"product" (platform 2.x) and "modules" (3.0) map each product or module to an object holding its "events". An array, null or a string there registers nothing, and fdk stops with an exception instead of a message.',
});
export const missingPlatformVersion = defineRule({
  code: 'missing-platform-version', severity: 'error', source: 'fdk', fdkRule: 'invalid-platform-version',
  short: 'manifest.json has no "platform-version".',
  full: 'Every manifest names its platform version (2.0, 2.1, 2.2, 2.3 or 3.0): it decides where events are registered and which APIs the app may use. fdk refuses an app without one.',
  fdkMessage: 'Invalid platform version mentioned in manifest.json - undefined',
});
export const otherProduct = defineRule({
  code: 'other-product', severity: 'information', source: 'ours',
  short: 'A product or 3.0 module of another Freshworks product: its payloads are not validated.',
  full: 'Said once per app, on the first product (freshdesk, ...) or 3.0 module (support_ticket, ...) of another Freshworks product. Its event names and handlers are checked against fdk\'s lists of that product; its payloads are not validated, as this tool has no documented schema for them.',
});
export const unknownProduct = defineRule({
  code: 'unknown-product', severity: 'warning', source: 'fdk', fdkRule: 'invalid-product',
  short: 'A product no Freshworks list knows.',
  full: 'A key of "product" that is neither a Freshsales product (freshworks_crm, freshsales) nor another Freshworks product: usually a typo. Its events are still checked against the Freshsales lists.',
  fdkMessage: 'Invalid product(s) mentioned in manifest.json: <products>',
});
export const unknownModule = defineRule({
  code: 'unknown-module', severity: 'warning', source: 'documentation',
  short: 'A 3.0 module within two letters of a Freshsales module: a typo.',
  full: 'A key of "modules" (platform 3.0) that is not a documented Freshsales module but is within two edits of one, so it is taken for a typo of it rather than for another product\'s module.',
});
export const emptyEvents = defineRule({
  code: 'empty-events', severity: 'error', source: 'platform',
  short: 'A 3.0 module with "events": {}.',
  full: 'The platform rejects a platform 3.0 module whose "events" object is empty: register an event in it or remove the block.',
});
export const missingModule = defineRule({
  code: 'missing-module', severity: 'error', source: 'documentation',
  short: 'A 3.0 manifest with no module besides "common".',
  full: 'A platform 3.0 manifest names at least one product module (deal, contact, ...) under "modules", besides "common".',
});
export const missingEngines = defineRule({
  code: 'missing-engines', severity: 'error', source: 'documentation',
  short: 'A 3.0 manifest without an "engines" block.',
  full: 'A platform 3.0 manifest declares the Node and fdk versions it is built for: "engines": { "node": ..., "fdk": ... }.',
});
export const serverScriptUnparsable = defineRule({
  code: 'server-script-unparsable', severity: 'error', source: 'fdk', fdkRule: 'serverless-parse',
  short: 'server/server.js does not parse, or has no top-level `exports = { ... }`.',
  full: 'fdk reads the handlers from the first top-level `exports = { ... }` of server/server.js. A syntax error (given with its position), no such object, a binary file or one over 2 MB (not parsed), or garbage that would take the tolerant parser over 250 ms leaves it nothing to read; the callbacks after the error are not recovered.',
  fdkMessage: 'Error while parsing file containing serverless functions. Please use the exports section as recommended in the Serverless Apps section of the SDK documentation.',
});
export const unknownEvent = defineRule<{ suggestion?: string }>({
  code: 'unknown-event', severity: 'error', source: 'fdk', fdkRule: 'invalid-event', fixable: true,
  short: 'An event name the product does not have.',
  full: 'The event is in no list of the product or module it is registered for; a quick fix offers the nearest name (preferring the same words: onAppUpdate to afterAppUpdate). Other products\' events are checked against fdk\'s list of that product; in a 3.0 module of another product (whose product is read off its name) it is a warning, as those lists may lag behind the platform.',
  fdkMessage: "Invalid event: '<event>' for product: <product>",
});
export const eventNotInScope = defineRule<{ module: string }>({
  code: 'event-not-in-scope', severity: 'error', source: 'fdk', fdkRule: 'invalid-event', fixable: true,
  short: 'A real event registered in the wrong product or module.',
  full: 'The event exists, but not for this product or module (a Classic-only event in Freshworks CRM, a deal event under modules.contact). In a 3.0 manifest a quick fix moves the registration to the module the event belongs to.',
  fdkMessage: "Invalid event: '<event>' for product: <product>",
});
export const eventsArrayIgnored = defineRule({
  code: 'events-array-ignored', severity: 'warning', source: 'platform',
  short: 'A 2.0 `events` array in server.js that platform 2.1 to 2.3 never read.',
  full: 'Platform 2.1 to 2.3 read events from manifest.json only: a 2.1+ manifest that registers no event while server.js still exports a 2.0 `events` array registers nothing.',
});
export const noTestData = defineRule<{ path: string; event: string; scope: Scope }>({
  code: 'no-test-data', severity: 'information', source: 'ours', fixable: true,
  short: 'A registered event without a test payload where the simulator reads it.',
  full: 'Simulation of the event then uses the bundled default payload. A quick fix creates the file at the dialect\'s path from that default and opens it.',
});
export const handlerKeyTypo = defineRule<{ key: string }>({
  code: 'handler-key-typo', severity: 'error', source: 'fdk', fdkRule: 'event-callback-not-defined', fixable: true,
  short: 'A misspelt "handler" key ("hanlder", "callback", ...).',
  full: 'The registration names its callback under a key the platform does not read, so the event has no handler (fdk says the callback \'undefined\' is not defined). A quick fix renames the key to "handler".',
  fdkMessage: "Event callback 'undefined' is not defined for product: <product>.",
});
export const unknownEventKey = defineRule({
  code: 'unknown-event-key', severity: 'warning', source: 'ours',
  short: 'A key other than "handler" in an event\'s registration.',
  full: 'Only "handler" is read from a registration in manifest.json; any other key is ignored by the platform.',
});
export const eventsArrayInvalidKey = defineRule({
  code: 'events-array-invalid-key', severity: 'error', source: 'fdk', fdkRule: 'events-array-invalid-key',
  short: 'A 2.0 `events` array item with keys other than `event` and `callback`.',
  full: 'Platform 2.0 registers events in server.js as `events: [{ event, callback }]`; fdk rejects any other key in an item.',
  fdkMessage: "Invalid key in events array: '<keys>' for product: <product>",
});
export const handlerMissing = defineRule({
  code: 'handler-missing', severity: 'error', source: 'fdk', fdkRule: 'event-callback-not-defined',
  short: 'A registration without "handler".',
  full: 'The event is registered but names no callback: the platform has nothing to call.',
  fdkMessage: "Event callback 'undefined' is not defined for product: <product>.",
});
export const serverScriptMissing = defineRule<{ handler: string }>({
  code: 'server-script-missing', severity: 'error', source: 'fdk', fdkRule: 'event-callback-not-defined', fixable: true,
  short: 'A handler is named but server/server.js does not exist.',
  full: 'The manifest registers a handler while the app has no server/server.js to define it. A quick fix creates the file with the callback.',
  fdkMessage: CALLBACK_NOT_DEFINED,
});
export const handlerNotDefined = defineRule<{ handler: string }>({
  code: 'handler-not-defined', severity: 'error', source: 'fdk', fdkRule: 'event-callback-not-defined', fixable: true,
  short: 'The named handler is not defined in server/server.js.',
  full: 'No callback of that name is in the `exports` object of server/server.js. A quick fix adds it, written in the style of the file\'s other callbacks.',
  fdkMessage: CALLBACK_NOT_DEFINED,
});
export const handlerNotVisible = defineRule<{ handler: string; form: CallbackForm }>({
  code: 'handler-not-visible', severity: 'error', source: 'fdk', fdkRule: 'event-callback-not-defined', fixable: true,
  short: 'The handler exists in a form fdk cannot see (an arrow, a quoted key, `exports.x = ...`).',
  full: 'fdk sees only function expressions and methods in the first top-level `exports = { ... }`; a callback written otherwise runs in Node but fdk reports it as not defined. Reported in the manifest and in server.js; a quick fix rewrites arrows and quoted keys.',
  fdkMessage: CALLBACK_NOT_DEFINED,
});
export const duplicateEvent = defineRule<{ line: number }>({
  code: 'duplicate-event', severity: 'warning', source: 'fdk', fdkRule: 'event-already-mapped',
  short: 'An event registered twice for the same product or module.',
  full: 'Twice in one manifest `events` object, a warning: JSON keeps the last one silently. Twice in a 2.0 `events` array, an error in fdk\'s words.',
  fdkMessage: "Event '<event>' is already mapped to a callback for product: <product>",
});
export const omniMissingEvent = defineRule<{ product: string }>({
  code: 'omni-missing-event', severity: 'warning', source: 'documentation',
  short: 'An omni app registers an event for one of its products only.',
  full: 'An app for both Freshsales products (omni) receives the event only from the product it is registered under; register it under both.',
});
export const eventsBlockIgnored = defineRule({
  code: 'events-block-ignored', severity: 'warning', source: 'platform', fixable: true,
  short: 'A top-level "events" block, which the platform ignores.',
  full: 'A top-level "events" (copied from the documentation\'s fragment) is not where the platform reads events: product.<product>.events in 2.x, modules.<module>.events in 3.0. A quick fix moves the events there.',
});

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
        ? duplicateEvent.at(reg.file, reg.eventRange, `Event '${reg.event}' is already mapped to a callback for ${scopeWord(reg.scope)}`, undefined, 'error')
        : duplicateEvent.at(reg.file, first.eventRange,
          `'${reg.event}' is registered twice for ${scopeWord(reg.scope)}; the platform silently keeps the last one.`, { line: reg.eventRange.start.line + 1 }));
    }
    seen.set(key, reg);
    checkRegistration(app, reg, out);
  }
  checkOmniApp(app, out);
  out.push(...checkRequestTemplates(app));
  if (app.manifest.strayEvents) {
    const where = app.dialect === '3.0' ? 'modules.<module>.events' : app.dialect === '2.0' ? 'the `events` array of server/server.js' : 'product.<product>.events';
    out.push(eventsBlockIgnored.at(manifestFile, app.manifest.strayEvents.keyRange,
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
    out.push(manifestNotObject.at(file, rangeOf(app.files.manifest.text, root.offset, root.offset + 1),
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
    out.push(manifestShape.at(file, rangeOfNode(app, at), badScope
      ? `"${container}.${badScope.key}" must be an object ({ "events": { ... } }), not ${what(badScope.value)}.`
      : `"${container}" must be an object of ${app.dialect === '3.0' ? 'modules' : 'products'} ({ "${app.dialect === '3.0' ? 'deal' : 'freshworks_crm'}": { "events": { ... } } }), not ${what(containerNode)}.`));
  }
  if (!app.platformVersion) out.push(missingPlatformVersion.at(file, START, 'manifest.json has no "platform-version" (2.0, 2.1, 2.2, 2.3 or 3.0).'));
  const known = app.dialect === '3.0' ? Object.keys(catalogue.modules) : Object.keys(catalogue.products);
  const others = app.manifest.eventsBlocks.filter((b) => otherScope(b.scope));
  if (others.length) {
    // Said once per app, on the first such block: every event of theirs would otherwise repeat it.
    const names = others.map((b) => `'${b.scope.name}'`).join(', ');
    const products = [...new Set(others.map((b) => productLabel(otherScope(b.scope)!)))].join(', ');
    const kind = others[0].scope.kind;
    out.push(otherProduct.at(file, others[0].keyRange,
      `${names} ${others.length > 1 ? `are not Freshsales ${kind}s` : `is not a Freshsales ${kind}`} (${products}): event names and handlers are checked,`
      + ' payloads are not validated (this tool has no documented schema for them).'));
  }
  for (const block of app.manifest.eventsBlocks) {
    if (!others.includes(block) && !known.includes(block.scope.name)) {
      out.push((app.dialect === '3.0' ? unknownModule : unknownProduct).at(file, block.keyRange,
        `'${block.scope.name}' is not a Freshsales ${block.scope.kind}. Expected one of: ${known.join(', ')}.`));
    }
    if (app.dialect === '3.0' && block.node?.type === 'object' && !block.node.children?.length) {
      out.push(emptyEvents.at(file, rangeOfNode(app, block.node), `"events" of module ${block.scope.name} is empty: the platform rejects "events": {}. Register an event or remove the block.`));
    }
  }
  if (app.dialect === '3.0') {
    if (!app.scopes.some((s) => s.name !== 'common')) out.push(missingModule.at(file, START, 'A platform 3.0 manifest needs at least one module besides "common" under "modules".'));
    if (!root.children?.some((p) => p.children?.[0]?.value === 'engines')) out.push(missingEngines.at(file, START, 'A platform 3.0 manifest needs an "engines" block ({ "node": ..., "fdk": ... }).'));
  }
}

function checkServerScript(app: App, out: Diagnostic[]): void {
  const script = app.script;
  if (!script || (!script.syntaxError && script.hasExportsObject)) return;
  const range = script.syntaxError?.range ?? START;
  const detail = script.syntaxError ? ` (${script.syntaxError.message})` : ' (no top-level `exports = { ... }` was found)';
  out.push(serverScriptUnparsable.at(SERVER_SCRIPT, range,
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
    out.push(unknownEvent.at(reg.file, reg.eventRange, suggestion ? `${message}. Did you mean '${suggestion}'?` : message, suggestion ? { suggestion } : undefined, sure ? 'error' : 'warning'));
  }
  checkHandler(app, reg, out);
}

/** 2.1–2.3 read events from the manifest only: a 2.0 `events` array left in server.js does nothing. */
function checkIgnoredEventsArray(app: App, out: Diagnostic[]): void {
  const array = app.script?.eventsArray;
  if (app.dialect !== '2.x' || !array || app.registrations.length > 0 || !app.script?.eventsArrayItems.length) return;
  const range = rangeOf(app.files.serverScript!.text, array.open, array.close + 1);
  out.push(eventsArrayIgnored.at(SERVER_SCRIPT, range,
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
      out.push(unknownEvent.at(reg.file, reg.eventRange, suggestion ? `${base}. Did you mean '${suggestion}'?` : base, suggestion ? { suggestion } : undefined));
    } else {
      const hint = reg.scope.kind === 'module'
        ? ` — register it under modules.${def.module}.events.`
        : ` — it is a ${def.products.map((p) => catalogue.products[p as ProductName].label).join(' / ')} event.`;
      out.push(eventNotInScope.at(reg.file, reg.eventRange, base + hint, reg.scope.kind === 'module' ? { module: def.module } : undefined));
    }
  }
  checkHandler(app, reg, out);
  if (valid && app.files.manifest && !testDataFor(app, reg.event, reg.scope)) {
    const path = expectedTestDataPath(app, reg.event, reg.scope);
    out.push(noTestData.at(reg.file, reg.eventRange,
      `No test payload for ${reg.event} at ${path}: simulation will use the bundled default.`, { path, event: reg.event, scope: reg.scope }));
  }
}

function checkHandler(app: App, reg: EventRegistration, out: Diagnostic[]): void {
  const where = reg.handlerRange ?? reg.eventRange;
  const typo = reg.otherKeys.find((k) => isHandlerTypo(k.key));
  if (typo) {
    out.push(handlerKeyTypo.at(reg.file, typo.range, `"${typo.key}" is not a key the platform knows: did you mean "handler"? (fdk reports: Event callback 'undefined' is not defined for ${scopeWord(reg.scope)}.)`, { key: typo.key }));
  }
  for (const other of reg.otherKeys) {
    if (other === typo || reg.file === SERVER_SCRIPT) continue;
    out.push(unknownEventKey.at(reg.file, other.range, `Unknown key "${other.key}" in the registration of ${reg.event}: only "handler" is read.`));
  }
  if (reg.file === SERVER_SCRIPT && reg.otherKeys.length) {
    out.push(eventsArrayInvalidKey.at(reg.file, reg.entryRange, `Invalid key in events array: '${reg.otherKeys.map((k) => k.key).join(', ')}' for ${scopeWord(reg.scope)}`));
  }
  if (reg.handler === undefined) {
    if (!typo) out.push(handlerMissing.at(reg.file, where, `Event callback 'undefined' is not defined for ${scopeWord(reg.scope)}. Add "handler": "<callback name>".`));
    return;
  }
  if (!app.script) {
    out.push(serverScriptMissing.at(reg.file, where, `Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}. (server/server.js does not exist.)`, { handler: reg.handler }));
    return;
  }
  if (!app.script.hasExportsObject && !app.script.callbacks.length) return; // reported once as server-script-unparsable
  const callback = findCallback(app, reg.handler);
  if (!callback) {
    out.push(handlerNotDefined.at(reg.file, where, `Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}.`, { handler: reg.handler }));
  } else if (!callback.visibleToPlatform) {
    const why = `'${reg.handler}' is defined as ${FORM_WORDS[callback.form]}, which the Freshworks tooling does not see: fdk reports "Event callback '${reg.handler}' is not defined for ${scopeWord(reg.scope)}." Write it as \`${reg.handler}: function (args) { ... }\` inside \`exports = { ... }\`.`;
    out.push(handlerNotVisible.at(reg.file, where, why, { handler: reg.handler, form: callback.form }));
    if (reg.file !== SERVER_SCRIPT) out.push(handlerNotVisible.at(SERVER_SCRIPT, callback.nameRange, why, { handler: reg.handler, form: callback.form }));
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
      out.push(omniMissingEvent.at(reg.file, reg.eventRange,
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
