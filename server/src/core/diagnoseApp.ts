// All diagnostics of an app, as `fsdev check` prints them. The language server composes the same steps
// (guardNesting, checkApp, checkPayloadFile) with a cache per file, so both report the same problems.
import { MANIFEST, SERVER_SCRIPT } from './appLayout';
import { buildAppModel, type App } from './appModel';
import { checkApp, diag, START } from './checks';
import { guardNesting } from './nesting';
import { checkPayloadFile } from './payloadChecks';
import type { AppFiles, Diagnostic } from './types';

/** A payload file's text; `{ unreadable }` says why it could not be read (reported on that file). */
export type PayloadText = (path: string) => string | undefined | { unreadable: string };

export function diagnoseApp(files: AppFiles, payloadText: PayloadText): { app: App; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const guard = (path: string, text: string) => { const g = guardNesting(path, text); diagnostics.push(...g.diagnostics); return g.text; };
  const app = buildAppModel({
    manifest: { path: files.manifest.path, text: guard(files.manifest.path, files.manifest.text) },
    serverScript: files.serverScript && { path: files.serverScript.path, text: guard(files.serverScript.path, files.serverScript.text) },
    testData: files.testData,
    config: files.config, configEntries: files.configEntries, actions: files.actions, appAssets: files.appAssets,
  });
  diagnostics.push(...checkApp(app));
  for (const path of files.testData) {
    const text = payloadText(path);
    if (typeof text === 'object') diagnostics.push(unreadableFile(path, text.unreadable));
    else if (text !== undefined) diagnostics.push(...checkPayloadFile(app, path, guard(path, text)));
  }
  return { app, diagnostics };
}

/** A file the app lists but that could not be read: said on the file, the rest of the app is still checked. */
export function unreadableFile(file: string, message: string): Diagnostic {
  return diag(file, START, 'error', 'file-unreadable', message);
}

const ORDER = { error: 0, warning: 1, information: 2, hint: 3 } as const;

/** Files in app order (manifest, server.js, payloads), then by position, then by severity. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const fileRank = (f: string) => (f === MANIFEST ? 0 : f === SERVER_SCRIPT ? 1 : 2);
  return [...list].sort((a, b) => fileRank(a.file) - fileRank(b.file) || a.file.localeCompare(b.file)
    || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || ORDER[a.severity] - ORDER[b.severity]);
}
