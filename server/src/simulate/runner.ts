// The parent side of a simulation: plan the run, hand it to a child process (server/dist/runner.js), collect
// streamed logs and effects, enforce the limits, and always come back with a SimulationResult.
//
// - One child per run, discarded afterwards (SIGKILL). User code never runs in this process.
// - A pool of one: a child is pre-started (warm) so a run costs one message round trip and a fresh vm
//   context; after each run the next child starts in the background. `warm: false` (the CLI) forks on demand.
// - Limits: memory (`--max-old-space-size`), time (SIGKILL at the event's limit, or request.timeoutMs),
//   output (1 MB / 10k lines of logs), early exit (process.exit in the handler), OOM: each ends with a status.
// - Debug: a dedicated child under `--inspect=127.0.0.1:<port|0>` that waits for a debugger; the port is
//   reported through `hooks.onDebugReady`; the time limit is off unless request.timeoutMs is given.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureDependencies, type InstallProgress } from './dependencies';
import { add as addHistory } from './history';
import type { ScriptCoverage } from './coverage';
import type { ChildMessage, ChildOutcome, ParentMessage } from './ipc';
import { OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_LINES, planRun, type PlanInfo } from './plan';
import type { LogEntry, SimulationEffects, SimulationError, SimulationRequest, SimulationResult, SimulationStatus } from './types';

export interface RunnerOptions {
  /** The child entry; default: runner.js next to this bundle (server/dist/runner.js). */
  runnerScript?: string;
  /** Node executable for children (a setting); default: this process's. request.nodePath wins. */
  nodePath?: string;
  /** Keep one child pre-started (default true). The CLI, which runs once, passes false. */
  warm?: boolean;
  /** Heap cap of a child in MB (default 512). */
  maxOldSpaceMb?: number;
  outputLimitBytes?: number;
  outputLimitLines?: number;
  /** Append every result to `<appDir>/.fsdev/history.json` (default true). */
  recordHistory?: boolean;
}

export interface RunHooks {
  /** Debug mode: the child listens on this inspector port and waits for a debugger to attach. */
  onDebugReady?(port: number): void;
  /** Progress of installing the manifest's dependencies, when the run needs it. */
  install?: InstallProgress;
  /** request.coverage: V8 coverage of the app's server/ files, when the run ended in the child (not at a kill). */
  onCoverage?(scripts: ScriptCoverage[]): void;
}

interface Child {
  proc: ChildProcess;
  nodePath: string;
  ready: Promise<boolean>;
  exited: boolean;
  stderr: string;
}

const STDERR_TAIL = 16 * 1024;

