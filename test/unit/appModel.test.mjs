// The app model from text alone: the three manifest dialects, omni apps, half-typed files, and which
// server/test_data file belongs to which registration under each layout. Positions are 0-based (LSP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { buildAppModel } = await loadTs('server/src/core/appModel.ts');
const { testDataFor, expectedTestDataPath, usesScopeFolders } = await loadTs('server/src/core/testDataLayout.ts');

const lines = (...l) => l.join('\n');
const R = (sl, sc, el, ec) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const app = (manifest, serverScript, testData = []) => buildAppModel({
  manifest: { path: 'manifest.json', text: manifest },
  serverScript: serverScript === undefined ? undefined : { path: 'server/server.js', text: serverScript },
  testData,
});
const brief = (r) => ({ event: r.event, handler: r.handler, scope: r.scope, file: r.file });

const V23 = lines(
  '{',
  '  "platform-version": "2.3",',
  '  "product": {',
  '    "freshworks_crm": {',
  '      "events": {',
  '        "onDealCreate": { "handler": "onDealCreateHandler" },',
  '        "onContactUpdate": { "handler": "onContactUpdateHandler" }',
  '      }',
  '    }',
  '  },',
  '  "engines": { "node": "18.20.8", "fdk": "9.6.0" }',
  '}');

test('2.3 single product: dialect, scope, registrations with exact ranges', () => {
  const a = app(V23, 'exports = {};');
  assert.equal(a.platformVersion, '2.3');
  assert.equal(a.dialect, '2.x');
  assert.deepEqual(a.scopes, [{ kind: 'product', name: 'freshworks_crm' }]);
  assert.deepEqual(a.parseProblems, []);
  assert.equal(a.registrations.length, 2);
  const [deal, contact] = a.registrations;
  assert.deepEqual(brief(deal), { event: 'onDealCreate', handler: 'onDealCreateHandler', scope: { kind: 'product', name: 'freshworks_crm' }, file: 'manifest.json' });
  assert.deepEqual(deal.eventRange, R(5, 8, 5, 22));
  assert.deepEqual(deal.handlerRange, R(5, 37, 5, 58));
  assert.deepEqual(deal.entryRange, R(5, 8, 5, 60));
  assert.deepEqual(deal.otherKeys, []);
  assert.deepEqual(brief(contact), { event: 'onContactUpdate', handler: 'onContactUpdateHandler', scope: { kind: 'product', name: 'freshworks_crm' }, file: 'manifest.json' });
  assert.deepEqual(contact.eventRange, R(6, 8, 6, 25));
  assert.deepEqual(contact.handlerRange, R(6, 40, 6, 64));
});

test('2.x: a numeric platform-version and other 2.x versions are the 2.x dialect', () => {
  assert.equal(app('{ "platform-version": 2.1, "product": {} }').platformVersion, '2.1');
  assert.equal(app('{ "platform-version": "2.2", "product": {} }').dialect, '2.x');
  assert.equal(app('{ "platform-version": 3, "modules": {} }').dialect, '3.0');
});

test('no platform-version: the dialect is guessed from the shape', () => {
  assert.equal(app('{ "modules": { "deal": {} } }').dialect, '3.0');
  assert.equal(app('{ "product": { "freshworks_crm": {} } }').dialect, '2.x');
  assert.equal(app('{ "product": { "freshworks_crm": {} } }').platformVersion, undefined);
});

