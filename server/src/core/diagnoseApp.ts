// All diagnostics of an app, as the editor shows them and `fsdev check` prints them: one implementation.
import { buildAppModel, type App } from './appModel';
import { checkApp } from './checks';
import { checkPayloadFile } from './payloadChecks';
import type { AppFiles, Diagnostic } from './types';

export function diagnoseApp(files: AppFiles, payloadText: (path: string) => string | undefined): { app: App; diagnostics: Diagnostic[] } {
  const app = buildAppModel(files);
  const diagnostics = checkApp(app);
  for (const path of files.testData) {
    const text = payloadText(path);
    if (text !== undefined) diagnostics.push(...checkPayloadFile(app, path, text));
  }
  return { app, diagnostics };
}

const ORDER = { error: 0, warning: 1, information: 2, hint: 3 } as const;

/** Files in app order (manifest, server.js, payloads), then by position, then by severity. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const fileRank = (f: string) => (f === 'manifest.json' ? 0 : f === 'server/server.js' ? 1 : 2);
  return [...list].sort((a, b) => fileRank(a.file) - fileRank(b.file) || a.file.localeCompare(b.file)
    || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || ORDER[a.severity] - ORDER[b.severity]);
}
