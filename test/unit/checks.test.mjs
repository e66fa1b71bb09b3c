// One test per diagnostic code of checks.ts and payloadChecks.ts, on in-memory apps (no disk): code, severity,
// the exact message where it is fdk's wording, and the range (0-based, LSP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');
const { defaultPayload } = await loadTs('server/src/core/catalogue.ts');

const lines = (...l) => l.join('\n');
const R = (sl, sc, el, ec) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const START = R(0, 0, 0, 0);
const FDK_PARSE = 'Error while parsing file containing serverless functions. Please use the exports section as recommended in the Serverless Apps section of the SDK documentation.';

function diagnose({ manifest, script, payloads = {} }) {
  return diagnoseApp({
    manifest: { path: 'manifest.json', text: manifest },
    serverScript: script === undefined ? undefined : { path: 'server/server.js', text: script },
    testData: Object.keys(payloads),
  }, (p) => payloads[p]).diagnostics;
}
const only = (diags, code) => diags.filter((d) => d.code === code);
const one = (diags, code) => {
  const found = only(diags, code);
  assert.equal(found.length, 1, `expected exactly one ${code}, got: ${JSON.stringify(diags.map((d) => `${d.code}: ${d.message}`), null, 1)}`);
  return found[0];
};

/** A 2.3 manifest; event lines start on line 5 with the key at character 8. */
function m23(eventLines, { product = 'freshworks_crm', extra = '' } = {}) {
  return lines('{', '  "platform-version": "2.3",', '  "product": {', `    "${product}": {`, '      "events": {',
    ...eventLines.map((l, i) => `        ${l}${i < eventLines.length - 1 ? ',' : ''}`),
    '      }', '    }', `  },${extra}`, '  "engines": { "node": "18.20.8", "fdk": "9.6.0" }', '}');
}
/** A 3.0 manifest from { module: [event lines] }; module keys on lines 3, 3 + ... */
function m30(modules, { engines = true } = {}) {
  const out = ['{', '  "platform-version": "3.0",', '  "modules": {'];
  const names = Object.keys(modules);
  names.forEach((name, i) => {
    const body = modules[name];
    const events = body === null ? '' : `"events": { ${body.join(', ')} }`;
    out.push(`    "${name}": { ${events} }${i < names.length - 1 ? ',' : ''}`);
  });
  out.push(engines ? '  },' : '  }');
  if (engines) out.push('  "engines": { "node": "24.11.0", "fdk": "10.0.1" }');
  out.push('}');
  return out.join('\n');
}
const SCRIPT = lines('exports = {', '  onDealCreateHandler: function (args) {},', '  onContactCreateHandler: async function (args) {},', '  onAppInstallHandler(args) {}', '};');
const payload = (event, product = 'freshworks_crm') => JSON.stringify(defaultPayload(event, product), null, 2);

// ---- a clean app --------------------------------------------------------------------------------------

test('clean 2.3 app: zero errors and warnings (and no information when every payload exists)', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }', '"onContactCreate": { "handler": "onContactCreateHandler" }']),
    script: SCRIPT,
    payloads: { 'server/test_data/onDealCreate.json': payload('onDealCreate'), 'server/test_data/onContactCreate.json': payload('onContactCreate') },
  });
  assert.deepEqual(d, []);
});

test('clean 3.0 app: zero errors and warnings', () => {
  const d = diagnose({
    manifest: m30({ common: ['"onAppInstall": { "handler": "onAppInstallHandler" }'], deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }),
    script: SCRIPT,
    payloads: { 'server/test_data/common/onAppInstall.json': payload('onAppInstall'), 'server/test_data/deal/onDealCreate.json': payload('onDealCreate') },
  });
  assert.deepEqual(d.filter((x) => x.severity === 'error' || x.severity === 'warning'), []);
});

// ---- manifest shape -----------------------------------------------------------------------------------

test('missing-platform-version', () => {
  const d = diagnose({ manifest: '{ "product": { "freshworks_crm": { "events": {} } } }', script: SCRIPT });
  const x = one(d, 'missing-platform-version');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, 'manifest.json has no "platform-version" (2.0, 2.1, 2.2, 2.3 or 3.0).');
  assert.deepEqual(x.range, START);
  assert.equal(x.file, 'manifest.json');
});

