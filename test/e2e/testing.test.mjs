// The Testing view in the real editor: the example app's mocha tests are listed (parsed, not run), Run All
// shows passes and one failing test with its message at its line, Run with Coverage shows percentages and
// marks the covered lines in server.js, and a payload test runs the payload's unsaved text. The window opens a copy of examples/crm-app with one failing test added.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useEditor, waitFor, sleep } from './harness.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAILING = [
  "const assert = require('assert');",
  '',
  "describe('a failing test', function () {",
  "  it('expects the wrong count', async function () {",
  "    this.stub('$db', 'get').rejects({ status: 404 });",
  "    this.stub('$db', 'set').resolves({ Created: true });",
  "    const r = await this.invoke('onContactCreate', { data: { contact: { id: 1 }, associations: { owner: { id: 2, name: 'Ann' } } } });",
  '    assert.strictEqual(r.count, 2);',
  '  });',
  '});',
].join('\n');

describe('Testing view', () => {
  const ed = useEditor({ fixture: path.join(repoRoot, 'examples/crm-app'), name: 'testing', files: { 'test/zz-failing.test.js': FAILING } });

  const rows = (e) => e.page.$$eval('.test-explorer .monaco-list-row', (rs) => rs.map((r) => ({
    label: r.getAttribute('aria-label') ?? '', expanded: r.getAttribute('aria-expanded'), text: (r.textContent ?? '').trim(),
  })));

  async function expandAll(e) {
    for (let i = 0; i < 30; i++) {
      const collapsed = await e.page.$('.test-explorer .monaco-list-row[aria-expanded="false"] .monaco-tl-twistie');
      if (!collapsed) return;
      await collapsed.click();
      await sleep(200);
    }
  }

  ed.it('lists the example app\'s describe/it blocks and the payload tests', async (e) => {
    // The view is there once the extension has registered its test controller (activation may take a while).
    await waitFor(async () => {
      try { await e.runCommand('Testing: Focus on Test Explorer View'); } catch { return false; }
      return (await e.page.$('.test-explorer')) !== null;
    }, { timeout: 90_000, message: 'the Test Explorer view' });
    let seen = [];
    await waitFor(async () => {
      await expandAll(e);
      seen = (await rows(e)).map((r) => r.label);
      return ['onContactCreate', 'starts the count of a new owner at 1', 'stays quiet when the amount did not change',
        'completes the installation', 'expects the wrong count', 'onDealUpdate runs with server/test_data/onDealUpdate.json']
        .every((t) => seen.some((l) => l.includes(t)));
    }, { timeout: 40_000, message: () => `the tests in the Testing view; rows: ${seen.join(' | ') || '(none)'}` });
  });

  ed.it('Run All: passes, and the failing test with its message at its line', async (e) => {
    await e.openFile('test/zz-failing.test.js');
    await e.runCommand('Test: Run All Tests');
    let seen = [];
    await waitFor(async () => {
      seen = await rows(e);
      return seen.some((r) => /expects the wrong count/.test(r.label) && /fail/i.test(r.label))
        && seen.some((r) => /starts the count of a new owner at 1/.test(r.label) && /pass/i.test(r.label));
    }, { timeout: 60_000, message: () => `passed and failed tests; rows: ${seen.map((r) => r.label).join(' | ')}` });
    // The assertion's message is shown in the editor at line 8 (`assert.strictEqual(r.count, 2);`).
    let found;
    await waitFor(async () => {
      found = await e.page.evaluate(() => {
        // VS Code shows a failure's message in a content widget at the end of the failing line.
        const msg = document.querySelector('.test-error-content-widget');
        if (!msg) return { msg: null };
        const ed = msg.closest('.monaco-editor');
        const top = msg.getBoundingClientRect().top;
        const line = [...ed.querySelectorAll('.line-numbers')].find((n) => Math.abs(n.getBoundingClientRect().top - top) < 10);
        return { msg: msg.textContent, line: line?.textContent?.trim() };
      });
      return /1 != 2|1 !== 2/.test(found.msg ?? '') && found.line === '8';
    }, { timeout: 20_000, message: () => `the failure message at line 8 of the test file; found ${JSON.stringify(found)}` });
    await e.screenshot('testing-run-all');
  });

  ed.it('Run with Coverage: per-file percentages and covered lines in server.js', async (e) => {
    await e.runCommand('Test: Run All Tests with Coverage');
    let text = '';
    await waitFor(async () => {
      text = await e.page.$$eval('.monaco-list-row[aria-label*="coverage"]', (rs) => rs.map((r) => (r.textContent ?? '').trim().slice(0, 80)).join(' | '));
      return /server\.js\s*100\.00%/.test(text) && /format\.js\s*100\.00%/.test(text);
    }, { timeout: 60_000, message: () => `coverage rows for server.js and lib/format.js with their percentages; rows: ${text}` });
    // The summary against the Marketplace's 80 % line is in the run's output.
    await e.openFile('server/server.js');
    let classes = [];
    await waitFor(async () => {
      classes = await e.page.$$eval('.monaco-editor [class*="coverage"]', (els) => els.map((el) => el.className));
      return classes.length > 0;
    }, { timeout: 20_000, message: () => `coverage marks in server.js (elements with a coverage class: ${classes.length})` });
    await e.screenshot('testing-coverage-marks');
    await e.screenshot('testing-coverage');
    assert.ok(classes.some((c) => /coverage-deco-hit/.test(c)), 'covered lines are marked as hit');
  });

  ed.it('Create test (CodeLens) writes test/onAppInstall.test.js, and the Testing view lists it', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onAppInstallHandler', 'Create test');
    await e.clickCodeLens('onAppInstallHandler', 'Create test');
    await e.waitForActiveTab('onAppInstall.test.js', 20_000);
    const text = await waitFor(async () => e.readAppFile('test/onAppInstall.test.js'), { timeout: 10_000, message: 'test/onAppInstall.test.js on disk' });
    assert.match(text, /this\.invoke\('onAppInstall', payload\)/);
    assert.match(text, /this\.stub\('\$db', 'set'\)/);
    // The new file's describe and it are test items at once (parsed, not run): their run buttons are in its gutter.
    let glyphs = 0;
    await waitFor(async () => {
      glyphs = (await e.page.$$('.monaco-editor .testing-run-glyph')).length;
      return glyphs >= 2;
    }, { timeout: 30_000, message: () => `run buttons for the new describe and it in the gutter (found ${glyphs})` });
  });
  ed.it('a payload test runs the payload as it stands in the editor, unsaved edits included', async (e) => {
    const rel = 'server/test_data/onContactCreate.json';
    const payloadRow = (r) => /onContactCreate runs with server\/test_data\/onContactCreate\.json/.test(r.label);
    await e.runCommand('Testing: Focus on Test Explorer View');
    await expandAll(e);
    let seen = [];
    // Saved as it is, the payload passes (earlier runs of this window ran it).
    await waitFor(async () => { seen = await rows(e); return seen.some((r) => payloadRow(r) && /pass/i.test(r.label)); },
      { timeout: 60_000, message: () => `the payload test passed before the edit; rows: ${seen.map((r) => r.label).join(' | ')}` });
    // VS Code saves dirty editors before a test run unless told not to (testing.saveBeforeTest, on by default):
    // with it off, the run is all that can see the unsaved text.
    mkdirSync(path.join(e.appDir, '.vscode'), { recursive: true });
    writeFileSync(path.join(e.appDir, '.vscode', 'settings.json'), JSON.stringify({ 'testing.saveBeforeTest': false }));
    await sleep(1500);
    // Unsaved: without data.contact the handler throws (contact.first_name of undefined).
    await e.openFile(rel);
    await e.replaceText('"contact": {', '"kontact": {');
    assert.ok(await e.page.$eval('.tabs-container .tab.active', (t) => t.classList.contains('dirty')), 'the payload has unsaved changes');
    assert.match(await e.readAppFile(rel), /"contact": \{/, 'the file on disk is unchanged');
    // Run that one test from the Testing view: its row's run button.
    const runPayloadTest = async () => {
      await e.runCommand('Testing: Focus on Test Explorer View');
      const row = await waitFor(async () => {
        for (const r of await e.page.$$('.test-explorer .monaco-list-row')) if (payloadRow({ label: (await r.getAttribute('aria-label')) ?? '' })) return r;
        return undefined;
      }, { timeout: 20_000, message: 'the payload test\'s row' });
      await row.hover();
      await (await row.waitForSelector('.codicon-testing-run-icon', { timeout: 10_000 })).click();
    };
    await runPayloadTest();
    await waitFor(async () => { seen = await rows(e); return seen.some((r) => payloadRow(r) && /fail/i.test(r.label)); },
      { timeout: 60_000, message: () => `the payload test failed on the unsaved text; rows: ${seen.map((r) => r.label).join(' | ')}` });
    await e.screenshot('testing-unsaved-payload');
    assert.match(await e.readAppFile(rel), /"contact": \{/, 'the run did not save the file: it ran the unsaved text');
    // Back to the saved text (reverted, never saved): the same test passes again.
    await e.openFile(rel);
    await e.runCommand('File: Revert File');
    await runPayloadTest();
    await waitFor(async () => { seen = await rows(e); return seen.some((r) => payloadRow(r) && /pass/i.test(r.label)); },
      { timeout: 60_000, message: () => `the payload test passed again after the revert; rows: ${seen.map((r) => r.label).join(' | ')}` });
    rmSync(path.join(e.appDir, '.vscode'), { recursive: true, force: true });
  });
});
