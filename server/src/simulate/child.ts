// Entry of the handler child process (bundled to server/dist/runner.js). One process serves ONE run and is
// then killed by the parent. It starts, prepares a fresh vm context ahead of time (warm child), says
// `ready`, and waits for a `run` message with a resolved plan. Logs and effects are streamed to the parent
// as they happen; the outcome comes last. Keep this bundle tiny: node built-ins and simulate/* only.
//
// Messages travel as JSON lines on fd 3 (read with a bound on both sides; see channel.ts). Under Node's
// permission model this process may not write files: `$db` and `$schedule` operations are sent to the parent,
// which owns the store. When the pipe closes (the parent is gone) the process exits; the parent's watchdog
// (reaper.ts) kills it even when its event loop is blocked.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { blockingStdio, openChildChannel } from './channel';
import { Collector } from './collect';
import { CoverageRecorder } from './coverage';
import { createPlatform, findHandler, jsonSafe } from './platform';
import { BOUNDS, checkChildMessage, clipText, type ChildMessage, type ChildOutcome, type EffectMessage, type ParentMessage, type RunPlan, type StoreOp } from './ipc';
export { jsonSafe };
import { blockNetwork, takeRefusal } from './network';
import { Sandbox } from './sandbox';
import { activeResources, holdsMore, RESET_HINT, runError } from './explain';
import { toSimulationError } from './stackMap';
import type { LogEntry, LogLevel } from './types';

// The parent is gone (or let go of us): nothing will ever read our result.
const channel = openChildChannel((m) => onParentMessage(m as ParentMessage), () => process.exit(0));
blockingStdio();
const send = (m: ChildMessage): void => { channel?.send(m); };
/** Effects and the outcome carry the handler's values: bounded here as the parent will (it checks again). */
const sendBounded = (m: ChildMessage): void => {
  const checked = checkChildMessage(m);
  send('type' in checked ? checked : { type: 'log', entry: { level: 'system', message: `A message could not be sent: ${checked.invalid}`, time: 0 } });
};
let sandbox = new Sandbox();
const hide = [__filename];
let current: { plan: RunPlan; finish: (o: ChildOutcome) => void; stateNotes: string[] } | undefined;
const storeCalls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
let storeSeq = 0;

function onParentMessage(m: ParentMessage): void {
  if (m?.type === 'run' && !current) void run(m.plan);
  else if (m?.type === 'store-result') {
    const call = storeCalls.get(m.id);
    storeCalls.delete(m.id);
    if (m.ok) call?.resolve(m.value); else call?.reject(m.error);
  }
}

/** Ask the parent to run a store operation; resolves with its result or rejects with the platform's error. */
function storeCall(op: StoreOp, args: unknown[]): Promise<unknown> {
  const id = ++storeSeq;
  return new Promise((resolve, reject) => {
    storeCalls.set(id, { resolve, reject });
    send({ type: 'store', id, op, args });
  });
}

process.on('uncaughtException', (e) => failFromOutside(e, 'Uncaught exception'));
process.on('unhandledRejection', (r) => failFromOutside(r, 'Unhandled promise rejection'));
if (process.argv.includes('--prewarm')) warmUp();
// Ready once idle: start-up's own deferred work (the permission model's warning, the first event-loop turn)
// is over, so a run that arrives right away is not queued behind it.
setImmediate(() => send({ type: 'ready' }));

/**
 * A warm child has time before its run: take the first-call costs now (V8 compiles functions lazily), with a
 * throw-away sandbox so the run's context stays fresh. A cold child (the CLI) skips this. No file is touched:
 * the permission model refuses writes.
 */
function warmUp(): void {
  try {
    const s = new Sandbox();
    // The platform's paths too: a $db read of a store that does not exist, a write that goes nowhere.
    const plan = { appDir: '/', serverScript: '/server.js', event: 'warm', kind: 'product', payloadJson: '{}', iparams: {}, offline: true,
      dbFile: path.join(__dirname, 'fsdev-warm-none.json'), outputLimitBytes: 0, outputLimitLines: 0 } satisfies RunPlan;
    const { apis } = createPlatform(s, plan, { log: () => undefined, effect: () => undefined, store: () => Promise.resolve({ Created: true }) });
    s.install({ appDir: '/', serverDir: '/', log: () => undefined, exit: () => { throw new Error('exit'); }, apis });
    const fn = vm.compileFunction('console.log("%s %d", "warm", 1, { a: [1] }); $db.get("k").catch(function () {}); $db.set("k", { n: 1 });'
      + ' return { x: exports, p: JSON.parse("{}") };',
      ['exports'], { parsingContext: s.ctx, filename: path.join(os.tmpdir(), 'fsdev-warm.js') }) as (e: unknown) => unknown;
    jsonSafe(fn({}));
    void s.promise(() => 1);
    toSimulationError(new Error('warm'), '/', hide);
    JSON.stringify({ type: 'log', entry: { level: 'log', message: 'warm', time: 0 } });
    // The bounding of outgoing messages (first calls compile lazily: a millisecond off the run).
    checkChildMessage({ type: 'log', entry: { level: 'log', message: clipText('warm', 10), time: 0 } });
    checkChildMessage({ type: 'effect', kind: 'db', effect: { op: 'set', key: 'k', value: { n: 1 }, ok: true } });
    checkChildMessage({ type: 'done', outcome: { status: 'success', handler: 'h', value: { a: [1] }, error: { message: 'm', frames: [] } } });
    JSON.parse('{"type":"run","plan":{"appDir":"/"}}');
  } catch { /* warming is best effort */ }
}

