// Parent side of a test run (the CLI and the language server): find the test files and the payload tests,
// start the test child, follow it test by test, and survive whatever the tests do. A child that stops
// sending its heartbeat (a synchronous infinite loop) is killed; one that exits or crashes mid-run is
// reported on the test it was running. The run always resolves with a TestRunResult.
// The child runs the app's tests and packages, so it is treated like the handler child: messages come as JSON
// lines on a pipe of our own (fd 3), bounded and checked field by field (testMessages.ts), and the watchdog
// kills it when this process ends, however it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import * as path from 'node:path';
import { loadAppFiles, notAFile, notAnAppReason } from '../appFiles';
import { outwardLink } from '../appLinks';
import { SERVER_SCRIPT, type App } from '../core/appModel';
import { modelOf } from '../core/appSource';
import { testDataFor } from '../core/testDataLayout';
import { readMessages, sendLine } from '../simulate/channel';
import { watchMemory } from '../simulate/childProcess';
import { guard, release } from '../simulate/reaper';
import { testMessageChecker } from './testMessages';
import { OUTPUT_LIMIT_BYTES, type PayloadTest, type TestCaseResult, type TestChildMessage, type TestInfo, type TestPlan, type TestRunResult } from './types';

/** fdk's message when an app has no test/ folder. */
export const NO_TESTS_MESSAGE = 'Please add tests under the "test/" folder in your app\'s root.';
export const FDK_TIMEOUT_MS = 5000;
/** `--timeout` at most (mocha reads a larger one, up to 2^31 - 1, as "no limit"). */
export const MAX_TEST_TIMEOUT_MS = 3_600_000;
/** The whole run, unless `--run-timeout` says otherwise (a test with `this.timeout(0)` that never settles). */
export const DEFAULT_RUN_TIMEOUT_MS = 30 * 60_000;
export const MAX_RUN_TIMEOUT_MS = 24 * 3_600_000;
/** As the simulator's child: a heap cap, and (Linux) its resident memory watched from here. */
export const HEAP_LIMIT_MB = 512;
export const MEMORY_LIMIT_MB = 1024;
/** Said at the start of every run, on stderr (the CLI) or in the run's output (the Testing view). */
export const UNCONFINED_NOTE = 'The test process runs unconfined: mocha and the app\'s test files need to read and require freely, '
  + 'so Node\'s permission model is off and the tests and their packages may read and write any file you can and start processes.';

/** Every `.js` under test/ (not node_modules), sorted, as fdk collects them. */
export function findTestFiles(appDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.js')) out.push(p);
    }
  };
  walk(path.join(appDir, 'test'));
  return out.sort();
}

/**
 * Where the app model and the payloads are read from: the disk (`fsdev test`), or, run from the editor, the
 * language server's app (open documents over disk: the model the diagnostics use, unsaved edits included).
 */
export interface AppSource {
  app(): App;
  /** The text of a file's open document, when it is open. */
  edited(rel: string): string | undefined;
}

/** One smoke test per test payload of a registered event. */
export async function findPayloadTests(appDir: string, source?: AppSource): Promise<PayloadTest[]> {
  const app = source ? source.app() : modelOf(await loadAppFiles(appDir));
  const seen = new Set<string>();
  const out: PayloadTest[] = [];
  for (const r of app.registrations) {
    const file = testDataFor(app, r.event, r.scope);
    if (!file || seen.has(file.path)) continue;
    seen.add(file.path);
    out.push({ event: r.event, ...(r.scope && app.scopes.length > 1 ? { scope: r.scope } : {}), file: file.path });
  }
  return out;
}

/** Each payload test whose file is open in the editor runs the editor's text (the test child cannot see it). */
function withEditedText(tests: PayloadTest[], source?: AppSource): PayloadTest[] {
  return tests.map((t) => {
    const text = source?.edited(t.file);
    return text === undefined ? t : { ...t, text };
  });
}

export interface PlanOptions { payloads?: 'both' | 'only' | 'none'; grep?: string; reporter?: TestPlan['reporter']; coverage?: boolean; timeoutMs?: number; offline?: boolean }

