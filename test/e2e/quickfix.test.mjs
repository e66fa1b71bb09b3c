// A manifest handler that server.js does not export: a problem, a quick fix that creates the callback, and
// the problem goes away. A quick fix that creates a file (a test payload) opens it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { useEditor, sleep, waitFor } from './harness.mjs';

describe('missing handler: problem and quick fix', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'quickfix' });

  ed.it('"handler": "missingHandler" shows a problem in the Problems panel', async (e) => {
    await e.openFile('manifest.json');
    await e.replaceText('onDealUpdateHandler', 'missingHandler');
    await e.save();
    const rows = await e.waitForProblem('missingHandler');
    assert.ok(rows.some((r) => r.includes('missingHandler')));
  });

  ed.it('Control+. offers "Create callback \'missingHandler\' in server.js"; applying it fixes the problem', async (e) => {
    await e.openFile('manifest.json');
    await e.cursorAt('missingHandler', 2);
    const labels = await e.quickFixes({ expect: 'missingHandler' });
    const fix = labels.find((l) => /missingHandler/.test(l) && /server\.js|create|add/i.test(l));
    assert.ok(fix, `expected a quick fix like "Create callback 'missingHandler' in server.js"; offered: ${labels.join(' | ')}`);
    if (process.env.FSDEV_SCREENSHOTS === '1') {
      // The problem in the Problems panel (below) and the quick-fix menu open on it in the manifest.
      await e.key('Escape');
      await e.problems();
      await e.openFile('manifest.json');
      await e.cursorAt('missingHandler', 2);
      await e.quickFixes({ expect: 'missingHandler' });
      await e.docScreenshot('problem-quickfix');
    }
    await e.applyQuickFix(fix);
    await sleep(500);
    await e.openFile('server/server.js');
    const text = await e.editorText();
    assert.match(text, /missingHandler\s*(:\s*(async\s*)?function|\()/, `server.js has no missingHandler callback after the fix:\n${text}`);
    assert.match(text, /onContactCreateHandler/, 'the existing handlers are kept');
    await e.save();
    await e.waitForNoProblem('missingHandler');
  });
});

describe('a quick fix that creates a file opens it', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'quickfix-create' });

  ed.it('"Create server/test_data/onDealUpdate.json from the bundled default payload" creates the file and shows it', async (e) => {
    await e.openFile('manifest.json');
    await e.cursorAt('"onDealUpdate"', 2);
    const labels = await e.quickFixes({ expect: 'onDealUpdate.json' });
    const fix = labels.find((l) => /Create server\/test_data\/onDealUpdate\.json from the bundled default payload/.test(l));
    assert.ok(fix, `the create-payload fix; offered: ${labels.join(' | ')}`);
    await e.applyQuickFix(fix);
    await e.waitForActiveTab('onDealUpdate.json');
    // The edit creates the file, then fills it: wait until it is there with its content (seen empty in between).
    const written = () => {
      if (!existsSync(path.join(e.appDir, 'server/test_data/onDealUpdate.json'))) return false;
      try { return JSON.parse(e.readAppFile('server/test_data/onDealUpdate.json')).event === 'onDealUpdate'; } catch { return false; }
    };
    await waitFor(written, { timeout: 10_000, message: () => `onDealUpdate.json on disk with the default payload; it holds: ${JSON.stringify(e.readAppFile('server/test_data/onDealUpdate.json').slice(0, 200))}` });
    // The editor shows the new file (its first lines; the rest is scrolled out of view).
    const head = e.readAppFile('server/test_data/onDealUpdate.json').split('\n').slice(0, 3).join('\n');
    await waitFor(async () => (await e.editorText()).startsWith(head), { timeout: 10_000,
      message: async () => `the editor to show the new payload (starting ${JSON.stringify(head)}); it shows:\n${(await e.editorText()).slice(0, 300)}` });
  });
});
