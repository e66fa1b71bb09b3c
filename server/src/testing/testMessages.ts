// The test child runs the app's tests and their packages: as untrusted as the handler child. Each message it
// sends is checked field by field and bounded here (the same helpers as simulate/ipc.ts), or dropped.
import { BOUNDS, bad, checkCoverage, checkLogEntry, clipText, Invalid, isInt, isNum, isObj, oneOf, optStr, str } from '../simulate/ipc';
import { LOGS_PER_TEST, type TestCaseResult, type TestChildMessage, type TestFailure, type TestInfo } from './types';

/** The tests one run may list, and the text their titles and files may take (beyond: the listing is refused). */
const LISTED_TESTS = 100_000;
const LISTED_CHARS = 32 * 1024 * 1024;

const OUTCOMES = ['passed', 'failed', 'skipped'] as const;

function checkInfo(v: unknown): TestInfo {
  if (!isObj(v) || !Array.isArray(v.path) || v.path.length > 100) return bad('test info is malformed');
  return { id: str(v.id, 'test.id', BOUNDS.fieldChars), title: str(v.title, 'test.title', BOUNDS.fieldChars),
    path: v.path.map((p: unknown) => str(p, 'test.path', BOUNDS.fieldChars)), file: optStr(v.file, 'test.file', 4096) };
}

function checkFailure(v: unknown): TestFailure | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) return bad('failure is not an object');
  const line = (k: string) => (v[k] === undefined ? undefined : isInt(v[k]) ? v[k] as number : bad(`failure.${k} is not an integer`));
  return { message: str(v.message, 'failure.message', BOUNDS.errorMessageChars), stack: optStr(v.stack, 'failure.stack', BOUNDS.stackChars),
    expected: optStr(v.expected, 'failure.expected', BOUNDS.valueBytes), actual: optStr(v.actual, 'failure.actual', BOUNDS.valueBytes),
    file: optStr(v.file, 'failure.file', 4096), line: line('line'), column: line('column') };
}

/**
 * The checker of one run's messages (types.ts, TestChildWireMessage): it keeps the tests the child listed and
 * turns a `begin` or `end` that names a listed test by its index into one with the test's info.
 */
export function testMessageChecker(): (m: unknown) => TestChildMessage | { invalid: string } {
  const listed: TestInfo[] = [];
  let listedChars = 0;
  const infoOf = (v: unknown, what: string): TestInfo => {
    if (!isInt(v)) return checkInfo(v);
    return listed[v] ?? bad(`${what} names test ${v}, which was not listed`);
  };
  const checkResult = (v: unknown): TestCaseResult => {
    if (!isObj(v) || !Array.isArray(v.logs)) return bad('test result is malformed');
    return { ...infoOf(v.n === undefined ? v : v.n, 'result'), outcome: oneOf(v.outcome, OUTCOMES, 'result.outcome'),
      durationMs: isNum(v.durationMs) ? Math.max(0, v.durationMs) : bad('result.durationMs is not a number'),
      failure: checkFailure(v.failure), logs: v.logs.slice(0, LOGS_PER_TEST).map(checkLogEntry) };
  };
  const list = (v: unknown): TestInfo[] => {
    if (!Array.isArray(v) || listed.length + v.length > LISTED_TESTS) return bad(`the tests listed are not an array of at most ${LISTED_TESTS}`);
    const tests = v.map(checkInfo);
    const chars = tests.reduce((n, t) => n + t.id.length + t.title.length + (t.file?.length ?? 0) + t.path.reduce((k, p) => k + p.length, 0), listedChars);
    if (chars > LISTED_CHARS) return bad(`the tests listed take over ${LISTED_CHARS / 1024 / 1024} MB`);
    listedChars = chars;
    for (const t of tests) listed.push(t);
    return tests;
  };
  return (m) => {
    try {
      if (!isObj(m)) return bad('not an object');
      switch (m.type) {
        case 'heartbeat': return { type: 'heartbeat' };
        case 'tests': return { type: 'tests', tests: list(m.tests) };
        case 'begin': return { type: 'begin', test: infoOf(m.test, 'begin') };
        case 'log': return { type: 'log', testId: optStr(m.testId, 'testId', BOUNDS.fieldChars), entry: checkLogEntry(m.entry) };
        case 'end': return { type: 'end', result: checkResult(m.result) };
        case 'coverage': return { type: 'coverage', scripts: checkCoverage(m.scripts) };
        case 'finished': return { type: 'finished', failures: isInt(m.failures) ? m.failures : bad('failures is not an integer') };
        default: return bad(`unknown type ${clipText(String(m.type), 40)}`);
      }
    } catch (e) {
      if (e instanceof Invalid) return { invalid: e.message };
      throw e;
    }
  };
}