test('2.3 omni: both products are scopes and each keeps its own registrations', () => {
  const text = lines(
    '{',
    '  "platform-version": "2.3",',
    '  "product": {',
    '    "freshworks_crm": { "events": { "onDealCreate": { "handler": "onDeal" } } },',
    '    "freshsales": { "events": { "onDealCreate": { "handler": "onDeal" }, "onLeadCreate": { "handler": "onLead" } } }',
    '  }',
    '}');
  const a = app(text, 'exports = {};', [
    'server/test_data/freshworks_crm/onDealCreate.json',
    'server/test_data/freshsales/onDealCreate.json',
    'server/test_data/onLeadCreate.json',
  ]);
  assert.equal(a.dialect, '2.x');
  assert.deepEqual(a.scopes, [{ kind: 'product', name: 'freshworks_crm' }, { kind: 'product', name: 'freshsales' }]);
  assert.deepEqual(a.registrations.map((r) => `${r.scope.name}/${r.event}->${r.handler}`),
    ['freshworks_crm/onDealCreate->onDeal', 'freshsales/onDealCreate->onDeal', 'freshsales/onLeadCreate->onLead']);
  // line 3: 4 spaces, "freshworks_crm" 4..20, `: { "events": { ` then "onDealCreate" at 36
  assert.deepEqual(a.registrations[0].eventRange, R(3, 36, 3, 50));
  assert.deepEqual(a.registrations[0].handlerRange, R(3, 65, 3, 73));
  assert.deepEqual(a.registrations[1].eventRange, R(4, 32, 4, 46));
  assert.deepEqual(a.registrations[2].eventRange, R(4, 73, 4, 87));
  // <product>/<event>.json layout
  assert.equal(usesScopeFolders(a), true);
  assert.deepEqual(a.testData, [
    { path: 'server/test_data/freshworks_crm/onDealCreate.json', event: 'onDealCreate', scope: { kind: 'product', name: 'freshworks_crm' } },
    { path: 'server/test_data/freshsales/onDealCreate.json', event: 'onDealCreate', scope: { kind: 'product', name: 'freshsales' } },
    { path: 'server/test_data/onLeadCreate.json', event: 'onLeadCreate', scope: undefined },
  ]);
  const [crmDeal, fsDeal, fsLead] = a.registrations;
  assert.equal(testDataFor(a, crmDeal.event, crmDeal.scope)?.path, 'server/test_data/freshworks_crm/onDealCreate.json');
  assert.equal(testDataFor(a, fsDeal.event, fsDeal.scope)?.path, 'server/test_data/freshsales/onDealCreate.json');
  // a flat file is not where an omni app's simulator looks
  assert.equal(testDataFor(a, fsLead.event, fsLead.scope), undefined);
  assert.equal(expectedTestDataPath(a, 'onLeadCreate', fsLead.scope), 'server/test_data/freshsales/onLeadCreate.json');
});

const V30 = lines(
  '{',
  '  "platform-version": "3.0",',
  '  "modules": {',
  '    "common": {',
  '      "events": { "onAppInstall": { "handler": "onAppInstallHandler" } }',
  '    },',
  '    "deal": {',
  '      "events": {',
  '        "onDealCreate": { "handler": "onDealCreateHandler" }',
  '      }',
  '    },',
  '    "contact": { "events": { "onContactCreate": { "handler": "onContactCreateHandler" } } }',
  '  },',
  '  "engines": { "node": "24.11.0", "fdk": "10.0.1" }',
  '}');

