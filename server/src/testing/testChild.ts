// Entry of the test child (bundled to server/dist/testRunner.js): mocha runs the app's test files as
// `fdk test` does (BDD, one file after another, 5 s per test, the chosen reporter on stdout), each test's
// `this` gets `invoke` and `stub` (invoke.ts), the app's handlers run in the simulator's sandbox. Every test
// is streamed to the parent as it begins and ends, with a heartbeat: a test stuck in a loop stops the
// heartbeat and the parent kills this process; a test calling process.exit fails instead of ending the run.
// mocha and sinon live only here (never in the extension host or the language server).
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as sinon from 'sinon';
import { blockingStdio, openChildChannel } from '../simulate/channel';
import { CoverageRecorder } from '../simulate/coverage';
import { toSimulationError } from '../simulate/stackMap';
import type { LogEntry, LogLevel } from '../simulate/types';
import { AppUnderTest } from './invoke';
import { startOutputThread } from './outputRing';
import { LOGS_PER_TEST, OUTPUT_LIMIT_BYTES, PAYLOAD_SUITE, payloadTestTitle, testId, type ListedTestResult, type TestCaseResult, type TestChildWireMessage, type TestFailure, type TestInfo, type TestPlan } from './types';

const realExit = process.exit.bind(process);
// stdout and stderr block when the pipe is full, as on a terminal: the parent's back-pressure (it stops reading
// while its own reader stalls) then pauses the tests instead of growing this process, and no output queued
// in memory is lost when the run ends with process.exit.
blockingStdio();
// What this process writes to stdout, stderr and fd 3 goes out in batches from a thread of its own
// (outputRing.ts): no system call per test. Whatever is still in the ring is written out before the process ends.
// Not under a debugger (the Debug profile): there it is written at once, and the debugger sees one thread.
const out = startOutputThread(path.join(__dirname, 'testOutput.js'), inspector.url() === undefined);
for (const [fd, stream] of [[1, process.stdout], [2, process.stderr]] as const) {
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
    const bytes = typeof chunk === 'string' && typeof encoding === 'string' && encoding !== 'utf8' ? Buffer.from(chunk, encoding as BufferEncoding) : chunk;
    out.write(fd, typeof bytes === 'string' || bytes instanceof Uint8Array ? bytes : String(bytes));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as (err: null) => void, null);
    return true;
  }) as typeof stream.write;
}
process.on('exit', () => out.flush());
let exiting = false;
/** fd 3 (channel.ts): the run plan comes in as a JSON line; messages go out as JSON lines (checked by the parent). */
let started = false;
const channel = openChildChannel((m) => {
  if (started) return;
  const msg = m as { type?: string; plan?: TestPlan } | null;
  if (!msg || msg.type !== 'run' || !msg.plan) return;
  started = true;
  void main(msg.plan).catch((e: unknown) => { process.stderr.write(`fsdev test: ${String(e)}\n`); finish(1); });
  // the parent is gone: nothing will ever read the results
}, () => realExit(0), { write: (text) => out.write(3, text), flush: () => out.flush() });
const send = (m: TestChildWireMessage): void => channel?.send(m);
setInterval(() => send({ type: 'heartbeat' }), 500).unref();

let coverage: CoverageRecorder | undefined;
function finish(failures: number): void {
  if (exiting) return;
  exiting = true;
  void (coverage && plan ? coverage.take(plan.appDir) : Promise.resolve(undefined)).then((scripts) => {
    if (scripts) send({ type: 'coverage', scripts });
    send({ type: 'finished', failures });
    if (channel) channel.end(() => realExit(0)); else realExit(0);
  });
}

let plan: TestPlan | undefined;
let current: { test: Mocha.Runnable; info: TestInfo; logs: LogEntry[]; logChars: number } | undefined;
/** The text of the handler log entries kept per test: an `end` message stays under the pipe's 8 MB. */
const TEST_LOG_CHARS = 4 * 1024 * 1024;

