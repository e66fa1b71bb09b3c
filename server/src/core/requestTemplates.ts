// Request templates (platform 2.3+ and 3.0): config/requests.json's schema, the manifest's declarations
// (`modules.common.requests` in 3.0, `product.<p>.requests` in 2.3), the templates server.js
// (`$request.invokeTemplate`) and app/ scripts (`client.request.invokeTemplate`) invoke, the `<%= ... %>`
// substitutions, and the legacy `$request.get/post/...` the platform refuses from 2.3 on. Pure: reads the App.
import type { Node } from 'jsonc-parser';
import { editDistance, suggestEvent } from './catalogue';
import { SERVER_SCRIPT, type App } from './appModel';
import { configFile, CONFIG_DIR } from './configFiles';
import { lastProperty, objectProperties } from './manifest';
import { looksBinary } from './binaryText';
import { parseProgram, programOf } from './serverScript';
import { defineRule } from './rules';
import { offsetAt, rangeOf } from './textPositions';
import { formatting, set, type FileEdit, type QuickFix } from './quickFixes';
import type { Diagnostic, Range } from './types';
import { APP_SCRIPT_MAX_CHARS } from './appLayout';

export const REQUESTS_JSON = `${CONFIG_DIR}/requests.json`;
export const IPARAMS_JSON = `${CONFIG_DIR}/iparams.json`;
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const LEGACY = new Set(['get', 'post', 'put', 'patch', 'delete']);
const SCHEMA_KEYS = ['protocol', 'method', 'host', 'path', 'headers', 'query'];
const MAX_TEMPLATES = 100;

// ---- rules ----

export const requestsJsonSyntax = defineRule({
  code: 'requests-json-syntax', severity: 'error', source: 'platform',
  short: 'config/requests.json is not valid JSON.',
  full: 'The platform reads config/requests.json with JSON.parse: a syntax error there means no request template of the app can be used.',
});
export const requestTemplateSchema = defineRule({
  code: 'request-template-schema', severity: 'error', source: 'documentation',
  short: 'A request template that does not follow the documented schema.',
  full: 'Each template of config/requests.json is { "schema": { method, host, path, headers, query, protocol }, "options": { ... } }: method one of GET, POST, PUT, DELETE, PATCH; host a domain name without protocol, path or trailing slash; path starting with "/"; headers and query objects of strings; maxAttempts 1 to 5; retryDelay a multiple of 100 up to 1500; at most 100 templates.',
  fdkMessage: "Request template schema/path must start with '/'",
});
export const templateNotDefined = defineRule<{ name: string }>({
  code: 'request-template-not-defined', severity: 'error', source: 'documentation', fixable: true,
  short: 'A template the manifest declares is missing from config/requests.json.',
  full: 'Every name under the manifest\'s requests (modules.common.requests in 3.0, product.<product>.requests in 2.3) must be a template of config/requests.json; invoking it fails with "Request template not found".',
  fdkMessage: 'Request template not found',
});
export const templateNotDeclared = defineRule<{ name: string }>({
  code: 'request-template-not-declared', severity: 'warning', source: 'documentation', fixable: true,
  short: 'A template of config/requests.json the manifest does not declare.',
  full: 'A template must also be declared in manifest.json (modules.common.requests in 3.0, product.<product>.requests in 2.3) to be invoked (the error catalogue: manifest, requests.json and the call "must match exactly"). Our wording: fdk 6.9.0 does not know requests.json, and no newer fdk was at hand to copy the warning `fdk run` prints.',
});
export const unknownTemplate = defineRule<{ name: string; suggestion?: string; defined?: boolean }>({
  code: 'request-template-unknown', severity: 'error', source: 'documentation', fixable: true,
  short: 'invokeTemplate names a template the manifest does not declare.',
  full: '`$request.invokeTemplate(name)` in server.js and `client.request.invokeTemplate(name)` in app/ scripts must name a template declared in manifest.json and defined in config/requests.json; otherwise the call fails with "Request template not found".',
  fdkMessage: 'Request template not found',
});
export const unknownIparam = defineRule<{ name: string; suggestion?: string }>({
  code: 'request-template-iparam-unknown', severity: 'error', source: 'ours', fixable: true,
  short: 'A template substitutes an iparam config/iparams.json does not define.',
  full: '`<%= iparam.x %>` is replaced by the installation parameter x: when config/iparams.json has no such key, the request is sent with an empty value.',
});
export const secureIparamPlace = defineRule<{ name: string }>({
  code: 'request-template-secure-iparam', severity: 'error', source: 'documentation',
  short: 'A secure iparam substituted outside the headers of a template.',
  full: 'The platform substitutes secure installation parameters only in schema.headers; in host, path or query only non-secure ones.',
});
export const substitutionPlace = defineRule({
  code: 'request-template-substitution', severity: 'error', source: 'documentation',
  short: 'A `<%= %>` substitution where the platform does not make it.',
  full: 'iparam and context substitutions are made in schema.host, schema.path, schema.headers and schema.query only; `<%= access_token %>` (OAuth) in schema.headers of a template with options.oauth.',
});
export const legacyRequestApi = defineRule<{ method: string }>({
  code: 'legacy-request-api', severity: 'error', source: 'platform',
  short: 'The pre-2.3 request API ($request.get/post/put/patch/delete) on platform 2.3 or 3.0.',
  full: 'From platform-version 2.3 the request API is `invokeTemplate` with templates in config/requests.json; `fdk run` and `fdk validate` refuse the old methods.',
  fdkMessage: '<method> is no longer supported in Request API',
});

