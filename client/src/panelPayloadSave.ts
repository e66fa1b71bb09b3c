// Saving text from the simulator panel into a workspace file (a test payload, the test iparams) without
// ever losing work: everything goes through VS Code's document model (WorkspaceEdit = undoable, respects
// open editors) and an editor with unsaved changes is never overwritten without asking.
import * as vscode from 'vscode';

export interface SaveTargetState {
  /** The file exists on disk. */
  exists: boolean;
  /** A TextDocument for it is open (in an editor or in memory). */
  open: boolean;
  /** That document has unsaved changes. */
  dirty: boolean;
  /** The user's answer to the "unsaved changes" question: undefined = not asked yet. */
  confirmed?: boolean;
}

export type SaveDecision =
  /** Create the file (WorkspaceEdit createFile + insert), then save it. */
  | 'create'
  /** Replace the whole document (WorkspaceEdit), then save: the document had nothing unsaved to lose. */
  | 'replace-and-save'
  /** The document has unsaved changes: ask before touching it. */
  | 'ask'
  /** The user said Replace: apply the edit (undoable in the editor) but do not save over their work. */
  | 'replace-unsaved'
  | 'cancel';

/** The pure rule; see SaveDecision. */
export function decidePayloadSave(s: SaveTargetState): SaveDecision {
  if (s.open && s.dirty) {
    if (s.confirmed === undefined) return 'ask';
    return s.confirmed ? 'replace-unsaved' : 'cancel';
  }
  if (!s.exists && !s.open) return 'create';
  return 'replace-and-save';
}

export const UNSAVED_QUESTION = 'The payload file has unsaved changes in an editor. Replace them with the panel\'s text?';

export interface SaveOutcome { saved: boolean; applied: boolean; message: string }

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

/** Writes `text` to `uri` following decidePayloadSave; `what` names the file in messages. */
export async function saveTextToWorkspaceFile(uri: vscode.Uri, text: string, what: string): Promise<SaveOutcome> {
  const openDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const exists = await fileExists(uri);
  let decision = decidePayloadSave({ exists, open: !!openDoc, dirty: !!openDoc?.isDirty });
  if (decision === 'ask') {
    const question = what === 'payload' ? UNSAVED_QUESTION
      : `The ${what} file has unsaved changes in an editor. Replace them with the panel's text?`;
    const answer = await vscode.window.showWarningMessage(question, { modal: true }, 'Replace');
    decision = decidePayloadSave({ exists, open: true, dirty: true, confirmed: answer === 'Replace' });
  }
  if (decision === 'cancel') return { saved: false, applied: false, message: `Not saved: the ${what} editor keeps its changes.` };

  const edit = new vscode.WorkspaceEdit();
  if (decision === 'create') {
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), text);
  } else {
    const doc = openDoc ?? await vscode.workspace.openTextDocument(uri);
    const full = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    edit.replace(uri, full, text);
  }
  if (!await vscode.workspace.applyEdit(edit)) {
    return { saved: false, applied: false, message: `Could not write the ${what} file.` };
  }
  if (decision === 'replace-unsaved') {
    return { saved: false, applied: true, message: `Replaced the ${what} in the editor (not saved; Undo there restores your text).` };
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const saved = await doc.save();
  return { saved, applied: true, message: saved ? `Saved ${vscode.workspace.asRelativePath(uri)}.` : `Edited but could not save the ${what} file.` };
}

/** Opens `uri` in an editor, creating it with `initialText` (WorkspaceEdit, then save) when absent. */
export async function openOrCreateInEditor(uri: vscode.Uri, initialText: () => Promise<string>): Promise<void> {
  if (!await fileExists(uri) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), await initialText());
    if (await vscode.workspace.applyEdit(edit)) await (await vscode.workspace.openTextDocument(uri)).save();
  }
  await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
}
