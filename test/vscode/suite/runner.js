// A tiny test runner for the extension host (no mocha): test(name, fn) registers, run() executes in order
// with a per-test time-out and returns plain JSON results. Tests get the `vscode` API passed in, so the same
// files run under @vscode/test-electron and inside code-server through the test-driver extension.
'use strict';

function createRunner() {
  const tests = [];
  const test = (name, fn, { timeout = 30_000 } = {}) => tests.push({ name, fn, timeout });
  async function run(ctx, log = () => {}) {
    const results = [];
    for (const t of tests) {
      const t0 = Date.now();
      let timer;
      try {
        await Promise.race([
          Promise.resolve().then(() => t.fn(ctx)),
          new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${t.timeout} ms`)), t.timeout); }),
        ]);
        results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
        log(`ok - ${t.name}`);
      } catch (e) {
        const error = e && e.stack ? String(e.stack) : String(e);
        results.push({ name: t.name, ok: false, ms: Date.now() - t0, error });
        log(`not ok - ${t.name}\n  ${error.split('\n').join('\n  ')}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return results;
  }
  return { test, run };
}

/** Poll fn until it returns a truthy value or time runs out; the error names what was awaited and the last value. */
async function waitFor(fn, { timeout = 15_000, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${typeof message === 'function' ? message(last) : message}`);
}

module.exports = { createRunner, waitFor };
