// The simulator panel's HTML: a strict CSP, nonce'd scripts only, no inline handlers, no remote sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { renderPanelHtml, makeNonce, contentSecurityPolicy } = await loadTs('client/src/panelHtml.ts');
const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const nonce = makeNonce();
const html = renderPanelHtml({
  cspSource, nonce,
  scriptUri: `${cspSource}/ext/media/dist/panel.js`,
  styleUri: `${cspSource}/ext/media/panel.css`,
});
const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';

test('the CSP starts at default-src none and allows scripts by nonce only', () => {
  assert.ok(csp.startsWith("default-src 'none'"), csp);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  for (const d of ['style-src', 'img-src', 'font-src']) assert.match(csp, new RegExp(`${d} ${cspSource.replace(/[.+]/g, '\\$&')}(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(contentSecurityPolicy('vscode-resource:', 'n'), "default-src 'none'; script-src 'nonce-n'; style-src vscode-resource:; img-src vscode-resource:; font-src vscode-resource:");
});

test('every <script> carries the nonce', () => {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.ok(scripts.length >= 1);
  for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), s);
});

test('no inline event handlers, inline styles or remote sources', () => {
  assert.doesNotMatch(html, /\son\w+\s*=/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /<style\b/i);
  const withoutResourceUris = html.split(cspSource).join('');
  assert.doesNotMatch(withoutResourceUris, /https?:/);
});

test('nonces are 32 alphanumerics and differ per render', () => {
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(makeNonce(), makeNonce());
});

test('keyboard and screen-reader basics: labelled controls, a live status region, real buttons', () => {
  for (const id of ['app', 'event', 'payload', 'iparams']) assert.match(html, new RegExp(`<label for="${id}"`));
  assert.match(html, /id="status"[^>]*role="status"[^>]*aria-live="polite"/);
  for (const id of ['simulate', 'debug', 'save-payload', 'open-payload', 'save-iparams']) {
    assert.match(html, new RegExp(`<button type="button" id="${id}"`));
  }
});

test('injected values are attribute-escaped', () => {
  const evil = renderPanelHtml({ cspSource, nonce: 'n', scriptUri: '"><script>alert(1)</script>', styleUri: 'x' });
  assert.equal((evil.match(/<script\b/g) ?? []).length, 1);
});