test('unknown-product: a product no Freshworks list knows', () => {
  const d = diagnose({ manifest: m23(['"onTicketCreate": { "handler": "onDealCreateHandler" }'], { product: 'freshbooks' }), script: SCRIPT });
  const x = one(d, 'unknown-product');
  assert.equal(x.severity, 'warning');
  assert.equal(x.message, "'freshbooks' is not a Freshsales product. Expected one of: freshworks_crm, freshsales.");
  assert.deepEqual(x.range, R(3, 4, 3, 16));
});

test('unknown-module: a near-miss of a Freshsales module is a typo, not another product', () => {
  const d = diagnose({ manifest: m30({ deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'], contcat: null }), script: SCRIPT });
  const x = one(d, 'unknown-module');
  assert.equal(x.severity, 'warning');
  assert.match(x.message, /^'contcat' is not a Freshsales module\. Expected one of: .*\bdeal\b.*\.$/);
  assert.deepEqual(x.range, R(4, 4, 4, 13));
  assert.deepEqual(only(d, 'other-product'), []);
});

// ---- other Freshworks products ----------------------------------------------------------------------------

const FD_SCRIPT = lines('exports = {', '  onTicketCreateHandler: function (args) {},', '  onAppInstallHandler: function (args) {}', '};');

test('other-product: a Freshdesk 2.x app gets one notice and fdk\'s event check, with that product\'s list', () => {
  const d = diagnose({
    manifest: m23(['"onAppInstall": { "handler": "onAppInstallHandler" }', '"onTicketCreate": { "handler": "onTicketCreateHandler" }',
      '"onExternalEvent": { "handler": "onTicketCreateHandler" }', '"onScheduledEvent": { "handler": "onTicketCreateHandler" }',
      '"onTicketCreat": { "handler": "onTicketCreateHandler" }', '"onDealCreate": { "handler": "onTicketCreateHandler" }'], { product: 'freshdesk' }),
    script: FD_SCRIPT,
  });
  const notice = one(d, 'other-product');
  assert.equal(notice.severity, 'information');
  assert.deepEqual(notice.range, R(3, 4, 3, 15));
  const unknown = only(d, 'unknown-event');
  assert.deepEqual(unknown.map((x) => [x.severity, x.message]), [
    ['error', "Invalid event: 'onTicketCreat' for product: freshdesk. Did you mean 'onTicketCreate'?"],
    ['error', "Invalid event: 'onDealCreate' for product: freshdesk. Did you mean 'onAgentCreate'?"],
  ]);
  assert.deepEqual(only(d, 'event-not-in-scope'), []);
  assert.deepEqual(only(d, 'unknown-product'), []);
});

test('other-product: afterAppUpdate is every product\'s; fdk\'s own payload file names (onNewhireCreate.json) are known', () => {
  const d = diagnose({
    manifest: m23(['"afterAppUpdate": { "handler": "onAppInstallHandler" }', '"onNewHireCreate": { "handler": "onTicketCreateHandler" }'], { product: 'freshteam' }),
    script: FD_SCRIPT,
    payloads: { 'server/test_data/onNewhireCreate.json': '{ "data": {} }' },
  });
  assert.deepEqual(d.filter((x) => x.severity !== 'information' && x.severity !== 'hint'), []);
});

test('other-product: handlers of another product\'s events are still checked', () => {
  const d = diagnose({ manifest: m23(['"onTicketUpdate": { "handler": "onTicketUpdateHandler" }'], { product: 'freshservice' }), script: FD_SCRIPT });
  assert.equal(one(d, 'handler-not-defined').message, "Event callback 'onTicketUpdateHandler' is not defined for product: freshservice.");
});

test('other-product: a 3.0 global app with a ticket module; a guessed module\'s unknown event only warns', () => {
  const d = diagnose({
    manifest: m30({ common: ['"onAppInstall": { "handler": "onAppInstallHandler" }'], support_ticket: ['"onTicketCreate": { "handler": "onTicketCreateHandler" }', '"onTicketClose": { "handler": "onTicketCreateHandler" }'], deal: ['"onDealCreate": { "handler": "onTicketCreateHandler" }'] }),
    script: FD_SCRIPT,
    payloads: { 'server/test_data/support_ticket/onTicketCreate.json': '{ "account_id": 7, "data": { "ticket": { "id": "x" } } }' },
  });
  assert.match(one(d, 'other-product').message, /^'support_ticket' is not a Freshsales module \(Freshdesk\)/);
  const x = one(d, 'unknown-event');
  assert.equal(x.severity, 'warning');
  assert.match(x.message, /^Invalid event: 'onTicketClose' for module: support_ticket: not an event of Freshdesk/);
  assert.deepEqual(d.filter((y) => y.file.startsWith('server/test_data/')), [], 'no schema for Freshdesk payloads');
});

test('other-product payloads: only their JSON is checked; a flat copy beside the module folder is pointed out', () => {
  const d = diagnose({
    manifest: m30({ support_ticket: ['"onTicketCreate": { "handler": "onTicketCreateHandler" }'] }),
    script: FD_SCRIPT,
    payloads: { 'server/test_data/support_ticket/onTicketCreate.json': '{ "data": ', 'server/test_data/onTicketCreate.json': '{}' },
  });
  assert.ok(only(d, 'json-syntax').every((x) => x.file === 'server/test_data/support_ticket/onTicketCreate.json'));
  assert.ok(only(d, 'json-syntax').length > 0);
  assert.equal(one(d, 'payload-not-registered').message,
    'The simulator reads the onTicketCreate payload from server/test_data/support_ticket/onTicketCreate.json, so this file is never used.');
});

test('Classic knows the events newer fdk writes payloads for (afterAppUpdate, onPhoneCallCreate, ...)', () => {
  const d = diagnose({
    manifest: m23(['"afterAppUpdate": { "handler": "onAppInstallHandler" }', '"onPhoneCallCreate": { "handler": "onDealCreateHandler" }', '"onSalesActivityCreate": { "handler": "onDealCreateHandler" }'], { product: 'freshsales' }),
    script: SCRIPT,
    payloads: { 'server/test_data/onUserAgentAvailabilityUpdate.json': payload('onUserAgentAvailabilityUpdate', 'freshsales') },
  });
  assert.deepEqual(d.filter((x) => x.severity === 'error' || x.severity === 'warning'), []);
});

test('payload-legacy-type: old fdk payload types warn with the documented value, never an error', () => {
  const contact = defaultPayload('onContactCreate', 'freshworks_crm');
  contact.account_id = 123;
  contact.timestamp = '1593015490.5';
  const external = { ...defaultPayload('onExternalEvent', 'freshworks_crm'), data: '{"a":1}' };
  const d = diagnose({
    manifest: m23(['"onContactCreate": { "handler": "onContactCreateHandler" }', '"onExternalEvent": { "handler": "onContactCreateHandler" }']),
    script: SCRIPT,
    payloads: { 'server/test_data/onContactCreate.json': JSON.stringify(contact, null, 2), 'server/test_data/onExternalEvent.json': JSON.stringify(external, null, 2) },
  });
  assert.deepEqual(d.filter((x) => x.severity === 'error'), []);
  const legacy = only(d, 'payload-legacy-type');
  assert.deepEqual(legacy.map((x) => [x.file, x.severity, x.data.newText]), [
    ['server/test_data/onContactCreate.json', 'warning', '"123"'],
    ['server/test_data/onContactCreate.json', 'warning', '1593015490.5'],
    ['server/test_data/onExternalEvent.json', 'warning', '{\n  "a": 1\n}'],
  ]);
  assert.match(legacy[0].message, /^"account_id" is a number here, as older fdk versions generated it; the platform sends a string/);
});

test('a payload of an event the app does not register never fails check', () => {
  const d = diagnose({
    manifest: m23(['"onContactCreate": { "handler": "onContactCreateHandler" }']),
    script: SCRIPT,
    payloads: { 'server/test_data/onContactCreate.json': payload('onContactCreate'), 'server/test_data/onDealCreate.json': '{ "region": "XX", "data": { "deal": 1 } }' },
  });
  assert.deepEqual(d.filter((x) => x.severity === 'error'), []);
  assert.ok(only(d, 'payload-schema').length > 0);
  assert.ok(only(d, 'payload-schema').every((x) => x.severity === 'warning' && /onDealCreate is not registered/.test(x.message)));
});

test('an empty {} payload (a placeholder real apps keep) warns about what the platform sends, never fails', () => {
  const d = diagnose({ manifest: m23(['"onScheduledEvent": { "handler": "onContactCreateHandler" }']), script: SCRIPT, payloads: { 'server/test_data/onScheduledEvent.json': '{}' } });
  assert.deepEqual(d.filter((x) => x.severity === 'error'), []);
  assert.match(one(d, 'payload-schema').message, /^Missing property "data"\. \(The payload is empty: fdk runs it/);
});

test('server/test_data/<function>.json of a manifest function is a server method input, not an unknown event', () => {
  const manifest = m23(['"onContactCreate": { "handler": "onContactCreateHandler" }']).replace('      }\n    }', '      },\n      "functions": { "lookupCompany": {} }\n    }');
  // The server method exists (else function-not-defined says so): only its input file is under test here.
  const script = SCRIPT.replace('exports = {', 'exports = {\n  lookupCompany: function (args) {},');
  const d = diagnose({ manifest, script, payloads: { 'server/test_data/onContactCreate.json': payload('onContactCreate'), 'server/test_data/lookupCompany.json': '{ "q": 1 }' } });
  assert.deepEqual(d, []);
  const broken = diagnose({ manifest, script, payloads: { 'server/test_data/lookupCompany.json': '{ "q": ' } });
  assert.ok(only(broken, 'json-syntax').length > 0, 'its JSON is still checked');
  assert.deepEqual(only(broken, 'payload-unknown-event'), []);
});

test('events-array-ignored: a 2.1–2.3 manifest without events while server.js keeps a 2.0 events array', () => {
  const manifest = lines('{', '  "platform-version": "2.2",', '  "product": { "freshworks_crm": {} }', '}');
  const script = lines('exports = {', "  events: [{ event: 'onDealCreate', callback: 'onDealCreateHandler' }],", '  onDealCreateHandler: function (args) {}', '};');
  const x = one(diagnose({ manifest, script }), 'events-array-ignored');
  assert.equal(x.severity, 'warning');
  assert.equal(x.file, 'server/server.js');
  assert.deepEqual(x.range, R(1, 10, 1, 70));
  assert.match(x.message, /^platform-version 2\.2 reads events from manifest\.json only/);
  // With events in the manifest, the array is just dead code: no warning.
  const withEvents = m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']);
  assert.deepEqual(only(diagnose({ manifest: withEvents, script }), 'events-array-ignored'), []);
});

test('did-you-mean prefers the event people mean: onAppUpdate → afterAppUpdate', () => {
  const d = diagnose({ manifest: m23(['"onAppUpdate": { "handler": "onAppInstallHandler" }']), script: SCRIPT });
  const x = one(d, 'unknown-event');
  assert.equal(x.message, "Invalid event: 'onAppUpdate' for product: freshworks_crm. Did you mean 'afterAppUpdate'?");
  assert.deepEqual(x.data, { suggestion: 'afterAppUpdate' });
});

test('empty-events (3.0 rejects "events": {})', () => {
  const d = diagnose({ manifest: m30({ common: [], deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }), script: SCRIPT });
  const x = one(d, 'empty-events');
  assert.equal(x.severity, 'error');
  assert.match(x.message, /^"events" of module common is empty/);
  // `    "common": { "events": {  } }` — the object value of "events"
  assert.deepEqual(x.range, R(3, 26, 3, 30));
});

test('missing-module (3.0 needs a module besides common)', () => {
  const d = diagnose({ manifest: m30({ common: ['"onAppInstall": { "handler": "onAppInstallHandler" }'] }), script: SCRIPT });
  const x = one(d, 'missing-module');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, 'A platform 3.0 manifest needs at least one module besides "common" under "modules".');
  assert.deepEqual(x.range, START);
});

test('missing-engines (3.0)', () => {
  const d = diagnose({ manifest: m30({ deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }, { engines: false }), script: SCRIPT });
  const x = one(d, 'missing-engines');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, 'A platform 3.0 manifest needs an "engines" block ({ "node": ..., "fdk": ... }).');
  assert.deepEqual(x.range, START);
});

test('json-syntax in manifest.json (a trailing comma fdk\'s JSON.parse rejects)', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" },']), script: SCRIPT });
  const x = one(d, 'json-syntax');
  assert.equal(x.severity, 'error');
  assert.equal(x.file, 'manifest.json');
  assert.match(x.message, /^Malformed JSON: trailing comma/);
  assert.deepEqual(x.range, R(5, 60, 5, 61));
  // the model still registers the event, so nothing else is reported
  assert.deepEqual(d.filter((y) => y.code !== 'json-syntax' && y.code !== 'no-test-data'), []);
});

// ---- server.js ----------------------------------------------------------------------------------------

test('server-script-unparsable: a syntax error (fdk wording + the parser\'s detail, at the error)', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: lines('exports = {', '  onDealCreateHandler: function (args) { var x = ; }', '};') });
  const x = one(d, 'server-script-unparsable');
  assert.equal(x.severity, 'error');
  assert.equal(x.file, 'server/server.js');
  assert.equal(x.message, `${FDK_PARSE} (Unexpected token)`);
  assert.deepEqual(x.range, R(1, 49, 1, 50));
  // the loose parse still finds the handler: no handler-not-defined on top
  assert.deepEqual(only(d, 'handler-not-defined'), []);
});

