// Messages between the runner (parent) and a handler child (server/dist/runner.js), and the resolved
// plan the parent sends. Plain data only: everything crosses a pipe as one JSON object per line.
//
// The child runs the app's code and its npm packages, which can write anything to that pipe. So the parent
// trusts nothing it reads: `checkChildMessage` validates every message field by field (as the webview's
// messages are) and bounds every string and value in it; what does not fit is dropped and reported.
import type { EventKind } from '../core/types';
import type { ScriptCoverage, ScriptThrow } from './coverage';
import type { DbEffect, LogEntry, LogLevel, RequestEffect, ScheduleEffect, SimulationError, StackFrame, TargetUrlEffect } from './types';

/** A canned `$request` response, from server/test_data/requests.stub.json or .fsdev/stubs.json. */
export interface RequestStub { status?: number; body?: unknown; headers?: Record<string, string> }

/** Everything the child needs to run one handler; resolved by plan.ts in the parent. */
export interface RunPlan {
  appDir: string;
  /** Absolute path of server/server.js. */
  serverScript: string;
  event: string;
  kind: EventKind;
  /** undefined for 2.0 apps whose events array is only known once server.js is evaluated. */
  handler?: string;
  /** Handler resolution for 2.0 apps: look the event up in the evaluated `exports.events` array. */
  handlerFromEventsArray?: boolean;
  /** The payload as JSON text (iparams and event already injected). */
  payloadJson: string;
  iparams: Record<string, unknown>;
  /** Platform ≤ 2.2: manifest.json "whitelisted-domains", enforced on `$request.get/post/...`. */
  whitelistedDomains?: string[];
  /** `<%= access_token %>`: `access_token` of .fsdev/oauth.json, when present. */
  accessToken?: string;
  /** config/requests.json (templates by name), when present. */
  requestTemplates?: Record<string, unknown>;
  stubs?: Record<string, RequestStub>;
  offline: boolean;
  /** `<appDir>/.fsdev/db.json`: written by the parent only (the child asks it with `store` messages); the child reads it. */
  dbFile: string;
  outputLimitBytes: number;
  outputLimitLines: number;
  /** The child waits for a debugger (inspector.waitForDebugger) before evaluating server.js. */
  debug?: boolean;
  /** Record block coverage of the app's server/ files and send it before `done`. */
  coverage?: boolean;
  /** `fsdev fuzz`: after a clean success the child may take another run (a fresh sandbox); see ChildOutcome.reusable. */
  reuse?: boolean;
  /** `fsdev fuzz`: the child blocks the network for the handler and its packages (network.ts). */
  blockNetwork?: boolean;
  /** `fsdev fuzz`: `$db` and `$schedule` in a store in the child's memory, empty at the run's start (db.ts memoryStore); dbFile is not used. */
  memoryStore?: boolean;
}

export interface ChildOutcome {
  status: 'success' | 'failed' | 'not-runnable';
  handler?: string;
  value?: unknown;
  renderData?: { called: boolean; error?: unknown; data?: unknown };
  error?: SimulationError;
  notRunnableReason?: string;
  /** plan.reuse and the run left nothing behind (no pending work, no interval): the child takes another run. */
  reusable?: boolean;
}

/** Effects are streamed as they happen, so a run killed at its time limit still reports them. */
export type EffectMessage =
  | { type: 'effect'; kind: 'db'; effect: DbEffect }
  | { type: 'effect'; kind: 'requests'; effect: RequestEffect }
  | { type: 'effect'; kind: 'schedules'; effect: ScheduleEffect }
  | { type: 'effect'; kind: 'targetUrls'; effect: TargetUrlEffect };

/** `$db` and `$schedule` operations: the parent owns the store (the child may not write files). */
export const STORE_OPS = ['db.set', 'db.get', 'db.update', 'db.delete',
  'schedule.create', 'schedule.fetch', 'schedule.update', 'schedule.delete', 'schedule.pause', 'schedule.resume'] as const;
export type StoreOp = typeof STORE_OPS[number];

