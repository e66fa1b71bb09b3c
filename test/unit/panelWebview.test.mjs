// The simulator panel's webview script in a real browser (Debian Chromium through the e2e toolchain's
// playwright-core), under the panel's own CSP, with a fake acquireVsCodeApi: it renders what the extension
// sends, and everything it posts back passes the extension's guard. Skipped when the toolchain is absent.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildSync } from 'esbuild';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const cache = path.join(process.env.FSDEV_E2E_CACHE || path.join(os.homedir(), '.cache', 'freshsales-devtools-e2e'));
const chromiumPath = '/usr/bin/chromium';
const available = existsSync(path.join(cache, 'node_modules', 'playwright-core')) && existsSync(chromiumPath);
const skip = available ? false : 'needs playwright-core (scripts/e2e install) and /usr/bin/chromium';

const APP = '/work/apps/crm';
const SCOPE = { kind: 'product', name: 'freshworks_crm' };
const ev = (event, registered, extra = {}) => ({ event, scope: SCOPE, registered, handlerDefined: registered,
  expectedPayloadFile: `server/test_data/${event}.json`, description: `${event} desc`, kind: 'product', timeLimitMs: 20000,
  problems: 0, ...extra });

let server, browser, page, guard;
const errors = [];
const send = (m) => page.evaluate((m) => window.postMessage(m, '*'), m);
const posted = () => page.evaluate(() => window.__posted);

before(async () => {
  if (!available) return;
  const { renderPanelHtml, makeNonce } = await loadTs('client/src/panelHtml.ts');
  guard = (await loadTs('client/src/panelMessages.ts')).isFromPanelMessage;
  const script = buildSync({ entryPoints: [path.join(repoRoot, 'media/src/panel.ts')], bundle: true, platform: 'browser',
    format: 'iife', target: 'es2022', write: false, logLevel: 'silent' }).outputFiles[0].text;
  server = http.createServer((q, r) => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    const send = (type, body) => { r.setHeader('content-type', type); r.end(body); };
    if (q.url === '/') return send('text/html', renderPanelHtml({ cspSource: origin, nonce: makeNonce(), scriptUri: `${origin}/panel.js`, styleUri: `${origin}/panel.css` }));
    if (q.url === '/panel.js') return send('text/javascript', script);
    if (q.url === '/panel.css') return send('text/css', readFileSync(path.join(repoRoot, 'media/panel.css')));
    r.statusCode = 404; r.end();
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const { chromium } = createRequire(path.join(cache, 'package.json'))('playwright-core');
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon|404/.test(m.text())) errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__posted = []; window.__state = undefined;
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state,
      setState: (s) => { window.__state = s; } });
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__posted.length > 0);
});

after(async () => { await browser?.close(); server?.close(); });

test('select, payload, validation problems that select their range; Simulate waits for the payload', { skip }, async () => {
  const actions = () => page.$$eval('#simulate, #debug, #save-payload', (bs) => bs.map((b) => b.disabled));
  assert.deepEqual(await actions(), [true, true, true], 'nothing to run before the payload arrives');
  await page.focus('#payload');
  await page.keyboard.press('Control+Enter');
  assert.equal((await posted()).filter((m) => m.type === 'simulate').length, 0, 'Ctrl+Enter before the payload posts no run');
  await send({ type: 'init', selection: { appDir: APP, event: 'onContactCreate', scope: SCOPE }, apps: [{ appDir: APP,
    manifestUri: 'file:///x', platformVersion: '2.3', dialect: '2.x', scopes: [SCOPE],
    events: [ev('onContactCreate', true, { handler: 'onContactCreateHandler' }), ev('onDealUpdate', true), ev('onAccountCreate', false)] }] });
  await send({ type: 'payload', selection: { appDir: APP, event: 'onContactCreate', scope: SCOPE }, reason: 'restore',
    text: '{\n  "data": {\n    "contact": 1\n  }\n}', source: 'file', label: 'server/test_data/onContactCreate.json' });
  assert.deepEqual(await page.$$eval('#event optgroup', (gs) => gs.map((g) => `${g.label}: ${[...g.children].map((o) => o.value.split(':').pop()).join(',')}`)),
    ['Registered: onContactCreate,onDealUpdate', 'Available: onAccountCreate']);
  assert.equal(await page.textContent('#payload-source'), 'server/test_data/onContactCreate.json');
  assert.deepEqual(await actions(), [false, false, false]);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'validate'));
  const v = (await posted()).filter((m) => m.type === 'validate').pop();
  await send({ type: 'validation', seq: v.seq, problems: [{ message: 'Missing property "id"', severity: 'error', code: 'x',
    range: { start: { line: 2, character: 4 }, end: { line: 2, character: 13 } } }] });
  assert.match(await page.textContent('#problems'), /3:5\s+Missing property "id"/);
  await page.click('#problems button');
  assert.equal(await page.evaluate(() => { const t = document.getElementById('payload'); return t.value.slice(t.selectionStart, t.selectionEnd); }), '"contact"');
});