async function main(p: TestPlan): Promise<void> {
  plan = p;
  if (p.coverage) {
    coverage = new CoverageRecorder();
    await coverage.start(p.appDir);
  }
  const echo = p.reporter === 'spec' ? process.stdout : process.stderr;
  // Logs kept per test and sent per run are bounded here too (the parent bounds them whatever this sends):
  // an `end` message stays under the pipe's message bound, and a flood is not sent only to be dropped.
  let sentLogChars = 0;
  const log = (level: LogLevel, message: string, unsupported?: boolean): void => {
    const entry: LogEntry = { level, message, time: 0 };
    if (unsupported) entry.unsupported = true;
    if (current && current.logs.length < LOGS_PER_TEST && (current.logChars += message.length) <= TEST_LOG_CHARS) current.logs.push(entry);
    if ((sentLogChars += message.length) <= OUTPUT_LIMIT_BYTES) send({ type: 'log', testId: current?.info.id, entry });
    if (p.reporter !== 'none') echo.write(message.split('\n').map((l) => `      ${level === 'system' ? '[fsdev] ' : ''}${l}\n`).join(''));
  };
  const app = new AppUnderTest(p.appDir, sinon, p.offline, log);
  // The registered events are planned now: each this.invoke starts its handler synchronously, as fdk's does.
  await app.prepare();
  // fdk adds jQuery's deferred `done`/`fail` to every promise of the test process (lib/cli/test.js): handlers
  // written for the platform's deferreds call them on what a stub resolves or rejects with.
  const proto = Promise.prototype as unknown as Record<string, unknown>;
  for (const [name, same] of [['done', 'then'], ['fail', 'catch']] as const) {
    if (!(name in proto)) Object.defineProperty(proto, name, { value: proto[same], writable: true, configurable: true });
  }
  const ctx = Mocha.Context.prototype as unknown as Record<string, unknown>;
  ctx.invoke = (name: unknown, payload?: unknown, product?: unknown) => app.invoke(name, payload, product);
  ctx.stub = (api: unknown, method?: unknown) => app.stub(api, method);

  // A test calling process.exit fails (fdk's mocha would end the whole run silently).
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ''}) was called by a test: it would end the whole test run.`);
  }) as typeof process.exit;

  const mocha = new Mocha({
    ui: 'bdd', timeout: p.timeoutMs, reporter: p.reporter === 'junit' ? 'xunit' : p.reporter === 'none' ? 'base' : p.reporter,
    ...(p.grep ? { grep: p.grep } : {}),
  });
  // One file at a time: a file that does not load (a syntax error, a missing module) is a failed test naming
  // its file and line, and the other files' tests still load and run.
  for (const f of p.files) {
    mocha.files = [f];
    await mocha.loadFilesAsync().catch((e: unknown) => {
      const rel = path.relative(p.appDir, f).split(path.sep).join('/');
      const line = loadLine(e, f);
      const err = new Error(`${rel}${line ? `:${line}` : ''} does not load: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      err.stack = `${err.message}${line ? `\n    at ${f}:${line}` : ''}`;
      if (line) loadErrors.set(err, { file: f, line });
      const t = new Mocha.Test(`load ${rel}`, () => { throw err; });
      t.file = f;
      mocha.suite.addTest(t);
    });
  }
  mocha.files = [...p.files];
  if (p.payloadTests.length) {
    const suite = Mocha.Suite.create(mocha.suite, PAYLOAD_SUITE);
    for (const t of p.payloadTests) {
      // The simulator's verdict: an unhandled rejection during the run fails it, as `fsdev simulate` of the payload does.
      suite.addTest(new Mocha.Test(payloadTestTitle(t), async () => {
        const unhandled: unknown[] = [];
        const note = (reason: unknown): void => { unhandled.push(reason); };
        process.on('unhandledRejection', note);
        try {
          await app.invoke(t.event, undefined, t.scope?.name, t.file, t.text).catch((e: unknown) => {
            const fdkShape = e !== null && typeof e === 'object' && (e as { errorSource?: unknown }).errorSource === 'APP';
            throw fdkShape ? new Error(String((e as { message?: unknown }).message)) : e;
          });
          await new Promise<void>((r) => setImmediate(r));
        } finally {
          process.off('unhandledRejection', note);
        }
        if (unhandled.length) throw app.explain(unhandled[0], 'Unhandled promise rejection');
      }));
    }
  }
  // The tests, listed once (types.ts, TestChildWireMessage): each begin and end then names its test by index.
  const infos: TestInfo[] = [];
  mocha.suite.eachTest((t) => {
    const entry = { n: infos.length, info: info(t) };
    infos.push(entry.info);
    listed.set(t, entry);
  });
  for (let i = 0; i < infos.length; i += LIST_CHUNK) send({ type: 'tests', tests: infos.slice(i, i + LIST_CHUNK) });
  const runner = mocha.run((failures) => finish(failures));
  runner.on('test', (t: Mocha.Test) => {
    const entry = listed.get(t);
    current = { test: t, info: entry?.info ?? info(t), logs: [], logChars: 0 };
    send({ type: 'begin', test: entry?.n ?? current.info });
  });
  runner.on('test end', (t: Mocha.Test) => report(t));
  runner.on('pending', (t: Mocha.Test) => report(t));
  // Hook failures (before/after) report the hook as a failed test, as mocha's reporters do.
  runner.on('fail', (t: Mocha.Runnable, err: unknown) => {
    if ((t as { type?: string }).type === 'hook') report(t, err);
    else failures.set(t, err);
  });
  runner.on('suite end', (s: Mocha.Suite) => { if (s.parent?.root) app.restoreStubs(); });
}