export type ParentMessage =
  | { type: 'run'; plan: RunPlan }
  /** The answer to a `store` message: the operation's result, or the platform-shaped error it rejects with. */
  | { type: 'store-result'; id: number; ok: true; value: unknown }
  | { type: 'store-result'; id: number; ok: false; error: { status: number; message: string; stateNote?: string } };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'log'; entry: LogEntry }
  /** Debug mode: the child is about to block in inspector.waitForDebugger() (the parent then reports the port). */
  | { type: 'debug-waiting' }
  /** The handler called process.exit(code): the child exits right after this message. */
  | { type: 'exit-called'; code: number }
  /** The handler's output passed the bound: capture stopped, the parent kills the child. */
  | { type: 'output-limit'; bytes: number; lines: number }
  | EffectMessage
  | { type: 'store'; id: number; op: StoreOp; args: unknown[] }
  | { type: 'coverage'; scripts: ScriptCoverage[] }
  | { type: 'done'; outcome: ChildOutcome };

/** Bounds on what one message may carry; the parent enforces them whatever the child sends. */
export const BOUNDS = {
  /** One line on the message pipe (a longer one is dropped unread); coverage of a large app is the biggest. */
  messageBytes: 8 * 1024 * 1024,
  /** A log line. */
  logChars: 64 * 1024,
  errorMessageChars: 16 * 1024,
  stackChars: 64 * 1024,
  frames: 50,
  /** Strings inside effects (keys, urls, error messages). */
  fieldChars: 2048,
  /** A value inside an effect ($db value, schedule options), as JSON. */
  effectValueBytes: 48 * 1024,
  /** The handler's returned value and renderData, as JSON. */
  valueBytes: 256 * 1024,
  /** Effects recorded per run (all kinds together). */
  effects: 1000,
  /** Arguments of a store operation, as JSON (the platform's own limit is 40 KB per key + value). */
  storeArgsBytes: 128 * 1024,
};

const LEVELS: readonly LogLevel[] = ['log', 'info', 'warn', 'error', 'debug', 'system'];
const DB_OPS = ['set', 'get', 'update', 'delete'] as const;
const SCHEDULE_OPS = ['create', 'fetch', 'update', 'delete', 'pause', 'resume'] as const;
const STATUSES = ['success', 'failed', 'not-runnable'] as const;

