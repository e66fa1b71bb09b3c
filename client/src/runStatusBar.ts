// The status bar item that shows the last simulation ("$(pass) onContactCreate 12 ms") and re-runs it on click.
import * as vscode from 'vscode';
import type { SimulationResult, SimulateTarget } from '../../server/src/shared/protocol';

const STATUS_WORDS: Record<SimulationResult['status'], string> = {
  success: '', failed: 'failed', timeout: 'timed out', crashed: 'crashed', 'not-runnable': 'not runnable',
};

/** Pure: the text and tooltip for a finished run. */
export function describeRun(result: Pick<SimulationResult, 'event' | 'status' | 'durationMs'>): { text: string; ok: boolean } {
  if (result.status === 'success') {
    return { text: `$(pass) ${result.event} ${Math.round(result.durationMs)} ms`, ok: true };
  }
  return { text: `$(error) ${result.event} ${STATUS_WORDS[result.status] ?? result.status}`, ok: false };
}

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('freshsales.lastRun', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Freshsales: Last Simulation';
    this.item.command = 'freshsales.rerunLast';
  }

  running(target: SimulateTarget, debug: boolean): void {
    this.item.text = `$(sync~spin) ${target.event}${debug ? ' (debug)' : ''}`;
    this.item.tooltip = `Simulating ${target.event}…`;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  finished(result: SimulationResult): void {
    const { text, ok } = describeRun(result);
    this.item.text = text;
    const detail = result.error?.message ?? result.notRunnableReason;
    this.item.tooltip = new vscode.MarkdownString(
      `**${result.event}**${result.scope ? ` (${result.scope.name})` : ''}: ${result.status}, ${Math.round(result.durationMs)} ms`
      + (detail ? `\n\n${detail}` : '') + '\n\nClick to re-run.');
    this.item.backgroundColor = ok ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