const failures = new WeakMap<Mocha.Runnable, unknown>();
/** Each listed test's index in the listing, and its info. */
const listed = new WeakMap<Mocha.Runnable, { n: number; info: TestInfo }>();
/** Tests per `tests` message: a message stays far under the pipe's bound on one message. */
const LIST_CHUNK = 1000;
/** Where a test file that did not load failed. */
const loadErrors = new WeakMap<object, { file: string; line: number }>();

/** The line of `file` a load error points at: a SyntaxError's first stack line (`<file>:<line>`), else a frame. */
function loadLine(e: unknown, file: string): number | undefined {
  const stack = typeof (e as { stack?: unknown })?.stack === 'string' ? (e as { stack: string }).stack : '';
  const first = stack.split('\n', 1)[0];
  if (first.startsWith(`${file}:`) && /^\d+$/.test(first.slice(file.length + 1))) return Number(first.slice(file.length + 1));
  for (const m of stack.matchAll(/\(?([^\s()]+):(\d+):\d+\)?/g)) if (m[1] === file || m[1] === `file://${file}`) return Number(m[2]);
  return undefined;
}

/** Each test file's path relative to the app, with `/` (once per file, not once per test). */
const relFiles = new Map<string, string>();
function info(t: Mocha.Runnable): TestInfo {
  const titles = t.titlePath();
  const file = t.file ?? t.parent?.file;
  let rel = file ? relFiles.get(file) : undefined;
  if (file && rel === undefined) relFiles.set(file, rel = path.relative(plan!.appDir, file).split(path.sep).join('/'));
  return { id: testId(rel, titles), title: t.title, path: titles.slice(0, -1), ...(file ? { file } : {}) };
}

function report(t: Mocha.Runnable, hookErr?: unknown): void {
  const entry = listed.get(t);
  const i = current?.test === t ? current.info : entry?.info ?? info(t);
  const err = hookErr ?? failures.get(t);
  const outcome = t.isPending() ? 'skipped' : err !== undefined || t.state === 'failed' ? 'failed' : 'passed';
  const rest = { outcome, durationMs: t.duration ?? 0, logs: current?.info.id === i.id ? current.logs : [] } as const;
  const result: TestCaseResult | ListedTestResult = entry === undefined ? { ...i, ...rest } : { n: entry.n, ...rest };
  if (outcome === 'failed') result.failure = toFailure(err, i.file);
  send({ type: 'end', result });
  current = undefined;
}

function toFailure(err: unknown, testFile: string | undefined): TestFailure {
  const e = (err ?? {}) as { message?: unknown; stack?: unknown; expected?: unknown; actual?: unknown; showDiff?: boolean };
  const failure: TestFailure = { message: typeof e.message === 'string' ? e.message : String(err) };
  if (typeof e.stack === 'string') failure.stack = e.stack;
  if (e.showDiff !== false && ('expected' in e || 'actual' in e)) {
    const show = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? String(v)));
    failure.expected = show(e.expected);
    failure.actual = show(e.actual);
  }
  const load = typeof err === 'object' && err !== null ? loadErrors.get(err) : undefined;
  if (load) return Object.assign(failure, { file: load.file, line: load.line, column: 1 });
  // Where: the test file's own line if the stack has it, else the first frame in server/.
  const mapped = toSimulationError(err, plan!.appDir);
  const inTest = testFile ? mapped.frames.find((f) => path.resolve(plan!.appDir, f.file) === testFile) : undefined;
  const at = inTest ?? (mapped.file ? { file: mapped.file, line: mapped.line!, column: mapped.column! } : undefined);
  if (at) Object.assign(failure, { file: path.resolve(plan!.appDir, at.file), line: at.line, column: at.column });
  return failure;
}
