// The handler's world: a fresh `vm` context per run (created ahead of time in a warm child) with the
// platform's globals. server.js is compiled with vm.compileFunction in that context, with its real absolute
// path as filename and nothing in front of its first line, so stack traces and debugger breakpoints are
// the user's own positions. The wrapper mirrors the platform's
// `(function () { var exports = {}; <server.js>; return exports; })()`: `exports` is a parameter, and the
// body ends with `return exports`, so a script that reassigns `exports = {...}` returns the new object.
//
// require(), following the platform's rules:
// - relative paths resolve under server/ only (`.js` appended; `.json` parsed; `dir/index.js`); library
//   files are loaded through the same wrapper (they may also use `module.exports`, which we accept);
// - packages come from the app's server/node_modules or node_modules, never from outside the app;
// - Node built-ins: only ALLOWED_BUILTINS; `child_process`, `fs`, `vm`, `worker_threads`, `cluster`, `net`,
//   `inspector`, ... are refused with a message saying so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import * as vm from 'node:vm';
import { builtinModules, createRequire } from 'node:module';
import { jqueryPromise } from './deferred';
import type { LogLevel } from './types';

/** Node built-ins a serverless app may require (the platform's runtime ships them; they touch no local files). */
export const ALLOWED_BUILTINS = new Set([
  'assert', 'buffer', 'crypto', 'dns', 'events', 'http', 'https', 'os', 'path', 'punycode', 'querystring',
  'stream', 'string_decoder', 'url', 'util', 'zlib',
]);

export interface SandboxRun {
  appDir: string;
  serverDir: string;
  log(level: LogLevel, message: string, unsupported?: boolean): void;
  /** The handler called process.exit(code). */
  exit(code: number): never;
  /** Platform globals ($db, $request, $schedule, generateTargetUrl, renderData), already sandbox-safe. */
  apis: Record<string, unknown>;
}

type AnyFn = (...args: unknown[]) => unknown;

export class Sandbox {
  readonly ctx: vm.Context;
  readonly global: Record<string, unknown>;
  /** In-flight async work started by the handler ($db, $request, timers): the run waits for it to settle. */
  pending = 0;
  /** setInterval calls: an interval outlives the run, so a child that ran one is not reused. */
  intervals = 0;
  private readonly ctxJSON: JSON;
  private readonly CtxPromise: PromiseConstructor;
  private readonly CtxError: ErrorConstructor;
  private readonly newObject: () => Record<string, unknown>;
  private run?: SandboxRun;
  private readonly warned = new Set<string>();
  private readonly moduleCache = new Map<string, unknown>();
  /**
   * Each script read and compiled once per sandbox (a sandbox lives for one simulation, or for one whole `fsdev
   * test` run): evaluating it again (fsdev test, per invocation) reuses the code without reading the file again.
   */
  private readonly compiled = new Map<string, AnyFn>();
  /** Where a relative require() from a folder led (once per sandbox, as the code is read once). */
  private readonly resolvedFiles = new Map<string, string>();
  /** The text of each required .json file (parsed again for each evaluation: each gets its own object). */
  private readonly jsonFiles = new Map<string, string>();

  constructor() {
    this.ctx = vm.createContext({}, { name: 'fsdev handler' });
    this.global = vm.runInContext('globalThis', this.ctx) as Record<string, unknown>;
    this.ctxJSON = vm.runInContext('JSON', this.ctx) as JSON;
    this.CtxPromise = vm.runInContext('Promise', this.ctx) as PromiseConstructor;
    this.CtxError = vm.runInContext('Error', this.ctx) as ErrorConstructor;
    this.newObject = vm.runInContext('(function () { return {}; })', this.ctx) as () => Record<string, unknown>;
    this.prepare();
  }

  /** A JSON copy of `value` made of the context's own objects (so `instanceof Object` holds in the handler). */
  toCtx<T>(value: T): T {
    if (value === undefined) return value;
    return this.ctxJSON.parse(JSON.stringify(value)) as T;
  }

