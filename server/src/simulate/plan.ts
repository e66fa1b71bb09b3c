// From a SimulationRequest to a RunPlan (parent side; reads the app's files): which handler, which payload,
// which iparams, which time limit. Everything the manifest and the files decide is settled here; what only
// running server.js can tell (is the handler exported, is it a function, does server.js parse) the child
// decides. Anything wrong here yields a `not-runnable` reason, never an exception.
import { iparamDefs as parseIparamDefs } from '../core/iparamsForm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeFreshworksManifest, MANIFEST, notAnAppReason, sameScope, SERVER_SCRIPT } from '../core/appLayout';
import type { ManifestModel } from '../core/manifest';
import { guardNesting } from '../core/nesting';
import { folderProblem, notAFile, outsideApp, readRegularFile } from '../appFiles';
import { outwardLink } from '../appLinks';
import { manifestDependencies, type Dependencies } from './dependencies';
import { REQUEST_STUBS_FILE } from '../core/testDataLayout';
import type { Catalogue, CatalogueEvent, EventKind, Scope } from '../core/types';
import type { RequestStub, RunPlan } from './ipc';
import type { PayloadSource, SimulationRequest } from './types';


export const OUTPUT_LIMIT_BYTES = 1024 * 1024;
export const OUTPUT_LIMIT_LINES = 10000;
export const DB_FILE = '.fsdev/db.json';
export const STUB_FILES = [REQUEST_STUBS_FILE, '.fsdev/stubs.json'];
/** `{ "access_token": "..." }`: the OAuth token `<%= access_token %>` stands for in local runs. */
export const OAUTH_FILE = '.fsdev/oauth.json';

export interface PlanInfo {
  event: string;
  scope?: Scope;
  handler?: string;
  kind: EventKind;
  timeLimitMs: number;
  payload?: unknown;
  payloadSource?: PayloadSource;
  payloadFile?: string;
  /** manifest.json "dependencies": installed into server/node_modules before the run when missing. */
  dependencies?: Dependencies;
  /** System messages for the run's log (deprecations, fallbacks), in order. */
  notes: { level: 'system'; message: string }[];
  /** The iparams config/iparams.json marks secure (or password, api_key): masked in what history.json keeps. */
  secureIparams?: string[];
}

export type Planned =
  | { ok: true; plan: RunPlan; info: PlanInfo }
  | { ok: false; reason: string; info: PlanInfo };

const rel = (appDir: string, file: string) => {
  const r = path.relative(appDir, file);
  return !r.startsWith('..') && !path.isAbsolute(r) ? r.split(path.sep).join('/') : file;
};

// Synchronous reads: a handful of small files; under load every async fs call is a thread-pool round trip.
// Only regular files are read: a FIFO would block this process (the language server) for good.
function readText(file: string): string | undefined {
  const r = readRegularFile(file);
  return 'text' in r ? r.text : undefined;
}

