// Diagnostics (the checks, and fdk's lint from its worker thread): pushed for every file of an app (open or not, exactly what `fsdev check` prints) a moment after
// a change, and answered to pull requests (textDocument/diagnostic) from the same computation; after each
// publish, the client hears that the app changed (its views refresh).
import { FileChangeType, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { AppChangedNotification } from '../protocol';
import { LintProvider } from '../lint/lintProvider';
import { MANIFEST, pathToUri, uriToPath, type AppState } from '../workspace';
import { toLsp, type FeatureContext } from './context';

const DEBOUNCE_MS = 60;

export function registerDiagnostics({ connection, documents, workspace, guard, locate }: FeatureContext): { schedule(state: AppState): void; dispose(): void } {
  const pending = new Map<AppState, NodeJS.Timeout>();
  const openPaths = () => documents.keys().map(uriToPath).filter((p): p is string => !!p);
  // fdk's lint, in a worker thread: its results arrive later and publish the app again.
  const lint = new LintProvider((state) => schedule(state));
  const publish = (state: AppState) => {
    pending.delete(state);
    const byFile = state.diagnostics();
    for (const [rel, list] of lint.diagnostics(state, openPaths())) byFile.set(rel, [...byFile.get(rel) ?? [], ...list]);
    const files = new Set([...byFile.keys(), ...state.published]);
    for (const rel of files) {
      const list = byFile.get(rel) ?? [];
      void connection.sendDiagnostics({ uri: pathToUri(state.abs(rel)), diagnostics: list.map(toLsp) });
    }
    state.published = new Set(byFile.keys());
    void connection.sendNotification(AppChangedNotification, { appDir: state.appDir });
  };
  const schedule = (state: AppState) => {
    clearTimeout(pending.get(state));
    pending.set(state, setTimeout(guard.notification('diagnostics', () => publish(state)), DEBOUNCE_MS));
  };

  connection.onInitialized(guard.notification('initialized', () => { for (const state of workspace.apps.values()) schedule(state); }));
  documents.onDidChangeContent(guard.notification('document change', ({ document }) => { const at = locate(document.uri); if (at) schedule(at.state); }));
  documents.onDidClose(guard.notification('document close', ({ document }) => { const at = locate(document.uri); if (at) { at.state.fileChanged(at.rel); schedule(at.state); } }));
  connection.onDidChangeWatchedFiles(guard.notification('watched files', ({ changes }) => {
    const touched = new Set<AppState>();
    for (const change of changes) {
      const abs = uriToPath(change.uri);
      if (!abs) continue;
      if (change.type === FileChangeType.Created && abs.endsWith(MANIFEST)) workspace.discover([abs.slice(0, -MANIFEST.length - 1)]);
      const state = workspace.appOf(abs);
      if (!state) continue;
      state.fileChanged(state.rel(abs));
      lint.fileChanged(state, state.rel(abs));
      touched.add(state);
    }
    touched.forEach(schedule);
  }));

  connection.languages.diagnostics.on(guard('diagnostics', (params) => {
    const at = locate(params.textDocument.uri);
    return { kind: 'full' as const, items: at ? [...at.state.diagnosticsOf(at.rel), ...lint.diagnostics(at.state, openPaths()).get(at.rel) ?? []].map(toLsp) : [] as LspDiagnostic[] };
  }));
  return { schedule, dispose: () => lint.dispose() };
}