test('the payload editor: line numbers beside the text, scrolled with it; a problem names its attribute', { skip }, async () => {
  const text = JSON.stringify({ data: { contact: { is_active: 'yes', items: Array.from({ length: 60 }, (_, i) => i) } } }, null, 2);
  await send({ type: 'payload', selection: { appDir: APP, event: 'onContactCreate', scope: SCOPE }, reason: 'select',
    text, source: 'file', label: 'server/test_data/onContactCreate.json' });
  const lines = text.split('\n').length;
  const gutter = await page.evaluate(() => {
    const g = document.getElementById('payload-gutter');
    const t = document.getElementById('payload');
    return { text: g.textContent, gh: g.getBoundingClientRect().height, th: t.getBoundingClientRect().height,
      gutterRight: g.getBoundingClientRect().right, textLeft: t.getBoundingClientRect().left };
  });
  assert.deepEqual(gutter.text.split('\n'), Array.from({ length: lines }, (_, i) => String(i + 1)));
  assert.ok(Math.abs(gutter.gh - gutter.th) <= 1, `the gutter is as tall as the text box, not as its ${lines} lines: ${JSON.stringify(gutter)}`);
  assert.ok(Math.abs(gutter.gutterRight - gutter.textLeft) <= 1, 'the gutter sits at the left of the text');
  // Scrolled together: the line at the top of the text box is the number at the top of the gutter.
  const scrolled = await page.evaluate(() => {
    const t = document.getElementById('payload');
    t.scrollTop = 300;
    t.dispatchEvent(new Event('scroll'));
    return { text: t.scrollTop, gutter: document.getElementById('payload-gutter').scrollTop };
  });
  assert.ok(scrolled.text > 0 && scrolled.text === scrolled.gutter, JSON.stringify(scrolled));
  // Typing a line adds a number.
  const validations = (await posted()).filter((m) => m.type === 'validate').length;
  await page.focus('#payload');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  assert.equal((await page.textContent('#payload-gutter')).split('\n').length, lines + 1);
  await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'validate').length > n, validations);
  const v = (await posted()).filter((m) => m.type === 'validate').pop();
  await send({ type: 'validation', seq: v.seq, problems: [{ message: 'Incorrect type. Expected "boolean".', severity: 'error', code: 'payload-schema',
    path: 'data.contact.is_active', range: { start: { line: 3, character: 19 }, end: { line: 3, character: 24 } } }] });
  assert.match(await page.textContent('#problems'), /4:20\s+data\.contact\.is_active: Incorrect type\. Expected "boolean"\./);
});

test('a run: status, filtered logs, error frames as links, effects, diff, history', { skip }, async () => {
  await page.click('#simulate');
  await send({ type: 'runStarted', runId: 'r1', event: 'onDealUpdate', debug: false, startedAt: Date.now() });
  await send({ type: 'log', runId: 'r1', entry: { level: 'log', message: 'contact created: 1', time: 3 } });
  await send({ type: 'log', runId: 'other', entry: { level: 'log', message: 'SHOULD NOT SHOW', time: 3 } });
  await send({ type: 'log', runId: 'r1', entry: { level: 'warn', message: 'setTimeout used', time: 5, unsupported: true } });
  assert.match(await page.textContent('#status'), /Running/);
  const result = { id: 'r1', event: 'onDealUpdate', scope: SCOPE, handler: 'onDealUpdateHandler', status: 'failed', durationMs: 12,
    startedAt: new Date().toISOString(), logs: [], error: { message: 'boom', stack: 'Error: boom', file: 'server/server.js', line: 9, column: 11,
      frames: [{ file: 'server/server.js', line: 9, column: 11, functionName: 'onDealUpdateHandler' }, { file: 'node:internal/timers', line: 1, column: 1 }] },
    effects: { db: [{ op: 'set', key: 'k', value: { a: 1 }, ok: true }], requests: [{ method: 'GET', url: 'https://api.example.com', status: 200, durationMs: 5, stubbed: true }], schedules: [], targetUrls: [] } };
  await send({ type: 'runFinished', runId: 'r1', result, previousId: 'r0', changes: [{ field: 'status', before: 'success', after: 'failed' }] });
  await send({ type: 'history', items: [{ id: 'r1', event: 'onDealUpdate', status: 'failed', durationMs: 12, startedAt: result.startedAt, errorMessage: 'boom', hasPrevious: true },
    { id: 'r0', event: 'onDealUpdate', status: 'success', durationMs: 8, startedAt: result.startedAt, hasPrevious: false }] });
  assert.equal(await page.textContent('#status'), 'Failed');
  assert.equal(await page.textContent('#elapsed'), 'in 12 ms');
  const logs = await page.textContent('#logs');
  assert.match(logs, /contact created: 1/);
  assert.match(logs, /not on platform/);
  assert.doesNotMatch(logs, /SHOULD NOT SHOW/);
  assert.equal(await page.$$eval('#frames button', (b) => b.length), 1, 'only the frame inside the app is a link');
  await page.click('#frames button');
  assert.match(await page.textContent('#effects'), /\$db\s*set\s*k = \{"a":1\}/);
  await page.click('#diff-current');
  assert.match(await page.textContent('#diff'), /status\s*success\s*failed/);
  assert.equal(await page.isDisabled('#history li:nth-child(2) button:nth-of-type(2)'), true, 'no previous run → diff disabled');
  await page.click('#history li:first-child button:first-of-type');
  const p = await posted();
  assert.deepEqual(p.find((m) => m.type === 'openLocation'), { type: 'openLocation', file: 'server/server.js', line: 9, column: 11 });
  assert.deepEqual(p.find((m) => m.type === 'rerun'), { type: 'rerun', runId: 'r1' });
});

