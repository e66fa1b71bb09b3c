// `freshsales.codeLens.enabled: false` (user setting, useEditor's settings option: a private code-server)
// hides the Simulate/Debug lenses. The workspace setting turning it on shows them without a reload, and
// turning it off again hides them: that last absence is checked with the language server known to be up.
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, waitFor, sleep } from './harness.mjs';

function workspaceSetting(e, value) {
  mkdirSync(path.join(e.appDir, '.vscode'), { recursive: true });
  writeFileSync(path.join(e.appDir, '.vscode', 'settings.json'), JSON.stringify({ 'freshsales.codeLens.enabled': value }));
}

describe('CodeLens setting', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'codelens-setting', settings: { 'freshsales.codeLens.enabled': false } });

  ed.it('freshsales.codeLens.enabled: false: no Simulate/Debug lenses above the handlers of server.js', async (e) => {
    await e.openFile('server/server.js');
    await sleep(2000); // an absence: give a (wrongly) provided lens the time to render
    const lenses = await e.codeLenses();
    assert.deepEqual(lenses.map((l) => l.text), [], `lenses shown although freshsales.codeLens.enabled is false: ${lenses.map((l) => l.text).join(', ')}`);
  });

  ed.it('true in .vscode/settings.json shows them without a reload; false there hides them again', async (e) => {
    workspaceSetting(e, true);
    await e.waitForCodeLens('onContactCreateHandler', 'Simulate', { timeout: 20_000 });
    await e.waitForCodeLens('onDealUpdateHandler', 'Debug');
    workspaceSetting(e, false);
    let lenses = [];
    await waitFor(async () => (lenses = await e.codeLenses()).length === 0, { timeout: 10_000,
      message: () => `the lenses to go after setting freshsales.codeLens.enabled back to false; shown: ${lenses.map((l) => l.text).join(', ')}` });
  });
});
