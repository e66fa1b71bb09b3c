// Shapes of one simulated run of an event handler, shared by the runner (parent), the child process,
// the language server (protocol.ts re-exports them), the CLI and the simulator panel.
// Nothing here imports node modules: the types are plain data that crosses IPC and LSP as JSON.
import type { Scope } from '../core/types';

export type SimulationStatus = 'success' | 'failed' | 'timeout' | 'crashed' | 'not-runnable';

export interface SimulationRequest {
  /** Absolute folder of the app (where manifest.json lives). */
  appDir: string;
  event: string;
  /** Product (2.x omni) or module (3.0) to run the event for; default: the first scope that registers it. */
  scope?: Scope;
  /** Payload override as an object (the panel's edited payload). */
  payload?: unknown;
  /** Payload override as JSON text (parsed here; a parse error makes the run not-runnable); with `payloadFile`, that
   *  file's text as the editor has it (unsaved edits), read instead of the disk. */
  payloadText?: string;
  /** Payload override read from this file (absolute, or relative to appDir). */
  payloadFile?: string;
  /** Time limit in ms; default: the event's platform limit (20 s, 10 s for app set-up events). */
  timeoutMs?: number;
  /** Run under the inspector: the child waits for a debugger before calling the handler. */
  debug?: { port?: number };
  /** Node executable for the child process (a setting); default: the current one. */
  nodePath?: string;
  /** No real network: `$request` calls without a stub reject instead of going out. */
  offline?: boolean;
  /** Record V8 coverage of the app's server/ files (the `freshsales.coverage.enabled` setting); see RunHooks.onCoverage. */
  coverage?: boolean;
  /** The caller's id for this run (the protocol's runId): becomes SimulationResult.id. Default: a new id. */
  runId?: string;
  /**
   * Folder of the `$db`/`$schedule` store (its db.json) instead of `<appDir>/.fsdev`: `fsdev fuzz` gives its runs a
   * throwaway one. Absolute and inside the app (the confined child reads the app only); otherwise not-runnable.
   */
  storeDir?: string;
  /**
   * `fsdev fuzz`: a child whose run succeeded and left nothing behind takes the next run (a fresh sandbox, no new
   * process). A run that failed, timed out or started an interval still ends its process.
   */
  reuseChild?: boolean;
  /**
   * `fsdev fuzz`: no network at all in the child — the handler's and its packages' own calls (http, net, tls, fetch,
   * UDP, DNS) throw "Network access is blocked while fuzzing" (simulate/network.ts), beside `offline` for `$request`.
   */
  blockNetwork?: boolean;
  /**
   * `fsdev fuzz`: `$db` and `$schedule` in a store held in the child's memory for this run only (empty at its
   * start; nothing written, no round trip to the runner) instead of `.fsdev/db.json` or storeDir.
   */
  memoryStore?: boolean;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'system';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Milliseconds since the start of the run. */
  time: number;
  /** The handler used something the platform does not provide (console.warn, setTimeout, ...): captured anyway. */
  unsupported?: boolean;
}

export interface StackFrame {
  /** Relative to the app folder (forward slashes) when inside it, else as reported by V8. */
  file: string;
  /** 1-based, as in editors and V8 stack traces. */
  line: number;
  /** 1-based. */
  column: number;
  functionName?: string;
}

export interface SimulationError {
  message: string;
  stack?: string;
  /** Position of the first frame inside the app's server/ folder (1-based line and column). */
  file?: string;
  line?: number;
  column?: number;
  frames: StackFrame[];
}

export interface DbEffect { op: 'set' | 'get' | 'update' | 'delete'; key: string; value?: unknown; ok: boolean; error?: string }
export interface RequestEffect {
  template?: string;
  method: string;
  url: string;
  /** HTTP status; 0 when no response arrived (network error, offline without stub). */
  status: number;
  durationMs: number;
  stubbed: boolean;
  error?: string;
}
export interface ScheduleEffect { op: 'create' | 'fetch' | 'update' | 'delete' | 'pause' | 'resume'; name?: string; options?: unknown; ok: boolean; error?: string }
export interface TargetUrlEffect { url: string }

export interface SimulationEffects {
  db: DbEffect[];
  requests: RequestEffect[];
  schedules: ScheduleEffect[];
  targetUrls: TargetUrlEffect[];
}

export type PayloadSource = 'test-data' | 'default' | 'inline' | 'file';

export interface SimulationResult {
  id: string;
  event: string;
  scope?: Scope;
  handler?: string;
  status: SimulationStatus;
  durationMs: number;
  /** ISO time the run started. */
  startedAt: string;
  logs: LogEntry[];
  /** What the handler returned (or its promise resolved to), made JSON-safe. */
  value?: unknown;
  /** App set-up events: what the handler passed to renderData. */
  renderData?: { called: boolean; error?: unknown; data?: unknown };
  error?: SimulationError;
  effects: SimulationEffects;
  /** The payload actually passed to the handler (iparams and event injected). */
  payload?: unknown;
  payloadSource?: PayloadSource;
  /** Relative to the app when inside it. */
  payloadFile?: string;
  /** True when the stored payload was cut (history keeps payloads up to 256 KB). */
  payloadTruncated?: boolean;
  notRunnableReason?: string;
  /** Logs stopped being captured (output limit). */
  truncatedLogs?: boolean;
  /** The run was under the debugger (time limit off). */
  debug?: boolean;
}
