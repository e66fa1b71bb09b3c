// Entry of the handler child process (bundled to server/dist/runner.js). One process serves ONE run and is
// then killed by the parent. It starts, prepares a fresh vm context ahead of time (warm child), says
// `ready`, and waits for a `run` message with a resolved plan. Logs and effects are streamed to the parent
// as they happen; the outcome comes last. Keep this bundle tiny: node built-ins and simulate/* only.
//
// Messages travel as JSON lines on fd 3 (a pipe the parent reads with a bound; see channel.ts). Under Node's
// permission model this process may not write files: `$db` and `$schedule` operations are sent to the parent,
// which owns the store. When the pipe closes (the parent is gone) the process exits; the parent's watchdog
// (reaper.ts) kills it even when its event loop is blocked.
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { BOUNDS, checkChildMessage, clipText, type ChildMessage, type ChildOutcome, type EffectMessage, type ParentMessage, type RunPlan, type StoreOp } from './ipc';
import { RequestApi } from './request';
import { Sandbox } from './sandbox';
import { toSimulationError } from './stackMap';
import type { LogEntry, LogLevel } from './types';

const channel = openChannel();
const send = (m: ChildMessage): void => { channel?.write(`${JSON.stringify(m)}\n`); };
/** Effects and the outcome carry the handler's values: bounded here as the parent will (it checks again). */
const sendBounded = (m: ChildMessage): void => {
  const checked = checkChildMessage(m);
  send('type' in checked ? checked : { type: 'log', entry: { level: 'system', message: `A message could not be sent: ${checked.invalid}`, time: 0 } });
};
const sandbox = new Sandbox();
const hide = [__filename];
let current: { plan: RunPlan; finish: (o: ChildOutcome) => void } | undefined;
const storeCalls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
let storeSeq = 0;
/** Store arguments over this many bytes of JSON are refused here (the platform's limit is 40 KB per key + value). */
const STORE_ARGS_MAX = 100 * 1024;

function openChannel(): net.Socket | undefined {
  let sock: net.Socket;
  try { sock = new net.Socket({ fd: 3, readable: true, writable: true }); } catch { return undefined; }
  sock.setEncoding('utf8');
  let buf = '';
  sock.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let m: ParentMessage;
      try { m = JSON.parse(line) as ParentMessage; } catch { continue; }
      onParentMessage(m);
    }
  });
  // The parent is gone (or let go of us): nothing will ever read our result.
  sock.on('end', () => process.exit(0));
  sock.on('error', () => process.exit(0));
  return sock;
}

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
send({ type: 'ready' });