function readJson(file: string, appDir?: string): { value?: unknown; error?: string; missing?: boolean; outside?: string; notFile?: string } {
  const outside = appDir === undefined ? undefined : outsideApp(appDir, file);
  if (outside) return { outside };
  const r = readRegularFile(file);
  if ('notFile' in r) return { notFile: r.notFile };
  const text = 'text' in r ? r.text : undefined;
  if (text === undefined) return { missing: true };
  try { return { value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown }; } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The manifest as JSON.parse reads it (an object, else empty); a manifest with a BOM never gets this far. */
function looseJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch { return {}; }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What planning read of the app's files, for as long as the caller keeps it. `fsdev test` keeps one for its
 * whole run (hundreds of invocations of an app whose files do not change under it: each file read and resolved
 * once); a simulation reads afresh.
 */
export type PlanReads = Map<string, unknown>;

function reader(reads?: PlanReads) {
  const memo = <T>(key: string, read: () => T): T => {
    if (!reads) return read();
    if (!reads.has(key)) reads.set(key, read());
    return reads.get(key) as T;
  };
  return {
    text: (file: string) => memo(`text ${file}`, () => readText(file)),
    json: (file: string, appDir?: string) => memo(`json ${appDir ?? ''} ${file}`, () => readJson(file, appDir)),
    exists: (file: string) => memo(`exists ${file}`, () => fs.existsSync(file)),
    /** The first link out of the app (appLinks.ts), walked once per plan (once per test run with `reads`). */
    outwardLink: (appDir: string) => memo(`links ${appDir}`, () => outwardLink(appDir)),
  };
}

/**
 * The manifest's model and its plain JSON value (`raw`: dependencies, whitelisted-domains), re-parsed only when
 * its text changed. server.js is not parsed here: the child runs it.
 */
interface ParsedManifest { text: string; model: ManifestModel; raw: Record<string, unknown> }
const manifests = new Map<string, ParsedManifest>();
function parsedManifest(core: CoreModules, appDir: string, text: string): ParsedManifest {
  const cached = manifests.get(appDir);
  if (cached && cached.text === text) return cached;
  // The same nesting guard as check and the language server: a manifest nested 10,000 deep is read, not a stack overflow.
  const parsed = { text, model: core.manifest.parseManifest(guardNesting(MANIFEST, text).text, MANIFEST), raw: looseJson(text) };
  if (manifests.size > 20) manifests.clear();
  manifests.set(appDir, parsed);
  return parsed;
}

interface CoreModules {
  manifest: typeof import('../core/manifest');
  layout: typeof import('../core/testDataLayout');
  events: Map<string, CatalogueEvent>;
  /** Kinds of the other Freshworks products' events (Freshdesk's onTicketCreate, ...), by name. */
  otherEvents: Map<string, EventKind>;
}
let coreModules: Promise<CoreModules> | undefined;
/**
 * What planning needs, loaded on first use: the manifest reader (jsonc-parser), the test_data layout and the
 * event list. The CLI forks its child before paying for this, so the child's start-up overlaps it. Neither
 * acorn (server.js is not parsed: the child runs it) nor the default payloads (only when one is used) load here.
 */
function loadCore(): Promise<CoreModules> {
  return (coreModules ??= Promise.all([import('../core/manifest'), import('../core/testDataLayout'), import('../../../schemas/events.json')])
    .then(([manifest, layout, raw]) => {
      const cat = (raw as { default?: unknown }).default as Catalogue ?? raw as unknown as Catalogue;
      const otherEvents = new Map<string, EventKind>();
      for (const p of Object.values(cat.otherProducts ?? {})) for (const e of p.events) if (!otherEvents.has(e.name)) otherEvents.set(e.name, e.kind);
      return { manifest, layout, events: new Map(cat.events.map((e) => [e.name, e])), otherEvents };
    }));
}

/**
 * The bundled default payload for the scope's product: a Freshsales product's, another product's (fdk's own default
 * payload of Freshdesk's onTicketCreate for a freshdesk or support_ticket scope), or the catalogue's choice.
 */
async function defaultPayload(event: string, scope?: Scope): Promise<unknown> {
  const c = await import('../core/catalogue');
  return c.defaultPayload(event, c.defaultProductFor(event, scope));
}

export async function planRun(req: SimulationRequest, limits?: { outputLimitBytes?: number; outputLimitLines?: number },
  reads?: PlanReads): Promise<Planned> {
  const appDir = path.resolve(req.appDir);
  const read = reader(reads);
  const core = await loadCore();
  const entry = core.events.get(req.event);
  const info: PlanInfo = {
    event: req.event, scope: req.scope, kind: entry?.kind ?? core.otherEvents.get(req.event) ?? 'product',
    // The catalogue's rule (timeLimitFor): the event's limit, 20 s for unknown events.
    timeLimitMs: req.timeoutMs ?? entry?.timeLimitMs ?? (core.otherEvents.get(req.event) === 'app-setup' ? 10000 : 20000), notes: [],
  };
  const fail = (reason: string): Planned => ({ ok: false, reason, info });

  const manifestText = read.text(path.join(appDir, MANIFEST));
  if (manifestText === undefined && folderProblem(appDir)) return fail(folderProblem(appDir)!);
  const manifestNotFile = manifestText === undefined ? notAFile(appDir, MANIFEST) : undefined;
  if (manifestNotFile) return fail(`${appDir} is not a Freshworks app: its ${manifestNotFile}`);
  if (manifestText === undefined || !looksLikeFreshworksManifest(manifestText)) return fail(notAnAppReason(appDir, manifestText)!);
  // As check says (and fdk's JSON.parse does): a byte order mark makes manifest.json unreadable.
  if (manifestText.charCodeAt(0) === 0xfeff) return fail(`${MANIFEST} starts with a UTF-8 byte order mark, which JSON.parse (used by fdk) rejects: save it as UTF-8 without BOM.`);
  // Node's permission model follows links: one leading out of the app would let the child read through it.
  const link = read.outwardLink(appDir);
  if (link) return fail(link);
  let manifest: ManifestModel;
  let raw: Record<string, unknown>;
  try {
    ({ model: manifest, raw } = parsedManifest(core, appDir, manifestText));
  } catch (e) {
    return fail(`The app could not be read: ${(e as Error).message}`);
  }
  // As the app model does: a 2.0 app's events live in server.js; the manifest's products give their scope.
  const app = { dialect: manifest.dialect, scopes: manifest.dialect === '2.0' && manifest.scopes.length === 0
    ? [{ kind: 'product', name: 'freshworks_crm' } as Scope] : manifest.scopes };
  if (!entry && !core.otherEvents.has(req.event)) info.notes.push({ level: 'system', message: `Warning: ${req.event} is not a known Freshworks event; running it as a product event.` });

  // Registration: the requested scope, or the first scope that registers the event.
  const regs = manifest.registrations.filter((r) => r.event === req.event);
  const scopeLabel = (s: Scope) => `${s.kind} ${s.name}`;
  // An event registered twice in one scope: the platform (JSON.parse) keeps the last registration.
  const lastIn = (scope: Scope) => regs.filter((r) => sameScope(r.scope, scope)).pop();
  const reg = req.scope ? lastIn(req.scope) : regs[0] && lastIn(regs[0].scope);
  let handlerFromEventsArray = false;
  if (!reg) {
    if (app.dialect === '2.0' && (!req.scope || app.scopes.some((s) => sameScope(s, req.scope)))) {
      // 2.0: the handler is whatever the running script's `events` array names (the child looks it up).
      handlerFromEventsArray = true;
    } else if (req.scope && regs.length > 0) {
      return fail(`${req.event} is not registered for ${scopeLabel(req.scope)}; it is registered for ${regs.map((r) => scopeLabel(r.scope)).join(', ')}.`);
    } else {
      const where = app.dialect === '2.0' ? 'the events array of server/server.js' : 'manifest.json';
      return fail(`${req.event} is not registered in ${where}${req.scope ? ` for ${scopeLabel(req.scope)}` : ''}.`);
    }
  }
  const scope = reg?.scope ?? req.scope ?? app.scopes[0];
  info.scope = scope;
  if (reg && reg.handler === undefined) {
    const typo = reg.otherKeys.map((k) => `"${k.key}"`).join(', ');
    return fail(`${req.event} is registered without a "handler"${typo ? ` (the entry has ${typo})` : ''}.`);
  }
  info.handler = reg?.handler;
  if (!read.exists(path.join(appDir, SERVER_SCRIPT))) return fail(`${SERVER_SCRIPT} does not exist.`);
  const scriptNotFile = notAFile(appDir, SERVER_SCRIPT);
  if (scriptNotFile) return fail(scriptNotFile);
  if (req.storeDir !== undefined && (!path.isAbsolute(req.storeDir) || outsideApp(appDir, req.storeDir) || !path.resolve(req.storeDir).startsWith(appDir + path.sep))) {
    return fail(`The store folder ${req.storeDir} is not inside the app: the run's $db and $schedule must stay in the app folder.`);
  }

  // Payload: an override, the test_data file of the dialect's layout, or the bundled default.
  let payload: unknown;
  if (req.payload !== undefined) {
    payload = req.payload;
    info.payloadSource = 'inline';
  } else if (req.payloadText !== undefined) {
    info.payloadSource = 'inline';
    try { payload = JSON.parse(req.payloadText); } catch (e) { return fail(`The payload is not valid JSON: ${(e as Error).message}`); }
  } else if (req.payloadFile !== undefined) {
    const file = path.resolve(appDir, req.payloadFile);
    info.payloadSource = 'file';
    info.payloadFile = rel(appDir, file);
    const r = read.json(file, appDir);
    if (r.outside) return fail(`The payload file ${info.payloadFile} is outside the app (it resolves to ${r.outside}): only files inside the app folder are read.`);
    if (r.notFile) return fail(`The payload file ${info.payloadFile} is ${r.notFile}, not a file: only regular files are read.`);
    if (r.missing) return fail(`The payload file ${info.payloadFile} does not exist.`);
    if (r.error) return fail(`The payload file ${info.payloadFile} is not valid JSON: ${r.error}`);
    payload = r.value;
  } else {
    const expected = core.layout.expectedTestDataPath(app, req.event, scope);
    const r = read.json(path.join(appDir, expected), appDir);
    if (r.outside) return fail(`${expected} is a link to ${r.outside}, outside the app: only files inside the app folder are read.`);
    if (r.notFile) return fail(`${expected} is ${r.notFile}, not a file: only regular files are read.`);
    if (r.error) return fail(`${expected} is not valid JSON: ${r.error}`);
    if (!r.missing) {
      payload = r.value;
      info.payloadSource = 'test-data';
      info.payloadFile = expected;
    } else {
      payload = await defaultPayload(req.event, scope);
      info.payloadSource = 'default';
      // A flat copy the user wrote (as some 3.0 samples keep) is not read, and the run says so rather than ignore it.
      const flat = `${core.layout.TEST_DATA_DIR}/${req.event}.json`;
      const flatNote = flat !== expected && read.exists(path.join(appDir, flat)) ? ` (${flat} exists, but this app's layout reads ${expected}; move it there to use it)` : '';
      info.notes.push({ level: 'system', message: `No ${expected}: using the bundled default payload of ${req.event}${flatNote}.` });
    }
  }
  if (!isObject(payload)) return fail('The payload must be a JSON object.');
  payload = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
  const p = payload as Record<string, unknown>;

  // iparams, injected as the platform does: overwrite payload.iparams; payload.event = the event name.
  const [testIparams, iparamDefs, templates, ...stubFiles] = [
    'config/iparam_test_data.json', 'config/iparams.json', 'config/requests.json', ...STUB_FILES,
  ].map((f) => {
    const r = read.json(path.join(appDir, f), appDir);
    if (r.notFile) info.notes.push({ level: 'system', message: `Warning: ${f} is ${r.notFile}, not a file: not read.` });
    if (!r.outside && !r.notFile) return r;
    if (r.outside) info.notes.push({ level: 'system', message: `Warning: ${f} is a link to ${r.outside}, outside the app: not read.` });
    return { missing: true };
  });
  let iparams: Record<string, unknown> = {};
  if (!testIparams.missing) {
    info.notes.push({ level: 'system', message: 'Warning: config/iparam_test_data.json is deprecated: the platform\'s local simulator now '
      + 'stores installation parameters from its settings page. Its values are used for this run.' });
    if (testIparams.error) info.notes.push({ level: 'system', message: `Warning: config/iparam_test_data.json is not valid JSON (${testIparams.error}); no iparams injected.` });
    else if (isObject(testIparams.value)) iparams = testIparams.value;
  } else if (isObject(iparamDefs.value)) {
    for (const [name, def] of Object.entries(iparamDefs.value)) {
      if (isObject(def) && def.default_value !== undefined) iparams[name] = def.default_value;
    }
  }
  p.iparams = iparams;
  const secure = parseIparamDefs(iparamDefs.value).filter((d) => d.secure).map((d) => d.name);
  if (secure.length) info.secureIparams = secure;
  p.event = req.event;
  if (app.dialect === '3.0' && p.currentHost === undefined) {
    p.currentHost = {
      subscribed_modules: app.scopes.filter((s) => s.name !== 'common').map((s) => s.name),
      endpoint_urls: { freshworks_crm: 'https://sample.myfreshworks.com/crm' },
    };
  }
  info.payload = p;

  if (templates.error) info.notes.push({ level: 'system', message: `Warning: config/requests.json is not valid JSON (${templates.error}); no request templates.` });
  let stubs: Record<string, RequestStub> | undefined;
  stubFiles.forEach((s, i) => {
    if (s.error) info.notes.push({ level: 'system', message: `Warning: ${STUB_FILES[i]} is not valid JSON (${s.error}); its stubs are ignored.` });
    else if (isObject(s.value)) stubs = { ...(stubs ?? {}), ...(s.value as Record<string, RequestStub>) };
  });

  const payloadJson = JSON.stringify(p);
  // The catalogue's rule (payloadLimitFor): 100 KB for external events, 256 KB otherwise.
  const payloadLimit = info.kind === 'external' ? 100 * 1024 : 256 * 1024;
  const payloadBytes = Buffer.byteLength(payloadJson);
  if (payloadBytes > payloadLimit) {
    info.notes.push({ level: 'system', message: `Warning: the payload takes ${Math.ceil(payloadBytes / 1024)} KB; the platform `
      + `delivers at most ${payloadLimit / 1024} KB for ${info.kind} events. The run goes ahead.` });
  }

  // Platform ≤ 2.2 whitelists the domains `$request.get/post/...` may reach (from 2.3 templates replace them).
  const legacyRules = /^2\.[0-2]$/.test(manifest.platformVersion ?? '');
  const whitelisted = Array.isArray(raw['whitelisted-domains']) ? (raw['whitelisted-domains'] as unknown[]).map(String) : [];
  const oauth = read.json(path.join(appDir, OAUTH_FILE));
  const accessToken = isObject(oauth.value) && typeof oauth.value.access_token === 'string' ? oauth.value.access_token : undefined;

  info.dependencies = manifestDependencies(raw);

  const plan: RunPlan = {
    appDir,
    serverScript: path.join(appDir, SERVER_SCRIPT),
    event: req.event,
    kind: info.kind,
    handler: info.handler,
    handlerFromEventsArray,
    payloadJson,
    iparams,
    requestTemplates: isObject(templates.value) ? templates.value : undefined,
    whitelistedDomains: legacyRules ? whitelisted : undefined,
    accessToken,
    stubs,
    offline: req.offline ?? false,
    dbFile: req.storeDir ? path.join(req.storeDir, 'db.json') : path.join(appDir, DB_FILE),
    outputLimitBytes: limits?.outputLimitBytes ?? OUTPUT_LIMIT_BYTES,
    outputLimitLines: limits?.outputLimitLines ?? OUTPUT_LIMIT_LINES,
    debug: req.debug ? true : undefined,
    coverage: req.coverage ? true : undefined,
    reuse: req.reuseChild ? true : undefined,
    blockNetwork: req.blockNetwork ? true : undefined,
    memoryStore: req.memoryStore ? true : undefined,
  };
  return { ok: true, plan, info };
}