test('3.0: modules (common included) are scopes; registrations per module with exact ranges', () => {
  const a = app(V30, 'exports = {};', [
    'server/test_data/common/onAppInstall.json',
    'server/test_data/deal/onDealCreate.json',
    'server/test_data/contact/onContactCreate.json',
    'server/test_data/onDealCreate.json',
    'server/test_data/task/onTaskCreate.json',
    'server/test_data/deal/nested/onDealCreate.json',
    'server/test_data/deal/notes.txt',
    'server/other/onDealCreate.json',
  ]);
  assert.equal(a.dialect, '3.0');
  assert.deepEqual(a.scopes, [{ kind: 'module', name: 'common' }, { kind: 'module', name: 'deal' }, { kind: 'module', name: 'contact' }]);
  assert.deepEqual(a.parseProblems, []);
  const [install, deal, contact] = a.registrations;
  assert.deepEqual(brief(install), { event: 'onAppInstall', handler: 'onAppInstallHandler', scope: { kind: 'module', name: 'common' }, file: 'manifest.json' });
  assert.deepEqual(install.eventRange, R(4, 18, 4, 32));
  assert.deepEqual(install.handlerRange, R(4, 47, 4, 68));
  assert.deepEqual(install.entryRange, R(4, 18, 4, 70));
  assert.deepEqual(brief(deal), { event: 'onDealCreate', handler: 'onDealCreateHandler', scope: { kind: 'module', name: 'deal' }, file: 'manifest.json' });
  assert.deepEqual(deal.eventRange, R(8, 8, 8, 22));
  assert.deepEqual(deal.handlerRange, R(8, 37, 8, 58));
  assert.deepEqual(brief(contact), { event: 'onContactCreate', handler: 'onContactCreateHandler', scope: { kind: 'module', name: 'contact' }, file: 'manifest.json' });
  assert.deepEqual(contact.eventRange, R(11, 29, 11, 46));
  assert.deepEqual(contact.handlerRange, R(11, 61, 11, 85));

  // <module>/<event>.json, common/ for set-up events; deeper folders and non-JSON files are skipped
  assert.deepEqual(a.testData.map((f) => [f.path, f.event, f.scope && `${f.scope.kind}:${f.scope.name}`]), [
    ['server/test_data/common/onAppInstall.json', 'onAppInstall', 'module:common'],
    ['server/test_data/deal/onDealCreate.json', 'onDealCreate', 'module:deal'],
    ['server/test_data/contact/onContactCreate.json', 'onContactCreate', 'module:contact'],
    ['server/test_data/onDealCreate.json', 'onDealCreate', undefined],
    ['server/test_data/task/onTaskCreate.json', 'onTaskCreate', 'module:task'],
  ]);
  assert.equal(testDataFor(a, 'onAppInstall', install.scope)?.path, 'server/test_data/common/onAppInstall.json');
  assert.equal(testDataFor(a, 'onDealCreate', deal.scope)?.path, 'server/test_data/deal/onDealCreate.json');
  assert.equal(testDataFor(a, 'onContactCreate', contact.scope)?.path, 'server/test_data/contact/onContactCreate.json');
  assert.equal(expectedTestDataPath(a, 'onDealUpdate', deal.scope), 'server/test_data/deal/onDealUpdate.json');
});

const V20_SCRIPT = lines(
  'exports = {',
  '  events: [',
  "    { event: 'onDealCreate', callback: 'onDealCreateHandler' },",
  "    { event: 'onContactUpdate', callback: 'onContactUpdateHandler' }",
  '  ],',
  '  onDealCreateHandler: function (args) {},',
  '  onContactUpdateHandler: function (args) {}',
  '};');

test('2.0: registrations come from the events array of server.js, scoped to the manifest product', () => {
  const a = app('{\n  "platform-version": "2.0",\n  "product": { "freshworks_crm": {} }\n}', V20_SCRIPT, ['server/test_data/onDealCreate.json']);
  assert.equal(a.platformVersion, '2.0');
  assert.equal(a.dialect, '2.0');
  assert.deepEqual(a.scopes, [{ kind: 'product', name: 'freshworks_crm' }]);
  const [deal, contact] = a.registrations;
  assert.deepEqual(brief(deal), { event: 'onDealCreate', handler: 'onDealCreateHandler', scope: { kind: 'product', name: 'freshworks_crm' }, file: 'server/server.js' });
  assert.deepEqual(deal.eventRange, R(2, 13, 2, 27));
  assert.deepEqual(deal.handlerRange, R(2, 39, 2, 60));
  assert.deepEqual(deal.entryRange, R(2, 4, 2, 62));
  assert.deepEqual(brief(contact), { event: 'onContactUpdate', handler: 'onContactUpdateHandler', scope: { kind: 'product', name: 'freshworks_crm' }, file: 'server/server.js' });
  assert.deepEqual(contact.eventRange, R(3, 13, 3, 30));
  assert.deepEqual(contact.handlerRange, R(3, 42, 3, 66));
  assert.deepEqual(a.script.eventsArray.range, R(1, 10, 4, 3));
  // <event>.json layout
  assert.equal(usesScopeFolders(a), false);
  assert.deepEqual(a.testData, [{ path: 'server/test_data/onDealCreate.json', event: 'onDealCreate', scope: undefined }]);
  assert.equal(testDataFor(a, 'onDealCreate', deal.scope)?.path, 'server/test_data/onDealCreate.json');
  assert.equal(testDataFor(a, 'onContactUpdate', contact.scope), undefined);
});

