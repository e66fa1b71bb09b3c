// Entry of the handler child process (bundled to server/dist/runner.js). One process serves ONE run and is
// then killed by the parent. It starts, prepares a fresh vm context ahead of time (warm child), says
// `ready`, and waits for a `run` message with a resolved plan. Logs and effects are streamed to the parent
// as they happen; the outcome comes last. Keep this bundle tiny: node built-ins and simulate/* only.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { LocalDb } from './db';
import type { ChildMessage, ChildOutcome, EffectMessage, ParentMessage, RunPlan } from './ipc';
import { RequestApi } from './request';
import { Sandbox } from './sandbox';
import { LocalSchedule } from './schedule';
import { activeResources, holdsMore, jsonSafe, label, RESET_HINT, runError } from './explain';
import { toSimulationError } from './stackMap';
import type { LogEntry, LogLevel } from './types';

const send = (m: ChildMessage): void => { process.send?.(m); };
const sandbox = new Sandbox();
const hide = [__filename];
let current: { plan: RunPlan; finish: (o: ChildOutcome) => void; stateNotes: string[] } | undefined;

process.on('message', (m: ParentMessage) => {
  if (m && m.type === 'run' && !current) void run(m.plan);
});
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => failFromOutside(e, 'Uncaught exception'));
process.on('unhandledRejection', (r) => failFromOutside(r, 'Unhandled promise rejection'));
if (process.argv.includes('--prewarm')) warmUp();
send({ type: 'ready' });

/**
 * A warm child has time before its run: take the first-call costs now (V8 compiles functions lazily), with a
 * throw-away sandbox so the run's context stays fresh. A cold child (the CLI) skips this.
 */
