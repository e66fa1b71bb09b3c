// One run of a handler in a child process, seen from the parent: an object with named steps.
//
//   attach      take the child over for this run: hold it referenced, watch its memory, its exit and errors,
//               and (debug) find its inspector port
//   deadline    the time limit: SIGKILL and `timeout` when it passes
//   pump        the child's output in: stdout lines become logs, fd-3 messages (checked by ipc.ts) are handled
//   sendPlan    the RunPlan out, on fd 3
//   finish      once: the SimulationResult, and the child discarded (or parked for the next run of a fuzz)
//
// Every way a run ends goes through `finish`, which settles it exactly once; after that nothing the child sends
// is looked at. The runner (runner.ts) plans the run, picks the child and hands both over.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { linkOutOnPath } from '../appLinks';
import { sendLine, splitLines } from './channel';
import { discard, refAll, unrefAll, watchMemory, type Confinement } from './childProcess';
import { BOUNDS, type ChildMessage, type ChildOutcome, type RunPlan } from './ipc';
import type { PlanInfo } from './plan';
import { runStoreOp } from './storeHost';
import type { LogEntry, SimulationEffects, SimulationRequest, SimulationResult, SimulationStatus } from './types';
import type { RunHooks } from './runner';

/** Node cannot hold a timer longer than 2^31 - 1 ms (a longer one fires at once). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A child process of the runner's pool, with what it has said so far. */
export interface Child {
  proc: ChildProcess;
  nodePath: string;
  /** The app the child may read (its permission flags name it). */
  appDir?: string;
  confine: Confinement;
  ready: Promise<boolean>;
  exited: boolean;
  stderr: string;
  /** Messages, checked (or `{ invalid }`), as they arrive on the child's fd 3. */
  onMessage?: (m: ChildMessage | { invalid: string }) => void;
  /** Messages before anyone listens (the `ready` of a warm child). */
  early: ChildMessage[];
}

/** What a run needs from the runner that started it. */
export interface RunHost {
  readonly limits: { outputLimitBytes: number; outputLimitLines: number; maxMemoryMb: number; maxOldSpaceMb: number };
  /** Keep this child, idle, for the next run (a fuzz run that left nothing behind): true when it was kept. */
  park(child: Child): boolean;
}

export function emptyEffects(): SimulationEffects { return { db: [], requests: [], schedules: [], targetUrls: [] }; }

export class ChildRun {
  private readonly proc: ChildProcess;
  private readonly logs: LogEntry[] = [];
  private readonly effects = emptyEffects();
  private readonly output = { bytes: 0, lines: 0, truncated: false };
  private effectCount = 0;
  /** Malformed messages dropped (the first is said in the log). */
  private dropped = 0;
  private exitCalled?: number;
  private settled = false;
  /** The child said it may take another run (ChildOutcome.reusable) and the plan allows it. */
  private reusable = false;
  private readonly limitMs?: number;
  private timer?: NodeJS.Timeout;
  /** Debug: the inspector's port (from stderr) and whether the child waits for a debugger; both are needed. */
  private readonly debug: { port?: number; waiting: boolean } = { waiting: false };
  /** Undo what `attach` and `pump` set up; run by `finish`. */
  private readonly stops: (() => void)[] = [];
  private resolve: (r: SimulationResult) => void = () => undefined;

  constructor(private readonly host: RunHost, private readonly child: Child, private readonly plan: RunPlan, private readonly info: PlanInfo,
    private readonly base: SimulationResult, private readonly t0: number, private readonly request: SimulationRequest,
    private readonly onLog?: (entry: LogEntry) => void, private readonly hooks?: RunHooks) {
    this.proc = child.proc;
    this.limitMs = request.debug && request.timeoutMs === undefined ? undefined : Math.min(info.timeLimitMs, MAX_TIMEOUT_MS);
  }

  /** The run, from handing the plan over to the result; always resolves. */
  result(): Promise<SimulationResult> {
    return new Promise<SimulationResult>((resolve) => {
      this.resolve = resolve;
      this.attach();
      this.deadline();
      this.pump();
      this.sendPlan();
    });
  }

  private now(): number { return Math.round(performance.now() - this.t0); }

  /** A log entry of the run, within the output bound (past it the run ends as `crashed`). */
  private push(entry: LogEntry): void {
    const o = this.output;
    if (o.truncated) return;
    o.bytes += entry.message.length + 1;
    o.lines += 1;
    if (o.bytes > this.host.limits.outputLimitBytes || o.lines > this.host.limits.outputLimitLines) { this.outputLimit(); return; }
    this.logs.push(entry);
    try { this.onLog?.(entry); } catch { /* a listener's problem is not the run's */ }
  }

  private system(message: string, time = this.now()): void { this.push({ level: 'system', message, time }); }

