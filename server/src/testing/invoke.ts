// `this.invoke` and `this.stub` of a test: the app's handlers run in the simulator's sandbox (one Sandbox,
// one set of platform APIs for the whole test run), planned by the simulator's own planRun (handler, iparams,
// limits), located by the same findHandler. What follows fdk 6.9.0's `fdk test` (lib/cli/test.js and
// lib/event_handler/framework.js), and what is our choice (both in the README's fdk-compatibility section):
// - fdk: server.js is evaluated afresh for each invocation (its module state and the library files it requires
//   start anew; the compiled code is reused).
// - fdk: the handler starts synchronously inside `invoke()` (the registered events are planned before the first
//   test), so a stub restored right after an invoke that is not awaited has already been called.
// - fdk: the payload is the test's own. Ours: when it has no `iparams`, those of config/iparam_test_data.json
//   or the defaults of config/iparams.json fill them in, if there are any (the platform always sends them; fdk
//   leaves them undefined), and a 3.0 app's `currentHost` when it has none.
// - fdk: a server method or app set-up event answers through renderData: `renderData(null, data)` resolves
//   `{ requestID, response: data }` (`{ requestID }` without data); `renderData(err)` rejects
//   `{ requestID, status: err.status || 500, message, errorSource: 'APP' }`, or status 400 with fdk's message
//   when err is not an object with a message or a status. A synchronous throw (in server.js, in the handler, an
//   event that is not registered) rejects `{ requestID, status: 500, message: 'Error while executing App server
//   script! - <message>', errorSource: 'APP' }`, for every kind of event.
// - ours: product, external and scheduled events settle when the handler is done (its promise and the platform
//   work it started), as `fsdev simulate` waits; fdk resolves on the next macrotask and loses what comes later.
//   They resolve with what the handler returned, and reject with what it rejected with (fdk loses that too). A
//   server method or set-up event that rejects before calling renderData rejects with that reason (fdk waits
//   for its 5 s timeout, or forever).
// - ours: values cross to the test as JSON copies (as the platform serializes them), so deep equality is
//   realm-proof (fdk hands the handler's own objects across, and deepStrictEqual fails on them).
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { SinonStub } from 'sinon';
import { SERVER_SCRIPT } from '../core/appLayout';
import type { Scope } from '../core/types';
import type { RunPlan } from '../simulate/ipc';
import { runError } from '../simulate/explain';
import { planRun, type Planned, type PlanReads } from '../simulate/plan';
import { loadAppFiles } from '../appFiles';
import { modelOf } from '../core/appSource';
import { createPlatform, findHandler, jsonSafe, type RenderRecord } from '../simulate/platform';
import { Sandbox } from '../simulate/sandbox';
import { lockedStore } from '../simulate/storeHost';
import type { LogLevel } from '../simulate/types';

export const STUBBABLE = ['$db', '$request', '$schedule', '$hook', 'generateTargetUrl'];

type Sinon = typeof import('sinon');

export class AppUnderTest {
  readonly sandbox = new Sandbox();
  private readonly plan: RunPlan;
  private readonly render: RenderRecord;
  /** Plans of the events invoked so far (and of every registered event, from prepare()), by event and product. */
  private readonly planned = new Map<string, Planned>();
  private answersWithRender = false;
  private readonly stubs = new Map<string, SinonStub>();
  /** The app's files as planning read them: once per test run, not once per invocation. */
  private readonly reads: PlanReads = new Map();
  /** The plan whose fields `plan` holds (copied again only when an invocation runs on another). */
  private applied?: Planned;

  constructor(private readonly appDir: string, private readonly sinon: Sinon, private readonly offline: boolean,
    log: (level: LogLevel, message: string, unsupported?: boolean) => void) {
    this.plan = {
      appDir, serverScript: path.join(appDir, SERVER_SCRIPT), event: '', kind: 'product', payloadJson: '{}', iparams: {},
      offline, dbFile: path.join(appDir, '.fsdev/db.json'), outputLimitBytes: Infinity, outputLimitLines: Infinity,
    };
    // $db and $schedule writes go through the store's lock, as a simulation's do: `fsdev test` and `fsdev simulate`
    // (or the editor) at once never lose each other's keys.
    const platform = createPlatform(this.sandbox, this.plan, { log, effect: () => undefined, renderAnswers: () => this.answersWithRender,
      store: lockedStore(this.plan.dbFile, (message) => log('system', message)) });
    this.render = platform.render;
    this.sandbox.install({
      appDir, serverDir: path.dirname(this.plan.serverScript), log,
      exit: (code: number): never => { throw new Error(`The handler called process.exit(${code}): on the platform this ends the invocation.`); },
      apis: { ...platform.apis, $hook: this.sandbox.toCtx({}) },
    });
  }

