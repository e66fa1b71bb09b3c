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
    await e.waitForCodeLens('onContactCreateHandler', 'Debug');
    await e.docScreenshot('codelens');
  });

  ed.it('Simulate onContactCreate: the panel shows Success and the log line', async (e) => {
    await e.openFile('server/server.js');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    // One frame showing both at once; the failure message lists what each webview showed instead.
    const frame = await e.webviewFrame(['contact created: 1', /Success/i], { timeout: 30_000 });
    if (process.env.FSDEV_SCREENSHOTS === '1') await frame.$eval('#simulate', (el) => el.scrollIntoView({ block: 'start' })).catch(() => {});
    await e.docScreenshot('panel-success');
  });

  ed.it('Simulate onDealUpdate: the panel shows Failed and "boom"; the stack link opens server.js at the throw', async (e) => {
    await e.openFile('server/server.js');
    await e.clickCodeLens('onDealUpdateHandler', 'Simulate');
    const frame = await e.webviewFrame(['boom', /Fail/i], { timeout: 30_000 });
    // The error section is below the logs: scroll it into view for the README shot.
    if (process.env.FSDEV_SCREENSHOTS === '1') await frame.$eval('#error-box', (el) => el.scrollIntoView({ block: 'start' })).catch(() => {});
    await e.docScreenshot('panel-failed');
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

  // Last in this file: it changes the payload file the lenses above use.
  ed.it('a payload file\'s "▶ Simulate onContactCreate with this payload" lens (line 1) runs the handler with that file', async (e) => {
    await e.openFile('server/test_data/onContactCreate.json');
    await e.replaceText('"id": 1,', '"id": 4242,');
    await e.save();
    await e.waitForCodeLens('{', 'with this payload');
    const lenses = await e.codeLensesAbove('{');
    assert.ok(lenses.some((l) => /Simulate onContactCreate with this payload/.test(l)), `lenses at the top: ${lenses.join(', ')}`);
    await e.clickCodeLens('{', 'with this payload');
    await e.webviewFrame(['contact created: 4242', /Success/i], { timeout: 30_000 });
  });
});
