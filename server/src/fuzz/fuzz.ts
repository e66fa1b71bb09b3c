// The fuzzing loop: run an event's handler on many payloads the platform may send (core/payloadFuzz.ts), with the
// simulator's warm runner and its verdict, and shrink the first failure to the smallest payload that fails the
// same way (same status, error message and line). fast-check drives generation, replay (the seed) and shrinking.
//
// Every run is offline (`$request` answers from the app's stubs or refuses; any other network call of the handler
// or its packages throws: RunPlan.blockNetwork), with `$db` and `$schedule` in a store held in the child's memory,
// empty at each run's start (RunPlan.memoryStore): nothing is written to the app's .fsdev, and a store call costs
// no round trip to the runner.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as fc from 'fast-check';
import { findEvent, otherProductOf, payloadSchema } from '../core/catalogue';
import { payloadArbitrary } from '../core/payloadFuzz';
import type { Scope } from '../core/types';
import { FUZZ_CHILD_FLAGS } from '../simulate/collect';
import { HandlerRunner, type RunnerOptions } from '../simulate/runner';
import type { SimulationRequest, SimulationResult } from '../simulate/types';

export const DEFAULT_RUNS = 200;
/** Shrinking stops after this many runs or this long (a handler that times out costs its limit per run). */
export const SHRINK_MAX_RUNS = 400;
export const SHRINK_MAX_MS = 60_000;

export interface FuzzOptions {
  appDir: string;
  event: string;
  runs?: number;
  seed?: number;
  /** Time limit of each run in ms; default: the event's platform limit. */
  timeoutMs?: number;
  scope?: Scope;
  /** Start from this payload file (inside the app) instead of the test payload or the bundled default. */
  payloadFile?: string;
  nodePath?: string;
  /** Write the shrunk payload under server/test_data/fuzz/ (default true). */
  save?: boolean;
  /** A runner to use (the language server's); default: a warm one of our own, disposed at the end. */
  runner?: HandlerRunner;
  onProgress?(p: { runs: number; total: number; shrinking: boolean; elapsedMs: number }): void;
  signal?: AbortSignal;
}

export interface FuzzError { message: string; file?: string; line?: number; column?: number }

export interface FuzzFailure {
  status: SimulationResult['status'];
  error: FuzzError;
  /** The shrunk payload, as the handler received it (iparams and event included). */
  payload: Record<string, unknown>;
  /** Relative to the app (forward slashes), when saved. */
  savedTo?: string;
  /** Runs spent shrinking, and whether the budget cut shrinking short. */
  shrinkRuns: number;
  shrinkCut: boolean;
  /** The run of the shrunk payload (logs, effects, frames). */
  result: SimulationResult;
}

export interface FuzzOutcome {
  status: 'passed' | 'failed' | 'not-runnable' | 'cancelled';
  /** Payloads tried before the failure (or all of them), the starting payload included. */
  runs: number;
  durationMs: number;
  seed: number;
  /** True when the event's documented schema shaped the payloads; false: only the starting payload's shape. */
  fromSchema: boolean;
  scope?: Scope;
  handler?: string;
  /** Where the starting payload came from: `test-data` (with its file), `default`, `file`. */
  startedFrom?: string;
  failure?: FuzzFailure;
  /** Why nothing ran (not-runnable): an unregistered event, not an app, a bad payload file. */
  reason?: string;
}

/** The failure's identity: shrinking keeps only payloads that fail with the same status, message and line. */
export function failureKey(r: SimulationResult): string {
  const message = (r.error?.message ?? r.notRunnableReason ?? '').split('\n')[0];
  return `${r.status}\u0000${message}\u0000${r.error?.file ?? ''}:${r.error?.line ?? ''}`;
}

function fuzzError(r: SimulationResult): FuzzError {
  const e = r.error;
  if (!e) return { message: r.notRunnableReason ?? r.status };
  return { message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) };
}

/** `server/test_data/fuzz/<event>-<hash>.json`, relative to the app. */
export function fuzzPayloadPath(event: string, payload: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 10);
  return `server/test_data/fuzz/${event}-${hash}.json`;
}