// ---- model ----

export interface TemplateDef {
  name: string;
  keyRange: Range;
  value?: Node;
  method?: string;
  host?: string;
  path?: string;
}
export interface TemplateDecl { name: string; keyRange: Range; container: string[] }
export interface TemplateCall {
  file: string;
  kind: 'invoke' | 'legacy';
  /** The template name (invoke, string literal first argument) or the legacy method. */
  name?: string;
  /** The literal (quotes included) for invoke; the method name for legacy. */
  range: Range;
  /** Offsets of the literal in its file. */
  start: number;
  end: number;
}
export interface Substitution {
  /** `iparam`, `context`, `access_token`, `current_host` ... */
  root: string;
  /** `x` of `iparam.x`. */
  name?: string;
  /** Where in the template: `host`, `path`, `headers`, `query`, `method`, `protocol`, `options`. */
  place: string;
  template: string;
  /** The name's range (or the whole `<%= %>`). */
  range: Range;
}
export interface TemplatesModel {
  applies: boolean;
  file?: { text: string; root?: Node };
  defs: TemplateDef[];
  decls: TemplateDecl[];
  calls: TemplateCall[];
  substitutions: Substitution[];
  iparams?: { names: Map<string, { keyRange: Range; secure: boolean }>; custom: boolean; exists: boolean };
}

const models = new WeakMap<App, TemplatesModel>();

/** Platform 2.3 and later (3.0 included): request templates exist, the old request API does not. */
export function usesTemplates(app: App): boolean {
  if (app.dialect === '3.0') return true;
  const v = Number.parseFloat(app.platformVersion ?? '');
  return app.dialect === '2.x' && Number.isFinite(v) && v >= 2.3;
}

export function templatesOf(app: App): TemplatesModel {
  let m = models.get(app);
  if (!m) {
    m = build(app);
    models.set(app, m);
  }
  return m;
}

function build(app: App): TemplatesModel {
  const req = configFile(app.config, 'requests.json');
  const m: TemplatesModel = { applies: usesTemplates(app), defs: [], decls: declarations(app), calls: [], substitutions: [] };
  if (req) {
    m.file = { text: req.text, root: req.root };
    for (const p of objectProperties(req.root)) {
      const def: TemplateDef = { name: p.key, keyRange: nodeRange(req.text, p.keyNode), value: p.value };
      const schema = lastProperty(p.value, 'schema');
      for (const k of ['method', 'host', 'path'] as const) {
        const v = lastProperty(schema, k);
        if (v?.type === 'string') def[k] = String(v.value);
      }
      m.defs.push(def);
      collectSubstitutions(req.text, p.key, p.value, m.substitutions);
    }
  }
  const ip = configFile(app.config, 'iparams.json');
  const custom = !!configFile(app.config, 'iparams.html');
  if (ip?.root?.type === 'object') {
    const names = new Map<string, { keyRange: Range; secure: boolean }>();
    for (const p of objectProperties(ip.root)) names.set(p.key, { keyRange: nodeRange(ip.text, p.keyNode), secure: lastProperty(p.value, 'secure')?.value === true });
    m.iparams = { names, custom, exists: true };
  } else if (!ip) {
    m.iparams = { names: new Map(), custom, exists: false };
  }
  const server = app.files.serverScript;
  // The program server.js was parsed into for the model (parsed again only for a model another copy of the core built).
  if (app.script && server) m.calls.push(...callsOf(SERVER_SCRIPT, server.text, () => programOf(app.script!) ?? scriptProgram(server.text)));
  for (const f of app.files.appScripts ?? []) {
    m.calls.push(...callsOf(f.path, f.text, () => scriptProgram(f.text)));
  }
  return m;
}