test('server-script-unparsable: no top-level exports = {...} (and no per-handler noise)', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: 'function onDealCreateHandler() {}\n' });
  const x = one(d, 'server-script-unparsable');
  assert.equal(x.message, `${FDK_PARSE} (no top-level \`exports = { ... }\` was found)`);
  assert.deepEqual(x.range, START);
  assert.deepEqual(only(d, 'handler-not-defined'), []);
});

// ---- registrations ------------------------------------------------------------------------------------

test('unknown-event with did-you-mean (data.suggestion)', () => {
  const d = diagnose({ manifest: m23(['"onDealCreat": { "handler": "onDealCreateHandler" }']), script: SCRIPT });
  const x = one(d, 'unknown-event');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, "Invalid event: 'onDealCreat' for product: freshworks_crm. Did you mean 'onDealCreate'?");
  assert.deepEqual(x.data, { suggestion: 'onDealCreate' });
  assert.deepEqual(x.range, R(5, 8, 5, 21));
  // no test-data hint for an invalid event
  assert.deepEqual(only(d, 'no-test-data'), []);
});

test('unknown-event without a suggestion is fdk\'s message alone', () => {
  const d = diagnose({ manifest: m23(['"somethingElse": { "handler": "onDealCreateHandler" }']), script: SCRIPT });
  const x = one(d, 'unknown-event');
  assert.equal(x.message, "Invalid event: 'somethingElse' for product: freshworks_crm");
  assert.equal(x.data, undefined);
});

