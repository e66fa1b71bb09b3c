// Real-editor test harness: code-server (VS Code in the browser, real extension host) driven by headless
// Debian Chromium through playwright-core. Normally started by `node scripts/e2e/run.mjs`, which installs the
// toolchain, packages the extension, starts ONE shared code-server and passes it here through env vars:
//   FSDEV_E2E_URL      shared code-server (trusted workspaces)
//   FSDEV_E2E_EXT_DIR  extensions folder with our .vsix + the test driver (for private servers)
// Without them (e.g. `node --test test/e2e/hover.test.mjs`), startEditor prepares everything itself from
// the cached install and ./freshsales-devtools.vsix (or $FSDEV_E2E_VSIX).
//
// Usage in a test file:
//   import { describe } from 'node:test';
//   import { useEditor } from './harness.mjs';
//   describe('hover', () => {
//     const ed = useEditor({ fixture: 'crm-app' });   // before: start; after: stop; screenshot on failure
//     ed.it('shows the region description', async (e) => { await e.openFile('manifest.json'); ... });
//   });
import { after, before, it as nodeIt } from 'node:test';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureInstalled, paths as installPaths } from '../../scripts/e2e/install.mjs';
import { ROOT, copyFixture, makeTempDir, prepareExtensions, startCodeServer } from '../../scripts/e2e/editor.mjs';

// Standalone (`node --test test/e2e/x.test.mjs`, no run.mjs): keep every temp folder under one per-process
// folder and remove it at exit, as run.mjs does for a whole run.
if (!process.env.FSDEV_E2E_TMP) {
  const own = mkdtempSync(path.join(tmpdir(), 'fsdev-e2e-standalone-'));
  process.env.FSDEV_E2E_TMP = own;
  process.on('exit', () => { try { rmSync(own, { recursive: true, force: true }); } catch { /* best effort */ } });
}

export const ARTIFACTS = process.env.FSDEV_E2E_ARTIFACTS || path.join(ROOT, 'test-results', 'e2e');
/** README screenshots (docs/screenshots/<name>.png): written only with FSDEV_SCREENSHOTS=1, so CI runs do not churn them. */
export const DOC_SHOTS = path.join(ROOT, 'docs', 'screenshots');
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const isMac = false; // code-server in Linux Chromium: Control is the modifier
const MOD = isMac ? 'Meta' : 'Control';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadPlaywright() {
  const req = createRequire(path.join(installPaths().cache, 'package.json'));
  return req('playwright-core');
}

let privateExtDir;
function extensionsDir() {
  if (process.env.FSDEV_E2E_EXT_DIR) return process.env.FSDEV_E2E_EXT_DIR;
  if (privateExtDir) return privateExtDir;
  ensureInstalled();
  const vsix = process.env.FSDEV_E2E_VSIX || path.join(ROOT, 'freshsales-devtools.vsix');
  if (!existsSync(vsix)) throw new Error(`no ${vsix}: run \`npm run package\` first, or use \`node scripts/e2e/run.mjs\``);
  privateExtDir = prepareExtensions({ vsix, extDir: path.join(makeTempDir('ext'), 'ext') });
  return privateExtDir;
}

/** Poll fn until it returns a truthy value; throws message() (with the last value) on time-out. */
export async function waitFor(fn, { timeout = 15_000, interval = 250, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastErr;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { lastErr = e; }
    await sleep(interval);
  }
  const msg = typeof message === 'function' ? await Promise.resolve(message(last)).catch((e) => `(message failed: ${e.message})`) : message;
  throw new Error(`timed out after ${timeout} ms waiting for ${msg}${lastErr ? ` (last error: ${lastErr.message})` : ''}`);
}

/**
 * Options: fixture (folder name under test/e2e/fixtures, or an absolute path), trusted (false = a private
 * code-server with workspace trust on), settings (extra user settings; also implies a private server),
 * files ({ relPath: content } written into the app copy before it opens), name (screenshot prefix).
 * Start (or join) code-server, open a copy of the fixture app in a new headless Chromium, and wait for the
 * workbench. Returns the Editor helper object (see class Editor below).
 */
