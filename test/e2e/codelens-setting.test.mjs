// `freshsales.codeLens.enabled: false` (user setting) hides the Simulate/Debug lenses; a workspace setting
// turning it back on shows them without a reload (the positive control: the language server is up, so the
// missing lenses are the setting's doing). Private code-server (useEditor's settings option).
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, sleep } from './harness.mjs';

describe('CodeLens setting', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'codelens-setting', settings: { 'freshsales.codeLens.enabled': false } });

  ed.it('freshsales.codeLens.enabled: false: no Simulate/Debug lenses above the handlers of server.js', async (e) => {
    // The server is up once it reports the manifest's problems (a missing handler); then lenses would be there.
    await e.openFile('manifest.json');
    await e.replaceText('onDealUpdateHandler', 'missingHandler');
    await e.waitForProblem('missingHandler');
    await e.key('Mod+Z');
    await e.openFile('server/server.js');
    await sleep(2500); // an absence: give a (wrongly) provided lens the time to render
    const lenses = await e.codeLenses();
    assert.deepEqual(lenses.map((l) => l.text), [], `lenses shown although freshsales.codeLens.enabled is false: ${lenses.map((l) => l.text).join(', ')}`);
  });

  ed.it('turning it on in .vscode/settings.json shows them without a reload', async (e) => {
    mkdirSync(path.join(e.appDir, '.vscode'), { recursive: true });
    writeFileSync(path.join(e.appDir, '.vscode', 'settings.json'), JSON.stringify({ 'freshsales.codeLens.enabled': true }));
    await e.waitForCodeLens('onContactCreateHandler', 'Simulate', { timeout: 20_000 });
    await e.waitForCodeLens('onDealUpdateHandler', 'Debug');
  });
});
