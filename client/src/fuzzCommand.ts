// "Fuzz": run an event's handler on generated payloads the platform may send (in the language server, see
// server/src/fuzz/), with progress (runs, runs per second, cancel). A failure, shrunk and saved under
// server/test_data/fuzz/, opens in the simulator panel on that payload (the run shows the error linked to its
// line), with two actions: "Save as test payload" and "Create regression test".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { regressionTestText } from '../../server/src/shared/core';
import {
  CancelFuzzNotification, FuzzCommand, FuzzProgressNotification, FuzzRequest, type FuzzOutcome, type SimulateTarget,
} from '../../server/src/shared/protocol';
import { simulationNodePath } from './config';
import { pickEvent } from './eventPicker';
import { isEventNode, targetOf, type EventsTreeProvider } from './eventsTree';
import { ensureTrusted, type SimulationService } from './simulationService';
import { SimulatorPanel } from './simulatorPanel';

export const SAVE_AS_TEST_PAYLOAD = 'Save as test payload';
export const CREATE_REGRESSION_TEST = 'Create regression test';

interface Deps { context: vscode.ExtensionContext; client: LanguageClient; service: SimulationService; tree: EventsTreeProvider }

const isTarget = (x: unknown): x is SimulateTarget => typeof x === 'object' && x !== null
  && typeof (x as SimulateTarget).appDir === 'string' && typeof (x as SimulateTarget).event === 'string';

/** Fuzz with progress; resolves with the outcome (undefined when it did not start). */
export async function runFuzz(client: LanguageClient, target: SimulateTarget, runs?: number): Promise<FuzzOutcome | undefined> {
  const runId = randomUUID();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Fuzzing ${target.event}`, cancellable: true },
    async (progress, token) => {
      let done = 0;
      const sub = client.onNotification(FuzzProgressNotification, (p) => {
        if (p.runId !== runId) return;
        const rate = p.elapsedMs > 0 ? Math.round((p.runs * 1000) / p.elapsedMs) : 0;
        progress.report({
          increment: p.shrinking ? 0 : ((p.runs - done) * 100) / p.total,
          message: p.shrinking ? `a failure after ${p.runs} runs: shrinking its payload…` : `${p.runs} / ${p.total} runs, ${rate} runs/s`,
        });
        done = p.runs;
      });
      const cancel = token.onCancellationRequested(() => { void client.sendNotification(CancelFuzzNotification, { runId }); });
      try {
        return await client.sendRequest(FuzzRequest, {
          runId, appDir: target.appDir, event: target.event, scope: target.scope, runs, nodePath: simulationNodePath(),
        });
      } finally {
        sub.dispose();
        cancel.dispose();
      }
    });
}

/** `server/test_data/<event>.json` (2.x) — the file the event's Simulate uses — from the shrunk payload. */
export function saveAsTestPayload(appDir: string, event: string, payload: unknown, file = path.join(appDir, 'server/test_data', `${event}.json`)): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

/** `test/fuzz-<saved file's name>.test.js`, invoking the handler with the saved payload. */
export function writeRegressionTest(appDir: string, outcome: FuzzOutcome, event: string): string | undefined {
  const f = outcome.failure;
  if (!f?.savedTo) return undefined;
  const file = path.join(appDir, 'test', `fuzz-${path.basename(f.savedTo, '.json')}.test.js`);
  const where = f.error.file ? `${f.error.file}${f.error.line ? `:${f.error.line}` : ''}` : undefined;
  const scope = outcome.scope && outcome.scope.kind === 'module' ? outcome.scope.name : undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, regressionTestText({ event, payloadRequire: `../${f.savedTo}`, message: f.error.message, ...(where ? { where } : {}), ...(scope ? { scope } : {}) }));
  return file;
}

async function fuzzTarget(deps: Deps, target: SimulateTarget): Promise<FuzzOutcome | undefined> {
  if (!(await ensureTrusted())) return undefined;
  const outcome = await runFuzz(deps.client, target);
  if (!outcome) return undefined;
  const shape = outcome.fromSchema ? '' : ' (no documented schema for this event: payloads from its own shape)';
  if (outcome.status === 'not-runnable') { void vscode.window.showWarningMessage(`${target.event}: ${outcome.reason}`); return outcome; }
  if (outcome.status === 'cancelled') { void vscode.window.showInformationMessage(`Fuzzing ${target.event} cancelled after ${outcome.runs} runs.`); return outcome; }
  if (outcome.status === 'passed') {
    void vscode.window.showInformationMessage(`${target.event}: ${outcome.runs} runs passed${shape} (seed ${outcome.seed}).`);
    return outcome;
  }
  const f = outcome.failure!;
  // The panel on the shrunk payload, and the run of it: the error, its line linked, logs and effects.
  const onPanel: SimulateTarget = { ...target, payloadFile: f.savedTo ? path.join(target.appDir, f.savedTo) : undefined };
  SimulatorPanel.createOrShow(deps.context, deps.service, deps.client, onPanel);
  void deps.service.run(onPanel);
  const where = f.error.file ? ` at ${f.error.file}${f.error.line ? `:${f.error.line}` : ''}` : '';
  const choice = await vscode.window.showWarningMessage(
    `${target.event} failed after ${outcome.runs} runs${shape}: ${f.error.message.split('\n')[0]}${where}. Shrunk payload: ${f.savedTo}.`,
    SAVE_AS_TEST_PAYLOAD, CREATE_REGRESSION_TEST);
  if (choice === SAVE_AS_TEST_PAYLOAD) {
    const file = path.join(target.appDir, 'server/test_data', `${target.event}.json`);
    if (fs.existsSync(file)) {
      const ok = await vscode.window.showWarningMessage(`Replace ${path.relative(target.appDir, file)} with the shrunk payload?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return outcome;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(saveAsTestPayload(target.appDir, target.event, f.payload, file)), { preview: false });
  } else if (choice === CREATE_REGRESSION_TEST) {
    const file = writeRegressionTest(target.appDir, outcome, target.event);
    if (file) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  }
  return outcome;
}

export function registerFuzz(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand(FuzzCommand, async (arg: unknown) => {
    let target = isEventNode(arg) ? targetOf(arg) : isTarget(arg) ? arg : undefined;
    if (!target) {
      const picked = await pickEvent(await deps.tree.getApps(), { title: 'Fuzz event handler', registered: true, recent: deps.service.recentKeys() });
      target = picked && { appDir: picked.app.appDir, event: picked.item.event, scope: picked.item.scope };
    }
    return target ? fuzzTarget(deps, target) : undefined;
  });
}