test('event-not-in-scope: a Classic-only event under freshworks_crm (2.x)', () => {
  const d = diagnose({ manifest: m23(['"onLeadCreate": { "handler": "onDealCreateHandler" }']), script: SCRIPT });
  const x = one(d, 'event-not-in-scope');
  assert.equal(x.severity, 'error');
  assert.ok(x.message.startsWith("Invalid event: 'onLeadCreate' for product: freshworks_crm"), x.message);
  assert.match(x.message, /Freshsales Classic event\.$/);
  assert.deepEqual(x.range, R(5, 8, 5, 22));
});

test('event-not-in-scope: a 3.0 event under the wrong module (data.module)', () => {
  const d = diagnose({ manifest: m30({ contact: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }), script: SCRIPT });
  const x = one(d, 'event-not-in-scope');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, "Invalid event: 'onDealCreate' for module: contact — register it under modules.deal.events.");
  assert.deepEqual(x.data, { module: 'deal' });
  // `    "contact": { "events": { "onDealCreate"...`
  assert.deepEqual(x.range, R(3, 29, 3, 43));
});

test('handler-key-typo ("hanlder")', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "hanlder": "onDealCreateHandler" }']), script: SCRIPT });
  const x = one(d, 'handler-key-typo');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, "\"hanlder\" is not a key the platform knows: did you mean \"handler\"? (fdk reports: Event callback 'undefined' is not defined for product: freshworks_crm.)");
  assert.deepEqual(x.data, { key: 'hanlder' });
  assert.deepEqual(x.range, R(5, 26, 5, 35));
  // the typo is the explanation: no handler-missing, no unknown-event-key on top
  assert.deepEqual(only(d, 'handler-missing'), []);
  assert.deepEqual(only(d, 'unknown-event-key'), []);
});

