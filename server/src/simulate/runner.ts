// The parent side of a simulation: plan the run, hand it to a child process (server/dist/runner.js), collect
// streamed logs and effects, enforce the limits, and always come back with a SimulationResult.
//
// - One child per run, discarded afterwards (SIGKILL). User code never runs in this process.
// - A pool of one: a child is pre-started (warm) so a run costs one message round trip and a fresh vm
//   context; after each run the next child starts in the background. `warm: false` (the CLI) forks on demand.
// - Limits: memory (the heap cap, and the whole process's resident memory on Linux), time (SIGKILL at the
//   event's limit, or request.timeoutMs), output (1 MB / 10k lines of logs), early exit (process.exit in the
//   handler): each ends with a status.
// - The child is untrusted (it runs the app's code and packages): every message is checked and bounded
//   (ipc.ts), every pipe read with a bound (channel.ts), it may not write files (the store is ours,
//   storeHost.ts), and it dies with this process (reaper.ts).
// - Debug: a dedicated child under `--inspect=127.0.0.1:<port|0>` that waits for a debugger; the port is
//   reported through `hooks.onDebugReady`; the time limit is off unless request.timeoutMs is given.
// - The run itself, once planned and given a child, is a ChildRun (childRun.ts): attach, deadline, pump,
//   sendPlan, finish.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import { readMessages } from './channel';
import { ChildRun, emptyEffects, MAX_TIMEOUT_MS, type Child, type RunHost } from './childRun';
import { confinement, discard, missingNode, startChild, unrefAll } from './childProcess';
import { ensureDependencies, type InstallProgress } from './dependencies';
import { linkOutOnPath } from '../appLinks';
import { add as addHistory, HISTORY_FILE } from './history';
import type { ScriptCoverage } from './coverage';
import { checkChildMessage, type ChildMessage } from './ipc';
import { OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_LINES, planRun, type PlanInfo, type PlanReads } from './plan';
import type { LogEntry, SimulationRequest, SimulationResult } from './types';

export interface RunnerOptions {
  /** The child entry; default: runner.js next to this bundle (server/dist/runner.js). */
  runnerScript?: string;
  /** Node executable for children (a setting); default: this process's. request.nodePath wins. */
  nodePath?: string;
  /** Keep one child pre-started (default true). The CLI, which runs once, passes false. */
  warm?: boolean;
  /** Heap cap of a child in MB (default 512). */
  maxOldSpaceMb?: number;
  /** V8 flags of every child this runner starts (`fsdev fuzz`: FUZZ_CHILD_FLAGS, collect.ts); default none. */
  v8Flags?: string[];
  /** Resident memory of a child as a whole (heap, Buffers, typed arrays) in MB (default 1024; Linux). */
  maxMemoryMb?: number;
  outputLimitBytes?: number;
  outputLimitLines?: number;
  /** Append every result to `<appDir>/.fsdev/history.json` (default true). */
  recordHistory?: boolean;
  /** Told when a result could not be added to the history (its lock is a folder, or held too long, …). */
  onHistoryError?: (message: string) => void;
}

export interface RunHooks {
  /** Debug mode: the child listens on this inspector port and waits for a debugger to attach. */
  onDebugReady?(port: number): void;
  /** Progress of installing the manifest's dependencies, when the run needs it. */
  install?: InstallProgress;
  /** request.coverage: V8 coverage of the app's server/ files, when the run ended in the child (not at a kill). */
  onCoverage?(scripts: ScriptCoverage[]): void;
  /** Keep planning's file reads across runs (`fsdev fuzz`: the app's files do not change under it). */
  planReads?: PlanReads;
}

export { MAX_TIMEOUT_MS };

const STDERR_TAIL = 16 * 1024;