/**
 * The calls of a script, kept per file while its text is the same: an edit of the manifest or requests.json makes
 * a new app model, and the app/ scripts (parsed here, not by the model) are not parsed again for it.
 */
const callCache = new Map<string, { text: string; calls: TemplateCall[] }>();
function callsOf(file: string, text: string, program: () => unknown): TemplateCall[] {
  const hit = callCache.get(file);
  if (hit?.text === text) return hit.calls;
  const calls: TemplateCall[] = [];
  collectCalls(file, text, program(), file === SERVER_SCRIPT, calls);
  if (callCache.size >= 400) callCache.clear();
  callCache.set(file, { text, calls });
  return calls;
}

function scriptProgram(text: string): unknown {
  return text.length > APP_SCRIPT_MAX_CHARS || looksBinary(text) ? undefined : parseProgram(text).program;
}

/** The manifest's `requests` declarations: modules.common.requests (3.0) or product.<p>.requests (2.x). */
function declarations(app: App): TemplateDecl[] {
  const root = app.manifest.root;
  const text = app.files.manifest.text;
  const out: TemplateDecl[] = [];
  const add = (container: string[], node: Node | undefined) => {
    for (const p of objectProperties(node)) out.push({ name: p.key, keyRange: nodeRange(text, p.keyNode), container });
  };
  if (app.dialect === '3.0') add(['modules', 'common', 'requests'], lastProperty(lastProperty(lastProperty(root, 'modules'), 'common'), 'requests'));
  else for (const p of objectProperties(lastProperty(root, 'product'))) add(['product', p.key, 'requests'], lastProperty(p.value, 'requests'));
  return out;
}

/** Where the manifest declares templates (the first product's requests in 2.x). */
export function declarationContainer(app: App): string[] {
  if (app.dialect === '3.0') return ['modules', 'common', 'requests'];
  const first = objectProperties(lastProperty(app.manifest.root, 'product'))[0]?.key ?? 'freshworks_crm';
  return ['product', first, 'requests'];
}

const SUBST = /<%=\s*([\s\S]*?)\s*%>/g;

function collectSubstitutions(text: string, template: string, value: Node | undefined, out: Substitution[]): void {
  const visit = (node: Node | undefined, place: string) => {
    if (!node) return;
    if (node.type === 'string') {
      const raw = text.slice(node.offset, node.offset + node.length);
      for (const m of raw.matchAll(SUBST)) {
        const expr = m[1];
        const inner = /^encode\(\s*([\s\S]*?)\s*\)$/.exec(expr)?.[1] ?? expr;
        const dotted = /^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$-]*))?$/.exec(inner);
        const at = node.offset + m.index!;
        const nameAt = dotted?.[2] !== undefined ? at + m[0].indexOf(inner) + dotted[1].length + 1 : undefined;
        out.push({
          root: dotted?.[1] ?? inner, name: dotted?.[2], place, template,
          range: nameAt !== undefined ? rangeOf(text, nameAt, nameAt + dotted![2].length) : rangeOf(text, at, at + m[0].length),
        });
      }
      return;
    }
    for (const p of objectProperties(node)) visit(p.value, place);
    if (node.type === 'array') for (const c of node.children ?? []) visit(c, place);
  };
  const schema = lastProperty(value, 'schema');
  for (const p of objectProperties(schema)) visit(p.value, p.key);
  visit(lastProperty(value, 'options'), 'options');
}