  /**
   * What the simulator says of an unhandled rejection (or an uncaught exception) during a run of this app: a
   * payload test fails with it, as `fsdev simulate` of the same payload does.
   */
  explain(thrown: unknown, what: string): Error {
    const e = runError(thrown, this.plan, { origins: this.sandbox.origins, hide: [], stateNotes: [] }, what);
    const err = new Error(e.message);
    err.stack = e.stack ?? [e.message, ...e.frames.map((f) => `    at ${f.functionName ?? '<anonymous>'} (${path.resolve(this.appDir, f.file)}:${f.line}:${f.column})`)].join('\n');
    return err;
  }

  /**
   * Plan every registered event (and each of its scopes) before the first test: `invoke` can then start the
   * handler synchronously, as fdk does. Anything else is planned when it is first invoked.
   */
  async prepare(): Promise<void> {
    // An app the model cannot read is planned per invocation instead (each invoke then says what is wrong).
    const app = await loadAppFiles(this.appDir).then((files) => modelOf(files)).catch(() => undefined);
    if (!app) return;
    for (const r of app.registrations) {
      for (const product of [undefined, r.scope.name]) {
        const key = planKey(r.event, product);
        if (!this.planned.has(key)) this.planned.set(key, await this.planFor(r.event, product));
      }
    }
  }

  /** `payloadText`: with `payloadFile`, that file's text as the editor has it (unsaved edits), read instead of the disk. */
  private async planFor(name: string, product: unknown, payloadFile?: string, payloadText?: string): Promise<Planned> {
    const req = { appDir: this.appDir, event: name, offline: this.offline, ...(payloadFile ? { payloadFile, payloadText } : { payload: {} }) };
    const scopes: (Scope | undefined)[] = typeof product === 'string' && product
      ? [{ kind: 'product', name: product }, { kind: 'module', name: product }] : [undefined];
    let planned = await planRun({ ...req, scope: scopes[0] }, undefined, this.reads);
    if (!planned.ok && scopes.length > 1) planned = await planRun({ ...req, scope: scopes[1] }, undefined, this.reads);
    return planned;
  }

  invoke(name: unknown, payload?: unknown, product?: unknown, payloadFile?: string, payloadText?: string): Promise<unknown> {
    if (typeof name !== 'string' || !name) return Promise.reject(new TypeError('this.invoke(name, payload, product?): name must be an event or a server method name.'));
    if (payload !== undefined && (payload === null || typeof payload !== 'object')) return Promise.reject(new TypeError('this.invoke: the payload must be an object.'));
    const planned = payloadFile ? undefined : this.planned.get(planKey(name, product));
    if (planned) return this.start(name, planned, payload, payloadFile);
    return this.planFor(name, product, payloadFile, payloadText).then((p) => {
      if (!payloadFile) this.planned.set(planKey(name, product), p);
      return this.start(name, p, payload, payloadFile);
    });
  }

