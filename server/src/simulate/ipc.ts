// Messages between the runner (parent) and a handler child (server/dist/runner.js), and the resolved
// plan the parent sends. Plain data only: everything crosses the IPC channel as JSON.
import type { EventKind } from '../core/types';
import type { ScriptCoverage } from './coverage';
import type { DbEffect, LogEntry, RequestEffect, ScheduleEffect, SimulationError, TargetUrlEffect } from './types';

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
  /** `<appDir>/.fsdev/db.json`. */
  dbFile: string;
  outputLimitBytes: number;
  outputLimitLines: number;
  /** The child waits for a debugger (inspector.waitForDebugger) before evaluating server.js. */
  debug?: boolean;
  /** Record block coverage of the app's server/ files and send it before `done`. */
  coverage?: boolean;
}

export interface ChildOutcome {
  status: 'success' | 'failed' | 'not-runnable';
  handler?: string;
  value?: unknown;
  renderData?: { called: boolean; error?: unknown; data?: unknown };
  error?: SimulationError;
  notRunnableReason?: string;
}

/** Effects are streamed as they happen, so a run killed at its time limit still reports them. */
export type EffectMessage =
  | { type: 'effect'; kind: 'db'; effect: DbEffect }
  | { type: 'effect'; kind: 'requests'; effect: RequestEffect }
  | { type: 'effect'; kind: 'schedules'; effect: ScheduleEffect }
  | { type: 'effect'; kind: 'targetUrls'; effect: TargetUrlEffect };

export type ParentMessage = { type: 'run'; plan: RunPlan };

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
  | { type: 'coverage'; scripts: ScriptCoverage[] }
  | { type: 'done'; outcome: ChildOutcome };
