// The palette commands (category "Freshsales") and the last-run status bar item.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, waitFor, sleep } from './harness.mjs';

/** Runs recorded in the app's history file (.fsdev/history.json, newest first). */
function historyRuns(e) {
  const f = path.join(e.appDir, '.fsdev/history.json');
  try { return JSON.parse(readFileSync(f, 'utf8')).runs ?? []; } catch { return []; }
}

async function waitForRuns(e, n, what) {
  await waitFor(() => historyRuns(e).length >= n, { timeout: 30_000,
    message: () => `${what}: ${n} run(s) in .fsdev/history.json; there are ${historyRuns(e).length}` });
  return historyRuns(e);
}

/** With a quick pick open, click the row whose label starts with `label`. */
async function pick(e, label) {
  let labels = [];
  await waitFor(async () => { labels = await e.quickPickLabels(); return labels.some((l) => l.startsWith(label)); },
    { timeout: 10_000, message: () => `a quick pick row "${label}"; rows: ${labels.join(' | ') || '(none)'}` });
  const rows = await e.page.$$('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows[labels.findIndex((l) => l.startsWith(label))].click();
}

async function lastRunItem(e, re) {
  let items = [];
  return waitFor(async () => {
    items = await e.statusBarItems();
    return items.find((i) => re.test(i.text));
  }, { timeout: 30_000, message: () => `a status bar item matching ${re}; status bar: ${items.map((i) => i.text).filter(Boolean).join(' | ')}` });
}

describe('palette commands and the status bar item', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'commands' });

  ed.it('"Freshsales: Simulate Event…" lists the registered events; picking onDealUpdate runs it', async (e) => {
    await e.openFile('server/server.js');
    await e.runCommand('Freshsales: Simulate Event');
    let labels = [];
    await waitFor(async () => { labels = await e.quickPickLabels(); return labels.some((l) => l.startsWith('onContactCreate')) && labels.some((l) => l.startsWith('onDealUpdate')); },
      { timeout: 15_000, message: () => `onContactCreate and onDealUpdate in the quick pick; rows: ${labels.join(' | ') || '(none)'}` });
    assert.ok(!labels.some((l) => /^onDealCreate\b/.test(l)), `an unregistered event is listed: ${labels.join(' | ')}`);
    await pick(e, 'onDealUpdate');
    await e.webviewFrame(['boom', /Failed/], { timeout: 30_000 });
    await lastRunItem(e, /onDealUpdate failed/);
  });

  ed.it('after that run, Simulate Event… lists onDealUpdate first (recently used); picking onContactCreate shows it with a duration in the status bar', async (e) => {
    await e.runCommand('Freshsales: Simulate Event');
    let labels = [];
    await waitFor(async () => { labels = await e.quickPickLabels(); return labels.length >= 2; },
      { timeout: 15_000, message: () => `the event quick pick; rows: ${labels.join(' | ') || '(none)'}` });
    assert.match(labels[0], /^onDealUpdate/, `the recently used event comes first; rows: ${labels.join(' | ')}`);
    await pick(e, 'onContactCreate');
    await e.webviewFrame(['contact created: 1', /Success/], { timeout: 30_000 });
    await lastRunItem(e, /onContactCreate \d+ ms/);
  });

  ed.it('"Freshsales: Re-run Last Simulation" runs onContactCreate again (a new run in the history)', async (e) => {
    const before = (await waitForRuns(e, 2, 'the two runs so far')).length;
    await e.runCommand('Freshsales: Re-run Last Simulation');
    const runs = await waitForRuns(e, before + 1, 'Re-run Last Simulation');
    assert.equal(runs[0].event, 'onContactCreate');
    await e.webviewFrame([/History/, /Success/], { timeout: 10_000 });
  });

  ed.it('clicking the status bar item re-runs the last simulation', async (e) => {
    const before = historyRuns(e).length;
    const item = await lastRunItem(e, /onContactCreate \d+ ms/);
    await e.page.click(`.statusbar-item:has-text("onContactCreate")`);
    const runs = await waitForRuns(e, before + 1, `a click on the status bar item "${item.text}"`);
    assert.equal(runs[0].event, 'onContactCreate');
  });

  ed.it('"Freshsales: Show Logs" opens "Freshsales Handler Logs" with the handler\'s log line', async (e) => {
    await e.runCommand('Freshsales: Show Logs');
    let text = '';
    await waitFor(async () => {
      text = await e.panelEditorText();
      return /contact created: 1/.test(text);
    }, { timeout: 15_000, message: () => `"contact created: 1" in the Output panel; it shows:\n${text || '(nothing)'}` });
    const channel = await e.page.$eval('.part.panel select.monaco-select-box, .part.panel .monaco-select-box', (s) => s.value || s.title || s.textContent || '').catch(() => '');
    const title = channel || await e.page.$eval('.part.panel', (p) => p.textContent || '');
    assert.match(title, /Freshsales Handler Logs/, `the Output view shows another channel: ${channel}`);
    await e.key('Escape');
  });

  ed.it('"Freshsales: Create Test Payload" for onDealUpdate (no payload yet) creates and opens server/test_data/onDealUpdate.json', async (e) => {
    const file = path.join(e.appDir, 'server/test_data/onDealUpdate.json');
    assert.ok(!existsSync(file), 'precondition: no onDealUpdate.json');
    await e.runCommand('Freshsales: Create Test Payload');
    await pick(e, 'onDealUpdate');
    await e.waitForActiveTab('onDealUpdate.json');
    await waitFor(() => existsSync(file), { timeout: 10_000, message: `${file} on disk` });
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).event, 'onDealUpdate');
    await sleep(100);
  });
});
