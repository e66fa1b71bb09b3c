// Simulation requests from the client, run by the handler runner: user code runs in a child process
// (one per run, one kept warm), never in this server. Logs stream to the client as they happen.
import { MessageType, ShowMessageNotification, type Connection, type WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { InstallProgress } from './simulate/dependencies';
import { HandlerRunner } from './simulate/runner';
import { list as listHistory } from './simulate/history';
import { DB_FILE } from './simulate/plan';
import { describeLocalState, resetLocalState } from './simulate/state';
import type { FeatureContext } from './features/context';
import { CancelFuzzNotification, FuzzProgressNotification, FuzzRequest, ResetStateRequest, SimulateRequest, SimulationDebugReadyNotification, SimulationHistoryRequest, SimulationLogNotification } from './protocol';

/**
 * The install of an app's dependencies as LSP work-done progress (VS Code shows it as a notification with the
 * npm steps). The progress is created only when an install starts; a client without the capability gets none.
 */
function installProgress(connection: Connection): InstallProgress {
  let progress: Promise<WorkDoneProgressServerReporter | undefined> | undefined;
  return {
    begin: (message) => {
      progress = connection.window.createWorkDoneProgress().then((p) => {
        p.begin('Freshsales: installing app dependencies', undefined, message, false);
        return p;
      }, () => undefined);
    },
    report: (message) => { void progress?.then((p) => p?.report(message)); },
    end: (message, ok) => {
      void progress?.then((p) => p?.done());
      // Once per install, so worth a notification; a failure is also the run's not-runnable reason.
      // A notification (window/showMessage), not a request: nothing to wait for, nothing to fail.
      void connection.sendNotification(ShowMessageNotification.type, ok
        ? { type: MessageType.Info, message }
        : { type: MessageType.Warning, message: `${message}: see the run's result for npm's reason.` });
    },
  };
}

export interface SimulationHost { prewarm(appDir: string): void; dispose(): void }

export function registerSimulation({ connection, guard }: FeatureContext, knownApp: (appDir: string) => unknown): SimulationHost {
  let runner: HandlerRunner | undefined;
  // Started on first need (a Simulate lens shown, or a run), so opening a manifest costs no process.
  const ensure = () => (runner ??= new HandlerRunner({ warm: true, onHistoryError: (m) => connection.console.error(m) }));
  let coverageWrites: Promise<void> = Promise.resolve();

  connection.onRequest(SimulateRequest, guard('simulate', async (request) => {
    const { runId } = request;
    if (!knownApp(request.appDir)) throw new Error(`${request.appDir} is not a Freshworks app of this workspace.`);
    // The runId becomes the result's id, so the client can match the result to the logs it streamed.
    return ensure().run(request,
      (entry) => { void connection.sendNotification(SimulationLogNotification, { runId, entry }); },
      {
        onDebugReady: (port) => { void connection.sendNotification(SimulationDebugReadyNotification, { runId, port }); },
        // freshsales.coverage.enabled: the run adds to the app's coverage/ (as fdk run does), one write at a time.
        onCoverage: (scripts) => {
          coverageWrites = coverageWrites.then(async () => (await import('./testing/coverageReport')).writeCoverage(request.appDir, scripts))
            .then(() => undefined, (e: unknown) => connection.console.error(`Coverage of ${request.event} not written: ${String(e)}`));
        },
        install: installProgress(connection),
      });
  }));
  // Fuzz: a runner of its own that records no history (the app's .fsdev stays as it is), disposed afterwards.
  const fuzzing = new Map<string, AbortController>();
  connection.onNotification(CancelFuzzNotification, guard.notification('cancel fuzz', ({ runId }) => fuzzing.get(runId)?.abort()));
  connection.onRequest(FuzzRequest, guard('fuzz', async (params) => {
    if (!knownApp(params.appDir)) throw new Error(`${params.appDir} is not a Freshworks app of this workspace.`);
    const { fuzz } = await import('./fuzz/fuzz');
    const abort = new AbortController();
    fuzzing.set(params.runId, abort);
    let last = 0;
    try {
      const outcome = await fuzz({ ...params, signal: abort.signal, onProgress: (p) => {
        // At most ten progress messages a second.
        if (p.elapsedMs - last < 100 && p.runs < p.total) return;
        last = p.elapsedMs;
        void connection.sendNotification(FuzzProgressNotification, { runId: params.runId, ...p });
      } });
      // The shrunk run's logs and effects stay (the panel shows them); its payload is the failure's.
      return outcome;
    } finally {
      fuzzing.delete(params.runId);
    }
  }));
  connection.onRequest(SimulationHistoryRequest, guard('simulation history', async ({ appDir }) => (knownApp(appDir) ? listHistory(appDir) : [])));
  connection.onRequest(ResetStateRequest, guard('reset state', async ({ appDir, dryRun }) => {
    if (!knownApp(appDir)) throw new Error(`${appDir} is not a Freshworks app of this workspace.`);
    if (!dryRun) return { ...await resetLocalState(appDir), cleared: true };
    try {
      return { ...describeLocalState(appDir), cleared: false };
    } catch (e) {
      return { file: DB_FILE, dbKeys: 0, schedules: 0, cleared: false, unreadable: String((e as { message?: unknown }).message ?? e) };
    }
  }));
  connection.onShutdown(() => runner?.dispose());
  // A warm child may read one app only (Node's permission model names its folder): warm it for this app.
  return { prewarm: (appDir) => { void ensure().whenWarm(appDir); }, dispose: () => runner?.dispose() };
}
