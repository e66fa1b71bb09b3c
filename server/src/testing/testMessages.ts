// The test child runs the app's tests and their packages: as untrusted as the handler child. Each message it
// sends is checked field by field and bounded here (the same helpers as simulate/ipc.ts), or dropped.
import { BOUNDS, bad, checkCoverage, checkLogEntry, clipText, Invalid, isInt, isNum, isObj, oneOf, optStr, str } from '../simulate/ipc';
import { LOGS_PER_TEST, type TestCaseResult, type TestChildMessage, type TestFailure, type TestInfo } from './types';

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

function checkResult(v: unknown): TestCaseResult {
  if (!isObj(v) || !Array.isArray(v.logs)) return bad('test result is malformed');
  return { ...checkInfo(v), outcome: oneOf(v.outcome, OUTCOMES, 'result.outcome'),
    durationMs: isNum(v.durationMs) ? Math.max(0, v.durationMs) : bad('result.durationMs is not a number'),
    failure: checkFailure(v.failure), logs: v.logs.slice(0, LOGS_PER_TEST).map(checkLogEntry) };
}

export function checkTestChildMessage(m: unknown): TestChildMessage | { invalid: string } {
  try {
    if (!isObj(m)) return bad('not an object');
    switch (m.type) {
      case 'heartbeat': return { type: 'heartbeat' };
      case 'begin': return { type: 'begin', test: checkInfo(m.test) };
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
}