/* eslint-disable @typescript-eslint/no-explicit-any -- ESTree nodes are walked structurally */
function collectCalls(file: string, text: string, program: any, server: boolean, out: TemplateCall[]): void {
  if (!program) return;
  const stack: any[] = [program];
  let visited = 0;
  while (stack.length && visited++ < 500_000) {
    const node = stack.pop();
    if (node.type === 'CallExpression') {
      const call = requestCall(node.callee, server);
      if (call === 'invokeTemplate') {
        const arg = node.arguments[0];
        const literal = arg?.type === 'Literal' && typeof arg.value === 'string' ? arg.value
          : arg?.type === 'TemplateLiteral' && arg.expressions.length === 0 ? arg.quasis[0].value.cooked : undefined;
        if (typeof literal === 'string') out.push({ file, kind: 'invoke', name: literal, range: rangeOf(text, arg.start, arg.end), start: arg.start, end: arg.end });
      } else if (call && LEGACY.has(call)) {
        const p = node.callee.property;
        out.push({ file, kind: 'legacy', name: call, range: rangeOf(text, p.start, p.end), start: p.start, end: p.end });
      }
    }
    for (const key in node) {
      if (key === 'loc' || key === 'range') continue;
      const v = node[key];
      if (Array.isArray(v)) { for (let i = v.length - 1; i >= 0; i--) if (v[i] && typeof v[i].type === 'string') stack.push(v[i]); }
      else if (v && typeof v === 'object' && typeof v.type === 'string') stack.push(v);
    }
  }
}

