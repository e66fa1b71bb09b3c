// Extension-host tests, written against the `vscode` API only. They expect the workspace to be a copy of
// test/e2e/fixtures/crm-app (manifest.json with onContactCreate + onDealUpdate, server/server.js).
'use strict';
const assert = require('node:assert/strict');
const { waitFor } = require('./runner');

const EXTENSION_ID = 'freshsales-devtools.freshsales-devtools';
const COMMANDS = [
  'freshsales.simulateEvent',
  'freshsales.openSimulator',
  'freshsales.rerunLast',
  'freshsales.createTestPayload',
  'freshsales.registerEvent',
  'freshsales.showLogs',
];

// Later tests need the extension running; without it they fail at once with this, not after a time-out.
async function requireActive(vscode) {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  if (!ext.isActive) {
    try { await ext.activate(); } catch (e) { throw new Error(`${EXTENSION_ID} failed to activate: ${e && e.message}`); }
  }
}

module.exports = function register(test) {
  test('the extension is installed and activates', async ({ vscode }) => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed; installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    await ext.activate();
    assert.equal(ext.isActive, true, 'extension did not become active');
  });

  test('all freshsales.* commands are registered', async ({ vscode }) => {
    await requireActive(vscode);
    const all = await vscode.commands.getCommands(true);
    const missing = COMMANDS.filter((c) => !all.includes(c));
    assert.deepEqual(missing, [], `missing commands: ${missing.join(', ')}; registered freshsales.*: ${all.filter((c) => c.startsWith('freshsales.')).join(', ') || '(none)'}`);
  });

  test('CodeLens "Simulate" above each handler in server/server.js', async ({ vscode, root }) => {
    await requireActive(vscode);
    const uri = vscode.Uri.joinPath(root, 'server', 'server.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lineOf = (name) => doc.getText().split('\n').findIndex((l) => l.includes(`${name}:`));
    let lenses = [];
    const titles = () => lenses.map((l) => `${l.range.start.line}:${l.command ? l.command.title : '(unresolved)'}`);
    await waitFor(async () => {
      lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 10)) || [];
      return ['onContactCreateHandler', 'onDealUpdateHandler'].every((h) =>
        lenses.some((l) => l.range.start.line === lineOf(h) && l.command && /Simulate/.test(l.command.title)));
    }, { timeout: 20_000, message: () => `Simulate lenses on lines ${lineOf('onContactCreateHandler')} and ${lineOf('onDealUpdateHandler')}; got: ${titles().join(', ') || '(no lenses)'}` });
    const lens = lenses.find((l) => l.range.start.line === lineOf('onContactCreateHandler') && /Simulate/.test(l.command.title));
    assert.ok(lens.command.command.startsWith('freshsales.'), `lens runs ${lens.command.command}, expected a freshsales.* command`);
  });

  test('no errors on the valid fixture manifest', async ({ vscode, root }) => {
    await requireActive(vscode);
    const uri = vscode.Uri.joinPath(root, 'manifest.json');
    await vscode.workspace.openTextDocument(uri);
    await new Promise((r) => setTimeout(r, 1500));
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => d.message), [], 'the fixture manifest is valid');
  });

  test('diagnostic for a handler that server.js does not export', async ({ vscode, root }) => {
    await requireActive(vscode);
    const uri = vscode.Uri.joinPath(root, 'manifest.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const at = text.indexOf('"onDealUpdateHandler"');
    assert.ok(at > 0, 'fixture manifest names onDealUpdateHandler');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"onDealUpdateHandler"'.length)), '"missingHandler"');
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
    try {
      let diags = [];
      await waitFor(() => {
        diags = vscode.languages.getDiagnostics(uri);
        return diags.some((d) => d.message.includes('missingHandler'));
      }, { timeout: 20_000, message: () => `a diagnostic naming missingHandler; got: ${diags.map((d) => d.message).join(' | ') || '(none)'}` });
      const d = diags.find((x) => x.message.includes('missingHandler'));
      assert.equal(doc.getText(d.range).replace(/"/g, ''), 'missingHandler', 'the diagnostic covers the handler name');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('completion inside "events" offers Freshsales events', async ({ vscode, root }) => {
    await requireActive(vscode);
    const uri = vscode.Uri.joinPath(root, 'manifest.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"events"'));
    assert.ok(line >= 0, 'fixture manifest has an events block');
    const pos = new vscode.Position(line + 1, 8); // start of the first event key's line, inside "events"
    let labels = [];
    await waitFor(async () => {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, pos);
      labels = (list ? list.items : []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return labels.some((l) => l.includes('onDealCreate'));
    }, { timeout: 15_000, message: () => `onDealCreate among completions; got: ${labels.slice(0, 30).join(', ') || '(none)'}` });
  });

  test('hover on "region" in a test payload describes it', async ({ vscode, root }) => {
    await requireActive(vscode);
    const uri = vscode.Uri.joinPath(root, 'server', 'test_data', 'onContactCreate.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = doc.positionAt(doc.getText().indexOf('"region"') + 2);
    let text = '';
    await waitFor(async () => {
      const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) || [];
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return text.includes('Region where the app is installed');
    }, { timeout: 15_000, message: () => `a hover with "Region where the app is installed"; got: ${JSON.stringify(text) || '(none)'}` });
  });
};
module.exports.requireActive = requireActive;
