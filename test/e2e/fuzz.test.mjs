// "Fuzz" beside Simulate: the CodeLens fuzzes the handler in the language server, the failure (a list a
// payload may lack) opens in the simulator panel on its shrunk payload, and "Save as test payload" writes
// it as the event's test payload. The Testing view's "Fuzz" run profile fuzzes a payload test's event and fails
// it with the shrunk payload's error; the simulator panel's Fuzz button fuzzes the panel's event.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { sleep, useEditor, waitFor } from './harness.mjs';

const SERVER = `exports = {
  onContactCreateHandler: function (args) {
    var tags = args.data.contact.tags.value;
    return { vip: tags.filter(function (t) { return t === 'vip'; }).length };
  },

  onDealUpdateHandler: function (args) {
    throw new Error('boom');
  }
};
`;
// The fixture's payload, with the tags field object the handler reads (a list, as the bundled default has it).
const PAYLOAD = JSON.stringify({ event: 'onContactCreate', data: { actor: { id: 1 }, contact: { id: 1, tags: { label: 'Tags', type: 'auto_complete', value: [] }, first_name: { label: 'First name', type: 'text', value: 'Ada' } }, associations: {} } }, null, 2);

describe('fuzz from CodeLens', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'fuzz', files: { 'server/server.js': SERVER, 'server/test_data/onContactCreate.json': PAYLOAD } });

  const fuzzFiles = (e) => {
    const dir = path.join(e.appDir, 'server/test_data/fuzz');
    return existsSync(dir) ? readdirSync(dir).filter((f) => /^onContactCreate-[0-9a-f]{10}\.json$/.test(f)) : [];
  };
  const testRows = (e) => e.page.$$eval('.test-explorer .monaco-list-row', (rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));

  ed.it('Testing view: "Execute Using Profile…" › Fuzz on the payload test fails it with the shrunk payload\'s error', async (e) => {
    await waitFor(async () => {
      try { await e.runCommand('Testing: Focus on Test Explorer View'); } catch { return false; }
      return (await e.page.$('.test-explorer')) !== null;
    }, { timeout: 90_000, message: 'the Test Explorer view' });
    const title = 'onContactCreate runs with server/test_data/onContactCreate.json';
    let seen = [];
    await waitFor(async () => {
      const collapsed = await e.page.$('.test-explorer .monaco-list-row[aria-expanded="false"] .monaco-tl-twistie');
      if (collapsed) { await collapsed.click(); await sleep(200); }
      seen = await testRows(e);
      return seen.some((l) => l.includes(title));
    }, { timeout: 60_000, message: () => `the payload test in the Testing view; rows: ${seen.join(' | ') || '(none)'}` });
    const before = e.readAppFile('server/test_data/onContactCreate.json');
    // The profile is not the default one: it is picked from the test's context menu.
    // The menu can swallow the first click while it is still opening (CI saw the item highlighted, no picker):
    // open it and choose the item again until the profile picker is up.
    const pickerUp = async () => (await e.quickPickLabels()).some((l) => /^Fuzz/.test(l));
    for (let attempt = 1; ; attempt++) {
      await e.page.click(`.test-explorer .monaco-list-row[aria-label*="${title}"]`, { button: 'right' });
      const item = e.page.locator('.context-view .action-label, .monaco-menu .action-label', { hasText: 'Execute Using Profile' }).first();
      await item.waitFor({ timeout: 10_000 });
      await sleep(300);
      await item.click();
      try {
        await waitFor(pickerUp, { timeout: 5_000, message: 'the Fuzz profile in the picker' });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await e.key('Escape');
      }
    }
    const labels = await e.quickPickLabels();
    const rows = await e.page.$$('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows[labels.findIndex((l) => /^Fuzz/.test(l))].click();
    await waitFor(async () => {
      seen = await testRows(e);
      return seen.some((l) => l.includes(title) && /fail/i.test(l));
    }, { timeout: 180_000, message: () => `the payload test failed by the Fuzz profile; rows: ${seen.join(' | ')}` });
    // The failure was shrunk and saved, as `fsdev fuzz` does; the test payload itself is left as it was.
    assert.equal(fuzzFiles(e).length, 1, 'one shrunk payload under server/test_data/fuzz/');
    assert.equal(e.readAppFile('server/test_data/onContactCreate.json'), before);
    // The run is the Fuzz profile's, and its message is the error the shrunk payload causes (Test Results view).
    const result = e.page.locator('.part.panel .monaco-list-row', { hasText: 'onContactCreate runs with' }).first();
    await result.waitFor({ timeout: 20_000 });
    assert.ok((await e.page.locator('.part.panel').innerText()).includes('Fuzz'), 'a test run named "Fuzz" in Test Results');
    await result.click();
    let text = '';
    await waitFor(async () => /reading '(value|filter)'/.test(text = await e.page.locator('.part.panel').innerText()),
      { timeout: 20_000, message: () => `the fuzz failure's message in Test Results; the panel shows ${JSON.stringify(text.slice(0, 600))}` });
    // The lens test below looks for its own saved payload.
    rmSync(path.join(e.appDir, 'server/test_data/fuzz'), { recursive: true, force: true });
  });

  ed.it('Fuzz finds the failure, opens it in the panel, and "Save as test payload" writes the file', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onContactCreateHandler', 'Fuzz');
    await e.clickCodeLens('onContactCreateHandler', 'Fuzz');
    // The panel runs the shrunk payload: the error of the handler's line 3.
    await e.webviewFrame([/reading '(value|filter)'/, /Fail/i], { timeout: 120_000 });
    const save = e.page.locator('.notification-toast .monaco-button', { hasText: 'Save as test payload' }).first();
    await save.waitFor({ timeout: 60_000 });
    await save.click();
    // The event has a test payload already: a modal asks before replacing it.
    const replace = e.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Replace' }).first();
    await replace.waitFor({ timeout: 15_000 });
    await replace.click();
    let saved;
    await waitFor(() => {
      try { saved = JSON.parse(e.readAppFile('server/test_data/onContactCreate.json')); } catch { return false; }
      return !saved.data.contact.tags || saved.data.contact.tags.value === null;
    }, { timeout: 15_000, message: () => `the shrunk payload in server/test_data/onContactCreate.json; it holds ${JSON.stringify(saved?.data?.contact)}` });
    assert.equal(saved.event, 'onContactCreate');
    assert.equal(saved.data.contact.id, 1);
    // The fuzz also kept it under server/test_data/fuzz/ for `fsdev simulate --payload`.
    assert.ok(readdirSync(path.join(e.appDir, 'server/test_data/fuzz')).some((f) => /^onContactCreate-[0-9a-f]{10}\.json$/.test(f)));
  });

  ed.it('the simulator panel\'s Fuzz button fuzzes its event: the failure notification, and "Create regression test" writes the test', async (e) => {
    await e.dismissNotifications();
    // The saved payload's editor is in front of the panel, in the same group: bring the panel's tab forward (a click
    // on a tab scrolled half out of the tab bar can be lost: until it is the active tab). The webview is loaded again
    // when its tab comes forward: a frame found just before may be detached, so it is found again.
    for (let attempt = 0; ; attempt++) {
      try {
        const tab = e.page.locator('.tab', { hasText: 'Freshsales Simulator' }).first();
        await tab.scrollIntoViewIfNeeded().catch(() => {});
        await tab.click();
        await waitFor(async () => /\bactive\b/.test(await tab.getAttribute('class') ?? ''), { timeout: 3000, message: 'the simulator panel\'s tab active' });
        const frame = await e.webviewFrame([/Payload/, /History/], { timeout: 20_000 });
        await waitFor(() => frame.$eval('#fuzz', (b) => !b.disabled), { timeout: 20_000, message: 'the Fuzz button enabled' });
        const event = await frame.$eval('#event', (s) => s.options[s.selectedIndex]?.textContent || '');
        assert.match(event, /^onContactCreate/);
        await frame.click('#fuzz');
        break;
      } catch (err) {
        if (attempt >= 2 || !/detached|tab active|webview containing/i.test(String(err?.message))) throw err;
      }
    }
    const create = e.page.locator('.notification-toast', { hasText: /onContactCreate failed after \d+ runs/ }).locator('.monaco-button', { hasText: 'Create regression test' }).first();
    await create.waitFor({ timeout: 120_000 });
    await create.click();
    let tests = [];
    await waitFor(() => {
      try { tests = readdirSync(path.join(e.appDir, 'test')).filter((f) => /^fuzz-onContactCreate-[0-9a-f]{10}\.test\.js$/.test(f)); } catch { return false; }
      return tests.length > 0;
    }, { timeout: 15_000, message: 'test/fuzz-onContactCreate-<hash>.test.js written' });
    assert.match(e.readAppFile(`test/${tests[0]}`), /this\.invoke\('onContactCreate'/);
  });
});