/** runner.js beside this file when bundled into server/dist; server/dist/runner.js from the sources otherwise. */
export function defaultRunnerScript(): string {
  const candidates = [path.join(__dirname, 'runner.js'), path.resolve(__dirname, '../../dist/runner.js')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}


export class HandlerRunner {
  private readonly opts: Required<Omit<RunnerOptions, 'nodePath' | 'onHistoryError'>> & { nodePath: string } & Pick<RunnerOptions, 'onHistoryError'>;
  private warmChild?: Child;
  private disposed = false;
  private readonly live = new Set<ChildProcess>();
  private historyWrites = new Set<Promise<void>>();

  /** What each run (childRun.ts) takes from this runner: the limits, and the pool for a child that may take another run. */
  private readonly host: RunHost;

  constructor(options: RunnerOptions = {}) {
    this.opts = {
      runnerScript: options.runnerScript ?? defaultRunnerScript(),
      nodePath: options.nodePath ?? process.execPath,
      warm: options.warm ?? true,
      maxOldSpaceMb: options.maxOldSpaceMb ?? 512,
      v8Flags: options.v8Flags ?? [],
      maxMemoryMb: options.maxMemoryMb ?? 1024,
      outputLimitBytes: options.outputLimitBytes ?? OUTPUT_LIMIT_BYTES,
      outputLimitLines: options.outputLimitLines ?? OUTPUT_LIMIT_LINES,
      recordHistory: options.recordHistory ?? true,
      onHistoryError: options.onHistoryError,
    };
    this.host = {
      limits: this.opts,
      park: (child) => {
        if (this.warmChild || this.disposed) return false;
        this.warmChild = child;
        return true;
      },
    };
    if (this.opts.warm) this.refill();
  }

  /**
   * Resolves when the pre-started child is ready to take a run (immediately when warm is off). A warm child
   * may read one app only (its permission flags name it): `appDir` says which; default: the last run's.
   */
  async whenWarm(appDir?: string): Promise<void> {
    if (appDir) {
      const dir = path.resolve(appDir);
      if (this.warmChild && this.warmChild.appDir !== dir) { discard(this.warmChild.proc); this.warmChild = undefined; }
      this.lastAppDir = dir;
    }
    this.refill(); // the background refill may not have started yet (it runs on the next turn after a run)
    const w = this.warmChild;
    if (!w) return;
    // Hold the event loop open while waiting (an idle warm child is unref'd).
    const hold = setInterval(() => undefined, 1000);
    try { await w.ready; } finally { clearInterval(hold); }
  }

  /** Start a child early (the CLI forks before it plans, so process start-up overlaps planning). */
  prestart(nodePath?: string, appDir?: string): void {
    const np = nodePath ?? this.opts.nodePath;
    if (missingNode(np)) return;
    if (!this.warmChild || this.warmChild.exited) this.warmChild = this.spawn(np, appDir && path.resolve(appDir), []);
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

  /** The node executable and app of the last run: the next warm child uses them (its permissions name the app). */
  private lastNodePath?: string;
  private lastAppDir?: string;

  private refill(): void {
    if (this.disposed || !this.opts.warm) return;
    if (this.warmChild && !this.warmChild.exited) return;
    if (!this.lastAppDir) return; // no app known yet: the first run forks on demand
    const np = this.lastNodePath ?? this.opts.nodePath;
    if (missingNode(np)) return;
    this.warmChild = this.spawn(np, this.lastAppDir, [], true);
  }

  /** `prewarm`: the child takes its first-call costs before saying ready (pool children, not the cold path). */
  private spawn(nodePath: string, appDir: string | undefined, extraArgs: string[], prewarm = false, unconfined?: string): Child {
    const spec = { nodePath, runnerScript: this.opts.runnerScript, appDir, maxOldSpaceMb: this.opts.maxOldSpaceMb,
      extraArgs: [...this.opts.v8Flags, ...extraArgs], prewarm, unconfined };
    const confine = confinement(spec);
    const proc = startChild(spec, confine);
    const child: Child = { proc, nodePath, appDir, confine, exited: false, stderr: '', ready: Promise.resolve(false), early: [] };
    this.live.add(proc);
    const messages = proc.stdio[3] as Readable | undefined;
    let readyResolve: (ok: boolean) => void = () => undefined;
    child.ready = new Promise<boolean>((resolve) => { readyResolve = resolve; });
    if (messages) {
      const deliver = (m: ChildMessage | { invalid: string }) => {
        if ('type' in m && m.type === 'ready') readyResolve(true);
        if (child.onMessage) child.onMessage(m);
        else if ('type' in m && child.early.length < 10) child.early.push(m);
      };
      readMessages(messages, checkChildMessage, deliver);
      messages.on('error', () => undefined);
    }
    proc.once('exit', () => {
      child.exited = true;
      readyResolve(false);
      this.live.delete(proc);
      if (this.warmChild === child) this.warmChild = undefined;
    });
    proc.on('error', () => { child.exited = true; readyResolve(false); });
    (proc.stdio[3] as Writable | undefined)?.on?.('error', () => undefined);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => { child.stderr = (child.stderr + d).slice(-STDERR_TAIL); });
    // Unref'd while idle so a warm child never keeps the host process alive.
    unrefAll(proc);
    return child;
  }

  private take(nodePath: string, appDir: string): Child {
    const w = this.warmChild;
    this.warmChild = undefined;
    if (w && !w.exited && w.nodePath === nodePath && w.appDir === appDir) return w;
    if (w) discard(w.proc);
    return this.spawn(nodePath, appDir, []);
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
    const appDir = path.resolve(request.appDir);
    const isApp = existsSync(path.join(appDir, 'manifest.json'));
    if (missingNode(nodePath)) {
      // Named here: spawning it would only say "spawn ENOENT" or "write EPIPE".
      result = { ...base({ event: request.event, kind: 'product', timeLimitMs: 0, notes: [] }), status: 'crashed',
        error: { message: `The node executable ${nodePath} does not exist (setting freshsales.simulation.nodePath or --node).`, frames: [] } };
      if (this.opts.recordHistory && isApp) this.record(appDir, result);
      return result;
    }
    const w = this.warmChild;
    const fits = w && !w.exited && w.nodePath === nodePath && w.appDir === appDir;
    const early = !request.debug && !request.coverage && isApp && !fits ? this.spawn(nodePath, appDir, []) : undefined;
    if (early && w) { discard(w.proc); this.warmChild = undefined; } // a warm child for another node executable or app
    let planned;
    try {
      planned = await planRun(request, { outputLimitBytes: this.opts.outputLimitBytes, outputLimitLines: this.opts.outputLimitLines }, hooks?.planReads);
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
    const secure = planned.info.secureIparams;
    if (!planned.ok) {
      if (early) discard(early.proc);
      result = { ...base(planned.info), notRunnableReason: planned.reason, durationMs: Math.round(performance.now() - t0) };
    } else {
      this.lastNodePath = nodePath;
      this.lastAppDir = appDir;
      let child: Child;
      if (request.debug) {
        child = this.spawn(nodePath, appDir, [`--inspect=127.0.0.1:${request.debug.port ?? 0}`], false, 'Debug run');
      } else if (request.coverage) {
        // Coverage is recorded through an in-process inspector session, which the permission model refuses.
        child = this.spawn(nodePath, appDir, [], false, 'Run with coverage');
      } else {
        child = early ?? this.take(nodePath, appDir);
      }
      result = await new ChildRun(this.host, child, planned.plan, planned.info, base(planned.info), t0, request, onLog, hooks).result();
      // A parked child (request.reuseChild) is the next run's: a refill now would race it and spawn for nothing.
      if (!request.debug && !(request.reuseChild && this.warmChild)) setImmediate(() => this.refill());
    }
    // Nothing is written outside an existing app (a mistyped folder must not become one).
    if (this.opts.recordHistory && isApp) this.record(appDir, withSecureIparamsMasked(result, secure));
    return result;
  }

  private record(appDir: string, result: SimulationResult): void {
    // Nothing is written through a link out of the app (.fsdev -> elsewhere): the run says so instead.
    const blocked = linkOutOnPath(appDir, HISTORY_FILE);
    if (blocked) { result.logs.push({ level: 'system', message: `This run was not recorded in ${HISTORY_FILE}: ${blocked}`, time: result.durationMs }); return; }
    const w = addHistory(appDir, result).then((problem) => { if (problem) this.opts.onHistoryError?.(problem); });
    this.historyWrites.add(w);
    void w.finally(() => this.historyWrites.delete(w));
  }
}

/**
 * The result as history.json keeps it: the values of secure iparams (config/iparams.json's `secure`, password and
 * api_key types) in the payload replaced by a mask, so a key typed into the Test iparams box never lands in
 * `.fsdev/` (a folder easily committed). The run itself, and its result in the panel, keep the real values.
 */
export function withSecureIparamsMasked(result: SimulationResult, secure: string[] | undefined): SimulationResult {
  const payload = result.payload as { iparams?: unknown } | undefined;
  const iparams = payload?.iparams;
  if (!secure?.length || typeof iparams !== 'object' || iparams === null || Array.isArray(iparams)) return result;
  const masked = Object.fromEntries(Object.entries(iparams).map(([k, v]) => [k, secure.includes(k) && v !== '' && v !== undefined && v !== null ? SECURE_MASK : v]));
  return { ...result, payload: { ...payload, iparams: masked } };
}

export const SECURE_MASK = '••••••••';