test('test iparams from config/iparams.json: the guide, the first text, checks as you type; a run without one offers "Fill in"', { skip }, async () => {
  const { iparamDefs, iparamsTemplate } = await loadTs('server/src/core/iparamsForm.ts');
  const defs = iparamDefs({
    apiKey: { display_name: 'API key', type: 'api_key', required: true },
    region: { display_name: 'Region', type: 'dropdown', options: ['us', 'eu'], default_value: 'us' },
    retries: { display_name: 'Retries', type: 'number' },
  });
  await send({ type: 'iparams', text: iparamsTemplate(defs), exists: false, label: 'config/iparam_test_data.json does not exist yet', defs });
  assert.deepEqual(JSON.parse(await page.inputValue('#iparams')), { apiKey: '', region: 'us', retries: 0 });
  assert.deepEqual(await page.$$eval('#iparams-guide li', (ls) => ls.map((l) => l.textContent)),
    ['apiKey — API key · api_key · required · secure', 'region — Region · dropdown · optional · default "us"', 'retries — Retries · number · optional']);
  assert.deepEqual(await page.$$eval('#iparams-error li', (ls) => ls.map((l) => l.textContent)), ['apiKey (API key) is required and has no value.']);
  await page.click('#iparams-section summary');
  await page.fill('#iparams', '{ "apiKey": "k", "region": "mars", "retries": "many" }');
  assert.deepEqual(await page.$$eval('#iparams-error li', (ls) => ls.map((l) => l.textContent)),
    ['region (Region) must be one of "us", "eu".', 'retries (Retries) must be a number.']);
  assert.equal(await page.isDisabled('#save-iparams'), false, 'a value of the wrong type can still be saved');
  await page.fill('#iparams', iparamsTemplate(defs));
  await page.evaluate(() => { document.getElementById('iparams-section').open = false; });
  // A run that failed because apiKey had no value names it; "Fill in apiKey" opens the box at its value.
  const result = { id: 'r9', event: 'onContactCreate', scope: SCOPE, status: 'failed', durationMs: 3, startedAt: new Date().toISOString(),
    logs: [{ level: 'warn', message: '$request.get: <%= iparam.apiKey %> has no value', time: 1 }],
    error: { message: 'Request failed: https://api.example.com/undefined/contacts', frames: [] }, effects: { db: [], requests: [], schedules: [], targetUrls: [] } };
  await send({ type: 'runStarted', runId: 'r9', event: 'onContactCreate', debug: false, startedAt: Date.now() });
  await send({ type: 'runFinished', runId: 'r9', result });
  assert.equal(await page.isHidden('#iparams-missing'), false);
  assert.equal(await page.textContent('#iparams-missing-text'), 'This run had no value for the iparam apiKey.');
  await page.click('#iparams-missing-actions button:has-text("Fill in apiKey")');
  const sel = await page.evaluate(() => { const t = document.getElementById('iparams');
    return { open: document.getElementById('iparams-section').open, focused: document.activeElement === t, text: t.value.slice(t.selectionStart, t.selectionEnd) }; });
  assert.deepEqual(sel, { open: true, focused: true, text: '""' });
  await page.evaluate(() => { document.getElementById('iparams-section').open = false; });
});

test('iparams must be a JSON object; every posted message passes the guard; no page errors', { skip }, async () => {
  await page.click('#iparams-section summary');
  await page.fill('#iparams', '[1]');
  assert.match(await page.textContent('#iparams-error'), /JSON object/);
  assert.equal(await page.isDisabled('#save-iparams'), true);
  await page.fill('#iparams', '{"apiKey": "k"}');
  await page.click('#save-iparams');
  const p = await posted();
  assert.deepEqual(p.find((m) => m.type === 'saveIparams'), { type: 'saveIparams', text: '{"apiKey": "k"}' });
  assert.deepEqual(p.filter((m) => !guard(m)), []);
  const state = await page.evaluate(() => window.__state);
  assert.equal(state.selection.event, 'onContactCreate');
  assert.deepEqual(errors, []);
});
