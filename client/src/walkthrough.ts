// What the "Get started" walkthrough (package.json `walkthroughs`) needs from the extension to tick a step on
// the real action: a quick fix applied (every code action of ours runs `freshsales.quickFixApplied` after its
// edit, see languageClient.ts, or `freshsales.openCreatedFile` when it created a file) and a simulation that finished (`freshsales.simulated`). The Testing steps
// complete on VS Code's own testing commands.
import * as vscode from 'vscode';
import { OpenCreatedFileCommand } from '../../server/src/protocol';
import type { SimulationService } from './simulationService';

export const QUICK_FIX_APPLIED = 'freshsales.quickFixApplied';

export function registerWalkthroughSignals(service: SimulationService): vscode.Disposable {
  let simulated = false;
  return vscode.Disposable.from(
    // Runs after the edit of a quick fix: nothing to do, the walkthrough listens for the command itself.
    vscode.commands.registerCommand(QUICK_FIX_APPLIED, () => undefined),
    // A quick fix that created a file (a test payload, server.js) opens it, and counts as a quick fix applied.
    vscode.commands.registerCommand(OpenCreatedFileCommand, async (uri: unknown) => {
      void vscode.commands.executeCommand(QUICK_FIX_APPLIED);
      if (typeof uri === 'string') await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preview: false });
    }),
    service.onDidFinish(() => {
      if (simulated) return;
      simulated = true;
      void vscode.commands.executeCommand('setContext', 'freshsales.simulated', true);
    }),
  );
}

/** Adds the walkthrough's signal to a code action that has no command of its own. */
export function markQuickFix<T extends vscode.Command | vscode.CodeAction>(action: T): T {
  if ('edit' in action && action.edit && !action.command) {
    action.command = { command: QUICK_FIX_APPLIED, title: '' };
  }
  return action;
}
