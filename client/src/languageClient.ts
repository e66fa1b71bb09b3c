// Starts the language server (server/dist/server.js) over IPC. The server owns all knowledge of the app;
// this file only wires transport, document selection, file watching and the CodeLens on/off switch.
import * as vscode from 'vscode';
import {
  CodeLensRequest, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_EXEC_ARGV } from '../../server/src/shared/serverExecArgv';
import { codeLensEnabled, Settings } from './config';
import { noteFilesFixesCreate } from './editCommands';
import { markQuickFix } from './walkthrough';

/** The client id: VS Code's client reads the `freshsales.trace.server` setting from it. */
export const CLIENT_ID = 'freshsales';

export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('server/dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
  };
  const fileEvents = [
    '**/server/**/*.js', '**/server/test_data/**/*.json', '**/manifest.json', '**/config/*.{json,html}', '**/app/**/*.js',
  ].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...fileEvents);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', pattern: '**/manifest.json' },
      { scheme: 'file', language: 'javascript', pattern: '**/server/**/*.js' },
      { scheme: 'file', pattern: '**/server/test_data/**/*.json' },
      // The app model reads config/ too: its unsaved text is what the checks (and later the rules) see.
      { scheme: 'file', pattern: '**/config/*.{json,html}' },
      // Request templates are invoked from the front-end scripts too.
      { scheme: 'file', language: 'javascript', pattern: '**/app/**/*.js' },
    ],
    synchronize: { fileEvents },
    outputChannel,
    middleware: {
      // The server always computes lenses; the setting hides them without a server round-trip.
      provideCodeLenses: (document, token, next) => (codeLensEnabled(document.uri) ? next(document, token) : []),
      // Applying one of our quick fixes ticks the walkthrough's "quick fix" step (walkthrough.ts); one that creates
      // a file opens it (editCommands.ts).
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        noteFilesFixesCreate(actions);
        return actions?.map(markQuickFix);
      },
    },
  };
  return new LanguageClient(CLIENT_ID, 'Freshsales DevTools', serverOptions, clientOptions);
}

/** Re-asks every CodeLens provider of the client when `freshsales.codeLens.enabled` changes. */
export function refreshCodeLensOnSettingChange(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(Settings.codeLensEnabled)) return;
    // One provider per registration; reach each through the documents it serves.
    const feature = client.getFeature(CodeLensRequest.method);
    const emitters = new Set(vscode.workspace.textDocuments.map((d) => feature?.getProvider(d)?.onDidChangeCodeLensEmitter));
    for (const emitter of emitters) emitter?.fire();
  });
}