export async function startEditor({ fixture = 'crm-app', trusted = true, settings, files = {}, name = fixture } = {}) {
  const appDir = copyFixture(fixture);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(appDir, rel)), { recursive: true });
    writeFileSync(path.join(appDir, rel), content);
  }
  let server;
  let url = process.env.FSDEV_E2E_URL;
  if (!url || !trusted || settings) {
    server = await startCodeServer({ extDir: extensionsDir(), trusted, settings, exitOnSignal: true });
    url = server.url;
  }
  const { chromium } = loadPlaywright();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: installPaths().chromium, args: CHROMIUM_ARGS, headless: true });
    // 1280x800: the README screenshots' size (docScreenshot); the tests run at the same size they are shot at.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await page.goto(`${url}/?folder=${encodeURIComponent(appDir)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const ed = new Editor({ page, browser, server, appDir, name, consoleErrors });
    await ed.ready();
    return ed;
  } catch (e) {
    await browser?.close().catch(() => {});
    await server?.stop();
    throw e;
  }
}

/**
 * node:test glue: registers before/after hooks for one editor shared by the tests of the enclosing describe,
 * and returns { it, get editor }. ed.it(name, fn) passes the Editor to fn and saves a screenshot on failure.
 */
export function useEditor(opts = {}) {
  let editor;
  let startError;
  before(async () => {
    try { editor = await startEditor(opts); } catch (e) { startError = e; throw e; }
  }, { timeout: 180_000 });
  after(async () => { await editor?.stop(); }, { timeout: 30_000 });
  return {
    get editor() { return editor; },
    it(name, fn, itOpts = {}) {
      return nodeIt(name, { timeout: 90_000, ...itOpts }, async (t) => {
        if (!editor) throw new Error(`the editor did not start: ${startError?.message ?? 'unknown'}`);
        try {
          await fn(editor, t);
        } catch (e) {
          const shot = await editor.screenshot(`FAIL ${name}`).catch(() => null);
          if (shot && e && typeof e === 'object') e.message += `\n  screenshot: ${path.relative(ROOT, shot)}`;
          throw e;
        }
      });
    },
  };
}

const slug = (s) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 100);

export class Editor {
  constructor({ page, browser, server, appDir, name, consoleErrors }) {
    Object.assign(this, { page, browser, server, appDir, name, consoleErrors });
    this.mod = MOD;
  }