  /** Run the handler: everything up to its first `await` happens before this returns (as in fdk). */
  private start(name: string, planned: Planned, payload: unknown, payloadFile: string | undefined): Promise<unknown> {
    let exp: Record<string, unknown>;
    let found: ReturnType<typeof findHandler> | undefined;
    let serverMethod = false;
    let payloadJson: string;
    let iparams: unknown;
    try {
      // server.js afresh for each invocation, as fdk evaluates it per request (the library files it requires too).
      this.sandbox.forgetModules();
      const loaded = this.sandbox.loadScript(this.plan.serverScript, true);
      if (loaded === null || (typeof loaded !== 'object' && typeof loaded !== 'function')) throw new Error(`${SERVER_SCRIPT} does not export an object.`);
      exp = loaded as Record<string, unknown>;
      found = planned.ok ? findHandler(exp, planned.plan, SERVER_SCRIPT) : undefined;
      if ((!found || 'notRunnableReason' in found) && typeof exp[name] === 'function') {
        serverMethod = true; // not a registered event: a server method called by name
        found = { handler: name, fn: exp[name] as (p: unknown) => unknown };
      }
      if (!found || 'notRunnableReason' in found) {
        throw new Error(found?.notRunnableReason ?? (planned.ok ? `${name} cannot run.` : `${name} is neither a registered event nor a function of ${SERVER_SCRIPT}: ${planned.reason}`));
      }
      if (payloadFile && planned.ok) {
        payloadJson = planned.plan.payloadJson;
        iparams = (JSON.parse(payloadJson) as { iparams?: unknown }).iparams;
      } else ({ json: payloadJson, iparams } = testPayload(payload, planned));
    } catch (e) {
      return Promise.reject(fdkError(randomUUID(), e));
    }
    // The plan's fields are copied when the invocation's plan changes; the payload's own always.
    if (planned !== this.applied) {
      Object.assign(this.plan, planned.ok ? planned.plan : {}, { offline: this.offline, outputLimitBytes: Infinity, outputLimitLines: Infinity });
      this.applied = planned;
    }
    this.plan.event = name;
    this.plan.payloadJson = payloadJson;
    if (iparams !== null && typeof iparams === 'object' && !Array.isArray(iparams)) this.plan.iparams = iparams as Record<string, unknown>;
    else if (planned.ok) this.plan.iparams = planned.plan.iparams;
    const viaRender = serverMethod || this.plan.kind === 'app-setup';
    this.answersWithRender = viaRender;
    this.render.reset();
    const args = this.sandbox.parseInCtx(payloadJson);
    let value: unknown;
    try {
      value = found.fn.call(exp, args);
    } catch (e) {
      // A synchronous throw: fdk's framework catches it and answers with its error shape.
      if (!viaRender || !this.render.state.called) return Promise.reject(fdkError(randomUUID(), e));
    }
    const ran = value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
      ? Promise.resolve(value as PromiseLike<unknown>) : Promise.resolve(value);
    if (viaRender) return this.answer(ran, name);
    // Let work the handler started without awaiting it settle (as the simulator does): a turn of the event loop,
    // and more while platform calls are in flight.
    return ran.then((v) => new Promise((resolve) => {
      const settled = (): void => { if (this.sandbox.pending > 0) setImmediate(settled); else resolve(jsonSafe(v)); };
      setImmediate(settled);
    }), (e: unknown) => { throw toOuterError(e); });
  }

  /** App set-up events and server methods answer through renderData, with fdk's shapes. */
  private async answer(ran: Promise<unknown>, name: string): Promise<unknown> {
    // The request's ID, as the platform gives each request one (fdk test leaves it undefined); made only for the
    // answers that carry it (a product event's result does not).
    const requestID = randomUUID();
    const record = this.render;
    const ended = ran.then(async () => {
      do await new Promise<void>((r) => setImmediate(r)); while (this.sandbox.pending > 0 && !record.state.called);
    }, (e: unknown) => { if (!record.state.called) throw toOuterError(e); });
    await Promise.race([record.promise, ended]);
    const state = record.state;
    if (!state.called) throw new Error(`${name} ended without calling renderData: the platform would wait for it until the time limit.`);
    // fdk's framework.js: `if (error)` (a falsy first argument is a success).
    if (state.error) {
      const err = state.error as { message?: unknown; status?: unknown };
      if (Array.isArray(err) || typeof err !== 'object' || (err.message === undefined && !err.status)) {
        throw { requestID, status: 400, message: INVALID_DATA_ERR_MSG, errorSource: 'APP' };
      }
      throw { requestID, status: err.status || 500, message: err.message === undefined ? null : err.message, errorSource: 'APP' };
    }
    return state.data === undefined ? { requestID } : { requestID, response: state.data };
  }

