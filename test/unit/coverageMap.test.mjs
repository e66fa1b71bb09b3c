// core/coverageMap: Istanbul maps from the AST, counts from V8 block ranges (given by hand here, as V8 nests
// them: the script, each function, and blocks whose count differs from their parent's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';

const { toIstanbulCoverage, functionNamesInEditor } = await loadTs('server/src/core/coverageMap.ts');
const at = (src, needle, nth = 0) => { let i = -1; for (let k = 0; k <= nth; k++) i = src.indexOf(needle, i + 1); return i; };

test('switch cases, a || chain flattened, arrows and uncalled functions, with counts from the innermost range', () => {
  const src = [
    'exports = {',
    '  pick: function (k) {',
    '    switch (k) {',
    "      case 'a': return 1;",
    "      case 'b': return 2;",
    '      default: return k || this.none || 0;',
    '    }',
    '  },',
    '  never: () => 0,',
    '};',
  ].join('\n');
  // The sandbox compiles `source + '\n;return exports;'`: V8's script range runs past the file's end.
  const compiledLength = src.length + '\n;return exports;'.length;
  const fnStart = at(src, 'function (k)');
  const fnEnd = at(src, '  },') + 3;
  const functions = [
    { functionName: '', ranges: [{ startOffset: 0, endOffset: compiledLength, count: 1 }] },
    { functionName: 'pick', ranges: [
      { startOffset: fnStart, endOffset: fnEnd, count: 3 },
      { startOffset: at(src, 'return 1'), endOffset: at(src, "case 'b'"), count: 2 },
      { startOffset: at(src, 'return 2'), endOffset: at(src, 'default'), count: 0 },
      { startOffset: at(src, 'return k'), endOffset: at(src, '    }'), count: 1 },
      // `this.none || 0` never ran: V8's range for the right operand runs to the end of the expression.
      { startOffset: at(src, 'this.none'), endOffset: src.indexOf(';', at(src, 'this.none')), count: 0 },
    ] },
    { functionName: 'never', ranges: [{ startOffset: at(src, '() => 0'), endOffset: at(src, '() => 0') + 7, count: 0 }] },
  ];
  const fc = toIstanbulCoverage('/app/server/server.js', src, functions);
  assert.deepEqual(Object.values(fc.fnMap).map((f) => [f.name, f.line]), [['(anonymous_0)', 2], ['(anonymous_1)', 9]]);
  assert.deepEqual(Object.values(fc.f), [3, 0]);
  assert.deepEqual(Object.values(fc.branchMap).map((b) => [b.type, b.line, b.locations.length]), [['switch', 3, 3], ['binary-expr', 6, 3]]);
  assert.deepEqual(Object.values(fc.b), [[2, 0, 1], [1, 0, 0]]);
  // Statements: exports =, switch, three returns, the arrow's body.
  assert.deepEqual(Object.values(fc.statementMap).map((l) => l.start.line), [1, 3, 4, 5, 6, 9]);
  assert.deepEqual(Object.values(fc.s), [1, 3, 2, 0, 1, 0]);
});

test('a script that never ran has every count 0', () => {
  const fc = toIstanbulCoverage('/x.js', 'var a = b ? 1 : 2;\nif (a) { a++; }\n', []);
  assert.deepEqual(Object.values(fc.s), [0, 0, 0]);
  assert.deepEqual(Object.values(fc.b), [[0, 0], [0, 0]]);
});

test('functionNamesInEditor: property keys, methods, variables and exports.x, as the outline names them; Istanbul\'s name otherwise', () => {
  const src = [
    'exports = {',
    '  onContactCreateHandler: function (args) { return 1; },',
    "  'onDealUpdateHandler': async (args) => 2,",
    '  helper() { return [1].map(function (x) { return x; }); },',
    '};',
    'var local = function () {};',
    'exports.later = function named() {};',
  ].join('\n');
  const fc = toIstanbulCoverage('/app/server/server.js', src, []);
  assert.deepEqual(Object.values(fc.fnMap).map((f) => f.name).slice(0, 2), ['(anonymous_0)', '(anonymous_1)'], 'Istanbul\'s own names stay');
  assert.deepEqual(Object.values(functionNamesInEditor(src, fc.fnMap)),
    ['onContactCreateHandler', 'onDealUpdateHandler', 'helper', Object.values(fc.fnMap)[3].name, 'local', 'later']);
});
