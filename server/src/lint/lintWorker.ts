// The lint worker thread (server/dist/lintWorker.js): ESLint lives here, and only here, so that a lint never
// blocks the language server's other requests and a lint that runs away can be ended (lintPool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { lintText, type LintFacts } from './lintText';

/** For the tests that compare this bundle's findings with ESLint's own (required outside a worker, it only warms up). */
export { lintText };

export interface LintRequest { id: number; file: string; text: string; facts: LintFacts }

// Warm up before the first request is taken (requests wait in the port's queue meanwhile): ESLint's first lint
// compiles every rule and the parser, several times the cost of the next ones; it belongs to the thread's start
// (under the pool's start deadline), not to the first file's 2 s. Not in the thread `fsdev check` starts early
// (earlyLintWorker.ts): the app's files are queued by the time it is ready, so a warm-up would only delay them.
const SAMPLE = [
  'var a = require("x");',
  'exports = {',
  '  h: function (args, cb) {',
  '    $db.get("k").then(function (d) { if (d && d.n > 1) { return d; } else { return null; } }, function (e) { console.log(e); });',
  '    client.request.get("https://a.example.com").catch(function (err) { cb(err); });',
  '    for (var i = 0; i < 2; i++) { try { a(i); } catch (e) { return; } }',
  '    var o = { ...args, b: args?.c ?? 1 };',
  '    return async () => { await o; };',
  '  }',
  '};',
].join('\n');
const warmUp = (workerData as { warmUp?: boolean } | null)?.warmUp !== false;
if (warmUp) for (const file of ['server/server.js', 'app/app.js']) lintText(file, SAMPLE, { manifest: {} });

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
