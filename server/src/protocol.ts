// Custom LSP messages between the extension (client/) and the language server, declared once.
// The client and the webview import it through server/src/shared/protocol.ts. Each message says who sends it and when.
import { NotificationType, RequestType, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { AppEventItem } from './core/appOutline';
import type { Dialect, Scope } from './core/types';
export type { AppEventItem, Scope };

/** Status of the last simulation of an event, as the sidebar shows it. */
export type RunStatus = 'success' | 'failed' | 'timeout' | 'crashed' | 'not-runnable';


export interface AppSummary {
  /** Absolute folder of the app (where manifest.json lives). */
  appDir: string;
  /** URI of manifest.json. */
  manifestUri: string;
  platformVersion?: string;
  dialect: Dialect;
  scopes: Scope[];
  events: AppEventItem[];
}

export interface AppEventsParams { /** Any URI inside the app; omitted = every app of the workspace. */ uri?: string }
export interface AppEventsResult { apps: AppSummary[] }

/** Client → server, whenever a view needs the app's events (sidebar, quick pick, panel). */
export const AppEventsRequest = new RequestType<AppEventsParams, AppEventsResult, void>('freshsales/appEvents');

/** `scope` picks the product's payload when `product` is not given (another product's app, a 3.0 module of one). */
export interface DefaultPayloadParams { event: string; product?: 'freshworks_crm' | 'freshsales'; scope?: Scope }
export interface DefaultPayloadResult { event: string; product: string; text: string }

/** Client → server: the bundled default payload of an event, pretty-printed (for "Create Test Payload"). */
export const DefaultPayloadRequest = new RequestType<DefaultPayloadParams, DefaultPayloadResult | null, void>(
  'freshsales/defaultPayload');

export interface ValidatePayloadParams { text: string; event: string; scope?: Scope }
export interface PayloadProblem {
  message: string; severity: 'error' | 'warning' | 'information' | 'hint'; code: string;
  /** The attribute a schema finding is about, as people write it (`data.contact.is_active`); absent for the whole payload. */
  path?: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Client → server: validate a payload that lives only in the simulator panel (not in a document). */
export const ValidatePayloadRequest = new RequestType<ValidatePayloadParams, PayloadProblem[], void>(
  'freshsales/validatePayload');

export interface RegisterEventParams { appDir: string; event: string; scope: Scope }
/**
 * `edit` is computed on the manifest's text as the server has it (the open document, unsaved edits included;
 * else the file), one versioned TextDocumentEdit of the changed span: the client applies it only to that version.
 */
export type RegisterEventResult =
  | { ok: true; edit: WorkspaceEdit; handler: string }
  | { ok: false; reason: 'platform-2.0' | 'already-registered' | 'syntax-error' | 'not-an-object' | 'not-an-app' | 'invalid'; message: string };

/** Client → server: the manifest edit that registers an event ("Register Event"); the server never writes it. */
export const RegisterEventRequest = new RequestType<RegisterEventParams, RegisterEventResult, void>('freshsales/registerEvent');

export interface AppChangedParams { appDir: string }

/** Server → client, after the app model of an app changed (manifest, server.js or test_data): views refresh. */
export const AppChangedNotification = new NotificationType<AppChangedParams>('freshsales/appChanged');

// ── Simulation ──────────────────────────────────────────────────────────────────────────────────────
// The language server hosts the handler runner (a pool of one pre-started child process); user code never
// runs in the extension host or in the server itself. Shapes of the run live in simulate/types.ts.
import type { SimulationRequest, SimulationResult, LogEntry } from './simulate/types';
export type { SimulationRequest, SimulationResult, LogEntry };

/** Client → server: run one event's handler. Resolves when the run ends (any status). */
export const SimulateRequest = new RequestType<SimulationRequest & { runId: string }, SimulationResult, void>(
  'freshsales/simulate');

/** Server → client, while a run is going: one console line of the handler, as it happens. */
export const SimulationLogNotification = new NotificationType<{ runId: string; entry: LogEntry }>('freshsales/simulationLog');

/** Server → client, in debug mode: the child waits under the inspector on this port; the client attaches. */
export const SimulationDebugReadyNotification = new NotificationType<{ runId: string; port: number }>(
  'freshsales/simulationDebugReady');

export interface HistoryParams { appDir: string }
/** Client → server: the app's run history, newest first (payload and result of each run, bounded). */
export const SimulationHistoryRequest = new RequestType<HistoryParams, SimulationResult[], void>('freshsales/simulationHistory');

export interface ResetStateParams { appDir: string; /** Only say what a reset would clear. */ dryRun?: boolean }
export interface ResetStateResult {
  file: string; dbKeys: number; schedules: number; cleared: boolean;
  /** The store does not parse (dry run): why. A reset keeps it aside rather than losing it. */
  unreadable?: string;
  /** After a reset of an unreadable store: where it was kept, relative to the app. */
  keptAside?: string;
}
/**
 * Client → server: clear the state runs keep in `.fsdev/db.json` ($db values, schedules), after the user
 * confirmed ("Reset Local Simulation State"); `dryRun` first, to say what it would clear.
 */
export const ResetStateRequest = new RequestType<ResetStateParams, ResetStateResult, void>('freshsales/resetSimulationState');

/**
 * The argument of the `freshsales.simulate` / `freshsales.debug` commands that the server puts on its
 * CodeLenses (above callbacks in server.js and on payload files) and that the sidebar and panel pass too.
 */
export interface SimulateTarget {
  appDir: string;
  event: string;
  scope?: Scope;
  /** Absolute path of a payload file to use instead of the event's test_data file. */
  payloadFile?: string;
}
export const SimulateCommand = 'freshsales.simulate';
export const DebugCommand = 'freshsales.debug';
/** The `freshsales.fuzz` command (lens, sidebar, palette): takes a SimulateTarget. */
export const FuzzCommand = 'freshsales.fuzz';

// ── Fuzz ────────────────────────────────────────────────────────────────────────────────────────────
import type { FuzzOutcome } from './fuzz/fuzz';
export type { FuzzOutcome };
export interface FuzzParams { runId: string; appDir: string; event: string; scope?: Scope; runs?: number; seed?: number; timeoutMs?: number; nodePath?: string }
/** Client → server: fuzz an event's handler (server/src/fuzz/); the failure, shrunk, is saved under server/test_data/fuzz/. */
export const FuzzRequest = new RequestType<FuzzParams, FuzzOutcome, void>('freshsales/fuzz');
/** Server → client, during a fuzz: runs done so far (and whether a failure is being shrunk). */
export const FuzzProgressNotification = new NotificationType<{ runId: string; runs: number; total: number; shrinking: boolean; elapsedMs: number }>('freshsales/fuzzProgress');
/** Client → server: stop a fuzz (it resolves as cancelled, or with the failure found so far). */
export const CancelFuzzNotification = new NotificationType<{ runId: string }>('freshsales/cancelFuzz');

// ── Tests (the Testing view) ────────────────────────────────────────────────────────────────────────
// The server finds and runs tests (server/src/testing/: mocha in a child process of its own); the client's
// TestController only maps them to test items. Shapes of a run live in testing/types.ts.
import type { DiscoveredTest } from './core/testDiscovery';
import type { CoverageSummaryText, FileCoverageData, PayloadTest, TestChildMessage } from './testing/types';
export type { DiscoveredTest, FileCoverageData, PayloadTest, TestChildMessage };
export { PAYLOAD_SUITE, payloadTestTitle, testId } from './testing/types';

/** Client → server: the describe/it tree of a test file's text (parsed, never run). */
export const DiscoverTestsRequest = new RequestType<{ text: string }, DiscoveredTest[], void>('freshsales/discoverTests');

export interface AppTestsResult {
  /** Absolute paths of test/**\/*.js (not node_modules). */
  files: string[];
  payloadTests: PayloadTest[];
}
/** Client → server: the app's test files and payload tests. */
export const AppTestsRequest = new RequestType<{ appDir: string }, AppTestsResult, void>('freshsales/appTests');

export interface RunTestsParams {
  runId: string;
  appDir: string;
  /** Absolute test files to run; undefined: all. */
  files?: string[];
  /** Payload tests to run (by event); undefined: all, []: none. */
  payloadEvents?: string[];
  /** A mocha grep (full titles), to run some tests of the files. */
  grep?: string;
  coverage?: boolean;
  debug?: boolean;
  nodePath?: string;
  /** The client's word that the workspace is trusted: without it the server runs nothing. */
  trusted?: boolean;
}
export interface RunTestsResult {
  passed: number;
  failed: number;
  skipped: number;
  /** The run broke off (a hang, an exit, a crash) or could not start. */
  error?: string;
  /** Coverage of this run (Istanbul data per absolute file) and its summary against the 80 % line. */
  coverage?: (FileCoverageData & { /** fnMap key → the name the editor's outline gives the function. */ fnNames?: Record<string, string> })[];
  coverageSummary?: CoverageSummaryText;
}
/** Client → server: run tests; messages stream as TestEventNotification; resolves when the run ended. */
export const RunTestsRequest = new RequestType<RunTestsParams, RunTestsResult, void>('freshsales/runTests');
/** Server → client, during a run: what the test child reported (begin/end/log), or output of the tests themselves. */
export const TestEventNotification = new NotificationType<{ runId: string; message?: TestChildMessage; output?: string }>('freshsales/testEvent');
/** Server → client, Debug profile: the test child waits for a debugger on this port. */
export const TestDebugReadyNotification = new NotificationType<{ runId: string; port: number }>('freshsales/testDebugReady');
/** Client → server: stop a run (the child is killed; the run resolves with what was reported). */
export const CancelTestsNotification = new NotificationType<{ runId: string }>('freshsales/cancelTests');

export interface CreateTestParams { appDir: string; event: string; scope?: Scope }
/** Client → server: a first test file for an event (`test/<event>.test.js`), in the style of the app's tests. */
export const CreateTestRequest = new RequestType<CreateTestParams, { file: string; text: string; exists: boolean }, void>('freshsales/createTest');
export const CreateTestCommand = 'freshsales.createTest';

/** Client → server: delete the app's accumulated coverage (coverage/). */
export const ResetCoverageRequest = new RequestType<{ appDir: string }, boolean, void>('freshsales/resetCoverage');
