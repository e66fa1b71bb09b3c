// The lint thread of `fsdev check`, started by the CLI's starter (cliStart.ts) before the CLI bundle loads, so
// that the thread's own start (a Node environment, then ESLint) runs on the other core meanwhile; the LintPool
// of that run takes it over (lintPool.ts). The two bundles share no module: the thread is handed over on a
// global. One made for another script, or that already failed or exited, is terminated and not used.
import { setFlagsFromString } from 'node:v8';
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
  const lifted = liftSemiSpaceFlag();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { warmUp }, stdout: false, stderr: true, resourceLimits: { maxYoungGenerationSizeMb: LINT_YOUNG_GENERATION_MB } });
  } catch (e) {
    lifted();
    throw e;
  }
  worker.once('online', lifted).once('error', lifted).once('exit', lifted);
  worker.unref();
  return worker;
}

/** The process's own `--max-semi-space-size` (its command line or NODE_OPTIONS), if it has one. */
export function pinnedSemiSpaceFlag(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string | undefined {
  return [...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => /^--max[-_]semi[-_]space[-_]size=\d+$/.test(a)).pop();
}

let lifting = 0;
/**
 * A `--max-semi-space-size` given to the process (the language server's SERVER_EXEC_ARGV: 2 MB for its own thread)
 * holds for every isolate made while it is set, over a worker's `resourceLimits`: the lint thread got 2 MB
 * semi-spaces, a scavenge every few hundred KB of a lint, each copying the half-built AST (the lint of a 1,000-line
 * server.js took ~45 ms instead of ~26: bench/lint.mjs, which now starts its thread with the server's flags).
 * So it is unset while the thread's heap is made (when the thread comes online, it is), then set back; threads
 * made meanwhile are counted. The returned function sets it back once; a process without the flag (the CLI:
 * V8 flags set at run time would also void its code caches) is left alone.
 */
function liftSemiSpaceFlag(): () => void {
  const pinned = pinnedSemiSpaceFlag();
  if (!pinned) return () => {};
  if (lifting++ === 0) setFlagsFromString('--max-semi-space-size=0');
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--lifting === 0) setFlagsFromString(pinned);
  };
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
