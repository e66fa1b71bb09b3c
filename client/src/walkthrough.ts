// What the "Get started" walkthrough (package.json `walkthroughs`) needs from the extension to tick a step on
// the real action: a quick fix applied (every code action of ours runs `freshsales.quickFixApplied` after its
// edit, see languageClient.ts) and a simulation that finished (`freshsales.simulated`). The Testing steps
// complete on VS Code's own testing commands.
import * as vscode from 'vscode';
import type { SimulationService } from './simulationService';

export const QUICK_FIX_APPLIED = 'freshsales.quickFixApplied';

export function registerWalkthroughSignals(service: SimulationService): vscode.Disposable {
  let simulated = false;
  return vscode.Disposable.from(
    // Runs after the edit of a quick fix: nothing to do, the walkthrough listens for the command itself.
    vscode.commands.registerCommand(QUICK_FIX_APPLIED, () => undefined),
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
