// Handler discovery in server/server.js by the real tool's rule (freshworks-platform.md §3): only
// function-expression properties of the first top-level `exports = {...}` are visible; every other way of
// exporting is recorded with its form so the checks can explain it. Positions are 0-based (LSP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { parseServerScript } = await loadTs('server/src/core/serverScript.ts');

const lines = (...l) => l.join('\n');
const R = (sl, sc, el, ec) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const byName = (script, name) => script.callbacks.find((c) => c.name === name);

const ALL_FORMS = lines(
  'function helperFn(args) {}', //                      0
  'exports = {', //                                     1
  '  a: function (args) {},', //                        2
  '  b: async function (args) {},', //                  3
  '  c: function named(args) {},', //                   4
  '  d(args) {},', //                                   5
  '  async e(args) {},', //                             6
  '  f: (args) => {},', //                              7
  "  'g': function () {},", //                          8
  "  ['h']: function () {},", //                        9
  '  i: helperFn,', //                                  10
  '  j: async (x) => x,', //                            11
  '  k: 42', //                                         12
  '};', //                                              13
  'exports.l = function () {};', //                     14
  "exports['m'] = function () {};", //                  15
  'module.exports.n = function () {};', //              16
  'module.exports = { o: function () {}, p: helperFn };', // 17
  'exports = { q: function () {} };', //                18
  '');

const script = parseServerScript(ALL_FORMS);

test('visible forms: function, async function, named function expression, method, async method', () => {
  assert.equal(script.syntaxError, undefined);
  assert.equal(script.hasExportsObject, true);
  const expected = [
    ['a', 'function', R(2, 2, 2, 3), R(2, 2, 2, 23)],
    ['b', 'function', R(3, 2, 3, 3), R(3, 2, 3, 29)],
    ['c', 'function', R(4, 2, 4, 3), R(4, 2, 4, 28)],
    ['d', 'method', R(5, 2, 5, 3), R(5, 2, 5, 12)],
    ['e', 'method', R(6, 8, 6, 9), R(6, 2, 6, 18)],
  ];
  for (const [name, form, nameRange, range] of expected) {
    const c = byName(script, name);
    assert.ok(c, name);
    assert.equal(c.form, form, name);
    assert.equal(c.visibleToPlatform, true, name);
    assert.deepEqual(c.nameRange, nameRange, name);
    assert.deepEqual(c.range, range, name);
  }
  // valueStart/valueEnd cover the function value only
  const a = byName(script, 'a');
  assert.equal(ALL_FORMS.slice(a.valueStart, a.valueEnd), 'function (args) {}');
  const c = byName(script, 'c');
  assert.equal(ALL_FORMS.slice(c.valueStart, c.valueEnd), 'function named(args) {}');
});

test('recorded but invisible: arrow, quoted key, computed key, identifier reference', () => {
  const expected = [
    ['f', 'arrow', R(7, 2, 7, 3)],
    ['g', 'quoted-key', R(8, 2, 8, 5)],
    ['h', 'computed-key', R(9, 3, 9, 6)],
    ['i', 'identifier', R(10, 2, 10, 3)],
    ['j', 'arrow', R(11, 2, 11, 3)],
  ];
  for (const [name, form, nameRange] of expected) {
    const c = byName(script, name);
    assert.ok(c, name);
    assert.equal(c.form, form, name);
    assert.equal(c.visibleToPlatform, false, name);
    assert.deepEqual(c.nameRange, nameRange, name);
  }
  const f = byName(script, 'f');
  assert.equal(ALL_FORMS.slice(f.valueStart, f.valueEnd), '(args) => {}');
});

test('non-function values are not callbacks', () => {
  assert.equal(byName(script, 'k'), undefined);
});

test('recorded but invisible: exports.x =, exports[\'x\'] =, module.exports.x =, module.exports = {...}', () => {
  const expected = [
    ['l', 'exports-assignment', R(14, 0, 14, 9), R(14, 0, 14, 27)],
    ['m', 'exports-assignment', R(15, 0, 15, 12), R(15, 0, 15, 30)],
    ['n', 'module-exports', R(16, 0, 16, 16), R(16, 0, 16, 34)],
    ['o', 'module-exports', R(17, 19, 17, 20), R(17, 19, 17, 36)],
    ['p', 'module-exports', R(17, 38, 17, 39), R(17, 38, 17, 49)],
  ];
  for (const [name, form, nameRange, range] of expected) {
    const c = byName(script, name);
    assert.ok(c, name);
    assert.equal(c.form, form, name);
    assert.equal(c.visibleToPlatform, false, name);
    assert.deepEqual(c.nameRange, nameRange, name);
    assert.deepEqual(c.range, range, name);
  }
});

test('only the FIRST top-level exports = {...} counts', () => {
  assert.equal(byName(script, 'q'), undefined);
  assert.deepEqual(script.exportsObject.range, R(1, 10, 13, 1));
  assert.equal(script.exportsObject.propertyCount, 11);
  const order = script.callbacks.map((c) => c.name).join('');
  assert.equal(order, 'abcdefghijlmnop');
});

test('exports = {...} nested in a function or a block is not top-level', () => {
  const s = parseServerScript(lines('function init() {', '  exports = { a: function () {} };', '}', 'if (true) { exports = { b: function () {} }; }'));
  assert.equal(s.hasExportsObject, false);
  assert.deepEqual(s.callbacks, []);
  assert.equal(s.syntaxError, undefined);
});

