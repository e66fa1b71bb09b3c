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
import { buildAppModel, SERVER_SCRIPT } from '../core/appModel';
import { testDataFor } from '../core/testDataLayout';
import { splitLines } from '../simulate/channel';
import { BOUNDS, clipText } from '../simulate/ipc';
import { guard, release } from '../simulate/reaper';
import { checkTestChildMessage } from './testMessages';
import type { PayloadTest, TestCaseResult, TestChildMessage, TestInfo, TestPlan, TestRunResult } from './types';

/** fdk's message when an app has no test/ folder. */
export const NO_TESTS_MESSAGE = 'Please add tests under the "test/" folder in your app\'s root.';
export const FDK_TIMEOUT_MS = 5000;

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

/** One smoke test per test payload of a registered event. */
export async function findPayloadTests(appDir: string): Promise<PayloadTest[]> {
  const app = buildAppModel(await loadAppFiles(appDir));
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

export interface PlanOptions { payloads?: 'both' | 'only' | 'none'; grep?: string; reporter?: TestPlan['reporter']; coverage?: boolean; timeoutMs?: number; offline?: boolean }

export async function planTests(appDir: string, o: PlanOptions = {}): Promise<{ plan: TestPlan; warning?: string } | { error: string; code: number }> {
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
    payloadTests: mode === 'none' ? [] : await findPayloadTests(appDir),
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
  /** Where the reporter's output goes (default: this process's stdout/stderr). */
  output?: { stdout(text: string): void; stderr(text: string): void };
  onMessage?(m: TestChildMessage): void;
  /** Run under the inspector (Debug profile): the child waits for a debugger on this port (0: any). */
  inspectPort?: number;
  onDebugReady?(port: number): void;
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
  const proc: ChildProcess = spawn(o.nodePath ?? process.execPath, ['--max-old-space-size=1024', ...debugArgs, o.script ?? defaultTestScript()], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, cwd: plan.appDir, windowsHide: true,
  });
  guard(proc.pid);
  proc.once('exit', () => release(proc.pid));
  const pipe = proc.stdio[3] as Duplex | undefined;
  pipe?.on('error', () => undefined);
  const out = o.output ?? { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  proc.stdout?.setEncoding('utf8').on('data', (t: string) => out.stdout(t));
  let stderrTail = '';
  proc.stderr?.setEncoding('utf8').on('data', (t: string) => {
    if (o.inspectPort !== undefined) {
      const m = /Debugger listening on ws:\/\/[\d.]+:(\d+)\//.exec(t);
      if (m) o.onDebugReady?.(Number(m[1]));
      if (/Debugger (listening|attached)|For help, see|Waiting for the debugger/.test(t)) return;
    }
    stderrTail = (stderrTail + t).slice(-8192);
    out.stderr(t);
  });

  const tests: TestCaseResult[] = [];
  let running: { info: TestInfo; logs: TestCaseResult['logs'] } | undefined;
  let coverage: TestRunResult['coverage'];
  let finished = false;
  let stopReason: string | undefined;
  const stallMs = o.stallMs ?? 10000;
  let lastBeat = Date.now();
  const watchdog = setInterval(() => {
    if (o.inspectPort !== undefined) return; // paused at a breakpoint is not a hang
    if (Date.now() - lastBeat > stallMs) stop(`the test process did not respond for ${Math.round(stallMs / 1000)} s (an endless synchronous loop?) and was stopped`);
  }, Math.min(1000, stallMs / 4));

  function stop(reason: string): void {
    if (finished || stopReason) return;
    stopReason = reason;
    proc.kill('SIGKILL');
  }

  let dropped = false;
  const drop = (why: string): void => {
    if (!dropped) out.stderr(`fsdev test: a malformed message from the test process was dropped (${why}).\n`);
    dropped = true;
  };
  if (pipe) {
    splitLines(pipe, BOUNDS.messageBytes, {
      line: (text) => {
        let raw: unknown;
        try { raw = JSON.parse(text); } catch { drop(`not JSON: ${clipText(text, 80)}`); return; }
        const m = checkTestChildMessage(raw);
        if ('invalid' in m) drop(m.invalid); else onChildMessage(m);
      },
      overlong: () => drop(`a message over ${BOUNDS.messageBytes / 1024 / 1024} MB`),
    });
  }

  function onChildMessage(m: TestChildMessage): void {
    lastBeat = Date.now();
    switch (m.type) {
      case 'begin': running = { info: m.test, logs: [] }; break;
      case 'log': running?.logs.push(m.entry); break;
      case 'end': tests.push(m.result); running = undefined; break;
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
      let error: string | undefined;
      if (!finished) {
        error = stopReason ?? (signal ? `the test process was killed (${signal})` : `the test process exited with code ${code}`)
          + (stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : '');
        if (running) {
          const failed: TestCaseResult = { ...running.info, outcome: 'failed', durationMs: 0, logs: running.logs, failure: { message: `Did not finish: ${error}.` } };
          tests.push(failed);
          o.onMessage?.({ type: 'end', result: failed });
        }
      }
      const count = (k: TestCaseResult['outcome']) => tests.filter((t) => t.outcome === k).length;
      resolve({ tests, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs: Date.now() - started,
        ...(error ? { error } : {}), ...(coverage ? { coverage } : {}) });
    };
    // 'exit' can come before the last lines on the message pipe are read (the child wrote 'finished', then
    // exited): wait for the pipe to end, or a second at most if a process the tests started still holds it.
    proc.once('exit', (code, signal) => {
      if (!pipe || pipe.readableEnded || pipe.destroyed) { done(code, signal); return; }
      const late = setTimeout(() => done(code, signal), 1000);
      pipe.once('close', () => { clearTimeout(late); done(code, signal); });
    });
    proc.once('error', (e) => { stopReason ??= `the test process could not start: ${e.message}`; done(null, null); });
  });
  pipe?.write(`${JSON.stringify({ type: 'run', plan })}\n`);
  return { result, cancel: () => stop('the run was cancelled') };
}