export async function planTests(appDir: string, o: PlanOptions = {}, source?: AppSource): Promise<{ plan: TestPlan; warning?: string } | { error: string; code: number }> {
  const notApp = await notAnAppReason(appDir);
  if (notApp) return { error: notApp, code: 2 };
  // The test child runs unconfined, but an app whose links lead out of it is refused as a simulation is.
  const link = outwardLink(appDir);
  if (link) return { error: link, code: 2 };
  // The test child reads server.js itself: a FIFO there would block it until the heartbeat gives up.
  const script = notAFile(appDir, SERVER_SCRIPT);
  if (script) return { error: script, code: 2 };
  const mode = o.payloads ?? 'both';
  const hasTestDir = existsSync(path.join(appDir, 'test'));
  if (!hasTestDir && mode !== 'only') return { error: NO_TESTS_MESSAGE, code: 1 };
  const plan: TestPlan = {
    appDir, files: mode === 'only' ? [] : findTestFiles(appDir),
    payloadTests: mode === 'none' ? [] : withEditedText(await findPayloadTests(appDir, source), source),
    reporter: o.reporter ?? 'spec', timeoutMs: o.timeoutMs ?? FDK_TIMEOUT_MS, coverage: o.coverage ?? false, offline: o.offline ?? true,
    ...(o.grep ? { grep: o.grep } : {}),
  };
  return { plan };
}

export interface RunOptions {
  /** testRunner.js; default: beside this bundle. */
  script?: string;
  nodePath?: string;
  /** Kill the child after this long without a heartbeat (a blocked event loop). Default 10 s. */
  stallMs?: number;
  /** The whole run's time limit (default 30 min; none under the inspector unless given). */
  runTimeoutMs?: number;
  /**
   * Where the reporter's output goes (default: this process's stdout/stderr, with back-pressure). A write that
   * returns false pauses the reading of the child's output until `whenDrained` calls back.
   */
  output?: TestOutput;
  onMessage?(m: TestChildMessage): void;
  /** Run under the inspector (Debug profile): the child waits for a debugger on this port (0: any). */
  inspectPort?: number;
  onDebugReady?(port: number): void;
}

export interface TestOutput {
  stdout(text: string): boolean | void;
  stderr(text: string): boolean | void;
  whenDrained?(go: () => void): void;
}

/** This process's stdout and stderr: a write the stream cannot take yet makes the run wait for its 'drain'. */
export function processOutput(): TestOutput {
  let full: NodeJS.WriteStream | undefined;
  const to = (s: NodeJS.WriteStream) => (t: string) => {
    const ok = s.write(t);
    if (!ok) full = s;
    return ok;
  };
  return {
    stdout: to(process.stdout), stderr: to(process.stderr),
    whenDrained: (go) => {
      const s = full;
      full = undefined;
      if (s?.writableNeedDrain) s.once('drain', go); else go();
    },
  };
}

