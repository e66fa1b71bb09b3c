// `$request`: templates from config/requests.json (`invokeTemplate(name, { context, body, query })`,
// `<%= iparam.x %>` / `<%= context.x %>` substitution, `options.maxAttempts` / `retryDelay`) and the older
// `$request.get/post/put/patch/delete(url, options)`. Real HTTP through node:http/https (loaded lazily),
// or a stub: `server/test_data/requests.stub.json` / `.fsdev/stubs.json` map a template name (or
// `METHOD url`, or a url) to `{ status, body, headers }` so runs can be offline and repeatable.
// Resolves `{ status, headers, response }` (response = body text, like the platform); rejects with
// `{ status, headers, response, errorSource }` for HTTP errors and `{ status: 0?, message }` otherwise.
import type { RequestStub } from './ipc';
import type { RequestEffect } from './types';

export interface HttpResult { status: number; headers: Record<string, unknown>; response: string }
export interface HttpFailure { status: number; headers?: Record<string, unknown>; response?: string; message?: string; errorSource: 'APP' | 'PLATFORM' }

interface TemplateSchema {
  protocol?: string; method?: string; host?: string; path?: string;
  headers?: Record<string, string>; query?: Record<string, string>;
}
interface Template { schema?: TemplateSchema; options?: { retryDelay?: number; maxAttempts?: number } }

const REQUEST_TIMEOUT_MS = 15000;

export interface TemplateVars { iparam: Record<string, unknown>; context: Record<string, unknown>; access_token?: string }

/**
 * Replace `<%= iparam.x %>`, `<%= context.x %>`, `<%= access_token %>` and `<%= encode(...) %>` (base64 of the
 * value, as the platform's `encode` for Basic auth headers) in a template string.
 */
export function substitute(text: string, vars: TemplateVars, missing?: (expr: string) => void): string {
  return text.replace(/<%=\s*(?:(encode)\(\s*([\w.$]+)\s*\)|([\w.$]+))\s*%>/g, (whole, encode: string | undefined, inner?: string, plain?: string) => {
    const expr = (inner ?? plain)!;
    const [root, ...rest] = expr.split('.');
    let cur: unknown = root === 'iparam' ? vars.iparam : root === 'context' ? vars.context
      : root === 'access_token' && rest.length === 0 ? vars.access_token ?? '' : undefined;
    if (cur === undefined) { missing?.(expr); return whole; }
    for (const p of rest) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
    if (cur === undefined || cur === null || cur === '') { missing?.(expr); if (cur !== '') return ''; }
    const value = typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
    return encode ? Buffer.from(value).toString('base64') : value;
  });
}

/**
 * The request rules of platform ≤ 2.2 for `$request.get/post/...`: HTTPS only, no IP addresses, and the host
 * must be listed in manifest.json "whitelisted-domains" (entries may use `<%= iparam.x %>` and a `*` subdomain).
 * Returns the reason a URL is refused, or undefined.
 */
export function whitelistViolation(url: URL, whitelisted: string[], vars: TemplateVars): string | undefined {
  if (url.protocol !== 'https:') return `Only HTTPS requests are allowed: ${url.href}`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')) return `Requests to IP addresses are not allowed: ${url.href}`;
  const allowed = whitelisted.some((entry) => {
    const e = substitute(String(entry), vars).trim().replace(/\/+$/, '');
    const m = /^https:\/\/([^/]+)$/i.exec(e);
    if (!m) return false;
    const pattern = m[1].toLowerCase();
    const want = url.port ? `${host}:${url.port}` : host;
    if (!pattern.includes('*')) return pattern === want.toLowerCase();
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*')}$`);
    return re.test(want.toLowerCase());
  });
  return allowed ? undefined
    : `This domain has not been whitelisted: ${url.origin} (add it to "whitelisted-domains" in manifest.json)`;
}

export class RequestApi {
  constructor(private readonly opts: {
    templates?: Record<string, unknown>;
    stubs?: Record<string, RequestStub>;
    iparams: Record<string, unknown>;
    /** Platform ≤ 2.2: manifest.json "whitelisted-domains", enforced on the legacy methods. */
    whitelistedDomains?: string[];
    /** The value of `<%= access_token %>` (from .fsdev/oauth.json), when the app uses OAuth. */
    accessToken?: string;
    offline: boolean;
    record: (e: RequestEffect) => void;
    warn: (message: string) => void;
  }) {}