/** `$request.<m>` in server.js, `<anything>.request.<m>` (client.request, _client.request) in app/ scripts. */
function requestCall(callee: any, server: boolean): string | undefined {
  if (callee?.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined;
  const obj = callee.object;
  const ok = server ? obj.type === 'Identifier' && obj.name === '$request'
    : obj.type === 'MemberExpression' && !obj.computed && obj.property.type === 'Identifier' && obj.property.name === 'request';
  return ok ? callee.property.name : undefined;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function nodeRange(text: string, node: { offset: number; length: number }): Range {
  return rangeOf(text, node.offset, node.offset + node.length);
}

// ---- checks ----

export function checkRequestTemplates(app: App): Diagnostic[] {
  const m = templatesOf(app);
  const out: Diagnostic[] = [];
  for (const c of m.calls) {
    if (c.kind === 'legacy' && m.applies) {
      out.push(legacyRequestApi.at(c.file, c.range, `${c.name} is no longer supported in Request API (platform-version ${app.platformVersion}): declare a template in config/requests.json and the manifest, and call ${c.file === SERVER_SCRIPT ? '$request' : 'client.request'}.invokeTemplate('<name>', { context, body }).`, { method: c.name! }));
    }
  }
  if (!m.applies) return out;
  const req = configFile(app.config, 'requests.json');
  if (req?.parseErrors.length) {
    const e = req.parseErrors[0];
    out.push(requestsJsonSyntax.at(REQUESTS_JSON, rangeOf(req.text, e.offset, e.offset + Math.max(1, e.length)), `config/requests.json is not valid JSON (${describeJsonError(e.error)}): no template of it can be used.`));
  }
  if (req?.root && req.root.type !== 'object') {
    out.push(requestTemplateSchema.at(REQUESTS_JSON, nodeRange(req.text, req.root), 'config/requests.json must be an object of templates ({ "<name>": { "schema": { ... } } }).'));
  }
  if (req?.root) checkDefinitions(m, req.text, out);
  const defined = new Set(m.defs.map((d) => d.name));
  const declared = new Set(m.decls.map((d) => d.name));
  const manifest = app.files.manifest.path;
  for (const d of m.decls) {
    if (defined.has(d.name)) continue;
    out.push(templateNotDefined.at(manifest, d.keyRange, req
      ? `Request template '${d.name}' is declared in manifest.json but config/requests.json does not define it: invoking it fails with "Request template not found".`
      : `Request template '${d.name}' is declared in manifest.json but the app has no config/requests.json to define it: invoking it fails with "Request template not found".`, { name: d.name }));
  }
  if (req?.root?.type === 'object') {
    const where = declarationContainer(app).join('.').replace(/^product\.[^.]+/, 'product.<product>');
    for (const d of m.defs) {
      if (declared.has(d.name)) continue;
      out.push(templateNotDeclared.at(REQUESTS_JSON, d.keyRange, `Request template '${d.name}' is not declared in manifest.json (${where}): it cannot be invoked until it is.`, { name: d.name }));
    }
  }
  const known = [...new Set([...m.decls.map((d) => d.name), ...m.defs.map((d) => d.name)])];
  for (const c of m.calls) {
    if (c.kind !== 'invoke' || c.name === undefined || declared.has(c.name)) continue;
    if (defined.has(c.name)) {
      out.push(unknownTemplate.at(c.file, c.range, `Request template '${c.name}' is defined in config/requests.json but not declared in manifest.json: the call fails with "Request template not found".`, { name: c.name, defined: true }));
      continue;
    }
    const suggestion = suggestTemplate(c.name, known);
    out.push(unknownTemplate.at(c.file, c.range, `Request template '${c.name}' is not declared in manifest.json nor defined in config/requests.json: the call fails with "Request template not found".${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
      suggestion ? { name: c.name, suggestion } : { name: c.name }));
  }
  checkSubstitutions(m, out);
  return out;
}

function describeJsonError(code: number): string {
  const names: Record<number, string> = { 1: 'invalid symbol', 2: 'invalid number format', 3: 'property name expected', 4: 'value expected', 5: 'colon expected', 6: 'comma expected', 7: 'closing brace expected', 8: 'closing bracket expected', 9: 'end of file expected', 10: 'invalid comment token', 11: 'unexpected end of comment', 12: 'unexpected end of string', 13: 'unexpected end of number', 14: 'invalid unicode', 15: 'invalid escape character', 16: 'invalid character' };
  return names[code] ?? 'syntax error';
}

export function suggestTemplate(name: string, candidates: string[]): string | undefined {
  if (!candidates.length) return undefined;
  const lower = name.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  const best = suggestEvent(name, candidates);
  return best !== undefined && editDistance(best.toLowerCase(), lower) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function checkDefinitions(m: TemplatesModel, text: string, out: Diagnostic[]): void {
  const bad = (node: { offset: number; length: number }, message: string) => out.push(requestTemplateSchema.at(REQUESTS_JSON, nodeRange(text, node), message));
  const props = objectProperties(m.file?.root);
  if (props.length > MAX_TEMPLATES) bad(props[MAX_TEMPLATES].keyNode, `config/requests.json defines ${props.length} templates: the platform supports up to ${MAX_TEMPLATES}.`);
  for (const p of props) {
    const name = p.key;
    if (!/^[A-Za-z0-9_-]+$/.test(name)) bad(p.keyNode, `Request template name '${name}' may contain only letters, digits, underscores and hyphens.`);
    if (p.value?.type !== 'object') { bad(p.value ?? p.keyNode, `Request template '${name}' must be an object ({ "schema": { ... }, "options": { ... } }).`); continue; }
    for (const k of objectProperties(p.value)) {
      if (k.key !== 'schema' && k.key !== 'options') bad(k.keyNode, `Request template '${name}' must NOT have additional properties '${k.key}': a template has "schema" and "options" only.`);
    }
    const schema = lastProperty(p.value, 'schema');
    if (!schema) { bad(p.keyNode, `Request template '${name}' has no "schema" ({ "method": ..., "host": ..., "path": ... }).`); continue; }
    if (schema.type !== 'object') { bad(schema, `Request template '${name}' schema must be an object.`); continue; }
    for (const k of objectProperties(schema)) {
      if (!SCHEMA_KEYS.includes(k.key)) {
        bad(k.keyNode, `Request template '${name}' schema must NOT have additional properties '${k.key}'${k.key === 'body' ? ': the body is passed when invoking, invokeTemplate(name, { body })' : ` (allowed: ${SCHEMA_KEYS.join(', ')})`}.`);
      }
    }
    const method = lastProperty(schema, 'method');
    if (!method) bad(p.keyNode, `Request template '${name}' schema has no "method" (one of ${METHODS.join(', ')}).`);
    else if (method.type !== 'string' || !(METHODS as readonly string[]).includes(String(method.value))) bad(method, `Request template '${name}' schema/method must be one of ${METHODS.join(', ')}.`);
    const host = lastProperty(schema, 'host');
    if (!host) bad(p.keyNode, `Request template '${name}' schema has no "host" (a domain name such as api.example.com).`);
    else if (host.type !== 'string' || !String(host.value).trim()) bad(host, `Request template '${name}' schema/host must be a domain name such as api.example.com.`);
    else {
      const plain = String(host.value).replace(SUBST, 'x');
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(plain)) bad(host, `Request template '${name}' schema/host must not have the protocol: write the domain name only (the protocol goes in "protocol").`);
      else if (plain.includes('/')) bad(host, `Request template '${name}' schema/host must not have path: write the domain name only and the path in "path".`);
    }
    const path = lastProperty(schema, 'path');
    if (path && (path.type !== 'string' || !(String(path.value).startsWith('/') || String(path.value).startsWith('<%')))) bad(path, `Request template '${name}' schema/path must start with '/'`);
    const protocol = lastProperty(schema, 'protocol');
    if (protocol && (protocol.type !== 'string' || !/^https?$/i.test(String(protocol.value)))) bad(protocol, `Request template '${name}' schema/protocol must be "https" (or "http" for local testing only).`);
    for (const key of ['headers', 'query']) {
      const obj = lastProperty(schema, key);
      if (!obj) continue;
      if (obj.type !== 'object') { bad(obj, `Request template '${name}' schema/${key} must be an object of "<name>": "<value>" strings.`); continue; }
      // Numbers and booleans are sent as their text (official samples write "limit": 50); objects, arrays and null are not values.
      for (const h of objectProperties(obj)) if (h.value && !['string', 'number', 'boolean'].includes(h.value.type)) bad(h.value, `Request template '${name}' schema/${key}/${h.key} must be a string.`);
    }
    const options = lastProperty(p.value, 'options');
    if (options && options.type !== 'object') bad(options, `Request template '${name}' options must be an object.`);
    const attempts = lastProperty(options, 'maxAttempts');
    if (attempts && !(attempts.type === 'number' && Number.isInteger(attempts.value) && attempts.value >= 1 && attempts.value <= 5)) bad(attempts, `Request template '${name}' options/maxAttempts must be a whole number from 1 to 5.`);
    const delay = lastProperty(options, 'retryDelay');
    if (delay && !(delay.type === 'number' && Number.isInteger(delay.value) && delay.value >= 0 && delay.value <= 1500 && delay.value % 100 === 0)) bad(delay, `Request template '${name}' options/retryDelay must be a multiple of 100 up to 1500 (milliseconds).`);
  }
}

function checkSubstitutions(m: TemplatesModel, out: Diagnostic[]): void {
  const inSchema = ['host', 'path', 'headers', 'query'];
  // `"oauth": "<config>"` (platform 3.0 documentation) or the older `"isOAuth": true` (official 2.3 samples).
  const isOauth = (options: Node | undefined) => lastProperty(options, 'oauth') !== undefined || lastProperty(options, 'isOAuth')?.value === true;
  const oauthTemplates = new Set(objectProperties(m.file?.root).filter((p) => isOauth(lastProperty(p.value, 'options'))).map((p) => p.key));
  const names = m.iparams && !m.iparams.custom ? m.iparams.names : undefined;
  for (const s of m.substitutions) {
    if (s.root === 'iparam' || s.root === 'context') {
      if (!inSchema.includes(s.place)) {
        out.push(substitutionPlace.at(REQUESTS_JSON, s.range, `'${s.template}': ${s.root} substitutions are made in schema.host, path, headers and query only, not in ${s.place === 'options' ? 'options' : `schema.${s.place}`}.`));
        continue;
      }
    }
    if (s.root === 'iparam' && s.name !== undefined && names) {
      const ip = names.get(s.name);
      if (!ip) {
        const suggestion = suggestTemplate(s.name, [...names.keys()]);
        out.push(unknownIparam.at(REQUESTS_JSON, s.range, `'${s.template}' substitutes iparam '${s.name}', which ${m.iparams!.exists ? 'config/iparams.json does not define' : 'is not defined: the app has no config/iparams.json'}: the request is sent with an empty value.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
          suggestion ? { name: s.name, suggestion } : { name: s.name }));
      } else if (ip.secure && s.place !== 'headers') {
        out.push(secureIparamPlace.at(REQUESTS_JSON, s.range, `'${s.template}' substitutes the secure iparam '${s.name}' in schema.${s.place}: the platform substitutes secure iparams in schema.headers only.`, { name: s.name }));
      }
    }
    if (s.root === 'access_token') {
      if (s.place !== 'headers') out.push(substitutionPlace.at(REQUESTS_JSON, s.range, `'${s.template}': <%= access_token %> is substituted in schema.headers only (an OAuth Authorization header), not in ${s.place === 'options' ? 'options' : `schema.${s.place}`}.`));
      else if (!oauthTemplates.has(s.template)) out.push(substitutionPlace.at(REQUESTS_JSON, s.range, `'${s.template}' uses <%= access_token %> but has no "options": { "oauth": "<oauth config>" }: the token is substituted for OAuth templates only.`, undefined, 'warning'));
    }
  }
}