// The checking helpers below are shared with the test child's messages (testing/testMessages.ts).
type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A string cut to `max` characters, saying how long it was. */
export function clipText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [cut: ${s.length} characters, the bound is ${max}]`;
}

/** A JSON value kept when its JSON is at most `maxBytes`, else replaced by a string saying so. */
export function clipValue(v: unknown, maxBytes: number): unknown {
  if (v === undefined) return undefined;
  let text: string | undefined;
  try { text = JSON.stringify(v); } catch { return '[unserializable value]'; }
  if (text === undefined) return undefined;
  return text.length <= maxBytes ? v : `[value cut: ${text.length} bytes of JSON, the bound is ${maxBytes}]`;
}

export class Invalid extends Error {}
export const bad = (what: string): never => { throw new Invalid(what); };
export function str(v: unknown, what: string, max: number): string {
  return typeof v === 'string' ? clipText(v, max) : bad(`${what} is not a string`);
}
export function optStr(v: unknown, what: string, max: number): string | undefined {
  return v === undefined ? undefined : str(v, what, max);
}
export function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  return allowed.includes(v as T) ? v as T : bad(`${what} is not one of ${allowed.join(', ')}`);
}

function checkFrames(v: unknown): StackFrame[] {
  if (!Array.isArray(v)) return bad('error.frames is not an array');
  return v.slice(0, BOUNDS.frames).map((f: unknown) => {
    if (!isObj(f) || !isInt(f.line) || !isInt(f.column)) return bad('a stack frame is malformed');
    const frame: StackFrame = { file: str(f.file, 'frame.file', BOUNDS.fieldChars), line: f.line, column: f.column };
    const fn = optStr(f.functionName, 'frame.functionName', BOUNDS.fieldChars);
    if (fn !== undefined) frame.functionName = fn;
    return frame;
  });
}

export function checkError(v: unknown): SimulationError {
  if (!isObj(v)) return bad('error is not an object');
  const e: SimulationError = { message: str(v.message, 'error.message', BOUNDS.errorMessageChars), frames: checkFrames(v.frames ?? []) };
  const stack = optStr(v.stack, 'error.stack', BOUNDS.stackChars);
  if (stack !== undefined) e.stack = stack;
  const file = optStr(v.file, 'error.file', BOUNDS.fieldChars);
  if (file !== undefined) e.file = file;
  if (v.line !== undefined) e.line = isInt(v.line) ? v.line : bad('error.line is not an integer');
  if (v.column !== undefined) e.column = isInt(v.column) ? v.column : bad('error.column is not an integer');
  return e;
}

function checkEffect(kind: unknown, v: unknown): EffectMessage {
  if (!isObj(v)) return bad('effect is not an object');
  const f = BOUNDS.fieldChars;
  const withError = <T extends Obj>(e: T): T => {
    const error = optStr(v.error, 'effect.error', f);
    return error === undefined ? e : { ...e, error };
  };
  const ok = () => (typeof v.ok === 'boolean' ? v.ok : bad('effect.ok is not a boolean'));
  switch (kind) {
    case 'db': {
      const e: DbEffect = withError({ op: oneOf(v.op, DB_OPS, 'effect.op'), key: str(v.key, 'effect.key', f), ok: ok() });
      if (v.value !== undefined) e.value = clipValue(v.value, BOUNDS.effectValueBytes);
      return { type: 'effect', kind, effect: e };
    }
    case 'schedules': {
      const e: ScheduleEffect = withError({ op: oneOf(v.op, SCHEDULE_OPS, 'effect.op'), ok: ok() });
      const name = optStr(v.name, 'effect.name', f);
      if (name !== undefined) e.name = name;
      if (v.options !== undefined) e.options = clipValue(v.options, BOUNDS.effectValueBytes);
      return { type: 'effect', kind, effect: e };
    }
    case 'requests': {
      if (!isInt(v.status) || !isNum(v.durationMs) || typeof v.stubbed !== 'boolean') return bad('a request effect is malformed');
      const e: RequestEffect = withError({ method: str(v.method, 'effect.method', 16), url: str(v.url, 'effect.url', f),
        status: v.status, durationMs: v.durationMs, stubbed: v.stubbed });
      const template = optStr(v.template, 'effect.template', f);
      if (template !== undefined) e.template = template;
      return { type: 'effect', kind, effect: e };
    }
    case 'targetUrls':
      return { type: 'effect', kind, effect: { url: str(v.url, 'effect.url', f) } };
    default:
      return bad('effect.kind is not db, requests, schedules or targetUrls');
  }
}

function checkOutcome(v: unknown): ChildOutcome {
  if (!isObj(v)) return bad('outcome is not an object');
  const o: ChildOutcome = { status: oneOf(v.status, STATUSES, 'outcome.status') };
  const handler = optStr(v.handler, 'outcome.handler', BOUNDS.fieldChars);
  if (handler !== undefined) o.handler = handler;
  if (v.value !== undefined) o.value = clipValue(v.value, BOUNDS.valueBytes);
  if (v.renderData !== undefined) {
    const r = v.renderData;
    if (!isObj(r) || typeof r.called !== 'boolean') return bad('outcome.renderData is malformed');
    o.renderData = { called: r.called };
    if (r.error !== undefined) o.renderData.error = clipValue(r.error, BOUNDS.valueBytes);
    if (r.data !== undefined) o.renderData.data = clipValue(r.data, BOUNDS.valueBytes);
  }
  if (v.error !== undefined) o.error = checkError(v.error);
  const reason = optStr(v.notRunnableReason, 'outcome.notRunnableReason', BOUNDS.errorMessageChars);
  if (reason !== undefined) o.notRunnableReason = reason;
  if (v.reusable === true) o.reusable = true;
  return o;
}

export function checkLogEntry(e: unknown): LogEntry {
  if (!isObj(e)) return bad('log entry is not an object');
  const entry: LogEntry = { level: oneOf(e.level, LEVELS, 'entry.level'), message: str(e.message, 'entry.message', BOUNDS.logChars),
    time: isNum(e.time) ? Math.max(0, Math.round(e.time)) : bad('entry.time is not a number') };
  if (e.unsupported === true) entry.unsupported = true;
  return entry;
}

/** V8 coverage of the app's files (Profiler.takePreciseCoverage, trimmed): numbers and names only. */
export function checkCoverage(v: unknown): ScriptCoverage[] {
  if (!Array.isArray(v) || v.length > 10_000) return bad('coverage.scripts is not an array of scripts');
  return v.map((sc: unknown) => {
    if (!isObj(sc) || !Array.isArray(sc.functions)) return bad('a coverage script is malformed');
    return { url: str(sc.url, 'coverage.url', 4096), functions: sc.functions.map((f: unknown) => {
      if (!isObj(f) || typeof f.isBlockCoverage !== 'boolean' || !Array.isArray(f.ranges)) return bad('a coverage function is malformed');
      return { functionName: str(f.functionName, 'coverage.functionName', BOUNDS.fieldChars), isBlockCoverage: f.isBlockCoverage,
        ranges: f.ranges.map((r: unknown) => {
          if (!isObj(r) || !isInt(r.startOffset) || !isInt(r.endOffset) || !isInt(r.count)) return bad('a coverage range is malformed');
          return { startOffset: r.startOffset, endOffset: r.endOffset, count: r.count };
        }) };
    }), ...(sc.throws === undefined ? {} : { throws: checkThrows(sc.throws) }), ...(sc.throwsCut === true ? { throwsCut: true } : {}) };
  });
}

/** Distinct throws kept per run (each with its count), and app frames kept per throw (coverage.ts). */
export const MAX_THROWS = 10_000;
export const MAX_THROW_FRAMES = 50;
/** Exceptions the coverage session pauses on per run; after that, throws are not followed (coverage.ts). */
export const MAX_PAUSES = 500;

/** Where the app's code threw (coverage.ts): app frames as file, 0-based line and column, bounded. */
function checkThrows(v: unknown): ScriptThrow[] {
  if (!Array.isArray(v) || v.length > MAX_THROWS) return bad('coverage.throws is not an array of throws');
  return v.map((t: unknown) => {
    if (!isObj(t) || !Array.isArray(t.frames) || !t.frames.length || t.frames.length > MAX_THROW_FRAMES
      || typeof t.rejection !== 'boolean' || !isInt(t.count)) return bad('a coverage throw is malformed');
    return { rejection: t.rejection, count: t.count, frames: t.frames.map((f: unknown) => {
      if (!isObj(f) || !isInt(f.line) || !isInt(f.column)) return bad('a coverage throw frame is malformed');
      return { url: str(f.url, 'coverage.throws.url', 4096), line: f.line, column: f.column };
    }) };
  });
}

/**
 * One message from the child, checked field by field: a well-formed copy with every string and value
 * bounded, or `{ invalid }` saying what did not fit (the caller drops it and reports it once).
 */
export function checkChildMessage(m: unknown): ChildMessage | { invalid: string } {
  try {
    if (!isObj(m)) return bad('not an object');
    switch (m.type) {
      case 'ready': case 'debug-waiting': return { type: m.type };
      case 'log': return { type: 'log', entry: checkLogEntry(m.entry) };
      case 'exit-called': return { type: 'exit-called', code: isInt(m.code) ? m.code : bad('code is not an integer') };
      case 'output-limit':
        return { type: 'output-limit', bytes: isNum(m.bytes) ? m.bytes : 0, lines: isNum(m.lines) ? m.lines : 0 };
      case 'effect': return checkEffect(m.kind, m.effect);
      case 'store': {
        if (!isInt(m.id) || !Array.isArray(m.args) || m.args.length > 4) return bad('store message is malformed');
        const args = clipValue(m.args, BOUNDS.storeArgsBytes);
        if (!Array.isArray(args)) return bad(`store arguments over ${BOUNDS.storeArgsBytes / 1024} KB`);
        return { type: 'store', id: m.id, op: oneOf(m.op, STORE_OPS, 'store.op'), args };
      }
      case 'coverage': return { type: 'coverage', scripts: checkCoverage(m.scripts) };
      case 'done': return { type: 'done', outcome: checkOutcome(m.outcome) };
      default: return bad(`unknown type ${clipText(String(m.type), 40)}`);
    }
  } catch (e) {
    if (e instanceof Invalid) return { invalid: e.message };
    throw e;
  }
}