/**
 * A warm child has time before its run: take the first-call costs now (V8 compiles functions lazily), with a
 * throw-away sandbox so the run's context stays fresh. A cold child (the CLI) skips this. No file is touched:
 * the permission model refuses writes.
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
  const error = toSimulationError(thrown, current.plan.appDir, hide);
  error.message = `${what}: ${error.message}`;
  current.finish({ status: 'failed', error });
}

/** Make a value JSON-safe: cycles, functions, BigInt, undefined and non-finite numbers handled. */
export function jsonSafe(value: unknown, maxBytes = BOUNDS.valueBytes): unknown {
  if (value === undefined) return undefined;
  // Only an object that contains itself is circular: the same object referenced twice is printed twice.
  // JSON.stringify calls the replacer with `this` = the holder, so the ancestors are the holders' chain.
  const ancestors: object[] = [];
  let text: string | undefined;
  try {
    text = JSON.stringify(value, function (this: unknown, _k, v: unknown) {
      if (typeof v === 'bigint') return `${v.toString()}n`;
      if (typeof v === 'function') return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (v !== null && typeof v === 'object') {
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
        if (ancestors.includes(v)) return '[Circular]';
        ancestors.push(v);
      }
      return v;
    });
  } catch (e) {
    return `[unserializable value: ${e instanceof Error ? e.message : String(e)}]`;
  }
  if (text === undefined) return undefined;
  if (text.length > maxBytes) return `[value too large: ${text.length} bytes of JSON]`;
  return JSON.parse(text) as unknown;
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
    sendBounded({ type: 'done', outcome: o });
  };
  current = { plan, finish };

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

  // $db and $schedule: the parent runs each operation on the store (the child may not write files). The
  // arguments cross the pipe as JSON, as they would reach the platform's store.
  const store = (op: StoreOp, args: unknown[]): Promise<unknown> => {
    let wire: unknown[];
    try {
      const text = JSON.stringify(args);
      if (text.length > STORE_ARGS_MAX) {
        return Promise.reject({ status: 400, message: `The key and value together must not exceed 40 KB (they take ${Math.ceil(text.length / 1024)} KB)` });
      }
      wire = JSON.parse(text) as unknown[];
    } catch {
      return Promise.reject({ status: 400, message: 'The value must be JSON-serializable' });
    }
    return storeCall(op, wire);
  };
  const dbOp = (op: 'set' | 'get' | 'update' | 'delete', key: unknown, args: unknown[], value?: unknown) =>
    sandbox.promise(async () => {
      try {
        if (op === 'set' && args[1] === undefined) throw { status: 400, message: 'The value must be JSON-serializable (got undefined)' };
        const r = await store(`db.${op}`, args);
        effect({ kind: 'db', effect: { op, key: String(key), ...(op === 'get' ? { value: r } : value !== undefined ? { value } : {}), ok: true } });
        return r;
      } catch (e) {
        effect({ kind: 'db', effect: { op, key: String(key), ok: false, error: (e as { message?: string }).message ?? String(e) } });
        throw e;
      }
    });
  const $db = sandbox.toCtx({}) as Record<string, unknown>;
  Object.assign($db, {
    set: (key: unknown, value: unknown, options?: unknown) => dbOp('set', key, [key, value, options], jsonSafe(value)),
    get: (key: unknown) => dbOp('get', key, [key]),
    update: (key: unknown, type: unknown, attributes: unknown, options?: unknown) =>
      dbOp('update', key, [key, type, attributes, options], jsonSafe({ type, attributes })),
    delete: (key: unknown) => dbOp('delete', key, [key]),
  });

  const requests = new RequestApi({
    templates: plan.requestTemplates, stubs: plan.stubs, iparams: plan.iparams, offline: plan.offline,
    record: (e) => effect({ kind: 'requests', effect: e }),
    warn: (message) => log('system', message),
  });
  const $request = sandbox.toCtx({}) as Record<string, unknown>;
  $request.invokeTemplate = (name: unknown, params?: Parameters<RequestApi['invokeTemplate']>[1]) =>
    sandbox.promise(() => requests.invokeTemplate(name, params));
  for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
    $request[m] = (url: unknown, options?: Parameters<RequestApi['legacy']>[2]) =>
      sandbox.promise(() => requests.legacy(m.toUpperCase(), url, options));
  }

  const $schedule = sandbox.toCtx({}) as Record<string, unknown>;
  for (const op of ['create', 'fetch', 'update', 'delete', 'pause', 'resume'] as const) {
    $schedule[op] = (options?: unknown) => sandbox.promise(async () => {
      const name = (options as { name?: unknown } | undefined)?.name;
      try {
        const r = await store(`schedule.${op}`, [options]);
        effect({ kind: 'schedules', effect: { op, name: typeof name === 'string' ? name : undefined, options: jsonSafe(options), ok: true } });
        return r;
      } catch (e) {
        effect({ kind: 'schedules', effect: { op, name: typeof name === 'string' ? name : undefined, options: jsonSafe(options), ok: false,
          error: (e as { message?: string }).message ?? String(e) } });
        throw e;
      }
    });
  }

  let targetCount = 0;
  const generateTargetUrl = () => sandbox.promise(() => {
    const url = `http://127.0.0.1:10001/fsdev/external-event/${encodeURIComponent(plan.event)}/${process.pid}-${++targetCount}`;
    effect({ kind: 'targetUrls', effect: { url } });
    return url;
  });

  // renderData: app set-up events wait for it; elsewhere it is recorded and has no effect.
  const setup = plan.kind === 'app-setup';
  const renderState: { called: boolean; error?: unknown; data?: unknown; badFirstArg?: boolean; message?: string } = { called: false };
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
      const message = (err as { message?: unknown }).message;
      if (typeof err !== 'object' || typeof message !== 'string') renderState.badFirstArg = true;
      // Kept apart from the (possibly cut) JSON copy: a 2 MB error object still fails with its own message.
      else renderState.message = message.length > 16384 ? `${message.slice(0, 16384)}… [cut: ${message.length} characters]` : message;
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
  // Only the exports' own properties are handlers: `constructor` or `hasOwnProperty` is not Object.prototype's.
  const fn = Object.prototype.hasOwnProperty.call(exp, handler) ? exp[handler] : undefined;
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
  try {
    value = (fn as (this: unknown, p: unknown) => unknown).call(exp, payload);
    if (value !== null && (typeof value === 'object' || typeof value === 'function')
      && typeof (value as { then?: unknown }).then === 'function') {
      value = await (value as PromiseLike<unknown>);
    }
  } catch (e) {
    return finish({ status: 'failed', handler, error: toSimulationError(e, plan.appDir, hide),
      ...(renderState.called ? { renderData: renderState } : {}) });
  }
  if (done) return;

  if (setup && !renderState.called) {
    // The platform waits (up to the time limit) for renderData; the parent kills the run at the limit.
    await renderPromise;
    if (done) return;
  }
  // Let work the handler started without awaiting it ($db/$request calls, timers) settle: its logs and
  // effects belong to this run. An interval alone does not hold the run open.
  // One turn of the event loop with nothing pending is enough: unhandled rejections are reported before it ends.
  do {
    await new Promise<void>((r) => setImmediate(r));
    if (done) return;
  } while (sandbox.pending > 0);

  const outcome: ChildOutcome = { status: 'success', handler, value: jsonSafe(value) };
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
  finish(outcome);
}