  private crash(message: string): void { this.finish('crashed', { error: { message, frames: [] } }); }

  private outputLimit(): void {
    if (this.output.truncated) return;
    this.output.truncated = true;
    const { outputLimitBytes, outputLimitLines } = this.host.limits;
    this.crash(`Output limit exceeded: the handler wrote more than ${Math.round(outputLimitBytes / 1024)} KB or `
      + `${outputLimitLines} lines of logs; capture stopped and the run was ended.`);
  }

  /** Take the child over: the plan's notes first, then its limits, its exit and (debug) its inspector port. */
  private attach(): void {
    const { proc, child, info } = this;
    refAll(proc);
    for (const n of info.notes) this.push({ level: n.level, message: n.message, time: 0 });
    if (info.timeLimitMs > MAX_TIMEOUT_MS) {
      this.system(`The time limit ${info.timeLimitMs} ms is more than Node's timers can hold: it was cut to ${MAX_TIMEOUT_MS} ms (about 24.8 days).`, 0);
    }
    if (child.confine.note) this.system(child.confine.note, 0);
    if (this.settled) return; // the notes alone went over the output bound
    const { maxMemoryMb, maxOldSpaceMb } = this.host.limits;
    const stopWatch = watchMemory(proc, maxMemoryMb, (mb) => {
      this.crash(`The handler ran out of memory: its process used ${mb} MB (heap, Buffers and typed arrays together; the limit here is ${maxMemoryMb} MB).`);
    });
    this.stops.push(stopWatch);
    const onGone = (code: number | null, signal: NodeJS.Signals | null) => {
      stopWatch();
      if (this.settled) return;
      // Give IPC messages already in flight (the last logs, `exit-called`) a moment to arrive.
      setTimeout(() => {
        if (this.settled) return;
        if (this.exitCalled !== undefined) {
          this.crash(`The handler called process.exit(${this.exitCalled}): the process exited with code ${this.exitCalled} before the run finished. `
            + 'Handlers must not call process.exit.');
        } else if (/heap out of memory|Allocation failed|FATAL ERROR: .*(?:memory|heap)/i.test(child.stderr)) {
          this.crash(`The handler ran out of memory (JavaScript heap out of memory; the limit here is ${maxOldSpaceMb} MB).`);
        } else if (signal) {
          this.crash(`The handler's process was killed by ${signal} before the run finished.${tail(child.stderr)}`);
        } else {
          this.crash(`The handler's process exited with code ${code ?? '?'} before the run finished.${tail(child.stderr)}`);
        }
      }, 30);
    };
    const onError = (e: Error) => {
      if (!this.settled) this.crash(`The handler's process could not run: ${e.message}${this.request.nodePath ? ` (node executable: ${this.request.nodePath})` : ''}`);
    };
    proc.once('exit', onGone);
    proc.once('error', onError);
    this.stops.push(() => { proc.off('exit', onGone); proc.off('error', onError); });
    if (child.exited) onGone(proc.exitCode, proc.signalCode);
    if (this.request.debug) this.watchDebugPort();
  }

  /** Debug: the port comes from the inspector's banner on stderr; the child says when it waits. Report both. */
  private watchDebugPort(): void {
    const { proc, child } = this;
    const scan = () => {
      const m = /Debugger listening on ws:\/\/[^:]+:(\d+)\//.exec(child.stderr);
      if (!m) return;
      proc.stderr?.off('data', scan);
      this.debug.port = Number(m[1]);
      this.debugReady();
    };
    // The Child's own stderr listener (registered first) has already appended the chunk.
    proc.stderr?.on('data', scan);
    this.stops.push(() => proc.stderr?.off('data', scan));
    scan();
  }

  private debugReady(): void {
    const { port, waiting } = this.debug;
    if (port === undefined || !waiting || this.settled) return;
    this.debug.port = undefined;
    try { this.hooks?.onDebugReady?.(port); } catch { /* listener */ }
  }