test('unknown-event-key', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler", "timeout": 20 }']), script: SCRIPT });
  const x = one(d, 'unknown-event-key');
  assert.equal(x.severity, 'warning');
  assert.equal(x.message, 'Unknown key "timeout" in the registration of onDealCreate: only "handler" is read.');
  assert.deepEqual(x.range, R(5, 60, 5, 69));
});

test('handler-missing', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": {}']), script: SCRIPT });
  const x = one(d, 'handler-missing');
  assert.equal(x.severity, 'error');
  assert.ok(x.message.startsWith("Event callback 'undefined' is not defined for product: freshworks_crm."), x.message);
  assert.deepEqual(x.range, R(5, 8, 5, 22));
});

test('server-script-missing', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']) });
  const x = one(d, 'server-script-missing');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, "Event callback 'onDealCreateHandler' is not defined for product: freshworks_crm. (server/server.js does not exist.)");
  assert.deepEqual(x.range, R(5, 37, 5, 58));
  assert.deepEqual(x.data, { handler: 'onDealCreateHandler' });
});

test('handler-not-defined (fdk wording, on the handler value)', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealHandler" }']), script: SCRIPT });
  const x = one(d, 'handler-not-defined');
  assert.equal(x.severity, 'error');
  assert.equal(x.message, "Event callback 'onDealHandler' is not defined for product: freshworks_crm.");
  assert.deepEqual(x.range, R(5, 37, 5, 52));
  assert.deepEqual(x.data, { handler: 'onDealHandler' });
});

