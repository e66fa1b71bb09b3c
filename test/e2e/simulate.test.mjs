// The "Simulate" CodeLens above each handler runs it and shows the result in the simulator panel (a webview).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, waitFor } from './harness.mjs';

describe('simulate from CodeLens', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'simulate' });

  ed.it('a "Simulate" CodeLens appears above onContactCreateHandler and onDealUpdateHandler', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onContactCreateHandler', 'Simulate');
    await e.waitForCodeLens('onDealUpdateHandler', 'Simulate');
  });

  ed.it('Simulate onContactCreate: the panel shows Success and the log line', async (e) => {
    await e.openFile('server/server.js');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    // One frame showing both at once; the failure message lists what each webview showed instead.
    await e.webviewFrame(['contact created: 1', /Success/i], { timeout: 30_000 });
  });

  ed.it('Simulate onDealUpdate: the panel shows Failed and "boom"; the stack link opens server.js at the throw', async (e) => {
    await e.openFile('server/server.js');
    await e.clickCodeLens('onDealUpdateHandler', 'Simulate');
    const frame = await e.webviewFrame(['boom', /Fail/i], { timeout: 30_000 });
    const links = await frame.$$eval('a, button, [role="link"], [data-file], [data-line]', (els) =>
      els.map((el, i) => ({ i, text: (el.textContent || '').trim(), title: el.getAttribute('title') || '' })));
    const stack = links.find((l) => /server\.js:?\s*\d*/.test(`${l.text} ${l.title}`));
    assert.ok(stack, `expected a stack link to server.js in the panel; links: ${links.map((l) => JSON.stringify(l.text || l.title)).join(', ') || '(none)'}`);
    await (await frame.$$('a, button, [role="link"], [data-file], [data-line]'))[stack.i].click();
    await e.waitForActiveTab('server.js');
    const throwLine = e.readAppFile('server/server.js').split('\n').findIndex((l) => l.includes("throw new Error('boom')")) + 1;
    let status = '';
    await waitFor(async () => {
      status = await e.page.$eval('#status\\.editor\\.selection', (el) => el.textContent || '').catch(() => '');
      return new RegExp(`Ln ${throwLine}\\b`).test(status);
    }, { timeout: 10_000, message: () => `the cursor on line ${throwLine} (the throw); status bar says "${status}"` });
  });
});