// ---- quick fixes ----

/** Quick fixes of this module's rules (looked up by rule). */
export function requestTemplateFixes(app: App, d: Diagnostic): QuickFix[] {
  const fix = (title: string, edits: (FileEdit | undefined)[], preferred = true): QuickFix[] =>
    edits.every((e): e is FileEdit => !!e) ? [{ title, diagnostic: d, edits, preferred }] : [];
  const nd = templateNotDefined.match(d)?.data;
  if (nd) return fix(`Create template '${nd.name}' in config/requests.json`, [templateStub(app, nd.name)]);
  const decl = templateNotDeclared.match(d)?.data;
  if (decl) return fix(`Declare '${decl.name}' in manifest.json`, [declareTemplate(app, decl.name)]);
  const unknown = unknownTemplate.match(d)?.data;
  if (unknown) {
    if (unknown.defined) return fix(`Declare '${unknown.name}' in manifest.json`, [declareTemplate(app, unknown.name)]);
    const text = d.file === SERVER_SCRIPT ? app.files.serverScript?.text : app.files.appScripts?.find((f) => f.path === d.file)?.text;
    const quote = text?.[offsetAt(text, d.range.start)] ?? "'";
    return [
      ...(unknown.suggestion ? fix(`Change to '${unknown.suggestion}'`, [{ file: d.file, edits: [{ range: d.range, newText: `${quote}${unknown.suggestion}${quote}` }] }]) : []),
      ...fix(`Create template '${unknown.name}' in config/requests.json and declare it in manifest.json`, [templateStub(app, unknown.name), declareTemplate(app, unknown.name)], !unknown.suggestion),
    ];
  }
  const ip = unknownIparam.match(d)?.data;
  if (ip) {
    return [
      ...(ip.suggestion ? fix(`Change to '${ip.suggestion}'`, [{ file: d.file, edits: [{ range: d.range, newText: ip.suggestion }] }]) : []),
      ...fix(`Add iparam '${ip.name}' to config/iparams.json`, [addIparam(app, ip.name)], !ip.suggestion),
    ];
  }
  return [];
}

