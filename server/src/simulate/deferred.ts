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

/** Add jQuery 3's promise methods to a native promise (of any realm) and return it. */
export function jqueryPromise<T>(p: Promise<T>): Promise<T> {
  const d = p as Promise<T> & Record<string, unknown>;
  const then = (onFulfilled?: unknown, onRejected?: unknown) =>
    jqueryPromise(nativeThen.call(p, typeof onFulfilled === 'function' ? onFulfilled as Fn : undefined,
      typeof onRejected === 'function' ? onRejected as Fn : undefined) as Promise<unknown>);
  const methods: Record<string, Fn> = {
    then,
    pipe: then,
    catch: (onRejected?: unknown) => then(undefined, onRejected),
    finally: (f?: unknown) => jqueryPromise(Promise.prototype.finally.call(p, typeof f === 'function' ? f as () => void : undefined) as Promise<unknown>),
    done: (...fns: unknown[]) => { void nativeThen.call(p, (v) => callAll(fns, v), () => undefined); return d; },
    fail: (...fns: unknown[]) => { void nativeThen.call(p, () => undefined, (e) => callAll(fns, e)); return d; },
    always: (...fns: unknown[]) => { void nativeThen.call(p, (v) => callAll(fns, v), (e) => callAll(fns, e)); return d; },
    progress: () => d,
    promise: () => d,
    state: () => {
      const shown = util.inspect(p, { depth: 0 });
      return shown.includes('<pending>') ? 'pending' : shown.includes('<rejected>') ? 'rejected' : 'resolved';
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    void Object.defineProperty(d, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  return d;
}
