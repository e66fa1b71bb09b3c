// Restricted mode (workspace not trusted): checks keep working, simulation and the Testing view ask for trust
// instead of running the app's code. Uses a private code-server without --disable-workspace-trust.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, sleep, waitFor } from './harness.mjs';

// A test file that leaves a mark when mocha loads it: it must never load in an untrusted workspace.
const MARKING_TEST = [
  "require('fs').writeFileSync(require('path').join(__dirname, '..', 'test-ran'), 'loaded');",
  "describe('marker', function () { it('passes', function () {}); });",
].join('\n');

describe('untrusted workspace', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'untrusted', trusted: false, files: { 'test/marker.test.js': MARKING_TEST } });

  ed.it('diagnostics still work: a wrong handler name shows a problem', async (e) => {
    await e.openFile('manifest.json');
    await e.replaceText('onDealUpdateHandler', 'missingHandler');
    await e.waitForProblem('missingHandler');
  });

  ed.it('Simulate does not run the handler; it says the workspace must be trusted', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onContactCreateHandler', 'Simulate');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    let toasts = [];
    await waitFor(async () => {
      toasts = await e.notifications();
      return toasts.some((t) => /trust/i.test(t));
    }, { timeout: 15_000, message: () => `a notification about workspace trust; notifications: ${toasts.join(' | ') || '(none)'}` });
    await sleep(1000);
    const ran = (await e.frameTexts()).find((f) => f.text.includes('contact created: 1'));
    assert.ok(!ran, 'the handler ran in an untrusted workspace (its log line is in a webview)');
  });

  // VS Code's own Testing service asks for trust before it calls a run profile ("Running tests may execute code
  // in your workspace"); declined, no test file loads. (Past that request, the extension refuses too, and the
  // language server refuses a run the client does not declare trusted: test/hostile/testchild.test.mjs.)
  ed.it('Run All in the Testing view asks for trust; declined, no test file is loaded', async (e) => {
    await waitFor(async () => {
      try { await e.runCommand('Testing: Focus on Test Explorer View'); } catch { return false; }
      return (await e.page.$('.test-explorer')) !== null;
    }, { timeout: 90_000, message: 'the Test Explorer view' });
    let rows = [];
    await waitFor(async () => {
      rows = await e.page.$$eval('.test-explorer .monaco-list-row', (rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
      return rows.length > 0;
    }, { timeout: 40_000, message: 'the app in the Testing view' });
    await e.runCommand('Test: Run All Tests');
    let dialog = '';
    let toasts = [];
    await waitFor(async () => {
      dialog = await e.page.$eval('.monaco-dialog-box', (d) => d.textContent || '').catch(() => '');
      toasts = await e.notifications();
      return /trust/i.test(dialog) || toasts.some((t) => /needs a trusted workspace/i.test(t));
    }, { timeout: 20_000, message: () => `a request for workspace trust; dialog: ${JSON.stringify(dialog)}; notifications: ${toasts.join(' | ') || '(none)'}` });
    const cancel = await e.page.$('.monaco-dialog-box .monaco-button:has-text("Cancel")');
    if (cancel) await cancel.click();
    await sleep(3000);
    assert.ok(!existsSync(path.join(e.appDir, 'test-ran')), 'a test file was loaded in an untrusted workspace');
  });
});