test('handler-not-defined: a callback in a second exports = {...} is not seen', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "late" }']),
    script: lines('exports = { a: function () {} };', 'exports = { late: function () {} };'),
  });
  one(d, 'handler-not-defined');
});

test('handler-not-visible (arrow): reported on the manifest handler AND on the server.js key', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']),
    script: lines('exports = {', '  onDealCreateHandler: (args) => {', '    console.log(args);', '  }', '};'),
  });
  const found = only(d, 'handler-not-visible');
  assert.equal(found.length, 2);
  const [inManifest, inScript] = [found.find((x) => x.file === 'manifest.json'), found.find((x) => x.file === 'server/server.js')];
  for (const x of [inManifest, inScript]) {
    assert.equal(x.severity, 'error');
    assert.equal(x.message, "'onDealCreateHandler' is defined as an arrow function, which the Freshworks tooling does not see: fdk reports \"Event callback 'onDealCreateHandler' is not defined for product: freshworks_crm.\" Write it as `onDealCreateHandler: function (args) { ... }` inside `exports = { ... }`.");
    assert.deepEqual(x.data, { handler: 'onDealCreateHandler', form: 'arrow' });
  }
  assert.deepEqual(inManifest.range, R(5, 37, 5, 58));
  assert.deepEqual(inScript.range, R(1, 2, 1, 21));
});

test('handler-not-visible: a string computed key is found by name and explained', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: "exports = { ['onDealCreateHandler']: function () {} };" });
  const x = only(d, 'handler-not-visible').find((y) => y.file === 'manifest.json');
  assert.deepEqual(x.data, { handler: 'onDealCreateHandler', form: 'computed-key' });
  assert.deepEqual(only(d, 'handler-not-defined'), []);
});

test('handler-not-visible prefers a visible definition when the name is defined twice', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']),
    script: lines('exports = { onDealCreateHandler: function () {} };', 'exports.onDealCreateHandler = () => {};'),
  });
  assert.deepEqual(only(d, 'handler-not-visible'), []);
});

test('duplicate-event in the manifest: a warning on the first (silently dropped) entry', () => {
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }', '"onDealCreate": { "handler": "onContactCreateHandler" }']), script: SCRIPT });
  const x = one(d, 'duplicate-event');
  assert.equal(x.severity, 'warning');
  assert.equal(x.message, "'onDealCreate' is registered twice for product: freshworks_crm; the platform silently keeps the last one.");
  assert.deepEqual(x.range, R(5, 8, 5, 22));
  assert.deepEqual(x.data, { line: 7 });
});

const M20 = '{\n  "platform-version": "2.0",\n  "product": { "freshworks_crm": {} }\n}';

test('duplicate-event in the 2.0 events array: fdk\'s error on the second item', () => {
  const d = diagnose({
    manifest: M20,
    script: lines('exports = {', '  events: [', "    { event: 'onDealCreate', callback: 'onDealCreateHandler' },",
      "    { event: 'onDealCreate', callback: 'onContactCreateHandler' }", '  ],', '  onDealCreateHandler: function () {},',
      '  onContactCreateHandler: function () {}', '};'),
  });
  const x = one(d, 'duplicate-event');
  assert.equal(x.severity, 'error');
  assert.equal(x.file, 'server/server.js');
  assert.equal(x.message, "Event 'onDealCreate' is already mapped to a callback for product: freshworks_crm");
  assert.deepEqual(x.range, R(3, 13, 3, 27));
});