  /** The time limit: the event's, or request.timeoutMs; none in debug mode unless timeoutMs was given. */
  private deadline(): void {
    const { limitMs, info, request } = this;
    if (this.settled || limitMs === undefined) return;
    this.timer = setTimeout(() => {
      const platformLimit = request.timeoutMs === undefined;
      const what = info.kind === 'app-setup'
        ? `The handler did not finish within ${limitMs / 1000} s${platformLimit ? ' (the platform\'s limit for app set-up events)' : ''}: an app set-up handler must call renderData().`
        : `The handler did not finish within ${limitMs / 1000} s${platformLimit ? ` (the platform's limit for ${info.kind} events)` : ''}.`;
      this.finish('timeout', { error: { message: what, frames: [] } });
    }, limitMs);
  }

  /** The child's output in: stdout lines are logs too (bounded like the rest); fd-3 messages, those that came early first. */
  private pump(): void {
    const { proc, child } = this;
    if (this.settled) return;
    if (proc.stdout) {
      this.stops.push(splitLines(proc.stdout as Readable, BOUNDS.logChars, {
        line: (line) => this.push({ level: 'log', message: line, time: this.now() }),
        overlong: (head) => this.push({ level: 'log', message: `${head}… [cut: a line over ${BOUNDS.logChars / 1024} KB]`, time: this.now() }),
      }));
    }
    child.onMessage = (m) => this.onMessage(m);
    this.stops.push(() => { child.onMessage = () => undefined; });
    for (const m of child.early.splice(0)) this.onMessage(m);
  }

  private onMessage(raw: ChildMessage | { invalid: string }): void {
    if (this.settled) return;
    if (!('type' in raw)) {
      // A package wrote to the message pipe (or forged a message): dropped, said once.
      if (this.dropped++ === 0) this.system(`A malformed message from the handler's process was dropped (${raw.invalid}); later ones are dropped silently.`);
      return;
    }
    const m = raw;
    switch (m.type) {
      case 'log': this.push(m.entry); break;
      case 'effect':
        if (++this.effectCount <= BOUNDS.effects) (this.effects[m.kind] as unknown[]).push(m.effect);
        else if (this.effectCount === BOUNDS.effects + 1) this.system(`More than ${BOUNDS.effects} effects: later ones were not recorded.`);
        break;
      case 'store': this.store(m.id, m.op, m.args); break;
      case 'exit-called': this.exitCalled = m.code; break;
      case 'debug-waiting': this.debug.waiting = true; this.debugReady(); break;
      case 'output-limit': this.outputLimit(); break;
      case 'coverage': try { this.hooks?.onCoverage?.(m.scripts); } catch { /* listener */ } break;
      case 'done': this.done(m.outcome); break;
    }
  }

  /** A `$db`/`$schedule` operation of the child, run on the store (the app's, or a fuzz run's throwaway one). */
  private store(id: number, op: Extract<ChildMessage, { type: 'store' }>['op'], args: unknown[]): void {
    const { plan } = this;
    const blocked = linkOutOnPath(plan.appDir, path.relative(plan.appDir, plan.dbFile));
    const answer = blocked ? Promise.resolve({ ok: false as const, error: { status: 500, message: blocked } }) : runStoreOp(plan.dbFile, op, args);
    void answer.then(({ warnings, ...result }: Awaited<ReturnType<typeof runStoreOp>>) => {
      for (const w of warnings ?? []) this.system(w);
      if (!this.settled) sendLine(this.proc, { type: 'store-result', id, ...result });
    });
  }

  private done(o: ChildOutcome): void {
    const extra: Partial<SimulationResult> = {};
    if (o.handler) extra.handler = o.handler;
    if (o.value !== undefined) extra.value = o.value;
    if (o.renderData) extra.renderData = o.renderData;
    if (o.error) extra.error = o.error;
    if (o.notRunnableReason) extra.notRunnableReason = o.notRunnableReason;
    this.reusable = o.reusable === true && this.plan.reuse === true && this.exitCalled === undefined;
    this.finish(o.status, extra);
  }

  /** The plan out, on fd 3. */
  private sendPlan(): void {
    if (this.settled) return;
    const err = sendLine(this.proc, { type: 'run', plan: this.plan });
    if (err) this.crash(`The run could not be handed to the child process: ${err}`);
  }

  /** The run's end, once: the result, and the child let go of (discarded, or parked for a fuzz's next run). */
  private finish(status: SimulationStatus, extra: Partial<SimulationResult> = {}): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    for (const stop of this.stops.splice(0)) stop();
    const { proc } = this;
    const result: SimulationResult = { ...this.base, ...extra, status, logs: this.logs, effects: this.effects, durationMs: this.now(),
      ...(this.output.truncated ? { truncatedLogs: true } : {}), ...(this.request.debug ? { debug: true } : {}) };
    const clean = status === 'success' || status === 'failed';
    if (this.reusable && clean && !this.output.truncated && this.host.park(this.child)) {
      // A fuzz run that left nothing behind: the same child waits for the next run (the pool of one).
      unrefAll(proc);
      this.resolve(result);
    } else if (clean || status === 'not-runnable') {
      // The child is idle once it reported: hand the result over first, clean up right after.
      this.resolve(result);
      setImmediate(() => discard(proc));
    } else {
      discard(proc); // still running (timeout, output flood): stop it now
      this.resolve(result);
    }
  }
}

function tail(stderr: string): string {
  const t = stderr.trim().split('\n')
    .filter((l) => !/Debugger (listening|attached)|For help, see|Waiting for the debugger|ExperimentalWarning|SecurityWarning|--trace-warnings/.test(l))
    .slice(-5).join('\n');
  return t ? `\n${t}` : '';
}