/** runner.js beside this file when bundled into server/dist; server/dist/runner.js from the sources otherwise. */
export function defaultRunnerScript(): string {
  const candidates = [path.join(__dirname, 'runner.js'), path.resolve(__dirname, '../../dist/runner.js')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function emptyEffects(): SimulationEffects { return { db: [], requests: [], schedules: [], targetUrls: [] }; }

export class HandlerRunner {
  private readonly opts: Required<Omit<RunnerOptions, 'nodePath'>> & { nodePath: string };
  private warmChild?: Child;
  private disposed = false;
  private readonly live = new Set<ChildProcess>();
  private historyWrites = new Set<Promise<void>>();

  constructor(options: RunnerOptions = {}) {
    this.opts = {
      runnerScript: options.runnerScript ?? defaultRunnerScript(),
      nodePath: options.nodePath ?? process.execPath,
      warm: options.warm ?? true,
      maxOldSpaceMb: options.maxOldSpaceMb ?? 512,
      outputLimitBytes: options.outputLimitBytes ?? OUTPUT_LIMIT_BYTES,
      outputLimitLines: options.outputLimitLines ?? OUTPUT_LIMIT_LINES,
      recordHistory: options.recordHistory ?? true,
    };
    if (this.opts.warm) this.refill();
  }

  /** Resolves when the pre-started child is ready to take a run (immediately when warm is off). */
  async whenWarm(): Promise<void> {
    this.refill(); // the background refill may not have started yet (it runs on the next turn after a run)
    const w = this.warmChild;
    if (!w) return;
    // Hold the event loop open while waiting (an idle warm child is unref'd).
    const hold = setInterval(() => undefined, 1000);
    try { await w.ready; } finally { clearInterval(hold); }
  }

  /** Start a child early (the CLI forks before it plans, so process start-up overlaps planning). */
  prestart(nodePath?: string): void {
    if (!this.warmChild || this.warmChild.exited) this.warmChild = this.spawn(nodePath ?? this.opts.nodePath, []);
  }

  /** Wait for pending history writes (tests, CLI before exit). */
  async idle(): Promise<void> {
    await Promise.all([...this.historyWrites]);
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.live) discard(p);
    this.live.clear();
    this.warmChild = undefined;
  }

  /** The node executable of the last run: the next warm child uses it (a nodePath setting applies to every run). */
  private lastNodePath?: string;

  private refill(): void {
    if (this.disposed || !this.opts.warm) return;
    if (this.warmChild && !this.warmChild.exited) return;
    this.warmChild = this.spawn(this.lastNodePath ?? this.opts.nodePath, [], true);
  }

  /** `prewarm`: the child takes its first-call costs before saying ready (pool children, not the cold path). */
  private spawn(nodePath: string, extraArgs: string[], prewarm = false): Child {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // VS Code's auto-attach bootloader and friends would slow down or hijack the child
    const proc = fork(this.opts.runnerScript, prewarm ? ['--prewarm'] : [], {
      execPath: nodePath,
      execArgv: [`--max-old-space-size=${this.opts.maxOldSpaceMb}`, ...extraArgs],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      env,
      cwd: path.dirname(this.opts.runnerScript),
    });
    const child: Child = { proc, nodePath, exited: false, stderr: '', ready: Promise.resolve(false) };
    this.live.add(proc);
    child.ready = new Promise<boolean>((resolve) => {
      const onMessage = (m: ChildMessage) => { if (m?.type === 'ready') { proc.off('message', onMessage); resolve(true); } };
      proc.on('message', onMessage);
      proc.once('exit', () => resolve(false));
      proc.once('error', () => resolve(false));
    });
    proc.once('exit', () => {
      child.exited = true;
      this.live.delete(proc);
      if (this.warmChild === child) this.warmChild = undefined;
    });
    proc.on('error', () => { child.exited = true; });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => { child.stderr = (child.stderr + d).slice(-STDERR_TAIL); });
    // Unref'd while idle so a warm child never keeps the host process alive.
    proc.unref();
    (proc as unknown as { channel?: { unref(): void } }).channel?.unref();
    (proc.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  }

  private take(nodePath: string): Child {
    const w = this.warmChild;
    this.warmChild = undefined;
    if (w && !w.exited && w.nodePath === nodePath) return w;
    if (w) discard(w.proc);
    return this.spawn(nodePath, []);
  }

  async run(request: SimulationRequest, onLog?: (entry: LogEntry) => void, hooks?: RunHooks): Promise<SimulationResult> {
    const id = request.runId ?? newId();
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    let result: SimulationResult;
    const base = (info: PlanInfo): SimulationResult => ({
      id, event: request.event, scope: info.scope, handler: info.handler, status: 'not-runnable', durationMs: 0, startedAt,
      logs: [], effects: emptyEffects(), payload: info.payload, payloadSource: info.payloadSource, payloadFile: info.payloadFile,
    });
    // No child ready for this run: fork now, so the child's start-up overlaps planning (the cold path).
    const nodePath = request.nodePath ?? this.opts.nodePath;
    const w = this.warmChild;
    const early = !request.debug && !(w && !w.exited && w.nodePath === nodePath) ? this.spawn(nodePath, []) : undefined;
    if (early && w) { discard(w.proc); this.warmChild = undefined; } // a warm child for another node executable
    let planned;
    try {
      planned = await planRun(request, { outputLimitBytes: this.opts.outputLimitBytes, outputLimitLines: this.opts.outputLimitLines });
    } catch (e) {
      planned = { ok: false as const, reason: `The run could not be prepared: ${(e as Error).message}`,
        info: { event: request.event, kind: 'product' as const, timeLimitMs: 0, notes: [] } };
    }
    if (planned.ok && planned.info.dependencies) {
      // As `fdk run`: the manifest's dependencies are installed before the app runs (only what is missing).
      const notes = planned.info.notes;
      const failure = await ensureDependencies(request.appDir, planned.info.dependencies, {
        begin: (m) => hooks?.install?.begin(m),
        report: (m) => hooks?.install?.report(m),
        end: (m, ok) => { notes.push({ level: 'system', message: m }); hooks?.install?.end(m, ok); },
      });
      if (failure) planned = { ok: false as const, reason: failure, info: planned.info };
    }
    if (!planned.ok) {
      if (early) discard(early.proc);
      result = { ...base(planned.info), notRunnableReason: planned.reason, durationMs: Math.round(performance.now() - t0) };
    } else {
      this.lastNodePath = nodePath;
      let child: Child;
      if (request.debug) {
        child = this.spawn(nodePath, [`--inspect=127.0.0.1:${request.debug.port ?? 0}`]);
      } else {
        child = early ?? this.take(nodePath);
      }
      result = await this.drive(child, planned.plan, planned.info, base(planned.info), t0, request, onLog, hooks);
      if (!request.debug) setImmediate(() => this.refill());
    }
    if (this.opts.recordHistory) {
      const w = addHistory(request.appDir, result);
      this.historyWrites.add(w);
      void w.finally(() => this.historyWrites.delete(w));
    }
    return result;
  }

  private drive(child: Child, plan: import('./ipc').RunPlan, info: PlanInfo, base: SimulationResult, t0: number,
    request: SimulationRequest, onLog?: (entry: LogEntry) => void, hooks?: RunHooks): Promise<SimulationResult> {
    const { proc } = child;
    proc.ref();
    (proc as unknown as { channel?: { ref(): void } }).channel?.ref();
    const logs: LogEntry[] = [];
    const effects = emptyEffects();
    let bytes = 0;
    let lines = 0;
    let truncated = false;
    let exitCalled: number | undefined;
    let settled = false;
    const limitMs = request.debug && request.timeoutMs === undefined ? undefined : info.timeLimitMs;

    const now = () => Math.round(performance.now() - t0);
    return new Promise<SimulationResult>((resolve) => {
      const push = (entry: LogEntry) => {
        if (truncated) return;
        bytes += entry.message.length + 1;
        lines += 1;
        if (bytes > this.opts.outputLimitBytes || lines > this.opts.outputLimitLines) { outputLimit(); return; }
        logs.push(entry);
        try { onLog?.(entry); } catch { /* a listener's problem is not the run's */ }
      };

      let timer: NodeJS.Timeout | undefined;
      const finish = (status: SimulationStatus, extra: Partial<SimulationResult> = {}) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        settledListeners();
        const result: SimulationResult = { ...base, ...extra, status, logs, effects, durationMs: now(),
          ...(truncated ? { truncatedLogs: true } : {}), ...(request.debug ? { debug: true } : {}) };
        if (status === 'success' || status === 'failed' || status === 'not-runnable') {
          // The child is idle once it reported: hand the result over first, clean up right after.
          resolve(result);
          setImmediate(() => discard(proc));
        } else {
          discard(proc); // still running (timeout, output flood): stop it now
          resolve(result);
        }
      };
      const settledListeners = () => {
        proc.removeAllListeners('message');
        proc.stdout?.removeAllListeners('data');
      };
      const crash = (message: string) => finish('crashed', { error: { message, frames: [] } });
      const outputLimit = () => {
        if (truncated) return;
        truncated = true;
        crash(`Output limit exceeded: the handler wrote more than ${Math.round(this.opts.outputLimitBytes / 1024)} KB or `
          + `${this.opts.outputLimitLines} lines of logs; capture stopped and the run was ended.`);
      };

      for (const n of info.notes) push({ level: n.level, message: n.message, time: 0 });

      if (!settled && limitMs !== undefined) timer = setTimeout(() => {
        const what = info.kind === 'app-setup'
          ? `The handler did not finish within ${limitMs / 1000} s${request.timeoutMs === undefined ? ' (the platform\'s limit for app set-up events)' : ''}: an app set-up handler must call renderData().`
          : `The handler did not finish within ${limitMs / 1000} s${request.timeoutMs === undefined ? ` (the platform's limit for ${info.kind} events)` : ''}.`;
        finish('timeout', { error: { message: what, frames: [] } });
      }, limitMs);

      proc.on('message', (m: ChildMessage) => {
        if (settled || !m) return;
        switch (m.type) {
          case 'log': push(m.entry); break;
          case 'effect': (effects[m.kind] as unknown[]).push(m.effect); break;
          case 'exit-called': exitCalled = m.code; break;
          case 'debug-waiting': debugWaiting = true; maybeDebugReady(); break;
          case 'output-limit': outputLimit(); break;
          case 'coverage': try { hooks?.onCoverage?.(m.scripts); } catch { /* listener */ } break;
          case 'done': {
            const o: ChildOutcome = m.outcome;
            const extra: Partial<SimulationResult> = {};
            if (o.handler) extra.handler = o.handler;
            if (o.value !== undefined) extra.value = o.value;
            if (o.renderData) extra.renderData = o.renderData;
            if (o.error) extra.error = o.error as SimulationError;
            if (o.notRunnableReason) extra.notRunnableReason = o.notRunnableReason;
            finish(o.status, extra);
            break;
          }
        }
      });
      proc.stdout?.setEncoding('utf8');
      let partial = '';
      proc.stdout?.on('data', (d: string) => {
        // A package writing to the real stdout: its lines are logs too (bounded like the rest).
        partial += d;
        const parts = partial.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) push({ level: 'log', message: line, time: now() });
      });
      // Debug: the port comes from the inspector's banner on stderr; the child says when it waits. Report both.
      let debugPort: number | undefined;
      let debugWaiting = false;
      const maybeDebugReady = () => {
        if (debugPort === undefined || !debugWaiting || settled) return;
        const port = debugPort;
        debugPort = undefined;
        try { hooks?.onDebugReady?.(port); } catch { /* listener */ }
      };
      if (request.debug) {
        const scan = () => {
          const m = /Debugger listening on ws:\/\/[^:]+:(\d+)\//.exec(child.stderr);
          if (m) {
            proc.stderr?.off('data', onErr);
            debugPort = Number(m[1]);
            maybeDebugReady();
          }
        };
        // The Child's own stderr listener (registered first) has already appended the chunk.
        const onErr = () => scan();
        proc.stderr?.on('data', onErr);
        scan();
      }
      const onGone = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        // Give IPC messages already in flight (the last logs, `exit-called`) a moment to arrive.
        setTimeout(() => {
          if (settled) return;
          if (exitCalled !== undefined) {
            crash(`The handler called process.exit(${exitCalled}): the process exited with code ${exitCalled} before the run finished. `
              + 'Handlers must not call process.exit.');
          } else if (/heap out of memory|Allocation failed|FATAL ERROR: .*(?:memory|heap)/i.test(child.stderr)) {
            crash(`The handler ran out of memory (JavaScript heap out of memory; the limit here is ${this.opts.maxOldSpaceMb} MB).`);
          } else if (signal) {
            crash(`The handler's process was killed by ${signal} before the run finished.${tail(child.stderr)}`);
          } else {
            crash(`The handler's process exited with code ${code ?? '?'} before the run finished.${tail(child.stderr)}`);
          }
        }, 30);
      };
      proc.once('exit', onGone);
      proc.once('error', (e) => {
        if (!settled) crash(`The handler's process could not run: ${e.message}${request.nodePath ? ` (node executable: ${request.nodePath})` : ''}`);
      });
      if (child.exited) onGone(proc.exitCode, proc.signalCode);
      const msg: ParentMessage = { type: 'run', plan };
      try {
        proc.send(msg, (err) => { if (err && !settled) crash(`The run could not be handed to the child process: ${err.message}`); });
      } catch (e) {
        crash(`The run could not be handed to the child process: ${(e as Error).message}`);
      }
    });
  }
}

/** Kill a child and let go of everything that ties this process to it (pipes, channel, handle). */
function discard(proc: ChildProcess): void {
  try { proc.kill('SIGKILL'); } catch { /* gone */ }
  proc.removeAllListeners('message');
  proc.stdout?.removeAllListeners('data');
  proc.stdout?.destroy();
  proc.stderr?.destroy();
  // Not disconnect(): this may run inside the channel's own 'message' dispatch. The killed child closes it.
  (proc as unknown as { channel?: { unref(): void } | null }).channel?.unref();
  proc.unref();
}

function tail(stderr: string): string {
  const t = stderr.trim().split('\n').filter((l) => !/Debugger (listening|attached)|For help, see|Waiting for the debugger/.test(l)).slice(-5).join('\n');
  return t ? `\n${t}` : '';
}