function warmUp(): void {
  try {
    const s = new Sandbox();
    s.install({ appDir: '/', serverDir: '/', log: () => undefined, exit: () => { throw new Error('exit'); }, apis: {} });
    const fn = vm.compileFunction('console.log("%s %d", "warm", 1, { a: [1] }); return { x: exports, p: JSON.parse("{}") };',
      ['exports'], { parsingContext: s.ctx, filename: path.join(os.tmpdir(), 'fsdev-warm.js') }) as (e: unknown) => unknown;
    jsonSafe(fn({}));
    void s.promise(() => 1);
    toSimulationError(new Error('warm'), '/', hide);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsdev-warm-'));
    try {
      const db = new LocalDb(path.join(dir, '.fsdev', 'db.json'));
      db.set('warm', { n: 1 });
      db.get('warm');
      try { db.get('none'); } catch { /* 404 */ }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    JSON.stringify({ type: 'log', entry: { level: 'log', message: 'warm', time: 0 } });
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
  const finish = (o: ChildOutcome): void => {
    if (done) return;
    done = true;
    send({ type: 'done', outcome: o });
  };
  // Errors caused by state earlier runs left in .fsdev/ (a schedule that already exists, ...): named in the result.
  const stateNotes: string[] = [];
  current = { plan, finish, stateNotes };
  const fromState = (e: unknown): void => {
    const note = (e as { stateNote?: unknown } | null)?.stateNote;
    if (typeof note !== 'string') return;
    delete (e as { stateNote?: unknown }).stateNote;
    stateNotes.push(note);
    log('system', `Local state: ${note}. ${RESET_HINT}`);
  };

  const log = (level: LogLevel, message: string, unsupported?: boolean): void => {
    if (!capturing || done) return;
    outputBytes += Buffer.byteLength(message) + 1;
    outputLines += 1 + (message.match(/\n/g)?.length ?? 0);
    if (outputBytes > plan.outputLimitBytes || outputLines > plan.outputLimitLines) {
      capturing = false;
      send({ type: 'output-limit', bytes: outputBytes, lines: outputLines });
      return;
    }
    const entry: LogEntry = { level, message, time: Math.round(performance.now() - start) };
    if (unsupported) entry.unsupported = true;
    send({ type: 'log', entry });
  };
  const effect = (m: Omit<EffectMessage, 'type'>): void => { if (!done) send({ type: 'effect', ...m } as EffectMessage); };

  const db = new LocalDb(plan.dbFile);
  const dbOp = <T>(op: 'set' | 'get' | 'update' | 'delete', key: unknown, work: () => T, value?: unknown) =>
    sandbox.promise(() => {
      try {
        const r = work();
        effect({ kind: 'db', effect: { op, key: String(key), ...(op === 'get' ? { value: r } : value !== undefined ? { value } : {}), ok: true } });
        return r;
      } catch (e) {
        fromState(e);
        effect({ kind: 'db', effect: { op, key: String(key), ok: false, error: (e as { message?: string }).message ?? String(e) } });
        throw e;
      }
    }, `$db.${op}(${label(key)})`);
  const $db = sandbox.toCtx({}) as Record<string, unknown>;
  Object.assign($db, {
    set: (key: unknown, value: unknown, options?: { setIf?: 'exist' | 'not_exist'; ttl?: number }) =>
      dbOp('set', key, () => db.set(key, value, options), jsonSafe(value)),
    get: (key: unknown) => dbOp('get', key, () => db.get(key)),
    update: (key: unknown, type: unknown, attributes: unknown, options?: { setIf?: 'exist' | 'not_exist' }) =>
      dbOp('update', key, () => db.update(key, type, attributes, options), jsonSafe({ type, attributes })),
    delete: (key: unknown) => dbOp('delete', key, () => db.delete(key)),
  });

  const requests = new RequestApi({
    templates: plan.requestTemplates, stubs: plan.stubs, iparams: plan.iparams, offline: plan.offline,
    whitelistedDomains: plan.whitelistedDomains, accessToken: plan.accessToken,
    record: (e) => effect({ kind: 'requests', effect: e }),
    warn: (message) => log('system', message),
  });
  const $request = sandbox.toCtx({}) as Record<string, unknown>;
  $request.invokeTemplate = (name: unknown, params?: Parameters<RequestApi['invokeTemplate']>[1]) =>
    sandbox.promise(() => requests.invokeTemplate(name, params), `$request.invokeTemplate(${label(name)})`);
  for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
    $request[m] = (url: unknown, options?: Parameters<RequestApi['legacy']>[2]) =>
      sandbox.promise(() => requests.legacy(m.toUpperCase(), url, options), `$request.${m}(${label(url)})`);
  }

  const schedules = new LocalSchedule(plan.dbFile, (message) => log('system', message));
  const $schedule = sandbox.toCtx({}) as Record<string, unknown>;
  for (const op of ['create', 'fetch', 'update', 'delete', 'pause', 'resume'] as const) {
    $schedule[op] = (options?: unknown) => sandbox.promise(() => {
      const name = (options as { name?: unknown } | undefined)?.name;
      try {
        const r = schedules[op](options as never);
        effect({ kind: 'schedules', effect: { op, name: typeof name === 'string' ? name : undefined, options: jsonSafe(options), ok: true } });
        return r;
      } catch (e) {
        fromState(e);
        effect({ kind: 'schedules', effect: { op, name: typeof name === 'string' ? name : undefined, options: jsonSafe(options), ok: false,
          error: (e as { message?: string }).message ?? String(e) } });
        throw e;
      }
    }, `$schedule.${op}(${label((options as { name?: unknown } | undefined)?.name)})`);
  }

  let targetCount = 0;
  const generateTargetUrl = () => sandbox.promise(() => {
    const url = `http://127.0.0.1:10001/fsdev/external-event/${encodeURIComponent(plan.event)}/${process.pid}-${++targetCount}`;
    effect({ kind: 'targetUrls', effect: { url } });
    return url;
  }, 'generateTargetUrl()');

  // renderData: app set-up events wait for it; elsewhere it is recorded and has no effect.
  const setup = plan.kind === 'app-setup';
  const renderState: { called: boolean; error?: unknown; data?: unknown; badFirstArg?: boolean } = { called: false };
  let renderCalled: () => void = () => undefined;
  const renderPromise = new Promise<void>((resolve) => { renderCalled = resolve; });
  const renderData = (err?: unknown, data?: unknown): void => {
    if (renderState.called) {
      log('system', 'renderData was called more than once: only the first call counts on the platform.');
      return;
    }
    renderState.called = true;
    if (err !== undefined && err !== null) {
      renderState.error = jsonSafe(err);
      if (typeof err !== 'object' || typeof (err as { message?: unknown }).message !== 'string') renderState.badFirstArg = true;
    }
    if (data !== undefined) renderState.data = jsonSafe(data);
    if (!setup) log('system', `renderData has no effect for ${plan.kind} events (only app set-up events wait for it).`);
    renderCalled();
  };

  sandbox.install({
    appDir: plan.appDir,
    serverDir: path.dirname(plan.serverScript),
    log,
    exit: (code: number): never => {
      send({ type: 'exit-called', code });
      process.exit(code);
    },
    apis: { $db, $request, $schedule, generateTargetUrl, renderData },
  });

  if (plan.debug) {
    // Tell the parent first: it reports the port only now, so a debugger's Runtime.runIfWaitingForDebugger
    // cannot arrive before the wait starts (it would be lost, and the child would wait forever).
    send({ type: 'debug-waiting' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:inspector') as typeof import('node:inspector')).waitForDebugger();
  }

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
  let handler = plan.handler;
  if (plan.handlerFromEventsArray || handler === undefined) {
    const events = exp.events;
    const item = Array.isArray(events)
      ? (events as unknown[]).find((x) => (x as { event?: unknown } | null)?.event === plan.event) as { callback?: unknown } | undefined
      : undefined;
    if (!item) {
      return finish({ status: 'not-runnable', notRunnableReason: Array.isArray(events)
        ? `${plan.event} is not in the events array that ${serverRel} exports.`
        : `${plan.event} is not registered: ${serverRel} exports no events array (platform 2.0) and manifest.json registers no handler for it.` });
    }
    if (typeof item.callback !== 'string') {
      return finish({ status: 'not-runnable', notRunnableReason: `The events array entry for ${plan.event} in ${serverRel} has no callback name.` });
    }
    handler = item.callback;
  }
  const fn = exp[handler];
  if (typeof fn !== 'function') {
    const what = fn === undefined ? 'which ' + serverRel + ' does not export.'
      : `but ${serverRel} exports it as ${fn === null ? 'null' : typeof fn}, not a function.`;
    return finish({ status: 'not-runnable', handler, notRunnableReason: `${plan.event} is registered with handler '${handler}', ${what}` });
  }

  let payload: unknown;
  try {
    payload = (sandbox.global.JSON as JSON).parse(plan.payloadJson);
  } catch (e) {
    return finish({ status: 'not-runnable', handler, notRunnableReason: `The payload is not valid JSON: ${(e as Error).message}` });
  }

  let value: unknown;
  // What the process holds open before the handler runs: anything more afterwards is work it started.
  const baseline = activeResources();
  try {
    value = (fn as (this: unknown, p: unknown) => unknown).call(exp, payload);
    if (value !== null && (typeof value === 'object' || typeof value === 'function')
      && typeof (value as { then?: unknown }).then === 'function') {
      value = await (value as PromiseLike<unknown>);
    }
  } catch (e) {
    return finish({ status: 'failed', handler, error: runError(e, plan, { origins: sandbox.origins, hide, stateNotes }, undefined, handler),
      ...(renderState.called ? { renderData: renderState } : {}) });
  }
  if (done) return;

  if (setup && !renderState.called) {
    // The platform waits (up to the time limit) for renderData; the parent kills the run at the limit.
    await renderPromise;
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

  const outcome: ChildOutcome = { status: 'success', handler, value: jsonSafe(value) };
  if (renderState.called || setup) {
    const { badFirstArg, ...rd } = renderState;
    outcome.renderData = rd;
    if (setup && badFirstArg) {
      outcome.status = 'failed';
      outcome.error = { message: 'Error: renderData first argument must be an object with message', frames: [] };
    } else if (setup && renderState.error !== undefined) {
      outcome.status = 'failed';
      outcome.error = { message: String((renderState.error as { message: unknown }).message), frames: [] };
    }
  }
  finish(outcome);
}
