// `this.invoke` and `this.stub` of a test: the app's handlers run in the simulator's sandbox (one Sandbox,
// one set of platform APIs for the whole test run, as one warm platform container would), planned by the
// simulator's own planRun (handler, iparams, payload.event, limits), located by the same findHandler.
//
// When `this.invoke` settles (our decision, documented in the README):
// - product, external and scheduled events: when the handler is done: its returned promise settled and the
//   platform work it started ($db, $request, timers) settled, as `fsdev simulate` waits. fdk resolves on the
//   next macrotask without waiting; waiting longer only lets more of the handler happen before the test's
//   assertions, so tests written for fdk pass, and a test that forgets `await` still sees the effects.
//   Resolves with what the handler returned; rejects with what it threw or rejected.
// - app set-up events and server methods (a function of server.js called by name, as the front end's
//   `client.request.invoke` does): when renderData is called. `renderData(null, data)` resolves with
//   `{ status: 200, response: data }` for a server method (the front end's answer) and with `data` for
//   set-up events; `renderData(err)` rejects with `err`. A handler that ends without renderData rejects at
//   once (the platform would wait until its time limit).
// Values cross to the test as JSON copies (as the platform serializes them), so deep equality is realm-proof.
import * as path from 'node:path';
import type { SinonStub } from 'sinon';
import { SERVER_SCRIPT } from '../core/appLayout';
import type { Scope } from '../core/types';
import type { RunPlan } from '../simulate/ipc';
import { planRun, type PlanReads } from '../simulate/plan';
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
  private exported?: Record<string, unknown>;
  private answersWithRender = false;
  private readonly stubs = new Map<string, SinonStub>();
  /** The app's files as planning read them: once per test run, not once per invocation. */
  private readonly reads: PlanReads = new Map();

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

  /** server.js, evaluated once, on the first invocation (its module state lives as long as the run). */
  private exports(): Record<string, unknown> {
    if (!this.exported) {
      const exp = this.sandbox.loadScript(this.plan.serverScript, true);
      if (exp === null || (typeof exp !== 'object' && typeof exp !== 'function')) throw new Error(`${SERVER_SCRIPT} does not export an object.`);
      this.exported = exp as Record<string, unknown>;
    }
    return this.exported;
  }

  /** `payloadText`: with `payloadFile`, that file's text as the editor has it (unsaved edits), read instead of the disk. */
  async invoke(name: unknown, payload?: unknown, product?: unknown, payloadFile?: string, payloadText?: string): Promise<unknown> {
    if (typeof name !== 'string' || !name) throw new TypeError('this.invoke(name, payload, product?): name must be an event or a server method name.');
    if (payload !== undefined && (payload === null || typeof payload !== 'object')) throw new TypeError('this.invoke: the payload must be an object.');
    const req = { appDir: this.appDir, event: name, offline: this.offline, ...(payloadFile ? { payloadFile, payloadText } : { payload: payload ?? {} }) };
    const scopes: (Scope | undefined)[] = typeof product === 'string' && product
      ? [{ kind: 'product', name: product }, { kind: 'module', name: product }] : [undefined];
    let planned = await planRun({ ...req, scope: scopes[0] }, undefined, this.reads);
    if (!planned.ok && scopes.length > 1) planned = await planRun({ ...req, scope: scopes[1] }, undefined, this.reads);
    const exp = this.exports();
    let found = planned.ok ? findHandler(exp, planned.plan, SERVER_SCRIPT) : undefined;
    let serverMethod = false;
    if ((!found || 'notRunnableReason' in found) && typeof exp[name] === 'function') {
      serverMethod = true; // not a registered event: a server method called by name
      found = { handler: name, fn: exp[name] as (p: unknown) => unknown };
    }
    if (!found || 'notRunnableReason' in found) {
      throw new Error(found?.notRunnableReason ?? (planned.ok ? `${name} cannot run.` : `${name} is neither a registered event nor a function of ${SERVER_SCRIPT}: ${planned.reason}`));
    }
    const payloadJson = planned.ok ? planned.plan.payloadJson : JSON.stringify(payload ?? {});
    Object.assign(this.plan, planned.ok ? planned.plan : {}, { event: name, payloadJson, offline: this.offline,
      outputLimitBytes: Infinity, outputLimitLines: Infinity });
    const viaRender = serverMethod || this.plan.kind === 'app-setup';
    this.answersWithRender = viaRender;
    this.render.reset();
    const args = (this.sandbox.global.JSON as JSON).parse(payloadJson) as unknown;
    const fn = found.fn;
    const ran = (async () => {
      let value = fn.call(exp, args);
      if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') value = await value;
      return value;
    })();
    if (viaRender) return this.answer(ran, name, serverMethod);
    const value = await ran.catch((e: unknown) => { throw toOuterError(e); });
    // Let work the handler started without awaiting it settle (as the simulator does).
    do await new Promise<void>((r) => setImmediate(r)); while (this.sandbox.pending > 0);
    return jsonSafe(value);
  }

  /** App set-up events and server methods answer through renderData. */
  private async answer(ran: Promise<unknown>, name: string, serverMethod: boolean): Promise<unknown> {
    const record = this.render;
    const ended = ran.then(async () => {
      do await new Promise<void>((r) => setImmediate(r)); while (this.sandbox.pending > 0 && !record.state.called);
    }, (e: unknown) => { if (!record.state.called) throw toOuterError(e); });
    await Promise.race([record.promise, ended]);
    const state = record.state;
    if (!state.called) throw new Error(`${name} ended without calling renderData: the platform would wait for it until the time limit.`);
    if (state.error !== undefined) throw state.error;
    return serverMethod ? { status: 200, response: state.data } : state.data;
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