export function savePayload(appDir: string, event: string, payload: unknown): string {
  const rel = fuzzPayloadPath(event, payload);
  const file = path.join(appDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return rel;
}

/**
 * The runner a fuzz uses unless given one: no history, and a child started for thousands of runs (a small young
 * generation, no optimizing compiler; collect.ts says why).
 */
export function fuzzRunner(options: Pick<RunnerOptions, 'runnerScript' | 'nodePath'> = {}): HandlerRunner {
  return new HandlerRunner({ ...options, recordHistory: false, v8Flags: FUZZ_CHILD_FLAGS });
}

export async function fuzz(options: FuzzOptions): Promise<FuzzOutcome> {
  const t0 = performance.now();
  const appDir = path.resolve(options.appDir);
  const total = Math.max(1, Math.floor(options.runs ?? DEFAULT_RUNS));
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
  const elapsed = () => Math.round(performance.now() - t0);
  const base = { status: 'not-runnable' as const, runs: 0, seed, fromSchema: false };
  if (!fs.existsSync(path.join(appDir, 'manifest.json'))) {
    return { ...base, durationMs: elapsed(), reason: `${appDir} is not a Freshworks app (no manifest.json).` };
  }
  const ownRunner = !options.runner;
  const runner = options.runner ?? fuzzRunner();
  try {
    const request: SimulationRequest = {
      appDir, event: options.event, scope: options.scope, timeoutMs: options.timeoutMs, nodePath: options.nodePath,
      offline: true, blockNetwork: true, memoryStore: true, reuseChild: true,
    };
    // The starting payload: planned as `fsdev simulate` would (test payload › bundled default), then run first.
    const first = await runner.run({ ...request, payloadFile: options.payloadFile }, undefined, {});
    // The app's files are read once for all the generated runs (as `fsdev test` does for its invocations).
    const hooks = { planReads: new Map<string, unknown>() };
    if (first.status === 'not-runnable') {
      return { ...base, durationMs: elapsed(), reason: first.notRunnableReason ?? 'The event could not be run.' };
    }
    const start = first.payload as Record<string, unknown>;
    const scope = first.scope;
    const schema = scope && otherProductOf(scope) ? undefined
      : payloadSchema(options.event, scope?.kind === 'product' ? scope.name : undefined);
    const model = payloadArbitrary(start, schema, { external: findEvent(options.event)?.kind === 'external' });
    const startedFrom = `${first.payloadSource ?? 'default'}${first.payloadFile ? ` ${first.payloadFile}` : ''}`;

    let target: string | undefined;
    let last: { json: string; result: SimulationResult } | undefined;
    let runs = 0;
    let shrinkRuns = 0;
    let shrinkStart = 0;
    let shrinkCut = false;
    const check = (r: SimulationResult, payload: unknown): boolean => {
      if (r.status === 'success') return true;
      const key = failureKey(r);
      if (target === undefined) { target = key; shrinkStart = performance.now(); }
      if (key !== target) return true;
      last = { json: JSON.stringify(payload), result: r };
      return false;
    };
    let startChecked = false;
    const property = fc.asyncProperty(model.arbitrary, async (payload) => {
      if (options.signal?.aborted) return true;
      if (target !== undefined) {
        if (shrinkRuns >= SHRINK_MAX_RUNS || performance.now() - shrinkStart > SHRINK_MAX_MS) { shrinkCut = true; return true; }
        shrinkRuns++;
      } else runs++;
      // The starting payload already ran (planning it): its verdict is reused.
      const reuse = !startChecked && JSON.stringify(payload) === JSON.stringify(start);
      const r = reuse ? first : await runner.run({ ...request, payload }, undefined, hooks);
      startChecked = true;
      const ok = check(r, payload);
      try { options.onProgress?.({ runs, total, shrinking: target !== undefined, elapsedMs: elapsed() }); } catch { /* listener */ }
      return ok;
    });
    const details = await fc.check(property, { numRuns: total, seed, examples: [[start]], endOnFailure: false });
    const out = { runs, seed, fromSchema: model.fromSchema, scope, handler: first.handler, startedFrom };
    if (options.signal?.aborted && !details.failed) return { ...out, status: 'cancelled', durationMs: elapsed() };
    if (!details.failed || !details.counterexample) return { ...out, status: 'passed', durationMs: elapsed() };
    const payload = details.counterexample[0];
    let result = last && last.json === JSON.stringify(payload) ? last.result : undefined;
    if (!result) result = await runner.run({ ...request, payload }, undefined, hooks);
    const failure: FuzzFailure = {
      status: result.status, error: fuzzError(result), payload: (result.payload ?? payload) as Record<string, unknown>, shrinkRuns, shrinkCut, result,
    };
    if (options.save !== false) failure.savedTo = savePayload(appDir, options.event, failure.payload);
    return { ...out, status: 'failed', durationMs: elapsed(), failure };
  } finally {
    if (ownRunner) { await runner.idle(); runner.dispose(); }
  }
}