/** The manifest with `<container>.<name>: {}` added, formatting elsewhere kept. */
export function declareTemplate(app: App, name: string): FileEdit | undefined {
  const text = app.files.manifest.text;
  if (app.manifest.root?.type !== 'object') return undefined;
  return { file: app.files.manifest.path, edits: [{ range: rangeOf(text, 0, text.length), newText: set(text, [...declarationContainer(app), name], {}, formatting(text)) }] };
}

export const TEMPLATE_STUB = { schema: { method: 'GET', host: 'api.example.com', path: '/' } };

/** config/requests.json with a template stub named `name` (the file created when absent). */
export function templateStub(app: App, name: string): FileEdit | undefined {
  return addToConfigObject(app, 'requests.json', name, TEMPLATE_STUB);
}

export function addIparam(app: App, name: string): FileEdit | undefined {
  return addToConfigObject(app, 'iparams.json', name, { display_name: name, description: `Enter the ${name}`, type: 'text', required: true });
}

function addToConfigObject(app: App, file: string, key: string, value: unknown): FileEdit | undefined {
  const f = configFile(app.config, file);
  const path = `${CONFIG_DIR}/${file}`;
  if (!f) return { file: path, create: true, edits: [{ range: rangeOf('', 0, 0), newText: `${JSON.stringify({ [key]: value }, null, 2)}\n` }] };
  if (f.root?.type !== 'object' || f.parseErrors.length) return undefined;
  return { file: path, edits: [{ range: rangeOf(f.text, 0, f.text.length), newText: set(f.text, [key], value, formatting(f.text)) }] };
}
