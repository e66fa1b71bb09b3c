// The "Freshsales" view container: the Events view lists the manifest's events; clicking one opens the
// simulator panel on it, and Simulate there runs the handler.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
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
});
