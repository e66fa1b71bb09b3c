// The language server's start: the documents, the workspace's view of the apps, and one module per feature
// registering its handlers (server/src/features/, simulationHost.ts, testingHost.ts), every handler through the
// same guard (features/context.ts): a bug or a hostile file costs one answer, never the server.
import { CodeActionKind, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerAppViews } from './features/appViews';
import { registerAssist } from './features/assist';
import { registerCodeLens } from './features/codeLens';
import { createGuard, locator, type FeatureContext } from './features/context';
import { registerDiagnostics } from './features/diagnostics';
import { registerEdits } from './features/edits';
import { registerSimulation } from './simulationHost';
import { registerTesting } from './testingHost';
import { AppWorkspace, MANIFEST, pathToUri, uriToPath } from './workspace';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new AppWorkspace({
    textOf: (p) => documents.get(pathToUri(p))?.getText(),
    openPaths: () => documents.keys().map(uriToPath).filter((p): p is string => !!p),
  });
  // LSP: before `initialize`, requests are answered with error -32002 and notifications dropped.
  let initialized = false;
  const guard = createGuard(connection, () => initialized);
  const ctx: FeatureContext = { connection, documents, workspace, guard, ...locator(workspace) };
  const knownApp = (appDir: string) => workspace.apps.get(appDir) ?? workspace.appOf(appDir + '/' + MANIFEST);

  connection.onInitialize((params) => {
    initialized = true;
    const folders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .map(uriToPath).filter((p): p is string => !!p);
    guard.notification('discover', () => workspace.discover(folders))(undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', "'", ':', '.', '`'] },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'freshsales-devtools', version: '0.1.0' },
    };
  });

  const diagnostics = registerDiagnostics(ctx);
  registerAssist(ctx);
  registerEdits(ctx);
  registerAppViews(ctx);
  const simulation = registerSimulation(ctx, knownApp);
  registerCodeLens(ctx, simulation);
  const testing = registerTesting(ctx, knownApp);

  documents.listen(connection);
  connection.onShutdown(() => { testing.dispose(); diagnostics.dispose(); });
  connection.listen();
}
