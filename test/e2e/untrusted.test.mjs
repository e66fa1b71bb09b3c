// Restricted mode (workspace not trusted): checks keep working, simulation asks for trust instead of running
// the app's code. Uses a private code-server without --disable-workspace-trust.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, sleep, waitFor } from './harness.mjs';

describe('untrusted workspace', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'untrusted', trusted: false });

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
});