export function defaultTestScript(): string {
  const candidates = [path.join(__dirname, 'testRunner.js'), path.resolve(__dirname, '../../dist/testRunner.js')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export function runTests(plan: TestPlan, o: RunOptions = {}): { result: Promise<TestRunResult>; cancel(): void } {
  const started = Date.now();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const debugArgs = o.inspectPort !== undefined ? [`--inspect-brk=127.0.0.1:${o.inspectPort}`] : [];
  // Its own process group (POSIX): every process the tests start (unless it leaves the group) is killed with
  // the group when the run ends, and by the watchdog if this process dies first.
  const group = process.platform !== 'win32';
  const proc: ChildProcess = spawn(o.nodePath ?? process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...debugArgs, o.script ?? defaultTestScript()], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, cwd: plan.appDir, windowsHide: true, detached: group,
  });
  const target = group && proc.pid ? -proc.pid : proc.pid;
  guard(target);
  const killAll = (): void => {
    if (!target) return;
    try { process.kill(target, 'SIGKILL'); } catch { /* gone */ }
  };
  const pipe = proc.stdio[3] as Duplex | undefined;
  pipe?.on('error', () => undefined);
  const out = o.output ?? processOutput();
  out.stderr(`${UNCONFINED_NOTE}\n`);

  // The child's output, bounded per run and passed on with back-pressure: when the reader cannot take more,
  // the child's pipes are not read (the child then blocks in its own writes) until it drains.
  let outputBytes = 0;
  let outputCutAt: number | undefined;
  let paused = false;
  const pass = (which: 'stdout' | 'stderr', text: string): void => {
    if (outputCutAt !== undefined) return;
    if (outputBytes + text.length > OUTPUT_LIMIT_BYTES) {
      outputCutAt = OUTPUT_LIMIT_BYTES;
      out[which](`${text.slice(0, OUTPUT_LIMIT_BYTES - outputBytes)}\n(output cut at ${OUTPUT_LIMIT_BYTES / 1024 / 1024} MB)\n`);
      return;
    }
    outputBytes += text.length;
    if (out[which](text) === false && out.whenDrained && !paused) {
      paused = true;
      proc.stdout?.pause();
      proc.stderr?.pause();
      out.whenDrained(() => {
        paused = false;
        lastBeat = Date.now();
        proc.stdout?.resume();
        proc.stderr?.resume();
      });
    }
  };
  proc.stdout?.setEncoding('utf8').on('data', (t: string) => pass('stdout', t));
  let stderrTail = '';
  proc.stderr?.setEncoding('utf8').on('data', (t: string) => {
    if (o.inspectPort !== undefined) {
      const m = /Debugger listening on ws:\/\/[\d.]+:(\d+)\//.exec(t);
      if (m) o.onDebugReady?.(Number(m[1]));
      if (/Debugger (listening|attached)|For help, see|Waiting for the debugger/.test(t)) return;
    }
    stderrTail = (stderrTail + t).slice(-8192);
    pass('stderr', t);
  });

  const tests: TestCaseResult[] = [];
  let running: { info: TestInfo; logs: TestCaseResult['logs'] } | undefined;
  let coverage: TestRunResult['coverage'];
  let finished = false;
  let stopReason: string | undefined;
  const stallMs = o.stallMs ?? 10000;
  let lastBeat = Date.now();
  const every = Math.min(1000, stallMs / 4);
  let lastTick = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    // Waiting for our reader (paused, or blocked in a synchronous write to a full pipe) is not the child's hang.
    if (paused || now - lastTick > 2 * every) lastBeat = now;
    lastTick = now;
    if (o.inspectPort !== undefined) return; // paused at a breakpoint is not a hang
    if (now - lastBeat > stallMs) stop(`the test process did not respond for ${Math.round(stallMs / 1000)} s (an endless synchronous loop?) and was stopped`);
  }, every);
  const runTimeoutMs = o.runTimeoutMs ?? (o.inspectPort !== undefined ? undefined : DEFAULT_RUN_TIMEOUT_MS);
  const runTimer = runTimeoutMs === undefined ? undefined : setTimeout(() => {
    const what = running ? `while running "${[...running.info.path, running.info.title].join(' › ')}"` : 'between tests';
    stop(`the run went over its time limit of ${Math.round(runTimeoutMs / 1000)} s ${what} and was stopped`);
  }, runTimeoutMs);
  const stopWatchingMemory = watchMemory(proc, MEMORY_LIMIT_MB, (mb) => {
    stop(`the test process ran out of memory (over ${MEMORY_LIMIT_MB} MB: ${mb} MB resident) and was stopped`);
  });

  function stop(reason: string): void {
    if (finished || stopReason) return;
    stopReason = reason;
    killAll();
  }

  let dropped = false;
  const drop = (why: string): void => {
    if (!dropped) out.stderr(`fsdev test: a malformed message from the test process was dropped (${why}).\n`);
    dropped = true;
  };
  if (pipe) readMessages(pipe, testMessageChecker(), (m) => { if ('invalid' in m) drop(m.invalid); else onChildMessage(m); });

  // The handler logs reported as messages: bounded per run as the output is (then dropped, with a note).
  let logBytes = 0;
  let logsCut = false;
  const logFits = (entries: { message: string }[]): boolean => {
    const size = entries.reduce((n, e) => n + e.message.length, 0);
    if (!logsCut && logBytes + size <= OUTPUT_LIMIT_BYTES) { logBytes += size; return true; }
    if (!logsCut) out.stderr(`(handler logs cut at ${OUTPUT_LIMIT_BYTES / 1024 / 1024} MB)\n`);
    logsCut = true;
    return false;
  };

  function onChildMessage(m: TestChildMessage): void {
    lastBeat = Date.now();
    switch (m.type) {
      case 'begin': running = { info: m.test, logs: [] }; break;
      case 'log':
        if (!logFits([m.entry])) return;
        running?.logs.push(m.entry);
        break;
      case 'end':
        if (!logFits(m.result.logs)) m.result.logs = [];
        tests.push(m.result);
        running = undefined;
        break;
      case 'coverage': coverage = m.scripts; break;
      case 'finished': finished = true; break;
      default: break;
    }
    o.onMessage?.(m);
  }

  const result = new Promise<TestRunResult>((resolve) => {
    let ended = false;
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return;
      ended = true;
      clearInterval(watchdog);
      clearTimeout(runTimer);
      stopWatchingMemory();
      // A process the tests started that left the group may still hold a pipe: it keeps nothing waiting.
      for (const s of [proc.stdout, proc.stderr, pipe]) s?.destroy();
      release(target);
      let error: string | undefined;
      if (!finished) {
        // Under the debugger, a signal we did not send is Node's or its inspector's doing (Node 20's inspector I/O
        // thread crashes with SIGSEGV, now and then under load, writing a queued message to a debugger that has just
        // closed its connection while the process runs; README, issue 17 item 9): said so, never put on the test.
        const debugCrash = o.inspectPort !== undefined && signal !== null && !stopReason;
        error = stopReason ?? (debugCrash ? `the test process was ended by ${signal} while the debugger was attached: Node or the debugger ended it, `
          + 'not a failing test or handler (run the tests without the debugger to see their outcome)'
          : signal ? `the test process was killed (${signal})` : `the test process exited with code ${code}`)
          + (stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : '');
        if (running) {
          const message = debugCrash ? `Not finished: ${error}.` : `Did not finish: ${error}.`;
          const failed: TestCaseResult = { ...running.info, outcome: 'failed', durationMs: 0, logs: running.logs, failure: { message } };
          tests.push(failed);
          o.onMessage?.({ type: 'end', result: failed });
        }
      }
      const count = (k: TestCaseResult['outcome']) => tests.filter((t) => t.outcome === k).length;
      resolve({ tests, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs: Date.now() - started,
        ...(error ? { error } : {}), ...(coverage ? { coverage } : {}), ...(outputCutAt !== undefined ? { outputCutAt } : {}) });
    };
    // The run ends with the test child: every process it started dies with its group. 'exit' can come before
    // the last output and messages are read (the child wrote 'finished', then exited): wait for the pipes to
    // end, or a second at most (not counting time paused for our reader) if a process that left the group
    // still holds one.
    proc.once('exit', (code, signal) => {
      killAll();
      const streams = [proc.stdout, proc.stderr, pipe].filter((s): s is NonNullable<typeof s> => !!s && !s.readableEnded && !s.destroyed);
      let open = streams.length;
      if (open === 0) { done(code, signal); return; }
      let waited = 0;
      const late = setInterval(() => { if (!paused && (waited += 100) >= 1000) { clearInterval(late); done(code, signal); } }, 100);
      for (const s of streams) s.once('close', () => { if (--open === 0) { clearInterval(late); done(code, signal); } });
    });
    proc.once('error', (e) => { stopReason ??= `the test process could not start: ${e.message}`; done(null, null); });
  });
  sendLine(proc, { type: 'run', plan });
  return { result, cancel: () => stop('the run was cancelled') };
}
