// The vocabulary of the pure core. Nothing here imports vscode, an LSP transport or node:fs:
// positions are LSP-shaped (0-based line and UTF-16 character) so adapters pass them through unchanged.

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** One problem, in one file of the app. `file` is relative to the app folder, with forward slashes. */
export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  /** Stable code, e.g. `unknown-event`; documented in the README's table of checks. */
  code: string;
  message: string;
  /** Machine-readable facts a quick fix needs (the suggested name, the handler to create, ...). */
  data?: Record<string, unknown>;
}

export type ProductName = 'freshworks_crm' | 'freshsales';
export type EventKind = 'product' | 'app-setup' | 'external' | 'scheduled';
export type Dialect = '2.0' | '2.x' | '3.0';

/** One entry of schemas/events.json, the single source of truth about events. */
export interface CatalogueEvent {
  name: string;
  kind: EventKind;
  products: ProductName[];
  /** The platform 3.0 module the event is registered under (`common` for set-up, external, scheduled). */
  module: string;
  /** Key of the record under `payload.data`, per product; absent for events without a record. */
  entity?: Partial<Record<ProductName, string>>;
  timeLimitMs: number;
  description: string;
  docUrl: string;
  /** True when the mission document gives a sample payload and an attribute table for it. */
  documented: boolean;
  /** True for *Update events, whose payload carries `data.changes`. */
  update?: boolean;
}

/** Another Freshworks product (Freshdesk, Freshservice, ...): its event names, no payload schemas. */
export interface OtherProduct {
  label: string;
  /** 3.0 module names of this product start with one of these (`support_` for Freshdesk, ...). */
  modulePrefixes: string[];
  /** Its documented platform 3.0 module names (`support_ticket`, `chat_conversation`, ...). */
  modules: string[];
  events: { name: string; kind: EventKind }[];
}

export interface Catalogue {
  products: Record<ProductName, { label: string; description: string }>;
  modules: Record<string, { label: string; description: string }>;
  events: CatalogueEvent[];
  otherProducts: Record<string, OtherProduct>;
}

/** Where an event is registered: a product (2.0 / 2.x) or a module (3.0). */
export interface Scope { kind: 'product' | 'module'; name: string }

/** One `"<event>": { "handler": "<callback>" }` entry (or one item of the 2.0 `events` array). */
export interface EventRegistration {
  event: string;
  /** undefined when the entry has no (string) handler value. */
  handler?: string;
  scope: Scope;
  /** Which file the registration is written in: manifest.json or, for 2.0, server/server.js. */
  file: string;
  eventRange: Range;
  /** Range of the handler value (the string literal, quotes included); falls back to the entry. */
  handlerRange?: Range;
  /** The whole `"event": {...}` property. */
  entryRange: Range;
  /** Keys of the entry object other than `handler` (a `hanlder` typo lands here). */
  otherKeys: { key: string; range: Range }[];
}

/** How a callback is written in server.js. Only `function` and `method` are seen by the real tool. */
export type CallbackForm = 'function' | 'method' | 'arrow' | 'quoted-key' | 'computed-key' | 'exports-assignment'
  | 'module-exports' | 'identifier';

export interface ExportedCallback {
  name: string;
  form: CallbackForm;
  /** True when `fdk validate` / `fdk run` discover it: a function-expression property of `exports = {...}`. */
  visibleToPlatform: boolean;
  /** The property key (or assignment target). */
  nameRange: Range;
  /** The whole property / assignment, for edits. */
  range: Range;
  /** Offsets of the value, for quick fixes that rewrite it. */
  valueStart: number;
  valueEnd: number;
}

export interface ServerScript {
  /** A top-level `exports = {...}` was found (the real tool's requirement). */
  hasExportsObject: boolean;
  /** Range of that object literal, and the offsets of its braces, for inserting callbacks. */
  exportsObject?: {
    range: Range; open: number; close: number; indent: string; propertyCount: number;
    /** House style, for inserting a callback the way the file already writes them. */
    lastPropertyEnd?: number; trailingComma: boolean; blankLineBetween: boolean;
  };
  callbacks: ExportedCallback[];
  /** The 2.0 `events` array in the exports object, when present. */
  eventsArray?: { range: Range; open: number; close: number };
  /** The file did not parse cleanly with the strict parser (the real tool would reject it). */
  syntaxError?: { message: string; range: Range };
}

/** A file under server/test_data and the registration it belongs to, by the dialect's layout. */
export interface TestDataFile {
  /** Relative to the app: `server/test_data/deal/onDealCreate.json`. */
  path: string;
  event: string;
  scope?: Scope;
}

export interface AppFiles {
  manifest: { path: string; text: string };
  serverScript?: { path: string; text: string };
  /** Paths relative to the app, forward slashes, e.g. `server/test_data/onDealCreate.json`. */
  testData: string[];
  /** config/*.json and config/*.html with their text (see core/configFiles.ts); absent: not read by this caller. */
  config?: { path: string; text: string }[];
  /** The app's front-end JavaScript (app/**.js, see appLayout's APP_SCRIPT rules); absent: not read by this caller. */
  appScripts?: { path: string; text: string }[];
  /** Every name in config/ (files and folders, unread ones too); null: the app has no config/ folder. */
  configEntries?: string[] | null;
  /** The app's root actions.json (fdk's actions), when it has one. */
  actions?: { path: string; text: string };
  /** Files under app/ (relative to the app: `app/index.html`), with the first bytes of images (for icon sizes). */
  appAssets?: { path: string; head?: Uint8Array }[];
}

export interface AppModel {
  platformVersion?: string;
  dialect: Dialect;
  /** Products (2.0 / 2.x) or modules (3.0, `common` included) the manifest declares. */
  scopes: Scope[];
  registrations: EventRegistration[];
  script?: ServerScript;
  testData: TestDataFile[];
  /** Problems found while building the model (malformed JSON, ...), reported by the checks. */
  parseProblems: Diagnostic[];
}
