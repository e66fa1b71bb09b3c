// The platform's globals for the handler's sandbox: `$db`, `$request`, `$schedule`, `generateTargetUrl` and
// `renderData`, built on the local store, the request stubs and the schedule file. One set per child: the
// simulate child (child.ts, one run) and the test child (testing/testChild.ts, many invocations) both use it.
// `plan.event` and `plan.kind` are read when an API is called, so the test child can point one set of APIs
// at the invocation in progress. The methods are plain properties of plain objects: a test's sinon stub
// replaces them where the handler looks them up.
import { LocalDb, memoryStore } from './db';
import type { EffectMessage, RunPlan, StoreOp } from './ipc';
import { RequestApi } from './request';
import type { Sandbox } from './sandbox';
import { LocalSchedule } from './schedule';
import type { LogLevel } from './types';

export interface PlatformHooks {
  log(level: LogLevel, message: string, unsupported?: boolean): void;
  effect(m: Omit<EffectMessage, 'type'>): void;
  /** An API call failed because of state earlier runs left in .fsdev/ (a schedule that already exists, ...). */
  stateNote?(note: string): void;
  /** Whether renderData answers the current invocation (default: app set-up events; the test child adds server methods). */
  renderAnswers?(): boolean;
  /**
   * Runs a `$db`/`$schedule` write under the store's lock: the simulate child, which may not write files, asks
   * its parent; the test child runs storeHost's `lockedStore`. Without it writes would run here, unlocked. Reads
   * (`$db.get`, `$schedule.fetch`) run here either way, with no round trip: the store is inside the app, which
   * the child may read, and every write is an atomic rename, so a read sees the store before or after it.
   */
  store?(op: StoreOp, args: unknown[]): Promise<unknown>;
}

export interface RenderState { called: boolean; error?: unknown; data?: unknown; badFirstArg?: boolean; message?: string }

/** Store arguments over this many bytes of JSON are refused before they travel (the platform's limit is 40 KB per key + value). */
const STORE_ARGS_MAX = 100 * 1024;

/** What the handler passed to renderData in the current invocation; `reset()` starts a new one. */
export class RenderRecord {
  state: RenderState = { called: false };
  promise!: Promise<void>;
  private resolve: () => void = () => undefined;
  constructor() { this.reset(); }
  reset(): void {
    this.state = { called: false };
    this.promise = new Promise<void>((r) => { this.resolve = r; });
  }
  called(): void { this.resolve(); }
}