test('a script with no exports object at all', () => {
  const s = parseServerScript("var lib = require('./lib');\nlib.run();\n");
  assert.equal(s.hasExportsObject, false);
  assert.equal(s.exportsObject, undefined);
  assert.deepEqual(s.callbacks, []);
});

test('exportsObject: open/close offsets are the braces, indent is the first property\'s', () => {
  const text = lines("var x = require('./x');", 'exports = {', '    onA: function () {},', '    onB() {}', '};');
  const s = parseServerScript(text);
  const eo = s.exportsObject;
  assert.equal(text[eo.open], '{');
  assert.equal(text[eo.close], '}');
  assert.equal(eo.open, text.indexOf('{'));
  assert.equal(eo.close, text.lastIndexOf('}'));
  assert.equal(eo.indent, '    ');
  assert.equal(eo.propertyCount, 2);
  assert.deepEqual(eo.range, R(1, 10, 4, 1));

  const tabs = parseServerScript('exports = {\n\tonA: function () {}\n};\n');
  assert.equal(tabs.exportsObject.indent, '\t');

  const empty = parseServerScript('exports = {};\n');
  assert.equal(empty.hasExportsObject, true);
  assert.equal(empty.exportsObject.open, 10);
  assert.equal(empty.exportsObject.close, 11);
  assert.equal(empty.exportsObject.propertyCount, 0);
  assert.equal(empty.exportsObject.indent, '  ');
});

test('syntax error: syntaxError with its range, and the loose parse still finds the callbacks', () => {
  const text = lines('exports = {', '  onA: function (args) {', '    var x = ;', '  },', '  onB: function () {},', '  onC: () => {}', '};');
  const s = parseServerScript(text);
  assert.ok(s.syntaxError);
  assert.equal(s.syntaxError.message, 'Unexpected token');
  assert.deepEqual(s.syntaxError.range, R(2, 12, 2, 13));
  assert.equal(s.hasExportsObject, true);
  assert.deepEqual(s.callbacks.map((c) => [c.name, c.form, c.visibleToPlatform]),
    [['onA', 'function', true], ['onB', 'function', true], ['onC', 'arrow', false]]);
  assert.deepEqual(byName(s, 'onB').nameRange, R(4, 2, 4, 5));
});

test('syntax error: a truncated file (mid-edit) ends with an error at the end and keeps earlier callbacks', () => {
  const text = lines('exports = {', '  onA: function (args) {', '  },', '  onB: async function (x) {},', '  onC(args) {');
  const s = parseServerScript(text);
  assert.ok(s.syntaxError);
  assert.deepEqual(s.syntaxError.range, R(4, 13, 4, 13));
  assert.deepEqual(s.callbacks.map((c) => [c.name, c.form]), [['onA', 'function'], ['onB', 'function'], ['onC', 'method']]);
});

test('syntax error message drops acorn\'s (line:col) suffix', () => {
  const s = parseServerScript('exports = { a: function () { return 1 +; } };');
  assert.ok(s.syntaxError);
  assert.doesNotMatch(s.syntaxError.message, /\(\d+:\d+\)/);
  assert.deepEqual(s.syntaxError.range.start, { line: 0, character: 39 });
});

test('hash-bang and top-level return parse like the platform wrapper allows', () => {
  const s = parseServerScript('#!/usr/bin/env node\nexports = { a: function () {} };\nreturn;\n');
  assert.equal(s.syntaxError, undefined);
  assert.equal(byName(s, 'a').visibleToPlatform, true);
});

test('2.0 events array: items with ranges; extra keys recorded; non-object items skipped', () => {
  const text = lines(
    'exports = {',
    '  events: [',
    "    { event: 'onDealCreate', callback: 'onDeal', product: 'freshworks_crm' },",
    "    { 'event': 'onContactCreate', \"callback\": 'onContact' },",
    "    { event: 'onTaskCreate' },",
    "    'onLeadCreate'",
    '  ],',
    '  onDeal: function (args) {}',
    '};');
  const s = parseServerScript(text);
  assert.deepEqual(s.eventsArray.range, R(1, 10, 6, 3));
  assert.equal(text[s.eventsArray.open], '[');
  assert.equal(text[s.eventsArray.close], ']');
  assert.equal(s.eventsArrayItems.length, 3);
  const [deal, contact, task] = s.eventsArrayItems;
  assert.equal(deal.event, 'onDealCreate');
  assert.equal(deal.callback, 'onDeal');
  assert.deepEqual(deal.eventRange, R(2, 13, 2, 27));
  assert.deepEqual(deal.callbackRange, R(2, 39, 2, 47));
  assert.deepEqual(deal.entryRange, R(2, 4, 2, 76));
  assert.deepEqual(deal.extraKeys, ['product']);
  assert.equal(contact.event, 'onContactCreate');
  assert.equal(contact.callback, 'onContact');
  assert.deepEqual(contact.extraKeys, []);
  assert.equal(task.event, 'onTaskCreate');
  assert.equal(task.callback, undefined);
  assert.equal(task.callbackRange, undefined);
  // the events array is not a callback
  assert.deepEqual(s.callbacks.map((c) => c.name), ['onDeal']);
});

test('an `events` array outside the first exports object is not read', () => {
  const s = parseServerScript("module.exports = { events: [{ event: 'onDealCreate', callback: 'x' }] };\n");
  assert.equal(s.eventsArray, undefined);
  assert.deepEqual(s.eventsArrayItems, []);
});
