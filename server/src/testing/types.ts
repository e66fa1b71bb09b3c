// Shapes of one `fsdev test` run: the plan the parent sends to the test child, the messages the child
// streams back (test by test, so a run that is killed still reports what happened), and the result.
// Plain data only: it crosses IPC and the language server protocol as JSON.
import type { Scope } from '../core/types';
import type { ScriptCoverage } from '../simulate/coverage';
import type { LogEntry, SimulationError } from '../simulate/types';

export type { ScriptCoverage };

export type TestReporter = 'spec' | 'tap' | 'junit' | 'none';

/**
 * One payload smoke test: the event's test payload must run without failing. `text`: the payload as it stands
 * in the editor, unsaved edits included (run from the editor, for a file open there); else the file is read.
 */
export interface PayloadTest { event: string; scope?: Scope; file: string; text?: string }

export interface TestPlan {
  appDir: string;
  /** Absolute paths of the test files, in the order they run. */
  files: string[];
  payloadTests: PayloadTest[];
  grep?: string;
  reporter: TestReporter;
  /** Per test (mocha's timeout); fdk uses 5 s. */
  timeoutMs: number;
  /** Collect V8 block coverage of the app's server/ files. */
  coverage: boolean;
  /** `$request` calls without a stub reject instead of going out. */
  offline: boolean;
}

/** A test, as the child reports it: `id` is its full title path joined by ' › ' plus its file. */
export interface TestInfo {
  id: string;
  title: string;
  /** Titles of the enclosing describe blocks, outermost first. */
  path: string[];
  /** Absolute file of the test, or undefined for payload tests. */
  file?: string;
}

export interface TestFailure {
  message: string;
  stack?: string;
  expected?: string;
  actual?: string;
  /** Where in the test file (or server/ file) it failed, 1-based. */
  file?: string;
  line?: number;
  column?: number;
}

export type TestOutcome = 'passed' | 'failed' | 'skipped';

export interface TestCaseResult extends TestInfo {
  outcome: TestOutcome;
  durationMs: number;
  failure?: TestFailure;
  /** The handler's console output during this test. */
  logs: LogEntry[];
}

/** A test's result on the wire when the test was listed (a `tests` message): its index stands for its TestInfo. */
export type ListedTestResult = Omit<TestCaseResult, keyof TestInfo> & { n: number };

/**
 * What the test child writes on its message pipe. Before the run it lists the tests it has loaded (in `tests`
 * messages, appended in order); a listed test's `begin` and `end` then name it by its index in that list, so
 * its titles and file cross once per run, not twice per test. A test not listed (one a hook added) is named in
 * full. The parent turns these into TestChildMessages (testMessages.ts).
 */
export type TestChildWireMessage =
  | Exclude<TestChildMessage, { type: 'begin' | 'end' }>
  | { type: 'begin'; test: TestInfo | number }
  | { type: 'end'; result: TestCaseResult | ListedTestResult };

export type TestChildMessage =
  | { type: 'tests'; tests: TestInfo[] }
  | { type: 'begin'; test: TestInfo }
  | { type: 'log'; testId?: string; entry: LogEntry }
  | { type: 'end'; result: TestCaseResult }
  | { type: 'heartbeat' }
  | { type: 'coverage'; scripts: ScriptCoverage[] }
  | { type: 'finished'; failures: number };

export interface TestRunResult {
  tests: TestCaseResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** Why the run ended early or did not start (hang, exit, crash), if it did. */
  error?: string;
  durationMs: number;
  /** The test output passed its bound (bytes) and the rest was dropped. */
  outputCutAt?: number;
  coverage?: ScriptCoverage[];
}

export type { SimulationError };

/** Istanbul's per-file coverage data (what coverage-final.json holds for one file); 1-based lines, 0-based columns. */
export type { IstanbulFileCoverage as FileCoverageData, Loc } from '../core/coverageMap';

export interface CoverageSummaryText {
  pct: Record<'statements' | 'branches' | 'functions' | 'lines', number>;
  lowest: number;
  lowestMetric: string;
  text: string;
}

/** The test child's stdout + stderr per run, and separately the handler logs it reports: more is cut, with a note. */
export const OUTPUT_LIMIT_BYTES = 8 * 1024 * 1024;
/** Handler log entries kept per test, by the child and by the parent. */
export const LOGS_PER_TEST = 1000;

/** The title of the suite that holds the payload smoke tests, and of each payload test in it. */
export const PAYLOAD_SUITE = 'Test payloads (server/test_data)';
export function payloadTestTitle(t: PayloadTest): string {
  return `${t.event}${t.scope ? ` (${t.scope.name})` : ''} runs with ${t.file}`;
}
/** A test's id, the same in the test child's reports and in the Testing view: file (relative) and titles. */
export function testId(relFile: string | undefined, titles: string[]): string {
  return `${relFile ?? 'payloads'}::${titles.join(' › ')}`;
}
