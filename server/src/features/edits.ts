// Edits the server computes and the client applies: the quick fixes of the checks' diagnostics (code actions)
// and Register Event (freshsales/registerEvent). Both come from core/quickFixes.ts, as WorkspaceEdits.
import { CodeActionKind, type CodeAction, type WorkspaceEdit } from 'vscode-languageserver/node';
import { SERVER_SCRIPT } from '../core/appModel';
import { quickFixesFor, registerEventEdit, type FileEdit } from '../core/quickFixes';
import type { Diagnostic } from '../core/types';
import { RegisterEventRequest, type RegisterEventResult } from '../protocol';
import { MANIFEST, pathToUri, type AppState } from '../workspace';
import { toLsp, type FeatureContext } from './context';

export function registerEdits({ connection, documents, workspace, guard, locateLive }: FeatureContext): void {
  connection.onCodeAction(guard('code actions', ({ textDocument, range }) => {
    const at = locateLive(textDocument.uri);
    // Fixes are computed on the model's text; where over-deep nesting was blanked for the parsers, that is
    // not the user's text, and a whole-file rewrite would drop the blanked part.
    if (!at || [MANIFEST, SERVER_SCRIPT, at.rel].some((rel) => at.state.flattened(rel))) return [];
    const app = at.state.app();
    const overlaps = (d: Diagnostic) => !(d.range.end.line < range.start.line || d.range.start.line > range.end.line);
    const actions: CodeAction[] = [];
    for (const d of at.state.diagnosticsOf(at.rel).filter(overlaps)) {
      for (const fix of quickFixesFor(app, d, at.state.safeText(at.rel))) {
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLsp(d)], isPreferred: fix.preferred, edit: toWorkspaceEdit(at.state, fix.edits) });
      }
    }
    return actions;
  }));

  connection.onRequest(RegisterEventRequest, guard('register event', ({ appDir, event, scope }): RegisterEventResult => {
    if (typeof event !== 'string' || !event || typeof scope?.name !== 'string' || (scope.kind !== 'product' && scope.kind !== 'module')) {
      return { ok: false, reason: 'invalid', message: 'Register Event needs an event name and a scope ({ kind: "product" | "module", name }).' };
    }
    const state = typeof appDir === 'string' ? workspace.apps.get(appDir) : undefined;
    if (!state) return { ok: false, reason: 'not-an-app', message: `${String(appDir)} is not a Freshworks app of this workspace.` };
    if (state.flattened(MANIFEST)) return { ok: false, reason: 'syntax-error', message: 'manifest.json is nested too deeply to be edited safely.' };
    const result = registerEventEdit(state.app(), event, { kind: scope.kind, name: scope.name });
    if (!result.ok) return result;
    // Versioned: the edit is for the text the server has, the open document's (unsaved edits included) or the file's.
    const uri = pathToUri(state.abs(result.edit.file));
    return { ok: true, handler: result.handler, edit: { documentChanges: [{ textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: result.edit.edits }] } };
  }));
}

function toWorkspaceEdit(state: AppState, edits: FileEdit[]): WorkspaceEdit {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const e of edits) {
    const uri = pathToUri(state.abs(e.file));
    if (e.create) {
      if (state.text(e.file) !== undefined) continue; // never overwrite an existing file
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    }
    documentChanges.push({ textDocument: { uri, version: null }, edits: e.edits });
  }
  return { documentChanges };
}