  /** JSON text parsed into the context's own objects (the context's JSON, reached without its global's interceptors). */
  parseInCtx(json: string): unknown {
    return this.ctxJSON.parse(json);
  }

  /** An Error of the context's realm. */
  error(message: string, code?: string): Error {
    const e = new this.CtxError(message);
    if (code) (e as Error & { code?: string }).code = code;
    return e;
  }

  /**
   * Run `work` as a tracked async operation; the handler gets a context Promise of a JSON copy of the result,
   * with jQuery's deferred methods (`done`, `fail`, `always`, ...) as the platform's APIs have them.
   */
  promise<T>(work: () => T | Promise<T>, label = 'a platform call'): Promise<T> {
    this.pending++;
    // Where the handler made the call: a rejection reason is a plain object with no stack of its own.
    const site = new Error(label);
    return jqueryPromise(new this.CtxPromise<T>((resolve, reject) => {
      Promise.resolve().then(work).then(
        (v) => { this.pending--; resolve(this.toCtx(v)); },
        (e: unknown) => {
          this.pending--;
          const reason = this.toCtx(e instanceof Error ? { status: 500, message: e.message } : e) as unknown;
          if (reason !== null && typeof reason === 'object') this.origins.set(reason, { label, stack: site.stack ?? '' });
          reject(reason);
        });
    }));
  }

  /** Rejection reasons of platform calls → the call that produced them (label and the call's stack). */
  readonly origins = new WeakMap<object, { label: string; stack: string }>();