test('events-array-invalid-key (2.0 items may only have event and callback)', () => {
  const d = diagnose({
    manifest: M20,
    script: lines('exports = {', "  events: [{ event: 'onDealCreate', callback: 'onDealCreateHandler', product: 'freshworks_crm' }],", '  onDealCreateHandler: function () {}', '};'),
  });
  const x = one(d, 'events-array-invalid-key');
  assert.equal(x.severity, 'error');
  assert.equal(x.file, 'server/server.js');
  assert.equal(x.message, "Invalid key in events array: 'product' for product: freshworks_crm");
  assert.deepEqual(x.range, R(1, 11, 1, 96));
  assert.deepEqual(only(d, 'unknown-event-key'), []);
});

test('omni-missing-event: registered under one product only', () => {
  const manifest = lines('{', '  "platform-version": "2.3",', '  "product": {',
    '    "freshworks_crm": { "events": { "onDealCreate": { "handler": "onDealCreateHandler" }, "onContactCreate": { "handler": "onContactCreateHandler" } } },',
    '    "freshsales": { "events": { "onDealCreate": { "handler": "onDealCreateHandler" } } }', '  },',
    '  "engines": { "node": "18.20.8", "fdk": "9.6.0" }', '}');
  const d = diagnose({ manifest, script: SCRIPT });
  const x = one(d, 'omni-missing-event');
  assert.equal(x.severity, 'warning');
  assert.equal(x.message, "Omni app: 'onContactCreate' is registered for freshworks_crm but not for freshsales. Register it under both products.");
  assert.deepEqual(x.data, { product: 'freshsales' });
  assert.deepEqual(x.range, R(3, 90, 3, 107));
});

test('events-block-ignored: a bare top-level "events" block', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }'], { extra: '\n  "events": { "onContactCreate": { "handler": "onContactCreateHandler" } },' }),
    script: SCRIPT,
  });
  const x = one(d, 'events-block-ignored');
  assert.equal(x.severity, 'warning');
  assert.equal(x.message, 'The platform ignores a top-level "events" block: platform-version 2.3 reads events from product.<product>.events.');
  assert.deepEqual(x.range, R(9, 2, 9, 10));
});

test('no-test-data (information, with the path the simulator would read)', () => {
  const d = diagnose({ manifest: m30({ deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }), script: SCRIPT });
  const x = one(d, 'no-test-data');
  assert.equal(x.severity, 'information');
  assert.equal(x.message, 'No test payload for onDealCreate at server/test_data/deal/onDealCreate.json: simulation will use the bundled default.');
  assert.deepEqual(x.range, R(3, 26, 3, 40));
  assert.equal(x.data.path, 'server/test_data/deal/onDealCreate.json');
});

// ---- payload files ------------------------------------------------------------------------------------

test('payload-event-mismatch: the payload\'s "event" disagrees with its file name', () => {
  const text = payload('onDealCreate').replace('"event": "onDealCreate"', '"event": "onDealUpdate"');
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: SCRIPT, payloads: { 'server/test_data/onDealCreate.json': text } });
  const x = one(d, 'payload-event-mismatch');
  assert.equal(x.severity, 'warning');
  assert.equal(x.file, 'server/test_data/onDealCreate.json');
  assert.equal(x.message, 'This payload says "event": "onDealUpdate" but its file is for onDealCreate. The simulator overwrites "event" with "onDealCreate" before the call.');
  const line = text.split('\n').findIndex((l) => l.includes('"event": "onDealUpdate"'));
  const character = text.split('\n')[line].indexOf('"onDealUpdate"');
  assert.deepEqual(x.range, R(line, character, line, character + 14));
});

test('payload-not-registered: a hint (the Problems panel does not list it; the file says it on hover)', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: SCRIPT,
    payloads: { 'server/test_data/onDealCreate.json': payload('onDealCreate'), 'server/test_data/onTaskCreate.json': payload('onTaskCreate') },
  });
  const x = one(d, 'payload-not-registered');
  assert.equal(x.severity, 'hint');
  assert.equal(x.file, 'server/test_data/onTaskCreate.json');
  assert.equal(x.message, 'onTaskCreate is not registered in manifest.json, so this payload is never used.');
  assert.deepEqual(x.range, START);
});

