// The lint thread of `fsdev check`, started by the CLI's starter (cliStart.ts) before the CLI bundle loads, so
// that the thread's own start (a Node environment, then ESLint) runs on the other core meanwhile; the LintPool
// of that run takes it over (lintPool.ts). The two bundles share no module: the thread is handed over on a
// global. One made for another script, or that already failed or exited, is terminated and not used.
import { Worker } from 'node:worker_threads';

const HANDOVER = Symbol.for('freshsales-devtools.earlyLintWorker');

/**
 * The worker's young generation (V8's default is 48 MB: two 16 MB semi-spaces). ESLint allocates ~20 MB to lint a
 * 1,000-line file, nearly all of it alive until the lint ends (tokens, AST, scopes, traversal steps): with 16 MB
 * halves, a lint met one or two scavenges that copied most of it and promoted it to the old generation, whose
 * collections followed. With 32 MB halves, a scavenge comes every lint or two and finds mostly the garbage of
 * finished ones. V8 grows the halves to this size only while scavenges find much alive.
 */
export const LINT_YOUNG_GENERATION_MB = 96;

interface Early { worker: Worker; script: string; ended: boolean }

/**
 * A lint thread as the pool runs them: unref'd (never keeps the process alive), its stderr kept apart, its young
 * generation sized; `warmUp` false for the early one, whose first lints are the app's own (lintWorker.ts).
 */
export function newLintWorker(script: string, warmUp = true): Worker {
  const worker = new Worker(script, { workerData: { warmUp }, stdout: false, stderr: true, resourceLimits: { maxYoungGenerationSizeMb: LINT_YOUNG_GENERATION_MB } });
  worker.unref();
  return worker;
}

export function startEarlyLintWorker(script: string): void {
  const early: Early = { worker: newLintWorker(script, false), script, ended: false };
  // Until the pool takes it over: an error or exit only marks it (an 'error' with no listener would throw).
  const end = () => { early.ended = true; };
  early.worker.once('error', end);
  early.worker.once('exit', end);
  (globalThis as Record<symbol, unknown>)[HANDOVER] = early;
}

/** The thread started early for `script`, if one is there and alive; taken once. */
export function takeEarlyLintWorker(script: string): Worker | undefined {
  const g = globalThis as Record<symbol, Early | undefined>;
  const early = g[HANDOVER];
  if (!early) return undefined;
  delete g[HANDOVER];
  if (early.ended || early.script !== script) {
    void early.worker.terminate();
    return undefined;
  }
  return early.worker;
}
