// Runs simulations through the language server (which forks the handler runner: user code never runs in the
// extension host) and tells everyone about them: events for the panel and the tree, the handler log channel,
// the status bar, recently used events and the last status per event.
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  SimulateRequest, SimulationDebugReadyNotification, SimulationHistoryRequest, SimulationLogNotification,
  type LogEntry, type RunStatus, type SimulateTarget, type SimulationResult,
} from '../../server/src/shared/protocol';
import type { Scope } from '../../server/src/shared/core';
import { coverageEnabled, simulationNodePath, simulationTimeoutMs } from './config';
import { warnOnNodeMismatch } from './nodeVersionCheck';
import { pushRecent, recentKey } from './recentEvents';
import { RunStatusBar } from './runStatusBar';

export interface RunOptions { debug?: boolean; payloadText?: string; timeoutMs?: number }

const RECENT_STATE_KEY = 'freshsales.recentEvents';
const LAST_TARGET_KEY = 'freshsales.lastTarget';
const DEBUG_READY_TIMEOUT_MS = 30_000;

export const UNTRUSTED_MESSAGE = "Simulation runs your app's code, so it needs a trusted workspace.";

/** Asks for trust when needed; true when the workspace is trusted. */
export async function ensureTrusted(message = UNTRUSTED_MESSAGE): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(message, 'Manage Workspace Trust');
  if (choice === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

function statusKey(appDir: string, event: string, scope?: { name: string }): string {
  return `${appDir}|${scope?.name ?? ''}|${event}`;
}

export class SimulationService implements vscode.Disposable {
  private readonly startEmitter = new vscode.EventEmitter<{ runId: string; target: SimulateTarget }>();
  private readonly logEmitter = new vscode.EventEmitter<{ runId: string; entry: LogEntry }>();
  private readonly finishEmitter = new vscode.EventEmitter<{ runId: string; target: SimulateTarget; result: SimulationResult }>();
  readonly onDidStart = this.startEmitter.event;
  readonly onDidLog = this.logEmitter.event;
  readonly onDidFinish = this.finishEmitter.event;

  lastTarget?: SimulateTarget;
  private readonly statuses = new Map<string, RunStatus>();
  private readonly runs = new Map<string, SimulateTarget>();
  private readonly debugWaiters = new Map<string, (port: number) => void>();
  private readonly statusBar = new RunStatusBar();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
    private readonly context: vscode.ExtensionContext,
  ) {
    this.lastTarget = context.workspaceState.get<SimulateTarget>(LAST_TARGET_KEY);
    this.disposables.push(
      this.startEmitter, this.logEmitter, this.finishEmitter, this.statusBar,
      client.onNotification(SimulationLogNotification, ({ runId, entry }) => this.handleLog(runId, entry)),
      client.onNotification(SimulationDebugReadyNotification, ({ runId, port }) => this.debugWaiters.get(runId)?.(port)),
    );
  }

  /** Recently simulated events (keys from recentKey), most recent first. */
  recentKeys(): string[] {
    return this.context.workspaceState.get<string[]>(RECENT_STATE_KEY, []);
  }

  lastStatus(appDir: string, event: string, scope?: Scope): RunStatus | undefined {
    return this.statuses.get(statusKey(appDir, event, scope)) ?? (scope ? undefined : this.statuses.get(statusKey(appDir, event)));
  }

  history(appDir: string): Promise<SimulationResult[]> {
    return Promise.resolve(this.client.sendRequest(SimulationHistoryRequest, { appDir })).catch(() => []);
  }

  /** Runs one event's handler. Undefined when the run did not start (untrusted workspace). */
  async run(target: SimulateTarget, opts: RunOptions = {}): Promise<SimulationResult | undefined> {
    if (!(await ensureTrusted())) return undefined;
    const runId = randomUUID();
    const debug = opts.debug === true;
    const nodePath = simulationNodePath(vscode.Uri.file(target.appDir));
    void warnOnNodeMismatch(target.appDir, nodePath);

    this.lastTarget = target;
    this.runs.set(runId, target);
    void this.context.workspaceState.update(LAST_TARGET_KEY, target);
    void this.context.workspaceState.update(RECENT_STATE_KEY, pushRecent(this.recentKeys(), recentKey(target)));
    this.output.info(`[${target.event}] ▶ ${debug ? 'debugging' : 'simulating'}${target.scope ? ` for ${target.scope.name}` : ''}`
      + (target.payloadFile ? ` with ${vscode.workspace.asRelativePath(target.payloadFile)}` : ''));
    this.statusBar.running(target, debug);
    this.startEmitter.fire({ runId, target });

    if (debug) void this.attachWhenReady(runId, target);
    let result: SimulationResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Simulating ${target.event}` },
        () => this.client.sendRequest(SimulateRequest, {
          runId,
          appDir: target.appDir,
          event: target.event,
          scope: target.scope,
          payloadFile: opts.payloadText === undefined ? target.payloadFile : undefined,
          payloadText: opts.payloadText,
          timeoutMs: opts.timeoutMs ?? simulationTimeoutMs(vscode.Uri.file(target.appDir)),
          debug: debug ? {} : undefined,
          nodePath,
          coverage: coverageEnabled(vscode.Uri.file(target.appDir)) || undefined,
        }),
      );
    } catch (err) {
      result = this.failedToRun(runId, target, err);
    } finally {
      this.debugWaiters.delete(runId);
      this.runs.delete(runId);
    }

    this.record(target, result);
    this.output[result.status === 'success' ? 'info' : 'error'](
      `[${target.event}] ■ ${result.status} in ${Math.round(result.durationMs)} ms`
      + (result.error ? `: ${result.error.message}` : result.notRunnableReason ? `: ${result.notRunnableReason}` : ''));
    this.statusBar.finished(result);
    this.finishEmitter.fire({ runId, target, result });
    return result;
  }

  private handleLog(runId: string, entry: LogEntry): void {
    const target = this.runs.get(runId);
    if (!target) return;
    const line = `[${target.event}] ${entry.level}: ${entry.message}`;
    switch (entry.level) {
      case 'error': this.output.error(line); break;
      case 'warn': this.output.warn(line); break;
      case 'debug': this.output.debug(line); break;
      default: this.output.info(line);
    }
    this.logEmitter.fire({ runId, entry });
  }

  /** Resolves once the child waits under the inspector and VS Code's Node debugger is attached. */
  private attachWhenReady(runId: string, target: SimulateTarget): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { this.debugWaiters.delete(runId); resolve(false); }, DEBUG_READY_TIMEOUT_MS);
      this.debugWaiters.set(runId, (port) => {
        clearTimeout(timer);
        this.debugWaiters.delete(runId);
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.appDir));
        const config: vscode.DebugConfiguration = {
          type: 'node', request: 'attach', name: 'Freshsales handler', port, address: '127.0.0.1',
          continueOnAttach: true,
          // The runner child's own frames are not the user's: hide them from the call stack and from stepping.
          skipFiles: ['<node_internals>/**', '**/server/dist/runner.js'],
          // The sandbox compiles server.js with `return exports;` appended after its last line (lines and columns
          // are unchanged). js-debug would otherwise see a different script and open a read-only copy of it
          // instead of stopping in the user's server.js.
          enableContentValidation: false,
        };
        Promise.resolve(vscode.debug.startDebugging(folder, config)).then(resolve, (err: unknown) => {
          void vscode.window.showErrorMessage(`Could not attach the debugger: ${String(err)}`);
          resolve(false);
        });
      });
    });
  }

  private record(target: SimulateTarget, result: SimulationResult): void {
    const scope = target.scope ?? result.scope;
    this.statuses.set(statusKey(target.appDir, target.event, scope), result.status);
    this.statuses.set(statusKey(target.appDir, target.event), result.status);
  }

  /** A result for a request that never reached the runner (server down, crashed): the panel still ends the run. */
  private failedToRun(runId: string, target: SimulateTarget, err: unknown): SimulationResult {
    const message = err instanceof Error ? err.message : String(err);
    return {
      id: runId, event: target.event, scope: target.scope, status: 'crashed', durationMs: 0,
      startedAt: new Date().toISOString(), logs: [],
      error: { message: `The language server could not run the simulation: ${message}`, frames: [] },
      effects: { db: [], requests: [], schedules: [], targetUrls: [] },
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
