// The lint worker thread (server/dist/lintWorker.js): ESLint lives here, and only here, so that a lint never
// blocks the language server's other requests and a lint that runs away can be ended (lintPool.ts).
import { parentPort } from 'node:worker_threads';
import { lintText, type LintFacts } from './lintText';

export interface LintRequest { id: number; file: string; text: string; facts: LintFacts }

parentPort?.on('message', (req: LintRequest) => {
  // The deadline runs from here: not from the request's posting, which includes this thread's start (ESLint's
  // load) and, on a loaded machine, waiting for a core.
  parentPort?.postMessage({ id: req.id, started: true });
  try {
    parentPort?.postMessage({ id: req.id, result: lintText(req.file, req.text, req.facts) });
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
});
