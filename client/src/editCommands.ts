// "Register Event", "Create Test Payload" and "Create test": workspace edits through vscode.workspace.applyEdit, so they
// apply to the document's current (possibly unsaved) text and can be undone. The server computes the edits.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CreateTestRequest, DefaultPayloadRequest, RegisterEventRequest } from '../../server/src/shared/protocol';
import type { Scope } from '../../server/src/shared/core';
import type { PickedEvent } from './eventPicker';
import { resolvePayloadPath } from './appPaths';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Registers the event in the manifest: the server computes the edit (core/quickFixes.ts `registerEventEdit`, the
 * quick fixes' way of writing the manifest) on the text it has, which is the open document's; it is applied here
 * only to that same version of the document, so an edit typed meanwhile is never overwritten. Left unsaved.
 */
export async function registerEvent(client: LanguageClient, { app, item }: PickedEvent): Promise<boolean> {
  const uri = vscode.Uri.parse(app.manifestUri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const result = await client.sendRequest(RegisterEventRequest, { appDir: app.appDir, event: item.event, scope: item.scope });
  if (!result.ok) {
    if (result.reason === 'syntax-error') {
      const choice = await vscode.window.showWarningMessage(result.message, 'Open manifest.json');
      if (choice) await vscode.window.showTextDocument(doc);
    } else {
      void vscode.window.showInformationMessage(result.message);
    }
    return false;
  }
  const change = result.edit.documentChanges?.[0];
  const version = change && 'textDocument' in change ? change.textDocument.version : undefined;
  // The server computed on another text than the editor holds (a keystroke in between, or a dirty document it
  // has not seen): applying would shift the user's text. Nothing is changed; the user can simply try again.
  if (version === undefined || (version === null ? doc.isDirty : version !== doc.version)) {
    void vscode.window.showWarningMessage(`manifest.json changed while ${item.event} was being registered; nothing was changed. Try again.`);
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Could not edit ${vscode.workspace.asRelativePath(uri)}.`);
    return false;
  }
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const first = change && 'edits' in change ? change.edits[0] : undefined;
  const at = first ? doc.getText().indexOf(JSON.stringify(item.event), doc.offsetAt(client.protocol2CodeConverter.asPosition(first.range.start))) : -1;
  if (at >= 0) {
    const pos = doc.positionAt(at);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  void vscode.window.showInformationMessage(
    `Registered ${item.event} → ${result.handler} under ${item.scope.name} (unsaved). `
    + `Define ${result.handler} in server/server.js; the manifest offers a quick fix for it.`);
  return true;
}

/** Opens the event's test payload, creating it from the bundled default when missing. Never overwrites. */
export async function createTestPayload(client: LanguageClient, { app, item }: PickedEvent): Promise<vscode.Uri | undefined> {
  const relative = item.payloadFile ?? item.expectedPayloadFile;
  const file = resolvePayloadPath(app.appDir, relative);
  if (!file) {
    void vscode.window.showErrorMessage(`Refusing to create a payload outside the app: ${relative}`);
    return undefined;
  }
  const uri = vscode.Uri.file(file);
  if (await exists(uri)) {
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  }
  // The server picks the product from the scope.
  const payload = await client.sendRequest(DefaultPayloadRequest, { event: item.event, scope: item.scope }).catch(() => null);
  if (!payload) {
    void vscode.window.showWarningMessage(`No default payload is bundled for ${item.event}; created an empty one.`);
  }
  const text = payload?.text ?? '{\n  "data": {}\n}\n';
  const edit = new vscode.WorkspaceEdit();
  // Neither overwrite nor ignoreIfExists: if the file appeared meanwhile, the edit fails instead of clobbering it.
  edit.createFile(uri, { contents: new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`) });
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Could not create ${relative}.`);
    return undefined;
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** "Create test": writes test/<event>.test.js (the server drafts it in the app's style); never overwrites. */
export async function createTest(client: LanguageClient, target: { appDir: string; event: string; scope?: Scope }): Promise<void> {
  const draft = await client.sendRequest(CreateTestRequest, { appDir: target.appDir, event: target.event, scope: target.scope });
  const uri = vscode.Uri.file(draft.file);
  if (!draft.exists && !(await exists(uri))) {
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), draft.text);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`Could not create ${vscode.workspace.asRelativePath(uri)}.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await doc.save();
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

// Quick fixes of the language server that create a file (a test payload, server.js) open it once created. A
// command on the code action cannot do it: VS Code drops a code action's command arguments when the diagnostics
// under it change (the fix removes its own diagnostic), and the command then fails. So the files the offered fixes
// would create are noted here (languageClient.ts), and the file-create event of the applied one opens it.
const offeredCreations = new Map<string, number>();
const OFFER_KEEPS_MS = 5 * 60_000;

/** Notes the files these code actions would create (those that do not exist yet). */
export function noteFilesFixesCreate(actions: readonly (vscode.Command | vscode.CodeAction)[] | null | undefined): void {
  const now = Date.now();
  for (const [key, at] of offeredCreations) if (now - at > OFFER_KEEPS_MS) offeredCreations.delete(key);
  for (const a of actions ?? []) {
    if (!('edit' in a) || !a.edit) continue;
    for (const [uri] of a.edit.entries()) {
      if (uri.scheme === 'file' && !existsSync(uri.fsPath)) offeredCreations.set(uri.toString(), now);
    }
  }
}

/** Opens a file a noted quick fix has just created. */
export function openFilesFixesCreate(): vscode.Disposable {
  return vscode.workspace.onDidCreateFiles(async (e) => {
    for (const uri of e.files) {
      if (!offeredCreations.delete(uri.toString())) continue;
      await vscode.window.showTextDocument(uri, { preview: false });
    }
  });
}
