// "Reset Local Simulation State": clears what earlier runs left in the app's .fsdev/db.json ($db values and
// schedules), which can make a later run fail (a schedule that "already exists"). It asks first, says what it
// will clear and what it keeps; nothing is cleared without the user's yes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ResetStateRequest, type AppSummary } from '../../server/src/shared/protocol';
import { pickApp } from './eventPicker';
import type { EventsNode } from './eventsTree';

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

async function appOf(apps: AppSummary[], arg: unknown): Promise<AppSummary | undefined> {
  const node = arg as Partial<EventsNode> | undefined;
  if (node && typeof node === 'object' && 'app' in node && node.app) return node.app;
  return pickApp(apps, 'Reset local simulation state of');
}

export async function resetLocalState(client: LanguageClient, apps: AppSummary[], arg: unknown): Promise<boolean> {
  const app = await appOf(apps, arg);
  if (!app) return false;
  const name = path.basename(app.appDir);
  const state = await client.sendRequest(ResetStateRequest, { appDir: app.appDir, dryRun: true });
  if (state.dbKeys === 0 && state.schedules === 0 && !state.unreadable) {
    void vscode.window.showInformationMessage(`${name}: no local simulation state to reset (${state.file} holds no $db keys or schedules).`);
    return false;
  }
  const choice = await vscode.window.showWarningMessage(`Reset the local simulation state of ${name}?`, {
    modal: true,
    detail: (state.unreadable
      ? `${state.file} cannot be read (${state.unreadable}). Reset keeps it aside as ${state.file}.unreadable-<time> and starts an empty store. `
      : `This clears ${state.file}: ${plural(state.dbKeys, '$db key')} and ${plural(state.schedules, 'schedule')} that earlier runs stored. `)
      + 'The run history, request stubs (.fsdev/stubs.json) and .fsdev/oauth.json are kept.',
  }, 'Reset');
  if (choice !== 'Reset') return false;
  const done = await client.sendRequest(ResetStateRequest, { appDir: app.appDir });
  void vscode.window.showInformationMessage(
    `${name}: cleared ${done.file} (${plural(done.dbKeys, '$db key')}, ${plural(done.schedules, 'schedule')})`
    + (done.keptAside ? `; the unreadable store was kept as ${done.keptAside}.` : '.'));
  return true;
}
