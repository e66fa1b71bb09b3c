// Coverage after a throw (issue 17): V8 counts blocks, so what follows a throw in its block shares the block's
// count; the coverage session records the app's throws and the conversion takes them off, so each statement has
// Istanbul's (fdk's) count: the number of times control reached it. Real V8 counts: each case runs in a child
// process (the recorder pauses on exceptions; the test process is left alone); the expected counts are
// Istanbul's, worked out by hand per line below.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/loadCore.mjs';

/** Run `calls` (JS source using `app`, the file's exports) under the recorder; Istanbul's data of the file. */
function coverageOf(source, calls) {
  const appDir = mkdtempSync(path.join(tmpdir(), 'cov-throws-'));
  try {
    mkdirSync(path.join(appDir, 'server'));
    const file = path.join(appDir, 'server', 'server.js');
    writeFileSync(file, source);
    const script = `
      const { loadTs } = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, 'test/helpers/loadCore.mjs')).href)});
      const { CoverageRecorder } = await loadTs('server/src/simulate/coverage.ts');
      const { convert } = await loadTs('server/src/testing/coverageReport.ts');
      const vm = await import('node:vm');
      const fs = await import('node:fs');
      const recorder = new CoverageRecorder();
      await recorder.start(${JSON.stringify(appDir)});
      const exportsObj = {};
      vm.compileFunction(fs.readFileSync(${JSON.stringify(file)}, 'utf8'), ['exports'], { filename: ${JSON.stringify(file)} })(exportsObj);
      const app = exportsObj;
      const attempt = async (f) => { try { await f(); } catch {} };
      ${calls}
      const notes = [];
      const data = convert(await recorder.take(${JSON.stringify(appDir)}), ${JSON.stringify(appDir)}, notes);
      process.stdout.write(JSON.stringify({ ...data[${JSON.stringify(file)}], notes }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(appDir, { recursive: true, force: true });
  }
}

/** Statement counts by the line the statement starts on ("line: count", several statements of a line joined). */
const byLine = (fc) => {
  const out = {};
  for (const [k, loc] of Object.entries(fc.statementMap)) out[loc.start.line] = [...(out[loc.start.line] ?? []), fc.s[k]];
  return Object.fromEntries(Object.entries(out).map(([l, c]) => [l, c.join(',')]));
};

test('a throw in the middle of a block: the statements after it are not counted that time; an explicit throw and an if keep V8\'s own counters', () => {
  const src = [
    'exports.a = function (x) {', // 1
    '  var n = x.v.length;', //        2: five calls, one of them throws here (x.v undefined)
    '  if (!n) {', //                  3: reached four times
    "    throw new Error('empty');", // 4: twice
    '  }',
    '  var m = n + 1;', //             6: twice
    '  return m;', //                  7: twice
    '};',
  ].join('\n');
  const fc = coverageOf(src, `
    app.a({ v: [1] }); app.a({ v: [2] });
    await attempt(() => app.a({ v: [] })); await attempt(() => app.a({ v: [] }));
    await attempt(() => app.a({}));`);
  assert.deepEqual(byLine(fc), { 1: '1', 2: '5', 3: '4', 4: '2', 6: '2', 7: '2' });
  // The if: its then branch twice, its (implicit) else twice; the run that threw in line 2 took neither.
  assert.deepEqual(Object.values(fc.b), [[2, 2]]);
});

test('a throw goes on into the calling function, not past a try that catches it, an async function or a promise executor; a reject() call is no throw', () => {
  const src = [
    'function inner(o) {', //          1
    '  var a = o.p.q;', //             2: six calls, three throw here
    '  var b = a + 1;', //             3
    '  return b;', //                  4
    '}',
    'exports.sync = function (o) {', // 6
    '  var r = inner(o);', //          7: twice, once inner throws
    '  var s = r * 2;', //             8
    '  return s;', //                  9
    '};',
    'exports.caught = function (o) {', // 11
    '  try {', //                      12
    '    var r = inner(o);', //        13
    '    var t = r + 1;', //           14: once (the other call's inner threw)
    '  } catch (e) {',
    '    return -1;', //               16: once
    '  }',
    '  return t;', //                  18: once (after the catch V8 counts on its own)
    '};',
    'exports.later = async function (o) {', // 20
    '  var r = inner(o);', //          21
    '  var u = r + 3;', //             22: once: the throw rejects the async function's promise
    '  return u;', //                  23
    '};',
    'exports.rejects = function () {', // 25
    '  return new Promise(function (resolve, reject) {', // 26
    "    reject(new Error('no'));", //  27
    '    resolve(1);', //               28: reached: reject() returns
    '  });',
    '};',
  ].join('\n');
  const fc = coverageOf(src, `
    app.sync({ p: { q: 1 } }); await attempt(() => app.sync({}));
    app.caught({}); app.caught({ p: { q: 1 } });
    await attempt(() => app.later({})); await app.later({ p: { q: 2 } });
    await attempt(() => app.rejects());`);
  assert.deepEqual(byLine(fc), {
    2: '6', 3: '3', 4: '3',
    6: '1', 7: '2', 8: '1', 9: '1',
    11: '1', 12: '2', 13: '2', 14: '1', 16: '1', 18: '1',
    20: '1', 21: '2', 22: '1', 23: '1',
    25: '1', 26: '1', 27: '1', 28: '1',
  });
});

test('a pause costs about a millisecond: after 500 exceptions in a run the app\'s throws are no longer followed, and the summary says so', () => {
  const src = [
    'exports.loop = function (n) {', // 1
    '  var caught = 0;', //            2
    '  for (var i = 0; i < n; i++) { try { JSON.parse("{"); } catch (e) { caught++; } }', // 3
    '  return caught;',
    '};',
    'exports.late = function (x) {', // 6
    '  var a = x.v.w;', //             7
    '  return a;', //                  8: counted here although the one call threw in line 7 (not followed)
    '};',
  ].join('\n');
  const fc = coverageOf(src, `app.loop(600); await attempt(() => app.late({}));`);
  assert.equal(byLine(fc)[8], '1');
  assert.deepEqual(fc.notes, ['More than 500 exceptions were thrown in the test process: the app\'s later throws were not followed, and statements after them in their block may count as run.']);
  const few = coverageOf(src, `app.loop(3); await attempt(() => app.late({}));`);
  assert.equal(byLine(few)[8], '0');
  assert.deepEqual(few.notes, []);
});
