// The simulator panel's webview protocol, declared once and imported by both sides (the extension host in
// simulatorPanel.ts and the browser script in media/src/panel.ts). One discriminated union per direction.
// Messages from the webview are untrusted input (the webview renders workspace data), so the extension
// checks every field with isFromPanelMessage before acting; only types cross this file into the webview
// bundle, plus the small pure helpers below.
import type { IparamDef, Scope } from '../../server/src/shared/core';
import type { AppSummary, PayloadProblem, SimulationResult, LogEntry } from '../../server/src/shared/protocol';

/** What the panel is pointed at. Also the webview's persisted state (vscode.setState), used on reload. */
export interface PanelSelection { appDir: string; event: string; scope?: Scope }

export type PanelPayloadSource = 'file' | 'default' | 'none' | 'history';

/** What the webview keeps through vscode.setState; the serializer reads `selection` after a window reload. */
export interface PanelState {
  selection?: PanelSelection;
  /** The payload text the user typed, kept when the webview is hidden (retainContextWhenHidden is off). */
  payloadText?: string;
  payloadEdited?: boolean;
  iparamsText?: string;
  iparamsEdited?: boolean;
}

/** One row of the history list: a summary only (payloads stay in the extension host). */
export interface HistoryItem {
  id: string;
  event: string;
  scope?: Scope;
  status: SimulationResult['status'];
  durationMs: number;
  startedAt: string;
  errorMessage?: string;
  /** An older run of the same event exists, so "Diff with previous" makes sense. */
  hasPrevious: boolean;
}

/** One line of "what changed since the previous run of this event". */
export interface ResultChange { field: string; before: string; after: string }

// ── Extension → webview ─────────────────────────────────────────────────────────────────────────────
export type ToPanel =
  /** Apps and their events (AppEventsRequest), plus the current selection. Sent on `ready` and refresh. */
  | { type: 'init'; apps: AppSummary[]; selection?: PanelSelection }
  /**
   * The payload to show for the selection. `reason: 'restore'` lets the webview keep text the user had
   * edited before the webview was reloaded; any other reason replaces the textarea.
   */
  | { type: 'payload'; selection: PanelSelection; text: string; source: PanelPayloadSource; label: string;
      file?: string; reason: 'select' | 'reload' | 'restore' | 'rerun' }
  | { type: 'iparams'; text: string; label: string; exists: boolean; /** config/iparams.json's parameters (the box's guide). */ defs: IparamDef[] }
  | { type: 'validation'; seq: number; problems: PayloadProblem[] }
  | { type: 'runStarted'; runId: string; event: string; scope?: Scope; debug: boolean; startedAt: number }
  | { type: 'log'; runId: string; entry: LogEntry }
  | { type: 'runFinished'; runId: string; result: SimulationResult; changes?: ResultChange[]; previousId?: string }
  | { type: 'history'; items: HistoryItem[] }
  | { type: 'diff'; runId: string; previousId?: string; changes: ResultChange[] }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  | { type: 'saved'; what: 'payload' | 'iparams'; label: string };

// ── Webview → extension ─────────────────────────────────────────────────────────────────────────────
export type FromPanel =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'selectEvent'; appDir: string; event: string; scope?: Scope }
  | { type: 'simulate'; payloadText: string; debug: boolean }
  /** Fuzz the selected event (the command "Fuzz Event Handler" on the panel's app, event and scope). */
  | { type: 'fuzz' }
  | { type: 'validate'; payloadText: string; seq: number }
  | { type: 'openLocation'; file: string; line: number; column: number }
  | { type: 'savePayload'; payloadText: string }
  | { type: 'reloadPayload' }
  | { type: 'openPayloadInEditor' }
  | { type: 'rerun'; runId: string }
  | { type: 'showDiff'; runId: string }
  | { type: 'saveIparams'; text: string };

export const MAX_PAYLOAD_CHARS = 5 * 1024 * 1024;
export const MAX_PATH_CHARS = 4096;
const EVENT_NAME = /^[A-Za-z]{1,128}$/;
const SCOPE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const RUN_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

type Checks = { [K in FromPanel['type']]: (m: Record<string, unknown>) => boolean };

const isString = (v: unknown, max: number, min = 0): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function isScope(v: unknown): v is Scope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const s = v as Record<string, unknown>;
  return (s.kind === 'product' || s.kind === 'module') && typeof s.name === 'string' && SCOPE_NAME.test(s.name)
    && onlyKeys(s, ['kind', 'name']);
}

export function isEventName(v: unknown): v is string {
  return typeof v === 'string' && EVENT_NAME.test(v);
}

/** An absolute app folder as the server reports it; the extension also checks it is one of the known apps. */
export function isAppDir(v: unknown): v is string {
  return isString(v, MAX_PATH_CHARS, 1) && !v.includes('\0') && !hasDotDotSegment(v)
    && (v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || v.startsWith('\\\\'));
}

