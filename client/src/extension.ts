// Activation only: confirm the workspace holds a Freshworks app, then start the language server and wire
// the UI. Nothing here waits on the server; the Events tree asks for data when it is first shown.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { findAppManifests } from './appDetection';
import { AppIndex } from './appIndex';
import { registerCommands } from './commands';
import { registerFuzz } from './fuzzCommand';
import { trackHandlerContext } from './editorTargets';
import { openFilesFixesCreate } from './editCommands';
import { EventsTreeProvider } from './eventsTree';
import { createLanguageClient, refreshCodeLensOnSettingChange } from './languageClient';
import { SimulationService } from './simulationService';
import { SimulatorPanel } from './simulatorPanel';
import { TestsView } from './testController';
import { registerTaskProvider } from './tasks';
import { registerWalkthroughSignals } from './walkthrough';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Before the app check: a tasks.json `fsdev` task resolves even while no app is found (it then says so).
  context.subscriptions.push(registerTaskProvider(context, () => client?.isRunning() ?? false));
  if ((await findAppManifests()).length > 0) {
    start(context);
    return;
  }
  // Not an app (yet): show the welcome view and start only if a manifest with platform-version appears.
  await vscode.commands.executeCommand('setContext', 'freshsales.isApp', false);
  const watcher = vscode.workspace.createFileSystemWatcher('{manifest.json,*/manifest.json}');
  const recheck = async () => {
    if (client || (await findAppManifests()).length === 0) return;
    watcher.dispose();
    start(context);
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck),
    vscode.workspace.onDidChangeWorkspaceFolders(recheck));
}

function start(context: vscode.ExtensionContext): void {
  void vscode.commands.executeCommand('setContext', 'freshsales.isApp', true);
  const serverLog = vscode.window.createOutputChannel('Freshsales DevTools');
  const handlerLog = vscode.window.createOutputChannel('Freshsales Handler Logs', { log: true });
  client = createLanguageClient(context, serverLog);
  const ready = client.start().catch((err: unknown) => {
    serverLog.appendLine(`The language server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage('Freshsales DevTools: the language server failed to start. See the output channel.');
  });

  const service = new SimulationService(client, handlerLog, context);
  const apps = new AppIndex(client, ready);
  const tree = new EventsTreeProvider(apps, service);
  const view = vscode.window.createTreeView('freshsales.events', { treeDataProvider: tree, showCollapseAll: true });
  // The Testing view: test items are resolved when VS Code first asks (the view is opened or a run starts).
  const tests = new TestsView(client, ready.then(() => undefined), apps);

  context.subscriptions.push(
    serverLog, handlerLog, service, apps, tree, view, tests,
    ...registerCommands({ context, client, service, tree, handlerLog }),
    registerFuzz({ context, client, service, tree }),
    SimulatorPanel.registerSerializer(context, service, client, apps),
    trackHandlerContext(() => apps.get(), apps.onDidChange),
    registerWalkthroughSignals(service),
    openFilesFixesCreate(),
    refreshCodeLensOnSettingChange(client),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