/** A short, bounded label of an argument for "$db.get('key')". */
export function label(v: unknown): string {
  const text = typeof v === 'string' ? `'${v}'` : (() => { try { return JSON.stringify(v) ?? String(v); } catch { return String(v); } })();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Make a value JSON-safe: cycles, functions, BigInt, undefined and non-finite numbers handled. */
export function jsonSafe(value: unknown, maxBytes = 1024 * 1024): unknown {
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

export function createPlatform(sandbox: Sandbox, plan: RunPlan, hooks: PlatformHooks): { apis: Record<string, unknown>; render: RenderRecord } {
  const { log, effect } = hooks;
  /** Errors the stores mark as caused by earlier runs' state: the hook names it; the handler never sees the mark. */
  const fromState = (e: unknown): void => {
    const note = (e as { stateNote?: unknown } | null)?.stateNote;
    if (typeof note !== 'string') return;
    delete (e as { stateNote?: unknown }).stateNote;
    hooks.stateNote?.(note);
  };
  // With a `store` hook the operation travels as JSON (as it would reach the platform's store).
  const remote = (op: StoreOp, args: unknown[]): Promise<unknown> => {
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
    return hooks.store!(op, wire);
  };
  // With a `store` hook, in program order (as the platform's store sees one app's calls): each write waits for
  // the answer to the write before it, and a read, done here, for the writes issued before it.
  let writes: Promise<unknown> = Promise.resolve();
  const store = async (op: StoreOp, args: unknown[], local: () => unknown): Promise<unknown> => {
    if (!hooks.store) return local();
    if (op === 'db.get' || op === 'schedule.fetch') { await writes; return local(); }
    const answer = writes.then(() => remote(op, args));
    writes = answer.catch(() => undefined);
    return answer;
  };
  // One store for $db and $schedule: the app's file, or (a fuzz run) one in memory for this run only.
  const backing = plan.memoryStore ? memoryStore() : plan.dbFile;
  const db = new LocalDb(backing);
  const dbOp = (op: 'set' | 'get' | 'update' | 'delete', key: unknown, args: unknown[], value?: unknown) =>
    sandbox.promise(async () => {
      try {
        if (op === 'set' && args[1] === undefined && hooks.store) throw { status: 400, message: 'The value must be JSON-serializable (got undefined)' };
        const r = await store(`db.${op}`, args, () => (db[op] as (...a: unknown[]) => unknown).apply(db, args));
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
    set: (key: unknown, value: unknown, options?: unknown) => dbOp('set', key, [key, value, options], jsonSafe(value)),
    get: (key: unknown) => dbOp('get', key, [key]),
    update: (key: unknown, type: unknown, attributes: unknown, options?: unknown) =>
      dbOp('update', key, [key, type, attributes, options], jsonSafe({ type, attributes })),
    delete: (key: unknown) => dbOp('delete', key, [key]),
    // Entity storage (custom objects) is a platform API we do not simulate yet: say so, rather than let the app
    // meet "$db.entity is not a function" and look at its own code for the fault.
    entity: () => {
      throw new Error('$db.entity (entity storage, custom objects) is not simulated by fsdev yet: this run cannot go past it. '
        + "In fsdev test, stub it: this.stub('$db', 'entity').returns({ ... }).");
    },
  });

  // Built from the plan as it is at call time (the test child re-plans each invocation: iparams may differ).
  let requestApi: { api: RequestApi; iparams: unknown } | undefined;
  const requests = (): RequestApi => {
    if (requestApi?.iparams !== plan.iparams) {
      requestApi = { iparams: plan.iparams, api: new RequestApi({
        templates: plan.requestTemplates, stubs: plan.stubs, iparams: plan.iparams, offline: plan.offline,
        whitelistedDomains: plan.whitelistedDomains, accessToken: plan.accessToken,
        record: (e) => effect({ kind: 'requests', effect: e }),
        warn: (message) => log('system', message),
      }) };
    }
    return requestApi.api;
  };
  const $request = sandbox.toCtx({}) as Record<string, unknown>;
  $request.invokeTemplate = (name: unknown, params?: Parameters<RequestApi['invokeTemplate']>[1]) =>
    sandbox.promise(() => requests().invokeTemplate(name, params), `$request.invokeTemplate(${label(name)})`);
  for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
    $request[m] = (url: unknown, options?: Parameters<RequestApi['legacy']>[2]) =>
      sandbox.promise(() => requests().legacy(m.toUpperCase(), url, options), `$request.${m}(${label(url)})`);
  }

  const schedules = new LocalSchedule(backing, (message) => log('system', message));
  const $schedule = sandbox.toCtx({}) as Record<string, unknown>;
  for (const op of ['create', 'fetch', 'update', 'delete', 'pause', 'resume'] as const) {
    $schedule[op] = (options?: unknown) => sandbox.promise(async () => {
      const name = (options as { name?: unknown } | undefined)?.name;
      try {
        const r = await store(`schedule.${op}`, [options], () => schedules[op](options as never));
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
    const render = new RenderRecord();
    const renderData = (err?: unknown, data?: unknown): void => {
      const state = render.state;
      if (state.called) {
        log('system', 'renderData was called more than once: only the first call counts on the platform.');
        return;
      }
      state.called = true;
      if (err !== undefined && err !== null) {
        state.error = jsonSafe(err);
        const message = (err as { message?: unknown }).message;
        if (typeof err !== 'object' || typeof message !== 'string') state.badFirstArg = true;
        // Kept apart from the (possibly cut) JSON copy: a 2 MB error object still fails with its own message.
        else state.message = message.length > 16384 ? `${message.slice(0, 16384)}… [cut: ${message.length} characters]` : message;
      }
      if (data !== undefined) state.data = jsonSafe(data);
      if (!(hooks.renderAnswers?.() ?? plan.kind === 'app-setup')) {
        log('system', `renderData has no effect for ${plan.kind} events (only app set-up events wait for it).`);
      }
      render.called();
    };
    return { apis: { $db, $request, $schedule, generateTargetUrl, renderData }, render };
  }

/** The handler of `plan.event` in what server.js exported (2.0 apps: through its `events` array), or why not. */
export function findHandler(exp: Record<string, unknown>, plan: Pick<RunPlan, 'event' | 'handler' | 'handlerFromEventsArray'>, serverRel: string):
  { handler: string; fn: (this: unknown, payload: unknown) => unknown } | { handler?: string; notRunnableReason: string } {
  let handler = plan.handler;
  if (plan.handlerFromEventsArray || handler === undefined) {
    const events = exp.events;
    const item = Array.isArray(events)
      ? (events as unknown[]).find((x) => (x as { event?: unknown } | null)?.event === plan.event) as { callback?: unknown } | undefined
      : undefined;
    if (!item) {
      return { notRunnableReason: Array.isArray(events)
        ? `${plan.event} is not in the events array that ${serverRel} exports.`
        : `${plan.event} is not registered: ${serverRel} exports no events array (platform 2.0) and manifest.json registers no handler for it.` };
    }
    if (typeof item.callback !== 'string') {
      return { notRunnableReason: `The events array entry for ${plan.event} in ${serverRel} has no callback name.` };
    }
    handler = item.callback;
  }
  // Only the exports' own properties are handlers: `constructor` or `hasOwnProperty` is not Object.prototype's.
  const fn = Object.prototype.hasOwnProperty.call(exp, handler) ? exp[handler] : undefined;
  if (typeof fn !== 'function') {
    const what = fn === undefined ? 'which ' + serverRel + ' does not export.'
      : `but ${serverRel} exports it as ${fn === null ? 'null' : typeof fn}, not a function.`;
    return { handler, notRunnableReason: `${plan.event} is registered with handler '${handler}', ${what}` };
  }
  return { handler, fn: fn as (this: unknown, payload: unknown) => unknown };
}