  // ----- lifecycle -----
  async ready() {
    // The explorer shows the folder once the workspace is loaded.
    await this.page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 60_000 }).catch(() => {});
    await sleep(500);
    await this.dismissNotifications();
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    this.browser = null;
    await this.server?.stop();
  }

  /** Save a PNG under test-results/e2e/ and return its path. */
  async screenshot(name) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${slug(this.name)}--${slug(name)}.png`);
    await this.page.screenshot({ path: file, timeout: 10_000 });
    // run.mjs lists this run's screenshots at the end (test-results/e2e is shared with other suites).
    if (process.env.FSDEV_E2E_TMP) { try { appendFileSync(path.join(process.env.FSDEV_E2E_TMP, 'screenshots.txt'), `${file}\n`); } catch { /* listing only */ } }
    return file;
  }

  /**
   * A README screenshot, docs/screenshots/<name>.png, only when FSDEV_SCREENSHOTS=1 (else a no-op returning
   * null). Moves the mouse out of the way first (no stray hover) unless keepMouse.
   */
  async docScreenshot(name, { keepMouse = false } = {}) {
    if (process.env.FSDEV_SCREENSHOTS !== '1') return null;
    mkdirSync(DOC_SHOTS, { recursive: true });
    await this.dismissNotifications();
    if (!keepMouse) await this.page.mouse.move(1279, 400);
    await sleep(400); // let animations (suggest, hover, lens fade-in) settle
    const file = path.join(DOC_SHOTS, `${name}.png`);
    await this.page.screenshot({ path: file, timeout: 10_000 });
    return file;
  }

  /** Reload the browser window (as Developer: Reload Window would) and wait for the workbench again. */
  async reload() {
    await this.page.reload();
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.ready();
  }

  /** The file as the test left it on disk (saved state; call save() first for editor changes). */
  readAppFile(rel) { return readFileSync(path.join(this.appDir, rel), 'utf8'); }

  // ----- keyboard & commands -----
  key(combo) { return this.page.keyboard.press(combo.replace(/\bMod\b/g, this.mod)); }
  type(text, delay = 10) { return this.page.keyboard.type(text, { delay }); }

  /** Close the notification toasts (they cover the lower right, e.g. panel buttons). DOM clicks: the close buttons show on hover only. */
  async dismissNotifications() {
    await this.page.$$eval('.notification-toast .codicon-notifications-clear, .notifications-toasts .clear-notification-action, .notification-toast .codicon-close',
      (els) => { for (const el of els) (el.closest('a, .action-label, .monaco-button') || el).click(); }).catch(() => {});
  }

  async quickInput(timeout = 10_000) {
    return this.page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout });
  }

  /** Keyboard focus back to the workbench: a focused webview (an iframe) swallows workbench shortcuts. */
  async ensureWorkbenchFocus() {
    await this.page.evaluate(() => {
      const a = document.activeElement;
      if (a && a.tagName === 'IFRAME') a.blur();
    });
  }

  /** Press a shortcut that opens the quick input (Mod+P, Mod+Shift+P, Mod+G), retrying once focus is back. */
  async openQuickInput(combo) {
    for (let attempt = 0; ; attempt++) {
      await this.ensureWorkbenchFocus();
      await this.key(combo);
      try {
        return await this.quickInput(attempt < 2 ? 3000 : 10_000);
      } catch (e) {
        if (attempt >= 2) throw new Error(`${combo} did not open the quick input: ${e.message.split('\n')[0]}`);
        // Click the first editor group's active tab (or the editor) to give the workbench focus, then retry.
        await this.page.click('.editor-group-container .tab.active', { timeout: 2000 }).catch(() => {});
      }
    }
  }

  /** Labels of the rows the quick-input list (command palette / quick open / quick pick) shows now. */
  async quickPickLabels() {
    return this.page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) =>
      rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()));
  }

  /** Open the command palette and type text; returns the labels listed (does not run anything). */
  async searchCommands(text, { settle = 800 } = {}) {
    await this.ensureWorkbenchFocus();
    await this.key('Escape');
    const input = await this.openQuickInput('Mod+Shift+P');
    await input.fill(`>${text}`);
    await sleep(settle);
    return this.quickPickLabels();
  }

  /** Run a command by its palette title (exact title preferred, else the first row that contains it). */
  async runCommand(title) {
    const labels = await waitFor(async () => {
      const l = await this.searchCommands(title, { settle: 300 });
      return l.some((x) => x.toLowerCase().includes(title.toLowerCase())) ? l : null;
    }, { timeout: 15_000, message: `a command palette entry "${title}"` });
    const rows = await this.page.$$('.quick-input-widget .quick-input-list .monaco-list-row');
    const idx = labels.findIndex((l) => l.toLowerCase().startsWith(title.toLowerCase()));
    await rows[idx >= 0 ? idx : labels.findIndex((l) => l.toLowerCase().includes(title.toLowerCase()))].click();
    await sleep(300);
  }

  // ----- files & editors -----
  /**
   * Quick-open a workspace file (path relative to the app folder) in the first editor group (so a webview
   * panel opened beside stays visible) and focus its editor. group: 2 opens it in the second group instead.
   */
  async openFile(rel, { group = 1 } = {}) {
    const base = path.basename(rel);
    // Retries: right after a navigation (F12, a quick fix) the workbench can swallow the quick-open's Enter, and
    // right after a Testing-view run (coverage, results) it can swallow the typed path itself.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ensureWorkbenchFocus();
        await this.key('Escape');
        if (attempt > 1) await this.dismissNotifications();
        await this.key(`Mod+${group}`);
        const input = await this.openQuickInput('Mod+P');
        // An absolute path resolves directly; a relative one waits for the workspace file search (slow on a busy machine).
        await input.fill(path.join(this.appDir, rel));
        await waitFor(async () => (await this.quickPickLabels()).some((l) => l.includes(base)),
          { timeout: 10_000, message: `quick open to list ${rel}` });
        await sleep(200);
        await this.key('Enter');
        await this.waitForActiveTab(base, attempt === 1 ? 4_000 : 10_000);
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    await this.focusEditor();
  }

  async waitForActiveTab(base, timeout = 10_000) {
    await waitFor(() => this.page.$eval('.tabs-container .tab.active', (t) => t.getAttribute('aria-label') || t.textContent)
      .then((l) => l && l.includes(base)).catch(() => false), { timeout, message: `an active editor tab "${base}"` });
  }

  /** Name (aria-label) of the active editor tab. */
  activeTab() {
    return this.page.$eval('.tabs-container .tab.active', (t) => t.getAttribute('aria-label') || t.textContent).catch(() => '');
  }

  /** Focus the active editor's input (the native EditContext div in VS Code >= 1.10x, else the textarea). */
  async focusEditor() {
    await this.page.waitForSelector('.editor-group-container.active .monaco-editor .view-lines', { timeout: 10_000 });
    const focused = await this.page.evaluate(() => {
      const root = document.querySelector('.editor-group-container.active .monaco-editor');
      if (root.contains(document.activeElement) && !document.activeElement.closest('.find-widget')) return true;
      const input = root.querySelector('.native-edit-context, textarea.inputarea, textarea');
      input?.focus();
      return root.contains(document.activeElement);
    });
    if (!focused) await this.page.click('.editor-group-container.active .monaco-editor .view-lines', { timeout: 3000, force: true });
  }

  /** Text of the active editor as rendered (visible lines; small fixture files fit). */
  async editorText() {
    return this.page.$$eval('.editor-group-container.active .monaco-editor .view-lines .view-line', (lines) =>
      lines.map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent || '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top).map((l) => l.text).join('\n'));
  }

  /** The active editor's cursor, { line, column } (1-based), from the status bar's "Ln 2, Col 3"; null if not shown. */
  async cursorPosition() {
    const text = await this.page.$$eval('.statusbar .statusbar-item', (items) =>
      items.map((i) => (i.textContent || '').trim()).find((t) => /^Ln \d+, Col \d+/.test(t)) || '').catch(() => '');
    const m = /^Ln (\d+), Col (\d+)/.exec(text);
    return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
  }

  /** Cursor to line:column (1-based) with Go to Line. */
  async goto(line, column = 1) {
    const input = await this.openQuickInput('Mod+G');
    await input.fill(`:${line}:${column}`);
    await sleep(150);
    await this.key('Enter');
    await sleep(150);
  }

  /**
   * Select the first occurrence of `text` in the active editor (Find widget, as a user would), then:
   * where 'select' leaves it selected, 'start'/'end' collapses the cursor before/after it.
   */
  async findText(text, { where = 'select' } = {}) {
    const widget = '.editor-group-container.active .find-widget.visible';
    let input;
    // Mod+F is lost when the focus is elsewhere at that moment (the Problems panel, a notification): try again.
    for (let attempt = 0; !input; attempt++) {
      await this.focusEditor();
      await this.key('Mod+Home');
      await this.key('Mod+F');
      input = await this.page.waitForSelector(`${widget} textarea, ${widget} input`, { timeout: attempt < 2 ? 3000 : 5000 })
        .catch((e) => { if (attempt >= 2) throw e; return undefined; });
    }
    await input.fill(text);
    await waitFor(() => this.page.$eval('.editor-group-container.active .find-widget .matchesCount', (e) => e.textContent)
      .then((t) => t && !/^No results/i.test(t) && /\d/.test(t)), { timeout: 5000, message: `"${text}" in the active editor` })
      .catch(async (e) => { await this.key('Escape'); throw e; });
    await this.key('Enter'); // select the first match after the top (Mod+Home put us there)
    await this.key('Escape');
    // The arrow key must reach the editor, not the closing widget: typing over a selection that stayed would
    // replace the found text instead of inserting beside it.
    await waitFor(() => this.page.$(widget).then((w) => !w), { timeout: 3000, message: 'the Find widget to close' });
    await this.focusEditor();
    if (where === 'select') return;
    for (let attempt = 0; ; attempt++) {
      await this.key(where === 'start' ? 'ArrowLeft' : 'ArrowRight');
      const collapsed = await waitFor(() => this.selectionText().then((t) => t !== undefined && !/selected/.test(t)), { timeout: 1500, message: 'the selection to collapse' })
        .then(() => true, () => false);
      if (collapsed || attempt >= 2) return;
    }
  }

  /** The status bar's cursor item ("Ln 3, Col 54", or "Ln 3, Col 1 (53 selected)"); undefined if not shown. */
  selectionText() {
    return this.page.$$eval('.statusbar .statusbar-item', (items) =>
      items.map((i) => (i.textContent || '').trim()).find((t) => /^Ln \d+, Col \d+/.test(t))).catch(() => undefined);
  }

  /** Put the cursor at `offset` characters into the first occurrence of `text` (negative: from its end). */
  async cursorAt(text, offset = 0) {
    await this.findText(text, { where: offset >= 0 ? 'start' : 'end' });
    const n = Math.abs(offset);
    for (let i = 0; i < n; i++) await this.key(offset >= 0 ? 'ArrowRight' : 'ArrowLeft');
  }

  /** Replace the first occurrence of `find` with `replacement`, by selecting it and typing. */
  async replaceText(find, replacement) {
    await this.findText(find);
    await this.type(replacement);
  }

  /** Type `text` at a position: { after: 'some text' } / { before: 'some text' } / { line, column }. */
  async typeAt(where, text) {
    if (where.line) await this.goto(where.line, where.column ?? 1);
    else if (where.after) await this.findText(where.after, { where: 'end' });
    else if (where.before) await this.findText(where.before, { where: 'start' });
    await this.type(text);
  }

  async save() {
    await this.key('Mod+S');
    await sleep(300);
  }

  // ----- language features -----
  /** Trigger suggestions (Control+Space, again every few seconds while none show) and return the rows' aria-labels. */
  async suggest({ timeout = 15_000, expect } = {}) {
    let pressedAt = 0;
    let seen = [];
    return waitFor(async () => {
      seen = await this.page.$$eval('.suggest-widget.visible .monaco-list-row', (rows) =>
        rows.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
      if (seen.length && (!expect || seen.some((l) => l.includes(expect)))) return seen;
      if (Date.now() - pressedAt > 3000) {
        if (pressedAt) await this.key('Escape');
        await this.key('Control+Space');
        pressedAt = Date.now();
      }
      return null;
    }, { timeout, message: () => `${expect ? `a suggestion containing "${expect}"` : 'the suggest widget'}; suggestions seen: ${seen.length ? seen.join(' | ') : '(none)'}` });
  }

  /** With the suggest widget open, select the row whose label contains `label` and accept it. */
  async acceptSuggestion(label) {
    const rows = await this.page.$$('.suggest-widget.visible .monaco-list-row');
    for (const r of rows) {
      if (((await r.getAttribute('aria-label')) || '').includes(label)) {
        await r.click();
        await sleep(300);
        return;
      }
    }
    throw new Error(`no visible suggestion containing "${label}"`);
  }

  /** Show the hover at the cursor (keyboard: Ctrl+K Ctrl+I, again every few seconds) and return its text. */
  async hoverAtCursor({ expect, timeout = 15_000 } = {}) {
    let text = '';
    let pressedAt = 0;
    return waitFor(async () => {
      text = await this.page.$$eval('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover .hover-contents',
        (els) => els.map((e) => e.textContent).join('\n')).catch(() => '');
      if (text && (!expect || text.includes(expect))) return text;
      if (Date.now() - pressedAt > 3000) {
        await this.key('Mod+K');
        await this.key('Mod+I');
        pressedAt = Date.now();
      }
      return null;
    }, { timeout, message: () => `a hover${expect ? ` containing "${expect}"` : ''}; hover text seen: ${JSON.stringify(text) || '(none)'}` });
  }

  /** Open the Problems panel and return its rows' text. */
  async problems() {
    const visible = await this.page.$('.markers-panel');
    if (!visible || !(await visible.isVisible())) {
      await this.runCommand('View: Focus Problems');
    }
    await sleep(300);
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) =>
      rows.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
  }

  /** Wait until the Problems panel has a row containing `text`; returns all rows. */
  async waitForProblem(text, { timeout = 20_000 } = {}) {
    let rows = [];
    return waitFor(async () => {
      rows = await this.problems();
      return rows.some((r) => r.includes(text)) ? rows : null;
    }, { timeout, message: () => `a problem containing "${text}"; Problems panel shows: ${rows.length ? rows.join(' | ') : '(nothing)'}` });
  }

  async waitForNoProblem(text, { timeout = 20_000 } = {}) {
    let rows = [];
    return waitFor(async () => {
      rows = await this.problems();
      return rows.some((r) => r.includes(text)) ? null : rows;
    }, { timeout, message: () => `the problem "${text}" to go; Problems panel shows: ${rows.join(' | ')}` });
  }

  /**
   * Press Control+. at the cursor and return the code action labels offered. Presses again every few seconds
   * while nothing shows: pressed before the language server has answered, VS Code shows nothing at all.
   */
  async quickFixes({ expect, timeout = 15_000 } = {}) {
    let labels = [];
    let pressedAt = 0;
    return waitFor(async () => {
      if (Date.now() - pressedAt > 3000) {
        if (pressedAt) await this.key('Escape');
        await this.key('Mod+.');
        pressedAt = Date.now();
      }
      labels = await this.page.$$eval('.action-widget .monaco-list-row',
        (rows) => rows.map((r) => r.getAttribute('aria-label') || r.textContent || '').filter(Boolean)).catch(() => []);
      if (!labels.length) return null;
      return !expect || labels.some((l) => l.includes(expect)) ? labels : null;
    }, { timeout, message: () => `quick fixes${expect ? ` containing "${expect}"` : ''}; offered: ${labels.length ? labels.join(' | ') : '(none)'}` });
  }

  async applyQuickFix(label) {
    const rows = await this.page.$$('.action-widget .monaco-list-row');
    for (const r of rows) {
      const l = (await r.getAttribute('aria-label')) || (await r.textContent()) || '';
      if (l.includes(label)) { await r.click(); await sleep(500); return; }
    }
    throw new Error(`no quick fix containing "${label}"`);
  }

  /** All CodeLens links in the active editor: [{ text, top, bottom }]. */
  async codeLenses() {
    return this.page.$$eval('.editor-group-container.active .codelens-decoration a', (as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return { text: (a.textContent || '').trim(), top: r.top, bottom: r.bottom };
    }));
  }

  /** CodeLens links rendered directly above the first line containing `text` in the active editor. */
  async codeLensesAbove(text) {
    return this.page.evaluate((needle) => {
      const root = document.querySelector('.editor-group-container.active .monaco-editor');
      if (!root) return [];
      const line = [...root.querySelectorAll('.view-lines .view-line')].find((l) => (l.textContent || '').replace(/\u00a0/g, ' ').includes(needle));
      if (!line) return [];
      const lineTop = line.getBoundingClientRect().top;
      const lenses = [...root.querySelectorAll('.codelens-decoration')].map((d) => ({ d, r: d.getBoundingClientRect() }))
        .filter(({ r }) => r.bottom <= lineTop + 2 && lineTop - r.bottom < 40);
      return lenses.flatMap(({ d }) => [...d.querySelectorAll('a')].map((a) => (a.textContent || '').trim()));
    }, text);
  }

  async waitForCodeLens(aboveText, label, { timeout = 20_000 } = {}) {
    let seen = [];
    let all = [];
    await waitFor(async () => {
      seen = await this.codeLensesAbove(aboveText);
      all = await this.codeLenses();
      return seen.some((s) => s.includes(label));
    }, { timeout, message: () => `a CodeLens "${label}" above ${aboveText}; above it: ${seen.join(', ') || '(none)'}; in the editor: ${all.map((l) => l.text).join(', ') || '(none)'}` });
  }

  /** Click the CodeLens link `label` above `aboveText`; lenses re-render (edits, breakpoints), so a link that went stale is looked up again. */
  async clickCodeLens(aboveText, label) {
    for (let attempt = 0; ; attempt++) {
      await this.waitForCodeLens(aboveText, label);
      try {
        await this.#clickCodeLensOnce(aboveText, label);
        return;
      } catch (e) {
        if (attempt >= 3 || !/not attached|detached|null|Timeout/i.test(e.message)) throw e;
        await sleep(300);
      }
    }
  }

  async #clickCodeLensOnce(aboveText, label) {
    const handle = await this.page.evaluateHandle(({ needle, label }) => {
      const root = document.querySelector('.editor-group-container.active .monaco-editor');
      const line = [...root.querySelectorAll('.view-lines .view-line')].find((l) => (l.textContent || '').replace(/\u00a0/g, ' ').includes(needle));
      const lineTop = line.getBoundingClientRect().top;
      const lenses = [...root.querySelectorAll('.codelens-decoration')].filter((d) => {
        const r = d.getBoundingClientRect(); return r.bottom <= lineTop + 2 && lineTop - r.bottom < 40;
      });
      return lenses.flatMap((d) => [...d.querySelectorAll('a')]).find((a) => (a.textContent || '').includes(label));
    }, { needle: aboveText, label });
    await handle.asElement().click({ timeout: 3000 });
  }

  // ----- webviews -----
  /** Text of every frame (webviews are nested iframes). */
  async frameTexts() {
    const out = [];
    for (const f of this.page.frames()) {
      if (f === this.page.mainFrame()) continue;
      const text = await f.evaluate(() => (document.body && !document.querySelector('body > iframe') ? document.body.innerText : '')).catch(() => '');
      if (text) out.push({ frame: f, url: f.url(), text });
    }
    return out;
  }

  /**
   * Wait for the webview frame whose text matches `needle`: a string, a RegExp, or an array of them that must
   * all match at the same moment (panels re-render while a run is in flight). Returns the playwright Frame.
   */
  async webviewFrame(needle, { timeout = 20_000 } = {}) {
    let texts = [];
    const needles = Array.isArray(needle) ? needle : [needle];
    const hit = (t) => needles.every((n) => (n instanceof RegExp ? n.test(t) : t.includes(n)));
    return waitFor(async () => {
      texts = await this.frameTexts();
      return texts.find((t) => hit(t.text))?.frame;
    }, { timeout, message: () => `a webview containing ${needles.map(String).join(' and ')}; webview texts: ${texts.map((t) => JSON.stringify(t.text.slice(0, 600))).join(' | ') || '(no webviews)'}` });
  }

  // ----- workbench -----
  /** Titles of the activity bar items (view containers). */
  activityBarItems() {
    return this.page.$$eval('.activitybar .action-item a, .activitybar .action-item .action-label', (as) =>
      [...new Set(as.map((a) => a.getAttribute('aria-label') || '').filter(Boolean))]);
  }

  /** Labels of the tree rows in the visible side bar. */
  sideBarRows() {
    return this.page.$$eval('.sidebar .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
  }

  /** Status bar items: [{ id, text, label }] (id is VS Code's entry id, e.g. "<extension id>.<item id>"). */
  statusBarItems() {
    return this.page.$$eval('.statusbar .statusbar-item', (items) => items.map((i) => ({
      id: i.id || '', text: (i.textContent || '').trim(),
      label: i.querySelector('[aria-label]')?.getAttribute('aria-label') || i.getAttribute('aria-label') || '',
    })));
  }

  /** Text of the editor in the bottom panel (the Output view shows the selected channel there). */
  async panelEditorText() {
    return this.page.$$eval('.part.panel .monaco-editor .view-lines .view-line', (lines) =>
      lines.map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent || '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top).map((l) => l.text).join('\n')).catch(() => '');
  }

  /** Notification toasts' text. */
  notifications() {
    return this.page.$$eval('.notification-toast', (ts) => ts.map((t) => t.textContent || ''));
  }
}
