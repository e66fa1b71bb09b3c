// The simulator panel's HTML skeleton. No vscode import (the caller passes cspSource, nonce and URIs as
// strings) so the CSP and the markup can be unit-tested. The page is static: media/src/panel.ts fills it
// in from typed messages. No inline handlers, no inline styles, one nonce'd script.

export interface PanelHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** Fresh per render; see makeNonce. */
  nonce: string;
  /** webview.asWebviewUri(media/dist/panel.js).toString() */
  scriptUri: string;
  /** webview.asWebviewUri(media/panel.css).toString() */
  styleUri: string;
}

/** 32 characters from [A-Za-z0-9]; `random` is injectable for tests (defaults to crypto-quality randomness). */
export function makeNonce(random: (n: number) => Uint8Array = defaultRandom): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => chars[b % chars.length]).join('');
}

function defaultRandom(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
  const nonce = escapeAttr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>Freshsales Simulator</title>
</head>
<body>
<main>
  <section class="target" aria-label="Event">
    <div class="field">
      <label for="app">App</label>
      <select id="app"></select>
    </div>
    <div class="field">
      <label for="event">Event</label>
      <select id="event"></select>
    </div>
    <button type="button" id="refresh" class="secondary" title="Reload the app's events">Refresh</button>
    <p id="event-info" class="muted"></p>
  </section>

  <section class="payload" aria-label="Payload">
    <div class="row">
      <label for="payload">Payload</label>
      <span id="payload-source" class="badge muted"></span>
    </div>
    <div class="code-box">
      <pre id="payload-gutter" class="gutter" aria-hidden="true"></pre>
      <textarea id="payload" spellcheck="false" autocomplete="off" wrap="off" rows="16" aria-describedby="payload-source problems-summary"></textarea>
    </div>
    <p id="problems-summary" class="muted" aria-live="polite"></p>
    <ul id="problems" class="problems"></ul>
    <div class="row buttons">
      <button type="button" id="simulate" disabled title="Run the handler with this payload (Ctrl+Enter)">Simulate</button>
      <button type="button" id="debug" class="secondary" disabled title="Run under the debugger">Debug</button>
      <button type="button" id="fuzz" class="secondary" disabled title="Run the handler on generated payloads the platform may send (the test payload's file, not the panel's edits, is the starting point)">Fuzz</button>
      <button type="button" id="save-payload" class="secondary" disabled>Save Payload</button>
      <button type="button" id="open-payload" class="secondary">Open in Editor</button>
      <button type="button" id="reload-payload" class="secondary" title="Discard the panel's edits and reload the payload">Reload</button>
    </div>
  </section>

  <details class="iparams" id="iparams-section">
    <summary>Test iparams <span id="iparams-source" class="muted"></span></summary>
    <label for="iparams">config/iparam_test_data.json (a JSON object, read by the next run once saved)</label>
    <ul id="iparams-guide" class="iparams-guide muted"></ul>
    <textarea id="iparams" spellcheck="false" autocomplete="off" rows="6"></textarea>
    <ul id="iparams-error" class="error-text" aria-live="polite"></ul>
    <button type="button" id="save-iparams" class="secondary">Save iparams</button>
  </details>

  <section class="run" aria-label="Run">
    <div class="status-line">
      <span id="status" class="status status-idle" role="status" aria-live="polite">Idle</span>
      <span id="elapsed" class="muted"></span>
      <span id="run-target" class="muted"></span>
    </div>
    <p id="notice" class="notice" aria-live="polite" hidden></p>
    <div id="result" hidden>
      <div id="iparams-missing" class="iparams-missing" hidden>
        <p id="iparams-missing-text" class="error-text"></p>
        <div id="iparams-missing-actions" class="row"></div>
      </div>
      <h2>Logs</h2>
      <ol id="logs" class="logs"></ol>
      <div id="error-box" hidden>
        <h2>Error</h2>
        <p id="error-message" class="error-text"></p>
        <ol id="frames" class="frames" aria-label="Stack frames"></ol>
        <details><summary>Raw stack</summary><pre id="stack" class="json" tabindex="0"></pre></details>
      </div>
      <div id="not-runnable" hidden><h2>Not runnable</h2><p id="not-runnable-reason"></p></div>
      <h2>Returned value</h2>
      <pre id="value" class="json" tabindex="0"></pre>
      <div id="render-box" hidden>
        <h2>renderData</h2>
        <pre id="render" class="json" tabindex="0"></pre>
      </div>
      <h2>Side effects</h2>
      <table id="effects" class="effects">
        <thead><tr><th scope="col">Kind</th><th scope="col">Operation</th><th scope="col">Details</th></tr></thead>
        <tbody></tbody>
      </table>
      <div class="row buttons"><button type="button" id="diff-current" class="secondary">Diff with previous</button></div>
    </div>
  </section>

  <section class="diff" id="diff-box" aria-label="Diff with previous run" hidden>
    <h2 id="diff-title">Changes since the previous run</h2>
    <table id="diff" class="diff-table">
      <thead><tr><th scope="col">Field</th><th scope="col">Previous</th><th scope="col">This run</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>

  <section class="history" aria-label="Run history">
    <h2>History</h2>
    <ol id="history" class="history-list"></ol>
  </section>
</main>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
