// The "Freshsales" view container: the Events view lists the manifest's events; clicking one opens the
// simulator panel on it, and Simulate there runs the handler.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { useEditor, waitFor, sleep } from './harness.mjs';

describe('Freshsales sidebar', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'sidebar' });

  async function openSidebar(e) {
    let items = [];
    const item = await waitFor(async () => {
      items = await e.activityBarItems();
      return items.find((i) => /Freshsales/i.test(i));
    }, { timeout: 20_000, message: () => `a "Freshsales" activity bar item; activity bar has: ${items.join(', ')}` });
    const selected = await e.page.$(`.activitybar .action-item.checked [aria-label="${item}"]`);
    if (!selected) await e.page.click(`.activitybar .action-item [aria-label="${item}"]`);
    await sleep(500);
  }

  ed.it('the Events view lists onContactCreate and onDealUpdate', async (e) => {
    await openSidebar(e);
    let rows = [];
    await waitFor(async () => {
      rows = await e.sideBarRows();
      return ['onContactCreate', 'onDealUpdate'].every((n) => rows.some((r) => r.includes(n)));
    }, { timeout: 20_000, message: () => `onContactCreate and onDealUpdate in the Freshsales side bar; rows: ${rows.join(' | ') || '(none)'}` });
  });

  ed.it('clicking an event opens the simulator panel on it; Simulate there runs the handler', async (e) => {
    await openSidebar(e);
    const row = await e.page.waitForSelector('.sidebar .monaco-list-row:has-text("onContactCreate")', { timeout: 20_000 });
    await row.click();
    const frame = await e.webviewFrame('onContactCreate', { timeout: 20_000 });
    const buttons = await frame.$$eval('button, a, [role="button"]', (els) => els.map((el) => (el.textContent || el.getAttribute('aria-label') || '').trim()));
    const idx = buttons.findIndex((b) => /^(▶\s*)?Simulate|^Run\b/i.test(b));
    assert.ok(idx >= 0, `expected a Simulate button in the panel; buttons: ${buttons.map((b) => JSON.stringify(b)).join(', ') || '(none)'}`);
    await (await frame.$$('button, a, [role="button"]'))[idx].click();
    await e.webviewFrame(['contact created: 1', /Success/i], { timeout: 30_000 });
  });

  /** The tree row whose label starts with `name` (aria-label: "name, description"). */
  async function row(e, name) {
    return waitFor(async () => {
      for (const r of await e.page.$$('.sidebar .monaco-list-row')) {
        const l = (await r.getAttribute('aria-label')) || (await r.textContent()) || '';
        if (l === name || l.startsWith(`${name},`) || l.startsWith(`${name} `) || (await r.$eval('.label-name', (n) => n.textContent).catch(() => '')) === name) return r;
      }
      return null;
    }, { timeout: 15_000, message: async () => `a side bar row "${name}"; rows: ${(await e.sideBarRows()).join(' | ')}` });
  }

  /** Hover a tree row and click its inline action whose title contains `title`. */
  async function inlineAction(e, name, title) {
    const r = await row(e, name);
    await r.hover();
    const actions = await r.$$eval('.actions .action-label', (as) => as.map((a) => a.getAttribute('aria-label') || a.getAttribute('title') || ''));
    const i = actions.findIndex((a) => a.includes(title));
    assert.ok(i >= 0, `row "${name}" has no inline action "${title}"; it has: ${actions.join(', ') || '(none)'}`);
    await (await r.$$('.actions .action-label'))[i].click();
  }

  ed.it('Open Payload (inline) opens the event\'s test payload; with the buttons showing, the event\'s name is not cut', async (e) => {
    await openSidebar(e);
    const r = await row(e, 'onContactCreate');
    await r.hover();
    await sleep(300);
    const fit = await r.evaluate((el) => {
      // The name's own box against the box that clips it (ellipsis) and the buttons' left edge.
      const name = el.querySelector('.label-name');
      const clip = name.closest('.monaco-icon-label-container') ?? name.parentElement;
      const actions = el.querySelector('.actions .actions-container');
      const n = name.getBoundingClientRect();
      const a = actions ? actions.getBoundingClientRect() : { left: Infinity, width: 0 };
      return { text: name.textContent, right: n.right, clipRight: clip.getBoundingClientRect().right, actionsLeft: a.left, actionsWidth: a.width };
    });
    assert.ok(fit.actionsWidth > 0, `the inline buttons show on hover: ${JSON.stringify(fit)}`);
    assert.ok(fit.right <= fit.clipRight + 1 && fit.right <= fit.actionsLeft + 1, `"${fit.text}" is cut by the inline buttons: ${JSON.stringify(fit)}`);
    await inlineAction(e, 'onContactCreate', 'Open Payload');
    await e.waitForActiveTab('onContactCreate.json');
  });

  ed.it('Register on an available event adds it to manifest.json (shown in the editor); Ctrl+Z there removes it', async (e) => {
    await openSidebar(e);
    const avail = await row(e, 'Available events');
    if ((await avail.getAttribute('aria-expanded')) !== 'true') await avail.click();
    // The first event listed under "Available events".
    const name = await waitFor(async () => {
      const rows = await e.page.$$eval('.sidebar .monaco-list-row', (rs) => rs.map((r) => ({
        name: r.querySelector('.label-name')?.textContent || '', desc: r.querySelector('.label-description')?.textContent || '' })));
      return rows.find((r) => /not registered/.test(r.desc))?.name;
    }, { timeout: 15_000, message: 'an event marked "not registered" under Available events' });
    await e.docScreenshot('sidebar');
    await inlineAction(e, name, 'Register Event');
    await e.waitForActiveTab('manifest.json');
    await waitFor(async () => (await e.editorText()).includes(`"${name}"`), { timeout: 10_000,
      message: async () => `"${name}" in the manifest editor; it reads:\n${await e.editorText()}` });
    assert.doesNotMatch(e.readAppFile('manifest.json'), new RegExp(`"${name}"`), 'Register saved the manifest (it should leave the edit unsaved)');
    await e.focusEditor();
    await e.key('Mod+Z');
    await waitFor(async () => !(await e.editorText()).includes(`"${name}"`), { timeout: 5000,
      message: async () => `Undo to remove "${name}"; the manifest editor reads:\n${await e.editorText()}` });
    const text = await e.editorText();
    assert.match(text, /"onContactCreate"/, `Undo removed more than the registration:\n${text}`);
    await e.save(); // back to the saved state: nothing left dirty for the next tests
  });

  ed.it('Create Test Payload (inline, on an event without one) creates server/test_data/onDealUpdate.json with the default payload and opens it', async (e) => {
    await openSidebar(e);
    const file = path.join(e.appDir, 'server/test_data/onDealUpdate.json');
    assert.ok(!existsSync(file), 'precondition: the fixture has no onDealUpdate.json');
    await inlineAction(e, 'onDealUpdate', 'Create Test Payload');
    await e.waitForActiveTab('onDealUpdate.json');
    await waitFor(() => existsSync(file), { timeout: 10_000, message: `${file} on disk` });
    const payload = JSON.parse(e.readAppFile('server/test_data/onDealUpdate.json'));
    assert.equal(payload.event, 'onDealUpdate', `the created payload is onDealUpdate's default; it is: ${JSON.stringify(payload).slice(0, 300)}`);
    assert.ok(payload.data && typeof payload.data === 'object', 'the default payload has a data object');
    // The editor shows the file (its first lines; the rest is scrolled out of view).
    const head = e.readAppFile('server/test_data/onDealUpdate.json').split('\n').slice(0, 3).join('\n');
    await waitFor(async () => (await e.editorText()).startsWith(head), { timeout: 10_000,
      message: async () => `the editor to show the new payload (starting ${JSON.stringify(head)}); it shows:\n${(await e.editorText()).slice(0, 300)}` });
  });

  ed.it('Go to Handler (inline) opens server.js at the onContactCreateHandler callback', async (e) => {
    await openSidebar(e);
    await inlineAction(e, 'onContactCreate', 'Go to Handler');
    await e.waitForActiveTab('server.js');
    const line = e.readAppFile('server/server.js').split('\n').findIndex((l) => l.includes('onContactCreateHandler')) + 1;
    let status = '';
    await waitFor(async () => {
      status = await e.page.$eval('#status\\.editor\\.selection', (el) => el.textContent || '').catch(() => '');
      return new RegExp(`Ln ${line}\\b`).test(status);
    }, { timeout: 10_000, message: () => `the cursor on line ${line} (onContactCreateHandler); status bar says "${status}"` });
  });
});