test('2.0 without a product block still scopes the array to freshworks_crm', () => {
  const a = app('{ "platform-version": "2.0" }', V20_SCRIPT);
  assert.deepEqual(a.scopes, [{ kind: 'product', name: 'freshworks_crm' }]);
  assert.equal(a.registrations.length, 2);
  assert.equal(a.registrations[0].scope.name, 'freshworks_crm');
});

test('single-product 2.x: <event>.json layout; a product folder is not where the simulator looks', () => {
  const a = app(V23, 'exports = {};', ['server/test_data/onDealCreate.json', 'server/test_data/freshworks_crm/onContactUpdate.json']);
  assert.equal(usesScopeFolders(a), false);
  assert.equal(testDataFor(a, 'onDealCreate', a.registrations[0].scope)?.path, 'server/test_data/onDealCreate.json');
  assert.equal(testDataFor(a, 'onContactUpdate', a.registrations[1].scope), undefined);
  assert.equal(a.testData[1].scope.name, 'freshworks_crm');
});

test('a bare top-level "events" block is recorded as stray and registers nothing', () => {
  const a = app(lines('{', '  "platform-version": "2.3",', '  "events": { "onDealCreate": { "handler": "h" } }', '}'));
  assert.deepEqual(a.registrations, []);
  assert.deepEqual(a.manifest.strayEvents.keyRange, R(2, 2, 2, 10));
  assert.deepEqual(a.manifest.strayEvents.propertyRange, R(2, 2, 2, 50));
  assert.equal(a.manifest.strayEvents.valueText, '{ "onDealCreate": { "handler": "h" } }');
});

test('a "hanlder" typo and extra keys land in otherKeys with their key ranges', () => {
  const a = app(lines('{', '  "platform-version": "2.3",', '  "product": { "freshworks_crm": { "events": {',
    '    "onDealCreate": { "hanlder": "h", "timeout": 5 }', '  } } }', '}'));
  const [reg] = a.registrations;
  assert.equal(reg.handler, undefined);
  assert.equal(reg.handlerRange, undefined);
  assert.deepEqual(reg.otherKeys, [{ key: 'hanlder', range: R(3, 22, 3, 31) }, { key: 'timeout', range: R(3, 38, 3, 47) }]);
});

test('a non-string handler value keeps its range but no name', () => {
  const a = app('{"platform-version":"2.3","product":{"freshworks_crm":{"events":{"onDealCreate":{"handler":42}}}}}');
  assert.equal(a.registrations[0].handler, undefined);
  assert.deepEqual(a.registrations[0].handlerRange, R(0, 91, 0, 93));
});

// ---- half-typed files: the model keeps everything it can ------------------------------------------------

const HEAD = lines('{', '  "platform-version": "2.3",', '  "product": {', '    "freshworks_crm": {', '      "events": {',
  '        "onDealCreate": { "handler": "onDealCreateHandler" },');

test('half-typed manifest, truncated mid-key: earlier registrations and the partial key survive', () => {
  const a = app(HEAD + '\n        "onContactCre');
  assert.equal(a.dialect, '2.x');
  assert.deepEqual(a.scopes, [{ kind: 'product', name: 'freshworks_crm' }]);
  assert.equal(a.registrations.length, 2);
  assert.equal(a.registrations[0].handler, 'onDealCreateHandler');
  assert.deepEqual(a.registrations[0].handlerRange, R(5, 37, 5, 58));
  assert.equal(a.registrations[1].event, 'onContactCre');
  assert.equal(a.registrations[1].handler, undefined);
  assert.deepEqual(a.registrations[1].eventRange, R(6, 8, 6, 21));
  assert.ok(a.parseProblems.length >= 1);
  assert.ok(a.parseProblems.every((p) => p.code === 'json-syntax' && p.severity === 'error' && p.file === 'manifest.json'));
  assert.equal(a.parseProblems[0].message, 'Malformed JSON: unexpected end of string');
  assert.deepEqual(a.parseProblems[0].range, R(6, 8, 6, 21));
  // one problem per place: no repeated "close brace expected" for each unclosed brace
  const keys = a.parseProblems.map((p) => `${p.message}@${p.range.start.line}:${p.range.start.character}`);
  assert.equal(new Set(keys).size, keys.length);
});