test('payload-not-registered: in an omni app the product folder must match', () => {
  const manifest = lines('{', '  "platform-version": "2.3",', '  "product": {',
    '    "freshworks_crm": { "events": { "onDealCreate": { "handler": "onDealCreateHandler" } } },',
    '    "freshsales": { "events": { "onContactCreate": { "handler": "onContactCreateHandler" } } }', '  }', '}');
  const d = diagnose({ manifest, script: SCRIPT, payloads: { 'server/test_data/freshsales/onDealCreate.json': payload('onDealCreate', 'freshsales') } });
  const x = only(d, 'payload-not-registered')[0];
  assert.equal(x.message, 'onDealCreate is not registered for product freshsales in manifest.json, so this payload is never used.');
});

test('json-syntax in a payload file (error at the place, nothing else checked)', () => {
  const d = diagnose({
    manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: SCRIPT,
    payloads: { 'server/test_data/onDealCreate.json': '{\n  "event": "onDealCreate",\n  "data": {\n' },
  });
  const found = only(d, 'json-syntax');
  assert.ok(found.length >= 1);
  assert.ok(found.every((x) => x.severity === 'error' && x.file === 'server/test_data/onDealCreate.json'));
  assert.deepEqual(found[0].range.start, { line: 3, character: 0 });
  assert.deepEqual(only(d, 'payload-schema'), []);
});

test('payload-not-registered: a registered event\'s payload outside the dialect\'s layout is never read', () => {
  const d = diagnose({
    manifest: m30({ deal: ['"onDealCreate": { "handler": "onDealCreateHandler" }'] }), script: SCRIPT,
    payloads: { 'server/test_data/onDealCreate.json': payload('onDealCreate') },
  });
  const x = one(d, 'payload-not-registered');
  assert.equal(x.severity, 'information');
  assert.equal(x.message, 'The simulator reads the onDealCreate payload from server/test_data/deal/onDealCreate.json, so this file is never used.');
  assert.deepEqual(x.data, { expected: 'server/test_data/deal/onDealCreate.json' });
  // and the registration still says its payload is missing
  one(d, 'no-test-data');
});

test('payload-event-mismatch on malformed JSON: the event is still found (through the lenient tree)', () => {
  const text = payload('onDealCreate').replace('"event": "onDealCreate"', '"event": "onDealUpdate"').replace(/\n}$/, ',\n}');
  const d = diagnose({ manifest: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']), script: SCRIPT, payloads: { 'server/test_data/onDealCreate.json': text } });
  const line = text.split('\n').findIndex((l) => l.includes('"event": "onDealUpdate"'));
  assert.equal(one(d, 'payload-event-mismatch').range.start.line, line);
  assert.ok(only(d, 'json-syntax').length);
});

test('rememberedAnalysis: a payload\'s schema check is re-used while its text, event and product stay; the lists handed out are copies', async () => {
  const { rememberedAnalysis, checkPayloadFile } = await loadTs('server/src/core/payloadChecks.ts');
  const { buildAppModel } = await loadTs('server/src/core/appModel.ts');
  const counting = rememberedAnalysis();
  const file = 'server/test_data/onDealCreate.json';
  const bad = payload('onDealCreate').replace('"region": "US"', '"region": "MARS"');
  const app = (script) => buildAppModel({ manifest: { path: 'manifest.json', text: m23(['"onDealCreate": { "handler": "onDealCreateHandler" }']) }, serverScript: { path: 'server/server.js', text: script }, testData: [file] });
  const first = checkPayloadFile(app(SCRIPT), file, bad, counting);
  assert.deepEqual(first.map((x) => x.code), ['payload-schema']);
  first.push({ code: 'scribbled' });
  // server.js changed: a new app model, the same payload text: the same answer (from the remembered analysis)
  const again = checkPayloadFile(app(SCRIPT + '\n// edit\n'), file, bad, counting);
  assert.deepEqual(again.map((x) => x.code), ['payload-schema']);
  assert.equal(again[0], first[0], 'the same diagnostic object: not analysed again');
  // the text changed: analysed again
  assert.deepEqual(checkPayloadFile(app(SCRIPT), file, payload('onDealCreate'), counting), []);
  const afterChange = checkPayloadFile(app(SCRIPT), file, bad, counting);
  assert.deepEqual(afterChange, [first[0]]);
  assert.notEqual(afterChange[0], first[0]);
});
