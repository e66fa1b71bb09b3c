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

// Then V8 optimizes ESLint's hot code only after it has run a while: the first ~15 lints of a 1,000-line
// server.js took 80-150 ms, the later ones about 30 (bench/lint.mjs). So that the user's first keystrokes find it
// optimized, the thread lints a made-up server.js (SAMPLE's handler WARM_COPIES times, ~90 lines) WARM_LINTS
// times while it has nothing else to do: from its start, and after a request only once no other has come for
// WARM_AFTER_MS (a user typing sends one every ~100 ms: the warm-up never runs between keystrokes). A lint every
// WARM_GAP_MS, not back to back: the language server's own requests right after its start found both cores taken
// (completion's p95 2-3 ms became ~5, bench/payloads.mjs); a request that comes meanwhile waits for one at most.
const WARM_LINTS = 80;
const WARM_COPIES = 10;
const WARM_AFTER_MS = 400;
const WARM_GAP_MS = 5;
let warmLeft = warmUp ? WARM_LINTS : 0;
let warming = false;
const WARM_TEXT = ['var a = require("x");', 'exports = {',
  ...Array.from({ length: WARM_COPIES }, (_, i) => `${SAMPLE.split('\n').slice(2, -1).join('\n').replace('h: function', `h${i}: function`)},`), '};'].join('\n');
function warmStep(): void {
  if (!warming || warmLeft <= 0) { warming = false; return; }
  lintText(--warmLeft % 4 === 0 ? 'app/app.js' : 'server/server.js', WARM_TEXT.replace('"k"', `"k${warmLeft}"`), { manifest: {} });
  if (warmLeft > 0) setTimeout(warmStep, WARM_GAP_MS);
  else parentPort?.postMessage({ warmed: true }); // for the tests (the pool ignores a message with no id)
}
function warmOn(): void {
  if (warming || warmLeft <= 0) return;
  warming = true;
  setImmediate(warmStep);
}
warmOn();

// A young-generation collection once the thread has been idle for IDLE_MS after a lint, where the process
// exposes `gc` (the language server is started with --expose-gc: SERVER_EXEC_ARGV, shared/serverExecArgv.ts). A lint of a
// 1,000-line file allocates ~17 MB; without it, the collections fell inside the next lints and each copied about
// 9 MB still reachable then for the young collector: as the user types (a lint every 100 ms), the lint's median
// was 51-61 ms, and 34-39 ms with it (bench/lint.mjs; README, Benchmarks). A request that comes first cancels it.
const IDLE_MS = 20;
const collect = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
let idle: NodeJS.Timeout | undefined;
let rested: NodeJS.Timeout | undefined;

parentPort?.on('message', (req: LintRequest) => {
  clearTimeout(idle);
  clearTimeout(rested);
  warming = false;
  // The deadline runs from here: not from the request's posting, which includes this thread's start (ESLint's
  // load) and, on a loaded machine, waiting for a core.
  parentPort?.postMessage({ id: req.id, started: true });
  try {
    parentPort?.postMessage({ id: req.id, result: lintText(req.file, req.text, req.facts) });
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
  if (collect) (idle = setTimeout(() => collect({ type: 'minor' }), IDLE_MS)).unref();
  if (warmLeft > 0) (rested = setTimeout(warmOn, WARM_AFTER_MS)).unref();
});