/** An error nobody caught (a throw in a timer callback, a rejection nobody handled): the run fails. */
function failFromOutside(thrown: unknown, what: string): void {
  if (!current) { process.exit(70); }
  current.finish({ status: 'failed', error: runError(thrown, current.plan, { origins: sandbox.origins, hide, stateNotes: current.stateNotes }, what) });
}

async function run(plan: RunPlan): Promise<void> {
  const start = performance.now();
  let done = false;
  let outputBytes = 0;
  let outputLines = 0;
  let capturing = true;
  const coverage = plan.coverage ? new CoverageRecorder() : undefined;
  const finish = (o: ChildOutcome): void => {
    if (done) return;
    done = true;
    if (!coverage) return sendBounded({ type: 'done', outcome: o });
    // Coverage goes first: the parent kills the child once it has the outcome.
    void coverage.take(plan.appDir).then((scripts) => send({ type: 'coverage', scripts }), () => undefined)
      .then(() => sendBounded({ type: 'done', outcome: o }));
  };
  // Errors caused by state earlier runs left in .fsdev/ (a schedule that already exists, ...): named in the result.
  const stateNotes: string[] = [];
  current = { plan, finish, stateNotes };

  const log = (level: LogLevel, message: string, unsupported?: boolean): void => {
    if (!capturing || done) return;
    outputBytes += Buffer.byteLength(message) + 1;
    outputLines += 1 + (message.match(/\n/g)?.length ?? 0);
    if (outputBytes > plan.outputLimitBytes || outputLines > plan.outputLimitLines) {
      capturing = false;
      send({ type: 'output-limit', bytes: outputBytes, lines: outputLines });
      return;
    }
    // One line at most BOUNDS.logChars (escaped as JSON it stays far below the pipe's line bound).
    const entry: LogEntry = { level, message: clipText(message, BOUNDS.logChars), time: Math.round(performance.now() - start) };
    if (unsupported) entry.unsupported = true;
    send({ type: 'log', entry });
  };
  // Past the bound the parent records no more effects: stop sending them (one more tells it so).
  let effects = 0;
  const effect = (m: Omit<EffectMessage, 'type'>): void => {
    if (!done && ++effects <= BOUNDS.effects + 1) sendBounded({ type: 'effect', ...m } as EffectMessage);
  };

  // The app's store is the parent's to write (it owns the file and its lock); a fuzz run's is in this process.
  const { apis, render } = createPlatform(sandbox, plan, { log, effect, store: plan.memoryStore ? undefined : storeCall, stateNote: (note) => {
    // An error caused by state earlier runs left in .fsdev/: named in the log now and in the failure.
    stateNotes.push(note);
    log('system', `Local state: ${note}. ${RESET_HINT}`);
  } });
  const renderState = render.state;
  if (plan.blockNetwork) { blockNetwork(); takeRefusal(); } // a refusal of an earlier run is that run's
  const setup = plan.kind === 'app-setup';
  sandbox.install({
    appDir: plan.appDir,
    serverDir: path.dirname(plan.serverScript),
    log,
    exit: (code: number): never => {
      send({ type: 'exit-called', code });
      process.exit(code);
    },
    apis,
  });

  if (plan.debug) {
    // Tell the parent first: it reports the port only now, so a debugger's Runtime.runIfWaitingForDebugger
    // cannot arrive before the wait starts (it would be lost, and the child would wait forever).
    send({ type: 'debug-waiting' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:inspector') as typeof import('node:inspector')).waitForDebugger();
  }

  if (coverage) await coverage.start(plan.appDir).catch(() => undefined);
  const serverRel = path.relative(plan.appDir, plan.serverScript).split(path.sep).join('/');
  let exported: unknown;
  try {
    exported = sandbox.loadScript(plan.serverScript, true);
  } catch (e) {
    const error = toSimulationError(e, plan.appDir, hide);
    if ((e as { code?: string }).code === 'ENOENT') {
      return finish({ status: 'not-runnable', notRunnableReason: `${serverRel} does not exist.` });
    }
    if ((e as { name?: string }).name === 'SyntaxError') {
      const where = error.line ? `${error.file ?? serverRel}:${error.line}${error.column ? `:${error.column}` : ''}` : serverRel;
      return finish({ status: 'not-runnable', error,
        notRunnableReason: `${serverRel} has a syntax error at ${where}: ${error.message.replace(/^SyntaxError: /, '')}` });
    }
    if (/module is not defined/.test(error.message)) {
      log('system', 'The platform runs server.js with `exports = { ... }`; `module.exports` is not available there.');
    }
    error.message = `${serverRel} threw while loading: ${error.message}`;
    return finish({ status: 'failed', error });
  }

  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) {
    return finish({ status: 'not-runnable',
      notRunnableReason: `${serverRel} does not export an object: write \`exports = { ${plan.handler ?? 'handler'}: function (args) { ... } }\`.` });
  }
  const exp = exported as Record<string, unknown>;
  const found = findHandler(exp, plan, serverRel);
  if ('notRunnableReason' in found) return finish({ status: 'not-runnable', ...found });
  const { handler, fn } = found;

  let payload: unknown;
  try {
    payload = (sandbox.global.JSON as JSON).parse(plan.payloadJson);
  } catch (e) {
    return finish({ status: 'not-runnable', handler, notRunnableReason: `The payload is not valid JSON: ${(e as Error).message}` });
  }

  let value: unknown;
  // What the process holds open before the handler runs: anything more afterwards is work it started.
  const baseline = activeResources();
  /** The run's outcome; a fuzz run that left nothing behind lets this process take the next run, in a fresh sandbox. */
  const end = (o: ChildOutcome): void => {
    if (reusableAfter(plan, coverage, baseline)) o.reusable = true;
    finish(o);
    if (o.reusable) nextRun();
  };
  try {
    value = (fn as (this: unknown, p: unknown) => unknown).call(exp, payload);
    if (value !== null && (typeof value === 'object' || typeof value === 'function')
      && typeof (value as { then?: unknown }).then === 'function') {
      value = await (value as PromiseLike<unknown>);
    }
  } catch (e) {
    const failed: ChildOutcome = { status: 'failed', handler, error: runError(e, plan, { origins: sandbox.origins, hide, stateNotes }, undefined, handler),
      ...(renderState.called ? { renderData: renderState } : {}) };
    return end(failed);
  }
  if (done) return;

  if (setup && !renderState.called) {
    // The platform waits (up to the time limit) for renderData; the parent kills the run at the limit.
    await render.promise;
    if (done) return;
  }
  // Let work the handler started without awaiting it settle, as the platform's runtime and fdk's long-lived
  // process do: $db/$request calls and timers (counted by the sandbox), and anything else that holds the event
  // loop (a socket of axios or http.get, a file read of a package): its logs and errors belong to this run.
  // The parent's time limit bounds the wait. An interval alone does not hold the run open.
  // One turn of the event loop with nothing pending is enough: unhandled rejections are reported before it ends.
  do {
    await new Promise<void>((r) => setImmediate(r));
    if (done) return;
  } while (sandbox.pending > 0 || holdsMore(baseline));

  // A network call refused during a fuzz and caught by the package or the handler: the run still fails with it,
  // as one that was not caught does (the handler's result offline says nothing of what it does online).
  const refused = plan.blockNetwork ? takeRefusal() : undefined;
  if (refused) return end({ status: 'failed', handler, error: runError(refused, plan, { origins: sandbox.origins, hide, stateNotes }, undefined, handler) });

  const outcome: ChildOutcome = { status: 'success', handler, value: jsonSafe(value, BOUNDS.valueBytes) };
  if (renderState.called || setup) {
    const { badFirstArg, message, ...rd } = renderState;
    outcome.renderData = rd;
    if (setup && badFirstArg) {
      outcome.status = 'failed';
      outcome.error = { message: 'Error: renderData first argument must be an object with message', frames: [] };
    } else if (setup && renderState.error !== undefined) {
      outcome.status = 'failed';
      outcome.error = { message: message ?? '', frames: [] };
    }
  }
  end(outcome);
}

/** A child that takes fuzz runs collects the garbage of the last ones while it waits (collect.ts). */
let collector: Collector | undefined;

/** The child takes the next run, in a fresh sandbox; the last run's garbage is collected once its frames are gone. */
function nextRun(): void {
  current = undefined;
  sandbox = new Sandbox();
  collector ??= new Collector();
  setImmediate(() => { if (!current) collector?.maybeCollect(); });
}

/** plan.reuse (fsdev fuzz), and the run left nothing behind: no pending work or interval, nothing more held open. */
function reusableAfter(plan: RunPlan, coverage: unknown, baseline: ReturnType<typeof activeResources>): boolean {
  return plan.reuse === true && !coverage && !plan.debug && sandbox.pending === 0 && sandbox.intervals === 0 && !holdsMore(baseline);
}