  /**
   * A sinon stub on a platform API method (or on generateTargetUrl); stubbing a stubbed method replaces the
   * stub. The API object gets a forwarder that hands the stub JSON copies of the handler's arguments (the
   * platform serializes them too): objects of the handler's realm would fail `assert.deepStrictEqual`.
   */
  stub(api: unknown, method?: unknown): SinonStub {
    if (typeof api !== 'string' || !STUBBABLE.includes(api)) {
      throw new TypeError(`this.stub(api, method): api must be one of ${STUBBABLE.map((a) => `'${a}'`).join(', ')}.`);
    }
    const g = this.sandbox.global;
    const [target, key] = api === 'generateTargetUrl' ? [g, 'generateTargetUrl'] : [g[api] as Record<string, unknown>, method];
    if (typeof key !== 'string' || !key) throw new TypeError(`this.stub('${api}', method): method must be the name of a ${api} method.`);
    if (api === '$hook' && !(key in target)) target[key] = () => Promise.reject(new Error(`$hook.${key} is not available locally.`));
    const id = `${api}.${key}`;
    this.stubs.get(id)?.restore();
    const s = this.sinon.stub(target, key as never) as unknown as SinonStub;
    this.stubs.set(id, s);
    const forward = function (this: unknown, ...args: unknown[]): unknown {
      return s.apply(this, args.map((a) => (a !== null && typeof a === 'object' ? jsonSafe(a) : a)));
    };
    target[key] = forward;
    const restore = s.restore.bind(s);
    s.restore = () => { if (target[key] === forward) restore(); this.stubs.delete(id); };
    return s;
  }

  /** Put every platform API back (between test files: each file starts with the real APIs). */
  restoreStubs(): void {
    for (const s of [...this.stubs.values()]) s.restore();
  }
}

const planKey = (name: string, product: unknown): string => `${name}\0${typeof product === 'string' ? product : ''}`;

/** fdk's message for a renderData error that is not an object with a message or a status. */
export const INVALID_DATA_ERR_MSG = 'The error should be a JSON Object with a message or a status parameter.';
/** fdk's prefix for what a handler (or server.js) threw. */
export const FW_ERROR_MSG = 'Error while executing App server script!';

/** What fdk rejects with when the handler, or server.js, throws synchronously. */
export function fdkError(requestID: string, e: unknown): { requestID: string; status: number; message: string; errorSource: 'APP' } {
  const message = e !== null && typeof e === 'object' ? (e as { message?: unknown }).message : undefined;
  return { requestID, status: 500, message: `${FW_ERROR_MSG} - ${String(message)}`, errorSource: 'APP' };
}

/**
 * The payload a test's `this.invoke` hands the handler: the test's own (a JSON copy), with `iparams` (and a 3.0
 * app's `currentHost`) filled in from the plan only when it has none.
 */
function testPayload(payload: unknown, planned: Planned): { json: string; iparams: unknown } {
  const json = JSON.stringify(payload ?? {}) ?? '{}';
  const p = JSON.parse(json) as Record<string, unknown>;
  const base = (planned.ok ? planned.info.payload : undefined) as Record<string, unknown> | undefined;
  const fill = base?.iparams as Record<string, unknown> | undefined;
  let filled = false;
  if (p.iparams === undefined && fill && Object.keys(fill).length > 0) { p.iparams = fill; filled = true; }
  if (p.currentHost === undefined && base?.currentHost !== undefined) { p.currentHost = base.currentHost; filled = true; }
  // Nothing filled in: the test's JSON as it is (JSON.stringify of its parse is the same text).
  return { json: filled ? JSON.stringify(p) : json, iparams: Array.isArray(p) ? undefined : p.iparams };
}

/** What a handler threw, as an Error of the test's realm (so `instanceof Error` and chai's rejectedWith work). */
export function toOuterError(e: unknown): unknown {
  if (e === null || typeof e !== 'object' || e instanceof Error) return e;
  const o = e as { name?: unknown; message?: unknown; stack?: unknown };
  if (typeof o.message !== 'string' || typeof o.stack !== 'string') return jsonSafe(e);
  const err = new Error(o.message);
  Object.assign(err, e);
  err.name = typeof o.name === 'string' ? o.name : 'Error';
  err.stack = o.stack;
  return err;
}