/** A path relative to the app folder: no drive, no leading slash, no `..` segment, no NUL. */
export function isAppRelativePath(v: unknown): v is string {
  return isString(v, MAX_PATH_CHARS, 1) && !v.includes('\0') && !hasDotDotSegment(v)
    && !v.startsWith('/') && !v.startsWith('\\') && !/^[A-Za-z]:/.test(v) && !/^[a-z][a-z0-9+.-]*:/i.test(v);
}

function hasDotDotSegment(p: string): boolean {
  return p.split(/[\\/]/).some((seg) => seg === '..');
}

function onlyKeys(m: Record<string, unknown>, keys: string[]): boolean {
  return Object.keys(m).every((k) => keys.includes(k));
}

const checks: Checks = {
  ready: (m) => onlyKeys(m, ['type']),
  refresh: (m) => onlyKeys(m, ['type']),
  reloadPayload: (m) => onlyKeys(m, ['type']),
  openPayloadInEditor: (m) => onlyKeys(m, ['type']),
  fuzz: (m) => onlyKeys(m, ['type']),
  selectEvent: (m) => onlyKeys(m, ['type', 'appDir', 'event', 'scope']) && isAppDir(m.appDir)
    && isEventName(m.event) && (m.scope === undefined || isScope(m.scope)),
  simulate: (m) => onlyKeys(m, ['type', 'payloadText', 'debug']) && isString(m.payloadText, MAX_PAYLOAD_CHARS)
    && typeof m.debug === 'boolean',
  validate: (m) => onlyKeys(m, ['type', 'payloadText', 'seq']) && isString(m.payloadText, MAX_PAYLOAD_CHARS)
    && isInt(m.seq, 0, Number.MAX_SAFE_INTEGER),
  openLocation: (m) => onlyKeys(m, ['type', 'file', 'line', 'column']) && isAppRelativePath(m.file)
    && isInt(m.line, 1, 10_000_000) && isInt(m.column, 1, 10_000_000),
  savePayload: (m) => onlyKeys(m, ['type', 'payloadText']) && isString(m.payloadText, MAX_PAYLOAD_CHARS),
  rerun: (m) => onlyKeys(m, ['type', 'runId']) && typeof m.runId === 'string' && RUN_ID.test(m.runId),
  showDiff: (m) => onlyKeys(m, ['type', 'runId']) && typeof m.runId === 'string' && RUN_ID.test(m.runId),
  saveIparams: (m) => onlyKeys(m, ['type', 'text']) && isString(m.text, MAX_PAYLOAD_CHARS),
};

/** Validates every field of a message from the webview (types, lengths, names, paths, no extra keys). */
export function isFromPanelMessage(x: unknown): x is FromPanel {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  if (typeof m.type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, m.type)) return false;
  return checks[m.type as FromPanel['type']](m);
}

/** The webview's persisted state, checked before the serializer trusts it after a reload. */
export function selectionFromState(state: unknown): PanelSelection | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const sel = (state as PanelState).selection;
  return isPanelSelection(sel) ? { appDir: sel.appDir, event: sel.event, scope: sel.scope } : undefined;
}

export function isPanelSelection(x: unknown): x is PanelSelection {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return isAppDir(s.appDir) && isEventName(s.event) && (s.scope === undefined || isScope(s.scope));
}

/**
 * The app-relative path of a stack-frame file, or undefined when the file is outside the app (node
 * internals, the runner). Accepts absolute paths, file:// URIs and already-relative paths; pure string
 * work so the webview can use it to decide which frames become links.
 */
export function appRelativePath(file: string, appDir: string): string | undefined {
  let f = file;
  if (/^file:\/\//i.test(f)) {
    try { f = decodeURIComponent(f.replace(/^file:\/\//i, '')); } catch { return undefined; }
    if (/^\/[A-Za-z]:\//.test(f)) f = f.slice(1);
  }
  f = f.replace(/\\/g, '/');
  const dir = appDir.replace(/\\/g, '/').replace(/\/+$/, '');
  const caseless = /^[A-Za-z]:\//.test(dir);
  const startsWith = caseless ? f.toLowerCase().startsWith(dir.toLowerCase() + '/') : f.startsWith(dir + '/');
  const rel = startsWith ? f.slice(dir.length + 1) : f;
  if (rel.startsWith('node:') || rel.startsWith('internal/')) return undefined;
  return isAppRelativePath(rel) ? rel : undefined;
}

export function scopeLabel(scope?: Scope): string {
  return scope ? `${scope.kind} ${scope.name}` : '';
}

export function sameSelection(a: PanelSelection | undefined, b: PanelSelection | undefined): boolean {
  return !!a && !!b && a.appDir === b.appDir && a.event === b.event
    && (a.scope?.kind ?? '') === (b.scope?.kind ?? '') && (a.scope?.name ?? '') === (b.scope?.name ?? '');
}
