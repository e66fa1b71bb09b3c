// A real app's habits in the real editor (issue 9): an npm dependency listed in manifest.json and `$db` calls
// handled with `.fail()`. Simulate installs the dependency first, with progress in the editor (the status bar's
// work-done progress, then a notification), and the run succeeds; the sidebar's "Reset Local Simulation State"
// asks, says what it clears, and clears it. The package comes from a fixture registry on 127.0.0.1 serving
// test/fixtures/packages (the app's server/.npmrc points npm at it): nothing is fetched from the network.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../helpers/npmRegistry.mjs';
import { useEditor, waitFor } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Slow answers (1.5 s each) keep the install's progress on screen long enough to be seen.
const registry = await startRegistry({ delayMs: 1500,
  packages: ['fsdev-fixture-greet', 'fsdev-fixture-shout'].map((p) => path.join(root, 'test/fixtures/packages', p)) });
const cache = mkdtempSync(path.join(tmpdir(), 'fsdev-e2e-npm-cache-'));

describe('a real app: manifest dependency and $db .fail()', () => {
  after(() => registry.close());
  const ed = useEditor({
    fixture: path.join(root, 'test/fixtures/apps/sim-deps'), name: 'real-app',
    files: { 'server/.npmrc': `registry=${registry.url}\ncache=${cache}\n` },
  });

  ed.it('Simulate installs the dependency with progress in the editor, then the run succeeds', async (e) => {
    // The first file of a fresh window on a loaded machine: the editor can take longer than openFile's wait to focus.
    await e.openFile('server/server.js').catch(() => e.openFile('server/server.js'));
    await e.waitForCodeLens('onContactCreateHandler', 'Simulate');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    let bar = [];
    await waitFor(async () => {
      bar = await e.statusBarItems();
      return bar.some((i) => /installing app dependencies/i.test(`${i.text} ${i.label}`));
    }, { timeout: 30_000, interval: 100, message: () => `install progress in the status bar; it shows: ${bar.map((i) => i.text || i.label).filter(Boolean).join(' | ')}` });
    let toasts = [];
    await waitFor(async () => {
      toasts = await e.notifications();
      return toasts.some((t) => /Installed fsdev-fixture-greet@1\.0\.0 into server\/node_modules/.test(t));
    }, { timeout: 60_000, message: () => `the "Installed" notification; toasts: ${JSON.stringify(toasts)}` });
    await e.webviewFrame(['first time (404): HELLO ADA! (installed by hand)', /Success/i], { timeout: 30_000 });
    const pkg = JSON.parse(readFileSync(path.join(e.appDir, 'server/node_modules/fsdev-fixture-greet/package.json'), 'utf8'));
    assert.equal(pkg.version, '1.0.0');
    assert.ok(existsSync(path.join(e.appDir, 'server/node_modules/local-helper/index.js')), 'the package installed by hand is still there');
    assert.ok(registry.requests.length > 0 && registry.requests.every((r) => r.startsWith('GET /fsdev-fixture-')), JSON.stringify(registry.requests));
  });

  ed.it('a second run installs nothing and takes the .done() branch ($db kept the record)', async (e) => {
    const before = registry.requests.length;
    await e.dismissNotifications();
    await e.openFile('server/server.js');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    await e.webviewFrame(['already greeted Ada', /Success/i], { timeout: 30_000 });
    assert.equal(registry.requests.length, before);
  });

  ed.it('"Reset Local Simulation State" asks, says what it clears, and clears the $db record', async (e) => {
    await e.runCommand('Freshsales: Reset Local Simulation State');
    let dialog = '';
    await waitFor(async () => {
      dialog = await e.page.$eval('.monaco-dialog-box', (d) => d.textContent || '').catch(() => '');
      return /Reset the local simulation state of/.test(dialog);
    }, { timeout: 15_000, message: () => `the confirmation dialog; saw "${dialog}"` });
    assert.match(dialog, /clears \.fsdev\/db\.json: 1 \$db key and 0 schedules/);
    assert.match(dialog, /run history, request stubs .* are kept/);
    await e.page.click('.monaco-dialog-box .monaco-button:has-text("Reset")');
    await waitFor(() => JSON.stringify(JSON.parse(readFileSync(path.join(e.appDir, '.fsdev/db.json'), 'utf8')).db) === '{}',
      { timeout: 15_000, message: '.fsdev/db.json emptied' });
    await e.openFile('server/server.js');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    await e.webviewFrame(['first time (404): HELLO ADA!', /Success/i], { timeout: 30_000 });
  });

  ed.it('the Freshsales view\'s "More Actions" menu has the reset too (the sidebar action)', async (e) => {
    // The last run stored the $db record again: there is something to reset.
    let items = [];
    const item = await waitFor(async () => {
      items = await e.activityBarItems();
      return items.find((i) => /Freshsales/i.test(i));
    }, { timeout: 20_000, message: () => `a "Freshsales" activity bar item; activity bar has: ${items.join(', ')}` });
    if (!(await e.page.$(`.activitybar .action-item.checked [aria-label="${item}"]`))) await e.page.click(`.activitybar .action-item [aria-label="${item}"]`);
    // The view's title bar re-renders while the view opens, so a button found a moment ago may be gone by the
    // click: find and click it again until its menu is open.
    const menuItem = '.monaco-menu .action-label:has-text("Reset Local Simulation State")';
    await waitFor(async () => {
      if (await e.page.$(menuItem)) return true;
      for (const h of await e.page.$$('.part.sidebar .action-label[aria-label*="More Actions"]')) {
        if (await h.isVisible().catch(() => false)) { await h.click({ timeout: 2000 }); break; }
      }
      return false;
    }, { timeout: 20_000, interval: 500, message: 'the "More Actions" menu of the Freshsales view' });
    await e.page.click(menuItem, { timeout: 10_000 });
    await e.page.waitForSelector('.monaco-dialog-box:has-text("1 $db key and 0 schedules")', { timeout: 15_000 });
    await e.page.click('.monaco-dialog-box .monaco-button:has-text("Reset")');
    await waitFor(() => JSON.stringify(JSON.parse(readFileSync(path.join(e.appDir, '.fsdev/db.json'), 'utf8')).db) === '{}',
      { timeout: 15_000, message: '.fsdev/db.json emptied from the sidebar action' });
  });
});
