// From a SimulationRequest to a RunPlan (parent side; reads the app's files): which handler, which payload,
// which iparams, which time limit. Everything the manifest and the files decide is settled here, from the same
// app model the checks read (core/appSource.ts: manifest and config/, nesting-guarded) and the core's readers of
// it (core/appConfig.ts) and limits (core/limits.ts); what only running server.js can tell (is the handler
// exported, is it a function, does server.js parse) the child decides. Anything wrong here yields a
// `not-runnable` reason, never an exception.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeFreshworksManifest, MANIFEST, notAnAppReason, sameScope, SERVER_SCRIPT } from '../core/appLayout';
import type { App } from '../core/appModel';
import type { ModelCache } from '../core/appSource';
import { folderProblem, listConfigFiles, notAFile, outsideApp, readAppFile, readRegularFile } from '../appFiles';
import { outwardLink } from '../appLinks';
import { manifestDependencies, type Dependencies } from './dependencies';
import { REQUEST_STUBS_FILE } from '../core/testDataLayout';
import type { Catalogue, CatalogueEvent, EventKind, EventRegistration, Scope } from '../core/types';
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

/** A payload or stub file as JSON.parse reads it (these are not config/: the model does not hold them). */
function readJson(file: string, appDir?: string, text?: string): { value?: unknown; error?: string; missing?: boolean; outside?: string; notFile?: string } {
  // A file that links out of the app is not read, nor is the editor's text of it used.
  const outside = appDir === undefined ? undefined : outsideApp(appDir, file);
  if (outside) return { outside };
  if (text === undefined) {
    const r = readRegularFile(file);
    if ('notFile' in r) return { notFile: r.notFile };
    text = 'text' in r ? r.text : undefined;
  }
  if (text === undefined) return { missing: true };
  try { return { value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown }; } catch (e) {
    return { error: (e as Error).message };
  }
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
    /** config/*.json and *.html as check reads them (inside the app, regular files), and why any could not be. */
    config: (appDir: string) => memo(`config ${appDir}`, () => listConfigFiles(appDir).map((f) => ({ path: f, text: readAppFile(appDir, f) }))),
  };
}
type Reader = ReturnType<typeof reader>;

/** The app model of each app planned lately, kept while its files read the same (the manifest is not parsed again). */
const models = new Map<string, ModelCache>();
function modelCache(appDir: string): ModelCache {
  let cache = models.get(appDir);
  if (!cache) {
    if (models.size > 20) models.clear();
    cache = { guarded: new Map() };
    models.set(appDir, cache);
  }
  return cache;
}

interface CoreModules {
  source: typeof import('../core/appSource');
  config: typeof import('../core/appConfig');
  limits: typeof import('../core/limits');
  layout: typeof import('../core/testDataLayout');
  events: Map<string, CatalogueEvent>;
  /** Kinds of the other Freshworks products' events (Freshdesk's onTicketCreate, ...), by name. */
  otherEvents: Map<string, EventKind>;
}
let coreModules: Promise<CoreModules> | undefined;
/**
 * What planning needs, loaded on first use: the app model (jsonc-parser), its readers, the limits, the test_data
 * layout and the event list. The CLI forks its child before paying for this, so the child's start-up overlaps it.
 * server.js is not parsed (the child runs it), and the default payloads load only when one is used.
 */