  private warnOnce(name: string, message: string): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.run?.log('system', message, true);
  }

  /**
   * The globals that do not depend on the run (console, timers, process, Buffer, ...), installed ahead of time
   * so a warm child only adds the run's own parts. They reach the run through `this.run`.
   */
  private prepare(): void {
    const g = this.global;
    const run: SandboxRun = {
      get appDir() { return self.run?.appDir ?? ''; },
      get serverDir() { return self.run?.serverDir ?? ''; },
      log: (level, message, unsupported) => self.run?.log(level, message, unsupported),
      exit: (code) => (self.run ? self.run.exit(code) : process.exit(code)),
      apis: {},
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    g.global = g;
    g.console = this.makeConsole(run);
    const proc = this.newObject();
    Object.assign(proc, {
      cwd: () => run.appDir,
      env: this.newObject(),
      exit: (code?: unknown) => run.exit(Number(code ?? 0) || 0),
      nextTick: (fn: AnyFn, ...args: unknown[]) => {
        this.pending++;
        process.nextTick(() => { this.pending--; fn(...args); });
      },
      version: process.version,
      versions: this.toCtx(process.versions),
      platform: process.platform,
      arch: process.arch,
      hrtime: process.hrtime,
      memoryUsage: process.memoryUsage,
      uptime: process.uptime,
    });
    g.process = proc;
    Object.assign(g, this.makeTimers());
    Object.assign(g, {
      Buffer, URL, URLSearchParams, TextEncoder, TextDecoder, atob, btoa, structuredClone,
      queueMicrotask: (fn: () => void) => queueMicrotask(fn),
    });
  }

  /** Install this run's globals: require (rooted at the app's server/) and the platform APIs. */
  install(run: SandboxRun): void {
    this.run = run;
    this.global.require = this.makeRequire(path.join(run.serverDir, 'server.js'));
    Object.assign(this.global, run.apis);
  }

  private makeConsole(run: SandboxRun): Record<string, unknown> {
    const c = this.newObject();
    const fmt = (args: unknown[]) => util.format(...args);
    for (const m of ['log', 'info', 'error'] as const) c[m] = (...args: unknown[]) => run.log(m, fmt(args));
    // Methods the platform's console lacks: still captured, flagged as unsupported.
    c.warn = (...args: unknown[]) => run.log('warn', fmt(args), true);
    c.debug = (...args: unknown[]) => run.log('debug', fmt(args), true);
    c.trace = (...args: unknown[]) => run.log('debug', `Trace: ${fmt(args)}\n${new Error().stack?.split('\n').slice(2).join('\n') ?? ''}`, true);
    c.dir = (obj: unknown) => run.log('log', util.inspect(obj), true);
    c.table = (data: unknown) => run.log('log', util.inspect(data), true);
    c.assert = (cond: unknown, ...args: unknown[]) => {
      if (!cond) run.log('error', `Assertion failed${args.length ? `: ${fmt(args)}` : ''}`, true);
    };
    const counts = new Map<string, number>();
    c.count = (label = 'default') => {
      const n = (counts.get(String(label)) ?? 0) + 1;
      counts.set(String(label), n);
      run.log('log', `${String(label)}: ${n}`, true);
    };
    c.countReset = (label = 'default') => { counts.delete(String(label)); };
    const timers = new Map<string, number>();
    c.time = (label = 'default') => { timers.set(String(label), performance.now()); };
    const elapsed = (label: unknown, end: boolean, extra: unknown[]) => {
      const t = timers.get(String(label ?? 'default'));
      if (t === undefined) return;
      if (end) timers.delete(String(label ?? 'default'));
      run.log('log', `${String(label ?? 'default')}: ${(performance.now() - t).toFixed(3)}ms${extra.length ? ` ${fmt(extra)}` : ''}`, true);
    };
    c.timeEnd = (label?: unknown) => elapsed(label, true, []);
    c.timeLog = (label?: unknown, ...extra: unknown[]) => elapsed(label, false, extra);
    c.group = c.groupCollapsed = (...args: unknown[]) => { if (args.length) run.log('log', fmt(args), true); };
    c.groupEnd = () => undefined;
    return c;
  }

  /** Timers exist locally but not on the platform: each kind warns once per run. */
  private makeTimers(): Record<string, unknown> {
    const active = new Set<unknown>();
    const warn = (name: string) => this.warnOnce(name,
      `${name} is not available on the Freshworks platform: the handler uses it, which works here but fails in production.`);
    const once = (name: string, schedule: (cb: () => void, ms: number) => unknown, cancel: (h: never) => void) => ({
      set: (fn: unknown, ms?: unknown, ...args: unknown[]) => {
        warn(name);
        this.pending++;
        const h = schedule(() => {
          if (!active.delete(h)) return;
          this.pending--;
          if (typeof fn === 'function') (fn as AnyFn)(...args);
        }, Number(ms) || 0);
        active.add(h);
        return h;
      },
      clear: (h: unknown) => {
        if (active.delete(h)) this.pending--;
        cancel(h as never);
      },
    });
    const t = once('setTimeout', (cb, ms) => setTimeout(cb, ms), (h) => clearTimeout(h));
    const i = once('setImmediate', (cb) => setImmediate(cb), (h) => clearImmediate(h));
    return {
      setTimeout: t.set, clearTimeout: t.clear, setImmediate: i.set, clearImmediate: i.clear,
      // Intervals never "finish": they do not hold the run open (it ends when everything else settled).
      setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => {
        warn('setInterval');
        this.intervals++;
        return setInterval(() => { if (typeof fn === 'function') (fn as AnyFn)(...args); }, Math.max(1, Number(ms) || 0)).unref();
      },
      clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout),
    };
  }

  private makeRequire(fromFile: string): (id: unknown) => unknown {
    const run = this.run!;
    return (id: unknown) => {
      if (typeof id !== 'string' || id.length === 0) throw this.error('require() needs a module name (a string)');
      const name = id.startsWith('node:') ? id.slice(5) : id;
      if (id.startsWith('./') || id.startsWith('../') || id.startsWith('/') || id === '.' || id === '..') {
        return this.requireFile(id, fromFile);
      }
      if (id.startsWith('node:') || builtinModules.includes(name)) {
        const base = name.split('/')[0];
        if (!ALLOWED_BUILTINS.has(base) || name.includes('/') && !builtinModules.includes(name)) {
          throw this.error(`require('${id}') is not allowed: the Freshworks platform does not let serverless apps use `
            + `the Node module '${base}'. Allowed built-in modules: ${[...ALLOWED_BUILTINS].join(', ')}.`, 'MODULE_NOT_ALLOWED');
        }
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(name);
      }
      const req = createRequire(fromFile);
      let resolved: string;
      try {
        resolved = req.resolve(id);
      } catch {
        throw this.error(`Cannot find module '${id}': install it in the app's server/node_modules (and list it in`
          + ' manifest.json "dependencies" with an exact version so the platform installs it).', 'MODULE_NOT_FOUND');
      }
      if (!isInside(run.appDir, resolved)) {
        throw this.error(`Cannot find module '${id}' inside the app (it resolved to ${resolved}, outside ${run.appDir}):`
          + ' the platform only installs the packages listed in manifest.json "dependencies".', 'MODULE_NOT_FOUND');
      }
      return req(id);
    };
  }

  private requireFile(id: string, fromFile: string): unknown {
    const run = this.run!;
    const base = path.resolve(path.dirname(fromFile), id);
    if (!isInside(run.serverDir, base)) {
      throw this.error(`require('${id}') resolves outside the app's server/ folder (${base}): the platform only `
        + 'packages the files under server/.', 'MODULE_NOT_ALLOWED');
    }
    const candidates = [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')];
    const file = this.resolvedFiles.get(base) ?? candidates.find((f) => { try { return fs.statSync(f).isFile(); } catch { return false; } });
    if (file) this.resolvedFiles.set(base, file);
    if (!file) throw this.error(`Cannot find module '${id}' (looked for ${path.relative(run.appDir, base)}.js under server/)`, 'MODULE_NOT_FOUND');
    if (this.moduleCache.has(file)) return this.moduleCache.get(file);
    if (file.endsWith('.json')) {
      const text = this.jsonFiles.get(file) ?? fs.readFileSync(file, 'utf8');
      this.jsonFiles.set(file, text);
      const value = this.ctxJSON.parse(text);
      this.moduleCache.set(file, value);
      return value;
    }
    return this.loadScript(file, false);
  }

  /** Forget the library files loaded so far: the next evaluation of server.js loads them afresh (fdk: per invocation). */
  forgetModules(): void {
    this.moduleCache.clear();
  }

  /**
   * Evaluate a script of the app (server.js when `main`, else a library file) and return what it exports.
   * Throws whatever the script throws (SyntaxError included: its stack starts with `file:line`).
   */
  loadScript(file: string, main: boolean): unknown {
    // server.js could also be required by a library file: compiled for each use, as each has its own parameters.
    const key = `${main ? 'main' : 'library'}:${file}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      let source = fs.readFileSync(file, 'utf8');
      if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
      if (source.startsWith('#!')) source = `//${source.slice(2)}`;
      const params = main ? ['exports', 'require'] : ['exports', 'require', 'module', '__filename', '__dirname'];
      // The return goes after the user's last line: positions of the user's code are untouched.
      const body = `${source}\n;return ${main ? 'exports' : '[exports, module]'};`;
      fn = vm.compileFunction(body, params, { filename: file, parsingContext: this.ctx }) as AnyFn;
      this.compiled.set(key, fn);
    }
    const exportsObj = this.newObject();
    const req = this.makeRequire(file);
    if (main) return fn.call(this.global, exportsObj, req);
    const module = this.newObject();
    module.exports = exportsObj;
    this.moduleCache.set(file, exportsObj);
    const [exp, mod] = fn.call(this.global, exportsObj, req, module, file, path.dirname(file)) as [unknown, { exports?: unknown }];
    const result = mod && mod.exports !== exportsObj ? mod.exports : exp;
    this.moduleCache.set(file, result);
    return result;
  }
}

export function isInside(dir: string, file: string): boolean {
  const r = path.relative(dir, file);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}