test('half-typed manifest, truncated inside a handler value: the partial name is the handler', () => {
  const a = app(HEAD.split('\n').slice(0, 5).join('\n') + '\n        "onDealCreate": { "handler": "onDealCr');
  assert.equal(a.registrations.length, 1);
  assert.equal(a.registrations[0].handler, 'onDealCr');
  assert.deepEqual(a.registrations[0].handlerRange, R(5, 37, 5, 46));
});

test('half-typed manifest, closing braces missing: registrations survive, one json-syntax error at the end', () => {
  const a = app(HEAD.replace(/,$/, '') + '\n');
  assert.equal(a.registrations.length, 1);
  assert.deepEqual(a.registrations[0].eventRange, R(5, 8, 5, 22));
  assert.deepEqual(a.parseProblems.map((p) => [p.code, p.message, p.range]), [
    ['json-syntax', 'Malformed JSON: close brace expected', R(6, 0, 6, 0)],
  ]);
});

test('trailing commas: the model is unchanged, each comma is a json-syntax error (JSON.parse rejects it)', () => {
  const text = lines('{', '  "platform-version": "3.0",', '  "modules": {', '    "deal": {', '      "events": {',
    '        "onDealCreate": { "handler": "h" },', '      },', '    },', '  },', '}');
  const a = app(text);
  assert.equal(a.dialect, '3.0');
  assert.deepEqual(a.scopes, [{ kind: 'module', name: 'deal' }]);
  assert.deepEqual(a.registrations.map((r) => [r.event, r.handler]), [['onDealCreate', 'h']]);
  assert.deepEqual(a.registrations[0].handlerRange, R(5, 37, 5, 40));
  assert.deepEqual(a.parseProblems.map((p) => p.range), [R(5, 42, 5, 43), R(6, 7, 6, 8), R(7, 5, 7, 6), R(8, 3, 8, 4)]);
  assert.ok(a.parseProblems.every((p) => p.code === 'json-syntax' && /trailing comma/.test(p.message)));
});

test('a manifest that is not an object yields an empty model', () => {
  for (const text of ['', '[]', '"2.3"', 'nul']) {
    const a = app(text);
    assert.deepEqual(a.registrations, [], text);
    assert.deepEqual(a.scopes, [], text);
  }
});

test('truncated server.js: the model records a syntax error and still finds the callbacks', () => {
  const script = lines('exports = {', '  onDealCreateHandler: function (args) {', '    console.log(args);', '  },',
    '  onContactUpdateHandler: async function (args) {', '    await $db.set(');
  const a = app(V23, script);
  assert.ok(a.script.syntaxError);
  assert.equal(a.script.hasExportsObject, true);
  assert.deepEqual(a.script.callbacks.map((c) => [c.name, c.form, c.visibleToPlatform]),
    [['onDealCreateHandler', 'function', true], ['onContactUpdateHandler', 'function', true]]);
  assert.deepEqual(a.script.callbacks[0].nameRange, R(1, 2, 1, 21));
  assert.deepEqual(a.script.callbacks[1].nameRange, R(4, 2, 4, 24));
});

test('2.0 with a truncated server.js still registers the complete array items', () => {
  const cut = V20_SCRIPT.slice(0, V20_SCRIPT.indexOf('onDealCreateHandler: function') + 25);
  const a = app('{ "platform-version": "2.0", "product": { "freshworks_crm": {} } }', cut);
  assert.ok(a.script.syntaxError);
  assert.deepEqual(a.registrations.map((r) => [r.event, r.handler]),
    [['onDealCreate', 'onDealCreateHandler'], ['onContactUpdate', 'onContactUpdateHandler']]);
  assert.deepEqual(a.registrations[0].eventRange, R(2, 13, 2, 27));
});

test('no server.js: the model has no script', () => {
  const a = app(V23);
  assert.equal(a.script, undefined);
  assert.equal(a.registrations.length, 2);
});
