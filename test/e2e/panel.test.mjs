// The simulator panel itself: payload validation, keyboard use, history (re-run, diff with previous),
// Save Payload against an editor with unsaved changes, and surviving a window reload.
// The fixture's handler is replaced (files option) by one whose returned value depends on the payload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, waitFor, sleep } from './harness.mjs';

const SERVER_JS = `exports = {
  onContactCreateHandler: function (args) {
    console.log('contact created: ' + args.data.contact.id);
    return { contactId: args.data.contact.id, region: args.region };
  },

  onDealUpdateHandler: function (args) {
    throw new Error('boom');
  }
};
`;

function historyRuns(e) {
  try { return JSON.parse(readFileSync(path.join(e.appDir, '.fsdev/history.json'), 'utf8')).runs ?? []; } catch { return []; }
}

describe('simulator panel', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'panel', files: { 'server/server.js': SERVER_JS } });
  let original = '';

  /** The panel's frame (it has the payload textarea), once its payload is loaded. */
  async function panel(e) {
    await e.dismissNotifications(); // the "app targets Node 18" toast covers the panel's lower right
    const frame = await e.webviewFrame([/Payload/, /History/], { timeout: 20_000 });
    await waitFor(() => frame.$eval('#payload', (t) => t.value.includes('"data"')), { timeout: 10_000, message: 'the payload in the panel' });
    return frame;
  }
  const historyCount = (frame) => frame.$$eval('#history li.history-item', (l) => l.length);
  async function waitForHistory(frame, n, what) {
    let count = 0;
    await waitFor(async () => (count = await historyCount(frame)) >= n, { timeout: 30_000,
      message: () => `${what}: ${n} item(s) in the panel's History; it lists ${count}` });
  }

  ed.it('"Freshsales: Open Simulator" opens the panel on onContactCreate with its test payload', async (e) => {
    await e.openFile('server/server.js');
    await e.runCommand('Freshsales: Open Simulator');
    const frame = await panel(e);
    const event = await frame.$eval('#event', (s) => s.options[s.selectedIndex]?.textContent || '');
    assert.match(event, /^onContactCreate/, `the panel selected ${event}`);
    original = await frame.$eval('#payload', (t) => t.value);
    assert.match(original, /"region": "US"/);
  });

  ed.it('editing the payload to "region": "XX" lists a validation error in the panel; fixing it clears it', async (e) => {
    const frame = await panel(e);
    await frame.fill('#payload', original.replace('"region": "US"', '"region": "XX"'));
    const regionLine = original.split('\n').findIndex((l) => l.includes('"region"')) + 1;
    let problems = [];
    await waitFor(async () => {
      problems = await frame.$$eval('#problems li', (l) => l.map((x) => x.textContent || ''));
      return problems.some((p) => p.startsWith(`${regionLine}:`) && /not accepted|region|XX|US/i.test(p));
    }, { timeout: 10_000, message: () => `a problem on line ${regionLine} ("region": "XX") under the payload; listed: ${problems.join(' | ') || '(none)'}` });
    assert.match(await frame.$eval('#problems-summary', (p) => p.textContent || ''), /[1-9]\d* error|problem/);
    await frame.fill('#payload', original);
    await waitFor(async () => /Payload is valid/.test(await frame.$eval('#problems-summary', (p) => p.textContent || '')),
      { timeout: 10_000, message: 'the panel to say "Payload is valid." again' });
  });

  ed.it('keyboard: Tab from the payload reaches the Simulate button; Enter runs it, Space runs it again', async (e) => {
    const frame = await panel(e);
    await frame.fill('#payload', original);
    await waitFor(async () => /Payload is valid/.test(await frame.$eval('#problems-summary', (p) => p.textContent || '')),
      { timeout: 10_000, message: 'a valid payload (no problem links between the payload and the buttons)' });
    const before = await historyCount(frame);
    await frame.focus('#payload');
    await e.page.keyboard.press('Tab');
    const focused = await frame.evaluate(() => document.activeElement?.id || document.activeElement?.outerHTML.slice(0, 120));
    assert.equal(focused, 'simulate', `Tab from the payload focused "${focused}", not the Simulate button`);
    await e.page.keyboard.press('Enter');
    await waitForHistory(frame, before + 1, 'Enter on Simulate');
    await frame.waitForSelector('#status.status-success', { timeout: 20_000 });
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'simulate', 'focus stays on Simulate');
    await e.page.keyboard.press('Space');
    await waitForHistory(frame, before + 2, 'Space on Simulate');
  });

  ed.it('a run with a changed payload: History lists the runs; "Diff with previous" shows the changed value and log line', async (e) => {
    const frame = await panel(e);
    const before = await historyCount(frame);
    await frame.fill('#payload', original.replace('"id": 1,', '"id": 77,'));
    await frame.click('#simulate');
    await waitForHistory(frame, before + 1, 'Simulate with contact id 77');
    await e.webviewFrame(['contact created: 77', /Success/]);
    const items = await frame.$$eval('#history li.history-item', (l) => l.map((x) => x.textContent || ''));
    assert.ok(items.length >= 2 && items.every((t) => /onContactCreate/.test(t)), `History: ${items.join(' | ')}`);
    // The newest item's "Diff with previous".
    await frame.locator('#history li.history-item').nth(0).locator('button', { hasText: 'Diff with previous' }).click({ timeout: 5000 });
    let rows = [];
    await waitFor(async () => {
      rows = await frame.$$eval('#diff-box:not([hidden]) #diff tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => (c.textContent || '').trim())));
      return rows.some((r) => r.join(' ').includes('77'));
    }, { timeout: 10_000, message: () => `a diff row with the new contact id 77; diff rows: ${JSON.stringify(rows)}` });
    const flat = rows.map((r) => r.join(' | ')).join('\n');
    assert.match(flat, /value[\s\S]*"contactId": 1[\s\S]*"contactId": 77/, `the returned value's change (1 -> 77) is in the diff:\n${flat}`);
    assert.match(flat, /contact created: 1[\s\S]*contact created: 77/, `the log line's change is in the diff:\n${flat}`);
  });

  ed.it('Re-run from History repeats an earlier run with its payload', async (e) => {
    const frame = await panel(e);
    const before = await historyCount(frame);
    // The second item is the run before the id-77 one (contact id 1).
    await frame.locator('#history li.history-item').nth(1).locator('button', { hasText: 'Re-run' }).click({ timeout: 5000 });
    await waitForHistory(frame, before + 1, 'Re-run from History');
    await e.webviewFrame(['contact created: 1', /Success/]);
    await waitFor(() => historyRuns(e)[0]?.logs?.some((l) => l.message === 'contact created: 1'), { timeout: 10_000,
      message: () => `the newest run in .fsdev/history.json to log "contact created: 1"; it logged ${JSON.stringify(historyRuns(e)[0]?.logs)}` });
  });

  ed.it('the panel survives a window reload: its tab comes back on the same event', async (e) => {
    await e.reload();
    await waitFor(() => e.page.$('.tabs-container .tab[aria-label*="Freshsales Simulator"]'), { timeout: 20_000,
      message: async () => `a "Freshsales Simulator" tab after the reload; tabs: ${(await e.page.$$eval('.tabs-container .tab', (t) => t.map((x) => x.getAttribute('aria-label')))).join(', ')}` });
    const tab = await e.page.$('.tabs-container .tab[aria-label*="Freshsales Simulator"]');
    if (!(await tab.evaluate((t) => t.classList.contains('active')))) await tab.click();
    const frame = await panel(e);
    const event = await frame.$eval('#event', (s) => s.options[s.selectedIndex]?.textContent || '');
    assert.match(event, /^onContactCreate/, `after the reload the panel selected ${event}`);
    await waitForHistory(frame, 1, 'the history after the reload');
  });

  ed.it('Save Payload while onContactCreate.json has unsaved edits in an editor asks first; Cancel keeps the editor\'s text', async (e) => {
    await e.openFile('server/test_data/onContactCreate.json');
    await e.replaceText('"Ada"', '"Grace"');
    await sleep(300);
    const frame = await panel(e);
    await frame.fill('#payload', original.replace('"Ada"', '"Panel"'));
    await frame.click('#save-payload');
    // A modal question (not a silent overwrite).
    let dialog = '';
    await waitFor(async () => {
      dialog = await e.page.$eval('.monaco-dialog-box', (d) => d.textContent || '').catch(() => '');
      return /unsaved/i.test(dialog);
    }, { timeout: 10_000, message: async () => `a dialog about the editor's unsaved changes; dialog: ${JSON.stringify(dialog)}; editor now: ${(await e.editorText()).slice(0, 400)}` });
    const cancel = await e.page.$('.monaco-dialog-box .monaco-button:has-text("Cancel")');
    if (cancel) await cancel.click(); else await e.key('Escape');
    await sleep(500);
    assert.match(e.readAppFile('server/test_data/onContactCreate.json'), /"Ada"/, 'the file on disk was overwritten');
    await e.openFile('server/test_data/onContactCreate.json');
    const text = await e.editorText();
    assert.match(text, /"Grace"/, `the editor lost its unsaved text:\n${text}`);
    assert.doesNotMatch(text, /"Panel"/, `the panel's text replaced the editor's:\n${text}`);
    const dirty = await e.page.$eval('.tabs-container .tab.active', (t) => t.classList.contains('dirty'));
    assert.ok(dirty, 'the editor still has its unsaved changes');
  });
});
