// What the editor's ▶ Simulate / Debug (editor title of server.js and of payload files, context menu of a
// handler) run: the handler under the cursor, the payload file's event, or a pick among the app's events.
// Also keeps the `freshsales.inHandler` context key, which shows the context-menu entries only inside a handler.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppEventItem, AppSummary, SimulateTarget } from '../../server/src/shared/protocol';
import { eventsAtLine } from './eventItems';

const same = (a: string, b: string) => path.relative(a, b) === '';

function appOf(apps: AppSummary[], file: string): AppSummary | undefined {
  return apps.filter((a) => !path.relative(a.appDir, file).startsWith('..'))
    .sort((a, b) => b.appDir.length - a.appDir.length)[0];
}

const targetOf = (app: AppSummary, e: AppEventItem, payloadFile?: string): SimulateTarget =>
  ({ appDir: app.appDir, event: e.event, scope: e.scope, ...(payloadFile ? { payloadFile } : {}) });

/**
 * For a file URI (the editor title or context menu's argument): a target, `{ app }` when the user should pick
 * among that app's events (`{ app, events }`: among these, the events the handler under the cursor serves), or a
 * message saying why nothing can run.
 */
export function targetForFile(apps: AppSummary[], uri: vscode.Uri): SimulateTarget | { app: AppSummary; events?: AppEventItem[] } | string {
  const file = uri.fsPath;
  const app = appOf(apps, file);
  if (!app) return `${path.basename(file)} is not inside a Freshworks app.`;
  const rel = path.relative(app.appDir, file).split(path.sep).join('/');
  if (rel === 'server/server.js') {
    const editor = vscode.window.activeTextEditor;
    const here = editor && same(editor.document.uri.fsPath, file) ? eventsAtLine(app, editor.selection.active.line) : [];
    // A handler that serves several events (onDealCreate and onDealUpdate → one callback): ask which.
    return here.length === 1 ? targetOf(app, here[0]) : here.length > 1 ? { app, events: here } : { app };
  }
  const payloadOf = app.events.filter((e) => e.payloadFile === rel);
  const registered = payloadOf.find((e) => e.registered);
  if (registered) return targetOf(app, registered, file);
  if (payloadOf.length) return `${payloadOf[0].event} is not registered in manifest.json, so this payload is never used.`;
  return `${rel} is not the test payload of an event of this app.`;
}

/** Sets `freshsales.inHandler` while the cursor is inside a registered event's handler in server/server.js. */
export function trackHandlerContext(getApps: () => Promise<AppSummary[]>, appsChanged: vscode.Event<unknown>): vscode.Disposable {
  let current: boolean | undefined;
  let seq = 0;
  const update = async () => {
    const mine = ++seq;
    const editor = vscode.window.activeTextEditor;
    let inHandler = false;
    if (editor && editor.document.uri.scheme === 'file' && /[\\/]server[\\/]server\.js$/.test(editor.document.uri.fsPath)) {
      const app = appOf(await getApps(), editor.document.uri.fsPath);
      inHandler = !!app && eventsAtLine(app, editor.selection.active.line).length > 0;
    }
    if (mine !== seq || inHandler === current) return; // a newer update won, or nothing changed
    current = inHandler;
    await vscode.commands.executeCommand('setContext', 'freshsales.inHandler', inHandler);
  };
  void update();
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(() => void update()),
    vscode.window.onDidChangeTextEditorSelection((e) => { if (e.textEditor === vscode.window.activeTextEditor) void update(); }),
    appsChanged(() => void update()),
  );
}
