// Lint requests go to one worker thread (lintWorker.ts), one at a time, each with a deadline: ESLint is
// synchronous, so a file that takes it too long (a pathological input) cannot be interrupted inside the thread;
// past the deadline the worker is terminated, the file gets one information instead of findings, and the next
// request starts a fresh worker. The thread starts on the first request, or is taken over from the CLI's starter
// (earlyLintWorker.ts).
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { lintRules } from '../core/lintRules';
import { newLintWorker, takeEarlyLintWorker } from './earlyLintWorker';
export { LINT_YOUNG_GENERATION_MB } from './earlyLintWorker';
import type { LintFacts, LintResult } from './lintText';

/** No file's lint takes longer (measured from when the worker starts on it). */
export const LINT_DEADLINE_MS = 2000;
/** A worker that does not even start on a request within this time (it could not load) is given up too. */
const START_DEADLINE_MS = 30_000;

interface Job { file: string; text: string; facts: LintFacts; resolve: (r: LintResult) => void }

export class LintPool {
  private worker?: Worker;
  private queue: Job[] = [];
  private running?: { id: number; job: Job; timer: NodeJS.Timeout };
  private nextId = 1;

  constructor(private readonly script = path.join(__dirname, 'lintWorker.js'), private readonly deadlineMs = LINT_DEADLINE_MS) {}

  /** The findings of one file; never rejects (a worker failure is one information on the file). */
  lint(file: string, text: string, facts: LintFacts): Promise<LintResult> {
    return new Promise((resolve) => {
      this.queue.push({ file, text, facts, resolve });
      this.pump();
    });
  }

  /** Starts the thread now (it loads ESLint and warms up meanwhile): `fsdev check` does so before its other checks. */
  prestart(): void { this.worker ??= this.start(); }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private start(): Worker {
    const w = takeEarlyLintWorker(this.script) ?? newLintWorker(this.script);
    w.on('message', (m: { id: number; started?: boolean; result?: LintResult; error?: string }) => {
      const r = this.running;
      if (!r || r.id !== m.id) return;
      if (m.started) { clearTimeout(r.timer); r.timer = this.deadline(r.job, this.deadlineMs, `its lint took over ${this.deadlineMs / 1000} s`); return; }
      this.finish(m.result ?? this.notLinted(r.job.file, `the lint of ${r.job.file} failed: ${m.error ?? 'no answer'}.`));
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const r = this.running;
      if (r) this.finish(this.notLinted(r.job.file, `the lint of ${r.job.file} stopped: ${why}.`));
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`its thread exited (${code})`));
    return w;
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    const job = this.queue.shift()!;
    this.worker ??= this.start();
    const id = this.nextId++;
    this.running = { id, job, timer: this.deadline(job, START_DEADLINE_MS, 'the lint thread did not start') };
    this.worker.postMessage({ id, file: job.file, text: job.text, facts: job.facts });
  }

  /** Past `ms`, the worker is terminated (ESLint cannot be interrupted otherwise) and the file is not linted. */
  private deadline(job: Job, ms: number, why: string): NodeJS.Timeout {
    return setTimeout(() => {
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
      this.finish(this.notLinted(job.file, `${job.file} was not linted: ${why}.`));
    }, ms);
  }

  private finish(result: LintResult): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = undefined;
    r.job.resolve(result);
    this.pump();
  }

  private notLinted(file: string, message: string): LintResult {
    return { diagnostics: [lintRules.skipped.at(file, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message)], requires: [] };
  }
}
