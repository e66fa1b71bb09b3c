// Simulation requests from the client, run by the handler runner: user code runs in a child process
// (one per run, one kept warm), never in this server. Logs stream to the client as they happen.
import type { Connection } from 'vscode-languageserver/node';
import { HandlerRunner } from './simulate/runner';
import { list as listHistory } from './simulate/history';
import { SimulateRequest, SimulationDebugReadyNotification, SimulationHistoryRequest, SimulationLogNotification } from './protocol';

export interface SimulationHost { prewarm(appDir: string): void; dispose(): void }

export function registerSimulation(connection: Connection, knownApp: (appDir: string) => unknown): SimulationHost {
  let runner: HandlerRunner | undefined;
  // Started on first need (a Simulate lens shown, or a run), so opening a manifest costs no process.
  const ensure = () => (runner ??= new HandlerRunner({ warm: true }));
  let coverageWrites: Promise<void> = Promise.resolve();

  connection.onRequest(SimulateRequest, async (request) => {
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
      });
  });
  connection.onRequest(SimulationHistoryRequest, async ({ appDir }) => (knownApp(appDir) ? listHistory(appDir) : []));
  connection.onShutdown(() => runner?.dispose());
  // A warm child may read one app only (Node's permission model names its folder): warm it for this app.
  return { prewarm: (appDir) => { void ensure().whenWarm(appDir); }, dispose: () => runner?.dispose() };
}