  async invokeTemplate(name: unknown, params?: { context?: Record<string, unknown>; body?: unknown; query?: Record<string, unknown> }): Promise<HttpResult> {
    const templateName = String(name);
    const t = this.opts.templates?.[templateName] as Template | undefined;
    if (!t || typeof t !== 'object') {
      const known = Object.keys(this.opts.templates ?? {});
      const failure: HttpFailure = {
        status: 400, errorSource: 'APP',
        message: `Request template '${templateName}' is not defined in config/requests.json`
          + (known.length ? ` (defined: ${known.join(', ')})` : ' (the file is missing or empty)'),
      };
      this.opts.record({ template: templateName, method: '?', url: '', status: 0, durationMs: 0, stubbed: false, error: failure.message });
      throw failure;
    }
    const vars: TemplateVars = { iparam: this.opts.iparams, context: params?.context ?? {}, access_token: this.opts.accessToken };
    const missing = (expr: string) => this.opts.warn(`$request.invokeTemplate('${templateName}'): <%= ${expr} %> has no value`);
    const s = t.schema ?? {};
    const method = (s.method ?? 'GET').toUpperCase();
    const protocol = (s.protocol ?? 'https').replace(/:$/, '');
    const host = substitute(s.host ?? '', vars, missing);
    const p = substitute(s.path ?? '/', vars, missing);
    const url = new URL(`${protocol}://${host}${p.startsWith('/') ? p : `/${p}`}`);
    for (const [k, v] of Object.entries({ ...(s.query ?? {}), ...(params?.query ?? {}) })) {
      url.searchParams.set(k, substitute(String(v), vars, missing));
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.headers ?? {})) headers[k] = substitute(String(v), vars, missing);
    const body = params?.body === undefined ? undefined
      : typeof params.body === 'string' ? params.body : JSON.stringify(params.body);
    const attempts = Math.max(1, Math.min(5, Number(t.options?.maxAttempts ?? 1) || 1));
    const delay = Math.max(0, Math.min(5000, Number(t.options?.retryDelay ?? 0) || 0));
    return this.send({ template: templateName, method, url: url.toString(), headers, body, attempts, delay,
      stubKeys: [templateName, `${method} ${url.toString()}`, url.toString()] });
  }

  /** The older API: `$request.get(url, { headers, body, json, qs })`, with templates substituted in all three. */
  async legacy(method: string, url: unknown, options?: { headers?: Record<string, string>; body?: unknown; json?: unknown; qs?: Record<string, unknown>; maxAttempts?: number; retryDelay?: number }): Promise<HttpResult | unknown> {
    const vars: TemplateVars = { iparam: this.opts.iparams, context: {}, access_token: this.opts.accessToken };
    const missing = (expr: string) => this.opts.warn(`$request.${method.toLowerCase()}: <%= ${expr} %> has no value`);
    const refuse = (message: string, status = 400): never => {
      const failure: HttpFailure = { status, errorSource: 'APP', message };
      this.opts.record({ method, url: String(url), status: 0, durationMs: 0, stubbed: false, error: message });
      throw failure;
    };
    let u: URL;
    try { u = new URL(substitute(String(url), vars, missing)); } catch { return refuse(`Invalid URL: ${String(url)}`); }
    if (this.opts.whitelistedDomains) {
      const why = whitelistViolation(u, this.opts.whitelistedDomains, vars);
      if (why) refuse(why);
    }
    for (const [k, v] of Object.entries(options?.qs ?? {})) u.searchParams.set(k, substitute(String(v), vars, missing));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options?.headers ?? {})) headers[k] = substitute(String(v), vars, missing);
    let body: string | undefined;
    const json = options?.json;
    if (json !== undefined && json !== true && json !== false) {
      body = substitute(JSON.stringify(json), vars, missing);
      headers['Content-Type'] ??= 'application/json';
    } else if (options?.body !== undefined) {
      body = substitute(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), vars, missing);
    }
    const res = await this.send({ method, url: u.toString(), headers, body,
      attempts: Math.max(1, Math.min(5, Number(options?.maxAttempts ?? 1) || 1)),
      delay: Math.max(0, Math.min(5000, Number(options?.retryDelay ?? 0) || 0)),
      stubKeys: [`${method} ${u.toString()}`, u.toString()] });
    if (json !== undefined && json !== false) {
      try { return { ...res, response: JSON.parse(res.response) }; } catch { return res; }
    }
    return res;
  }

  private async send(r: { template?: string; method: string; url: string; headers: Record<string, string>; body?: string;
    attempts: number; delay: number; stubKeys: string[] }): Promise<HttpResult> {
    const started = Date.now();
    const stubKey = r.stubKeys.find((k) => this.opts.stubs && Object.prototype.hasOwnProperty.call(this.opts.stubs, k));
    const base = { template: r.template, method: r.method, url: r.url };
    if (stubKey !== undefined) {
      const stub = this.opts.stubs![stubKey] ?? {};
      const status = stub.status ?? 200;
      const response = stub.body === undefined ? '' : typeof stub.body === 'string' ? stub.body : JSON.stringify(stub.body);
      const headers = { 'content-type': 'application/json', ...(stub.headers ?? {}) };
      this.opts.record({ ...base, status, durationMs: Date.now() - started, stubbed: true });
      if (status >= 400) throw { status, headers, response, errorSource: 'APP' } satisfies HttpFailure;
      return { status, headers, response };
    }
    if (this.opts.offline) {
      const message = `Offline run: no stub for ${r.template ? `template '${r.template}'` : `${r.method} ${r.url}`}`
        + ' (add it to server/test_data/requests.stub.json or .fsdev/stubs.json)';
      this.opts.record({ ...base, status: 0, durationMs: 0, stubbed: false, error: message });
      throw { status: 0, message, errorSource: 'PLATFORM' } satisfies HttpFailure;
    }
    let last: HttpFailure | undefined;
    for (let attempt = 1; attempt <= r.attempts; attempt++) {
      if (attempt > 1 && r.delay) await new Promise((res) => setTimeout(res, r.delay));
      try {
        const res = await httpRequest(r.method, r.url, r.headers, r.body);
        if (res.status >= 400) {
          last = { ...res, errorSource: 'APP' };
          if (res.status === 429 || res.status >= 500) continue;
          break;
        }
        this.opts.record({ ...base, status: res.status, durationMs: Date.now() - started, stubbed: false });
        return res;
      } catch (e) {
        last = { status: 0, message: e instanceof Error ? e.message : String(e), errorSource: 'PLATFORM' };
      }
    }
    this.opts.record({ ...base, status: last!.status, durationMs: Date.now() - started, stubbed: false,
      ...(last!.message ? { error: last!.message } : {}) });
    throw last!;
  }
}

function httpRequest(method: string, url: string, headers: Record<string, string>, body?: string): Promise<HttpResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = (url.startsWith('https:') ? require('node:https') : require('node:http')) as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, unknown>,
        response: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Request timed out after ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
