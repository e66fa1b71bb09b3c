// The platform's `$db`, `$request`, `$schedule` and `generateTargetUrl` return jQuery-style deferred promises:
// real apps call `.done()`, `.fail()`, `.always()` and chain `.then(...).fail(...)`. We return a native Promise
// of the handler's realm (so `await`, `instanceof Promise` and `.catch` behave natively) with jQuery 3's
// promise methods added: `done` / `fail` / `always` / `progress` register callbacks and return the SAME
// promise; `then` / `catch` (and `pipe`, jQuery's old name for then) return a NEW decorated promise, so a
// chain keeps the jQuery methods. Callbacks get the one value the platform resolves with.
//
// A callback that throws inside `done` / `fail` / `always` is an uncaught exception (jQuery 3 rethrows it
// asynchronously), not a silent rejection. Registering `done` alone never turns a rejection into an
// "unhandled rejection" (jQuery would not complain); a call with no callback at all still does.
import * as util from 'node:util';

type Fn = (...args: unknown[]) => unknown;

const nativeThen = Promise.prototype.then;

/** Rethrow asynchronously, as jQuery 3 does for exceptions in done/fail callbacks (an uncaught exception). */
function rethrow(e: unknown): void {
  process.nextTick(() => { throw e; });
}

function callAll(fns: unknown[], value: unknown): void {
  for (const f of fns.flat(Infinity as 1)) {
    if (typeof f !== 'function') continue;
    try { (f as Fn)(value); } catch (e) { rethrow(e); }
  }
}

/**
 * jQuery 3's promise methods on a prototype between a realm's Promise.prototype and each promise: one set of
 * functions per realm, none per promise (a handler may make hundreds of thousands of calls).
 */
const protos = new WeakMap<object, object>();
const ours = new WeakSet<object>();

function protoFor(base: object): object {
  let proto = protos.get(base);
  if (proto) return proto;
  proto = Object.create(base) as object;
  const methods: Record<string, (this: Promise<unknown>, ...a: unknown[]) => unknown> = {
    then(onFulfilled?: unknown, onRejected?: unknown) {
      return jqueryPromise(nativeThen.call(this, typeof onFulfilled === 'function' ? onFulfilled as Fn : undefined,
        typeof onRejected === 'function' ? onRejected as Fn : undefined) as Promise<unknown>);
    },
    pipe(onFulfilled?: unknown, onRejected?: unknown) { return (this as unknown as { then: Fn }).then(onFulfilled, onRejected); },
    catch(onRejected?: unknown) { return (this as unknown as { then: Fn }).then(undefined, onRejected); },
    finally(f?: unknown) {
      return jqueryPromise(Promise.prototype.finally.call(this, typeof f === 'function' ? f as () => void : undefined) as Promise<unknown>);
    },
    done(...fns: unknown[]) { void nativeThen.call(this, (v) => callAll(fns, v), () => undefined); return this; },
    fail(...fns: unknown[]) { void nativeThen.call(this, () => undefined, (e) => callAll(fns, e)); return this; },
    always(...fns: unknown[]) { void nativeThen.call(this, (v) => callAll(fns, v), (e) => callAll(fns, e)); return this; },
    progress() { return this; },
    promise() { return this; },
    state() {
      const shown = util.inspect(this, { depth: 0 });
      return shown.includes('<pending>') ? 'pending' : shown.includes('<rejected>') ? 'rejected' : 'resolved';
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  protos.set(base, proto);
  ours.add(proto);
  return proto;
}

/** Give a native promise (of any realm) jQuery 3's promise methods and return it. */
export function jqueryPromise<T>(p: Promise<T>): Promise<T> {
  const base = Object.getPrototypeOf(p) as object;
  if (ours.has(base)) return p; // already decorated
  Object.setPrototypeOf(p, protoFor(base));
  return p;
}