function loadCore(): Promise<CoreModules> {
  return (coreModules ??= Promise.all([import('../core/appSource'), import('../core/appConfig'), import('../core/limits'),
    import('../core/testDataLayout'), import('../../../schemas/events.json')])
    .then(([source, config, limits, layout, raw]) => {
      const cat = (raw as { default?: unknown }).default as Catalogue ?? raw as unknown as Catalogue;
      const otherEvents = new Map<string, EventKind>();
      for (const p of Object.values(cat.otherProducts ?? {})) for (const e of p.events) if (!otherEvents.has(e.name)) otherEvents.set(e.name, e.kind);
      return { source, config, limits, layout, events: new Map(cat.events.map((e) => [e.name, e])), otherEvents };
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

/** One planning: the request, what it has read, what it has found so far. A step returns a value or a `Refusal`. */
interface Planning { req: SimulationRequest; appDir: string; read: Reader; core: CoreModules; info: PlanInfo }
class Refusal { constructor(readonly reason: string) {} }

/** The event's kind and time limit: the catalogue's, another product's kind, or a product event's. */
function eventInfo(req: SimulationRequest, core: CoreModules): PlanInfo {
  const entry = core.events.get(req.event);
  const kind = entry?.kind ?? core.otherEvents.get(req.event) ?? 'product';
  const info: PlanInfo = { event: req.event, scope: req.scope, kind, timeLimitMs: req.timeoutMs ?? core.limits.timeLimitOf(entry ?? { kind }), notes: [] };
  if (!entry && !core.otherEvents.has(req.event)) info.notes.push({ level: 'system', message: `Warning: ${req.event} is not a known Freshworks event; running it as a product event.` });
  return info;
}

/** The app model, from manifest.json and config/ (server.js is the child's), after the checks that refuse an app. */
function appOf(p: Planning): App | Refusal {
  const { appDir, read } = p;
  const manifestText = read.text(path.join(appDir, MANIFEST));
  if (manifestText === undefined && folderProblem(appDir)) return new Refusal(folderProblem(appDir)!);
  const manifestNotFile = manifestText === undefined ? notAFile(appDir, MANIFEST) : undefined;
  if (manifestNotFile) return new Refusal(`${appDir} is not a Freshworks app: its ${manifestNotFile}`);
  if (manifestText === undefined || !looksLikeFreshworksManifest(manifestText)) return new Refusal(notAnAppReason(appDir, manifestText)!);
  // As check says (and fdk's JSON.parse does): a byte order mark makes manifest.json unreadable.
  if (manifestText.charCodeAt(0) === 0xfeff) return new Refusal(`${MANIFEST} starts with a UTF-8 byte order mark, which JSON.parse (used by fdk) rejects: save it as UTF-8 without BOM.`);
  // Node's permission model follows links: one leading out of the app would let the child read through it.
  const link = read.outwardLink(appDir);
  if (link) return new Refusal(link);
  const config = read.config(appDir).flatMap((f) => (typeof f.text === 'string' ? [{ path: f.path, text: f.text }] : []));
  try {
    return p.core.source.modelOf({ manifest: { path: MANIFEST, text: manifestText }, testData: [], config }, modelCache(appDir));
  } catch (e) {
    return new Refusal(`The app could not be read: ${(e as Error).message}`);
  }
}

/** The registration that runs: the requested scope's, or the first scope's that registers the event (2.0: the events array's). */
function registrationOf(p: Planning, app: App): { reg?: EventRegistration; scope?: Scope; handlerFromEventsArray: boolean } | Refusal {
  const { req } = p;
  const regs = app.registrations.filter((r) => r.event === req.event);
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
      return new Refusal(`${req.event} is not registered for ${scopeLabel(req.scope)}; it is registered for ${regs.map((r) => scopeLabel(r.scope)).join(', ')}.`);
    } else {
      const where = app.dialect === '2.0' ? 'the events array of server/server.js' : 'manifest.json';
      return new Refusal(`${req.event} is not registered in ${where}${req.scope ? ` for ${scopeLabel(req.scope)}` : ''}.`);
    }
  }
  if (reg && reg.handler === undefined) {
    const typo = reg.otherKeys.map((k) => `"${k.key}"`).join(', ');
    return new Refusal(`${req.event} is registered without a "handler"${typo ? ` (the entry has ${typo})` : ''}.`);
  }
  return { reg, scope: reg?.scope ?? req.scope ?? app.scopes[0], handlerFromEventsArray };
}

/** server.js must be a file, and a store folder the request names must be inside the app. */
function filesProblem(p: Planning): Refusal | undefined {
  const { appDir, req } = p;
  if (!p.read.exists(path.join(appDir, SERVER_SCRIPT))) return new Refusal(`${SERVER_SCRIPT} does not exist.`);
  const scriptNotFile = notAFile(appDir, SERVER_SCRIPT);
  if (scriptNotFile) return new Refusal(scriptNotFile);
  if (req.storeDir !== undefined && (!path.isAbsolute(req.storeDir) || outsideApp(appDir, req.storeDir) || !path.resolve(req.storeDir).startsWith(appDir + path.sep))) {
    return new Refusal(`The store folder ${req.storeDir} is not inside the app: the run's $db and $schedule must stay in the app folder.`);
  }
  return undefined;
}

/** The payload: an override, the test_data file of the dialect's layout, or the bundled default (a copy: it is changed). */
async function payloadOf(p: Planning, app: App, scope?: Scope): Promise<Record<string, unknown> | Refusal> {
  const { req, appDir, read, info, core } = p;
  let payload: unknown;
  if (req.payload !== undefined) {
    payload = req.payload;
    info.payloadSource = 'inline';
  } else if (req.payloadFile !== undefined) {
    const file = path.resolve(appDir, req.payloadFile);
    info.payloadSource = 'file';
    info.payloadFile = rel(appDir, file);
    // With payloadText: that file as it stands in the editor (unsaved edits), read instead of the disk.
    const r = req.payloadText !== undefined ? readJson(file, appDir, req.payloadText) : read.json(file, appDir);
    if (r.outside) return new Refusal(`The payload file ${info.payloadFile} is outside the app (it resolves to ${r.outside}): only files inside the app folder are read.`);
    if (r.notFile) return new Refusal(`The payload file ${info.payloadFile} is ${r.notFile}, not a file: only regular files are read.`);
    if (r.missing) return new Refusal(`The payload file ${info.payloadFile} does not exist.`);
    if (r.error) return new Refusal(`The payload file ${info.payloadFile} is not valid JSON: ${r.error}`);
    payload = r.value;
  } else if (req.payloadText !== undefined) {
    info.payloadSource = 'inline';
    try { payload = JSON.parse(req.payloadText); } catch (e) { return new Refusal(`The payload is not valid JSON: ${(e as Error).message}`); }
  } else {
    const expected = core.layout.expectedTestDataPath(app, req.event, scope);
    const r = read.json(path.join(appDir, expected), appDir);
    if (r.outside) return new Refusal(`${expected} is a link to ${r.outside}, outside the app: only files inside the app folder are read.`);
    if (r.notFile) return new Refusal(`${expected} is ${r.notFile}, not a file: only regular files are read.`);
    if (r.error) return new Refusal(`${expected} is not valid JSON: ${r.error}`);
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
  if (!isObject(payload)) return new Refusal('The payload must be a JSON object.');
  return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
}

/** Says so in the run's log when a config/ file the run reads is there but could not be read. */
function noteUnreadableConfig(p: Planning, names: string[]): void {
  for (const f of p.read.config(p.appDir)) {
    if (typeof f.text !== 'string' && names.includes(f.path)) p.info.notes.push({ level: 'system', message: `Warning: ${f.text.unreadable} It is not used.` });
  }
}

/** The iparams, injected as the platform does: config/iparam_test_data.json (deprecated), else iparams.json's defaults. */
function iparamsOf(p: Planning, app: App): Record<string, unknown> {
  const { config } = p.core;
  const note = (message: string) => p.info.notes.push({ level: 'system', message });
  const test = config.configValue(app, config.IPARAM_TEST_DATA_FILE);
  const secure = config.secureIparams(app);
  if (secure.length) p.info.secureIparams = secure;
  if ('missing' in test) return config.iparamDefaults(app);
  note('Warning: config/iparam_test_data.json is deprecated: the platform\'s local simulator now '
    + 'stores installation parameters from its settings page. Its values are used for this run.');
  if ('error' in test) { note(`Warning: config/iparam_test_data.json is not valid JSON (${test.error}); no iparams injected.`); return {}; }
  return isObject(test.value) ? test.value : {};
}

/** The payload the handler gets: the iparams (overwriting payload.iparams), payload.event, and a 3.0 app's currentHost. */
function completePayload(p: Planning, app: App, payload: Record<string, unknown>, iparams: Record<string, unknown>): void {
  payload.iparams = iparams;
  payload.event = p.req.event;
  if (app.dialect === '3.0' && payload.currentHost === undefined) {
    payload.currentHost = {
      subscribed_modules: app.scopes.filter((s) => s.name !== 'common').map((s) => s.name),
      endpoint_urls: { freshworks_crm: 'https://sample.myfreshworks.com/crm' },
    };
  }
  p.info.payload = payload;
}

/** Request stubs: server/test_data/requests.json and .fsdev/stubs.json, merged (a file that is not JSON is ignored, with a note). */
function stubsOf(p: Planning): Record<string, RequestStub> | undefined {
  let stubs: Record<string, RequestStub> | undefined;
  for (const f of STUB_FILES) {
    const r = p.read.json(path.join(p.appDir, f), p.appDir);
    if (r.notFile) p.info.notes.push({ level: 'system', message: `Warning: ${f} is ${r.notFile}, not a file: not read.` });
    else if (r.outside) p.info.notes.push({ level: 'system', message: `Warning: ${f} is a link to ${r.outside}, outside the app: not read.` });
    else if (r.error) p.info.notes.push({ level: 'system', message: `Warning: ${f} is not valid JSON (${r.error}); its stubs are ignored.` });
    else if (isObject(r.value)) stubs = { ...(stubs ?? {}), ...(r.value as Record<string, RequestStub>) };
  }
  return stubs;
}

/** The payload as JSON; a note when it is over what the platform delivers for the event's kind (the run goes ahead). */
function payloadJsonOf(p: Planning, payload: Record<string, unknown>): string {
  const json = JSON.stringify(payload);
  const limit = p.core.limits.payloadLimitOf(p.info.kind);
  const bytes = Buffer.byteLength(json);
  if (bytes > limit) {
    p.info.notes.push({ level: 'system', message: `Warning: the payload takes ${Math.ceil(bytes / 1024)} KB; the platform `
      + `delivers at most ${limit / 1024} KB for ${p.info.kind} events. The run goes ahead.` });
  }
  return json;
}

export async function planRun(req: SimulationRequest, limits?: { outputLimitBytes?: number; outputLimitLines?: number },
  reads?: PlanReads): Promise<Planned> {
  const core = await loadCore();
  const p: Planning = { req, appDir: path.resolve(req.appDir), read: reader(reads), core, info: eventInfo(req, core) };
  const { appDir, info } = p;
  const fail = (r: Refusal): Planned => ({ ok: false, reason: r.reason, info });

  const app = appOf(p);
  if (app instanceof Refusal) return fail(app);
  const registration = registrationOf(p, app);
  if (registration instanceof Refusal) return fail(registration);
  info.scope = registration.scope;
  info.handler = registration.reg?.handler;
  const problem = filesProblem(p);
  if (problem) return fail(problem);
  const payload = await payloadOf(p, app, registration.scope);
  if (payload instanceof Refusal) return fail(payload);

  noteUnreadableConfig(p, ['config/iparam_test_data.json', 'config/iparams.json', 'config/requests.json']);
  const iparams = iparamsOf(p, app);
  completePayload(p, app, payload, iparams);
  const templates = core.config.configValue(app, core.config.REQUESTS_FILE);
  if ('error' in templates) info.notes.push({ level: 'system', message: `Warning: config/requests.json is not valid JSON (${templates.error}); no request templates.` });
  const stubs = stubsOf(p);
  const payloadJson = payloadJsonOf(p, payload);
  const oauth = p.read.json(path.join(appDir, OAUTH_FILE));
  info.dependencies = manifestDependencies({ dependencies: core.config.manifestValue(app, 'dependencies') });

  const plan: RunPlan = {
    appDir,
    serverScript: path.join(appDir, SERVER_SCRIPT),
    event: req.event,
    kind: info.kind,
    handler: info.handler,
    handlerFromEventsArray: registration.handlerFromEventsArray,
    payloadJson,
    iparams,
    requestTemplates: core.config.requestTemplates(app),
    whitelistedDomains: core.config.whitelistedDomains(app),
    accessToken: isObject(oauth.value) && typeof oauth.value.access_token === 'string' ? oauth.value.access_token : undefined,
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
