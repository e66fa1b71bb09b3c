// The "Simulate" CodeLens above each handler runs it and shows the result in the simulator panel (a webview);
// a payload file's lens runs with that file; the "Debug" lens runs the handler under VS Code's JavaScript
// debugger (the built-in ms-vscode.js-debug): a breakpoint in server.js stops it, Continue lets it finish.
// One window for all (window start-up is most of a file's time).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { paths as installPaths } from '../../scripts/e2e/install.mjs';
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
    await e.key('Mod+Home'); // the lens sits above line 1: only on screen with the editor scrolled to the top
    await e.waitForCodeLens('{', 'with this payload');
    const lenses = await e.codeLensesAbove('{');
    assert.ok(lenses.some((l) => /Simulate onContactCreate with this payload/.test(l)), `lenses at the top: ${lenses.join(', ')}`);
    await e.clickCodeLens('{', 'with this payload');
    await e.webviewFrame(['contact created: 4242', /Success/i], { timeout: 30_000 });
  });

  // ----- Debug (last: it leaves a breakpoint in server.js) -----
  ed.it('code-server ships the JavaScript debugger (ms-vscode.js-debug) as a built-in extension', async () => {
    // <code-server>/out/node/entry.js -> <code-server>/lib/vscode/extensions/ms-vscode.js-debug
    const dir = path.resolve(path.dirname(installPaths().codeServerEntry), '..', '..', 'lib', 'vscode', 'extensions', 'ms-vscode.js-debug');
    assert.ok(existsSync(path.join(dir, 'package.json')), `no ${dir}: code-server ships no JavaScript debugger, so Debug cannot be verified here`);
  });

  ed.it('with a breakpoint on the handler\'s first line, the Debug lens stops there: debug toolbar, "Paused on breakpoint", the handler on the call stack', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onContactCreateHandler', 'Debug');
    // Breakpoint on the first line of the handler body (F9 = Debug: Toggle Breakpoint).
    const lines = e.readAppFile('server/server.js').split('\n');
    const bpLine = lines.findIndex((l) => l.includes("console.log('contact created: '")) + 1;
    await e.goto(bpLine, 5);
    await e.key('F9');
    await waitFor(() => e.page.$('.editor-group-container.active .codicon-debug-breakpoint'),
      { timeout: 5000, message: `a breakpoint glyph in the margin of server.js:${bpLine} after F9` });

    await e.clickCodeLens('onContactCreateHandler', 'Debug');
    let seen = {};
    await waitFor(async () => {
      seen = await e.page.evaluate(() => {
        const bar = document.querySelector('.debug-toolbar');
        return {
          toolbar: !!bar && getComputedStyle(bar).display !== 'none',
          callStack: [...document.querySelectorAll('.debug-call-stack .monaco-list-row')].map((r) => (r.textContent || '').trim()).join(' | '),
          frameGlyph: !!document.querySelector('.codicon-debug-stackframe'),
        };
      });
      return seen.toolbar && /paused on breakpoint/i.test(seen.callStack) && /onContactCreateHandler/.test(seen.callStack) && seen.frameGlyph;
    }, { timeout: 45_000, interval: 500,
      message: () => `the debugger paused on the breakpoint (debug toolbar, "Paused on breakpoint" and onContactCreateHandler in CALL STACK, current-line marker); saw ${JSON.stringify(seen)}` });
    await e.docScreenshot('debug');
  });

  ed.it('the stop is shown in the workspace\'s server.js, not in a read-only copy of the script the runner compiled', async (e) => {
    assert.ok(await e.page.$('.codicon-debug-stackframe'), 'precondition: the debugger is paused (previous test)');
    const tabs = await e.page.$$eval('.tabs-container .tab', (ts) => ts.map((t) => ({
      label: t.getAttribute('aria-label') || '', title: t.getAttribute('title') || t.querySelector('[title]')?.getAttribute('title') || '',
      active: t.classList.contains('active'),
    })));
    // The editor that holds the current-line marker.
    const stopped = await e.page.evaluate(() => {
      const g = document.querySelector('.codicon-debug-stackframe')?.closest('.editor-group-container');
      if (!g) return null;
      const lines = [...g.querySelectorAll('.monaco-editor .view-lines .view-line')]
        .map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent || '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top).map((l) => l.text);
      const tab = g.querySelector('.tab.active');
      return { tab: tab?.getAttribute('aria-label') || '', title: tab?.getAttribute('title') || tab?.querySelector('[title]')?.getAttribute('title') || '', text: lines.join('\n') };
    });
    assert.ok(stopped, 'an editor shows the current-line marker');
    assert.doesNotMatch(stopped.text, /;return exports;/,
      'the debugger stopped in a copy of server.js with the runner\'s appended ";return exports;" (js-debug saw different content than the file on disk and '
      + `opened its own read-only source) instead of the workspace file.\n  stopped in tab ${JSON.stringify(stopped.tab)} ${JSON.stringify(stopped.title)}; tabs: ${JSON.stringify(tabs)}\n  its text:\n${stopped.text}`);
  });

  ed.it('Continue lets the handler finish: the simulator panel shows Success and the log line', async (e) => {
    await e.ensureWorkbenchFocus();
    const cont = await e.page.$('.debug-toolbar .codicon-debug-continue');
    if (cont) await cont.click(); else await e.key('F5');
    let items = [];
    await waitFor(async () => {
      items = await e.statusBarItems();
      return items.some((i) => /onContactCreate \d+ ms/.test(i.text));
    }, { timeout: 30_000, message: () => `the status bar's last-run item "onContactCreate <n> ms"; status bar: ${items.map((i) => i.text).filter(Boolean).join(' | ')}` });
    // The panel may have been covered by the debugger's source editor in its group: bring it to the front.
    const panelTab = await e.page.$('.tabs-container .tab[aria-label*="Freshsales Simulator"]');
    if (panelTab && !(await panelTab.evaluate((t) => t.classList.contains('active')))) await panelTab.click();
    await e.webviewFrame([/contact created: \d+/, /Success/i, /debug|onContactCreateHandler/], { timeout: 20_000 });
    await waitFor(async () => !(await e.page.$('.codicon-debug-stackframe')), { timeout: 10_000, message: 'the current-line marker to go once the session ended' });
  });
});
