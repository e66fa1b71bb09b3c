// The simulator panel's browser script (bundled to media/dist/panel.js). It renders what the extension sends
// and posts typed requests back; it never runs anything and builds DOM with textContent only (workspace
// data is untrusted). State survives hiding through vscode.setState (retainContextWhenHidden is off).
import type { ToPanel, FromPanel, PanelState, PanelSelection, HistoryItem, ResultChange } from '../../client/src/panelMessages';
import { appRelativePath, sameSelection } from '../../client/src/panelMessages';
import type { AppSummary, AppEventItem, SimulationResult, LogEntry, PayloadProblem } from '../../server/src/shared/protocol';
import { checkIparams as checkIparamsText, describeIparam, missingIparams, offsetAt, type IparamDef, type Scope } from '../../server/src/shared/core';
import { renderEffects, pretty } from './render';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: FromPanel) => vscode.postMessage(m);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const appSelect = $<HTMLSelectElement>('app');
const eventSelect = $<HTMLSelectElement>('event');
const payload = $<HTMLTextAreaElement>('payload');
const iparams = $<HTMLTextAreaElement>('iparams');
const statusEl = $('status');
const elapsedEl = $('elapsed');
const logsEl = $('logs');

let state: PanelState = (vscode.getState() as PanelState | undefined) ?? {};
let apps: AppSummary[] = [];
let selection: PanelSelection | undefined;
let validateSeq = 0;
let validateTimer: ReturnType<typeof setTimeout> | undefined;
let stateTimer: ReturnType<typeof setTimeout> | undefined;
let runId: string | undefined;
let runStart = 0;
let ticker: ReturnType<typeof setInterval> | undefined;
let lastFinished: Extract<ToPanel, { type: 'runFinished' }> | undefined;
let logCount = 0;
let firstIparams = true;
const MAX_LOGS = 5000;

function saveState(now = false): void {
  clearTimeout(stateTimer);
  const write = () => vscode.setState(state);
  if (now) write(); else stateTimer = setTimeout(write, 300);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text: string, cls: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

// ── Selection ─────────────────────────────────────────────────────────────────────────────────────────
const eventKey = (e: { event: string; scope?: Scope }) =>
  `${e.scope?.kind ?? ''}:${e.scope?.name ?? ''}:${e.event}`;

function renderApps(): void {
  appSelect.replaceChildren(...apps.map((a) => {
    const o = el('option', undefined, `${a.appDir.split(/[\\/]/).pop()} (platform ${a.platformVersion ?? '?'})`);
    o.value = a.appDir;
    o.title = a.appDir;
    return o;
  }));
  appSelect.value = selection?.appDir ?? '';
  renderEvents();
}

function eventLabel(e: AppEventItem, app: AppSummary): string {
  const scope = app.scopes.length > 1 ? ` — ${e.scope.name}` : '';
  const notes = [e.registered && !e.handlerDefined ? 'handler missing' : '', e.problems ? `${e.problems} problem(s)` : '']
    .filter(Boolean).join(', ');
  return `${e.event}${scope}${notes ? ` (${notes})` : ''}`;
}

function renderEvents(): void {
  const app = apps.find((a) => a.appDir === selection?.appDir);
  eventSelect.replaceChildren();
  if (!app) return;
  for (const [label, registered] of [['Registered', true], ['Available', false]] as const) {
    const items = app.events.filter((e) => e.registered === registered);
    if (!items.length) continue;
    const group = el('optgroup');
    group.label = label;
    for (const e of items) {
      const o = el('option', undefined, eventLabel(e, app));
      o.value = eventKey(e);
      group.append(o);
    }
    eventSelect.append(group);
  }
  if (selection) eventSelect.value = eventKey(selection);
  const item = currentItem();
  $('event-info').textContent = item
    ? `${item.description}${item.handler ? ` · handler ${item.handler}` : ''} · time limit ${item.timeLimitMs / 1000} s`
    : '';
}

function currentItem(): AppEventItem | undefined {
  const app = apps.find((a) => a.appDir === selection?.appDir);
  return app?.events.find((e) => eventKey(e) === eventKey(selection ?? { event: '' }))
    ?? app?.events.find((e) => e.event === selection?.event);
}

function select(appDir: string, item: AppEventItem | undefined): void {
  if (!item) return;
  selection = { appDir, event: item.event, scope: item.scope };
  state = { ...state, selection, payloadEdited: false };
  saveState(true);
  renderEvents();
  post({ type: 'selectEvent', appDir, event: item.event, scope: { kind: item.scope.kind, name: item.scope.name } });
}

appSelect.addEventListener('change', () => {
  const app = apps.find((a) => a.appDir === appSelect.value);
  if (app) select(app.appDir, app.events.find((e) => e.registered) ?? app.events[0]);
});
eventSelect.addEventListener('change', () => {
  const app = apps.find((a) => a.appDir === selection?.appDir);
  if (app) select(app.appDir, app.events.find((e) => eventKey(e) === eventSelect.value));
});
$('refresh').addEventListener('click', () => post({ type: 'refresh' }));

// ── Payload and validation ────────────────────────────────────────────────────────────────────────────
function scheduleValidate(delay = 250): void {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(() => post({ type: 'validate', payloadText: payload.value, seq: ++validateSeq }), delay);
}

// Line numbers: one per line of the (unwrapped) text, scrolled with it.
const gutter = $('payload-gutter');
let gutterLines = 0;
function renderGutter(): void {
  const lines = payload.value.split('\n').length;
  if (lines !== gutterLines) {
    gutterLines = lines;
    gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
    gutter.style.width = `${Math.max(2, String(lines).length)}ch`;
  }
  gutter.scrollTop = payload.scrollTop;
}
payload.addEventListener('scroll', () => { gutter.scrollTop = payload.scrollTop; });
renderGutter();

payload.addEventListener('input', () => {
  state = { ...state, payloadText: payload.value, payloadEdited: true };
  renderGutter();
  saveState();
  scheduleValidate();
});
payload.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); simulate(false); }
});

function renderProblems(problems: PayloadProblem[]): void {
  const list = $('problems');
  list.replaceChildren(...problems.map((p) => {
    const li = el('li', `problem problem-${p.severity}`);
    const where = `${p.range.start.line + 1}:${p.range.start.character + 1}`;
    // The attribute it is about (data.contact.is_active), so the message says where without counting lines.
    li.append(button(`${where}  ${p.path ? `${p.path}: ` : ''}${p.message}`, 'link', () => {
      const text = payload.value;
      payload.focus();
      payload.setSelectionRange(offsetAt(text, p.range.start), offsetAt(text, p.range.end));
    }, `${p.severity} ${p.code}: select line ${where}`));
    return li;
  }));
  const errors = problems.filter((p) => p.severity === 'error').length;
  $('problems-summary').textContent = problems.length
    ? `${errors} error(s), ${problems.length - errors} other problem(s) in the payload` : 'Payload is valid.';
}

// Simulate, Debug and Save wait for the event's payload: before it arrives the editor is empty, and a run would
// only say that '' is not JSON.
let payloadLoaded = false;
function simulate(debug: boolean): void {
  if (payloadLoaded) post({ type: 'simulate', payloadText: payload.value, debug });
}
$('simulate').addEventListener('click', () => simulate(false));
$('debug').addEventListener('click', () => simulate(true));
$('fuzz').addEventListener('click', () => { if (payloadLoaded) post({ type: 'fuzz' }); });
$('save-payload').addEventListener('click', () => post({ type: 'savePayload', payloadText: payload.value }));
$('open-payload').addEventListener('click', () => post({ type: 'openPayloadInEditor' }));
$('reload-payload').addEventListener('click', () => post({ type: 'reloadPayload' }));

// ── Iparams ─────────────────────────────────────────────────────────────────────────────────────────
let iparamDefinitions: IparamDef[] = [];
/** Checks the box as you type against config/iparams.json; only text that is no JSON object cannot be saved. */
function checkIparams(): boolean {
  const problems = checkIparamsText(iparamDefinitions, iparams.value);
  $('iparams-error').replaceChildren(...problems.map((p) => el('li', undefined, p)));
  const saveable = !problems.some((p) => p.startsWith('Not valid JSON') || p.startsWith('Test iparams must be'));
  $<HTMLButtonElement>('save-iparams').disabled = !saveable;
  return saveable;
}

/** "Fill in <name>": open the box and select that parameter's value (or put the cursor where it goes). */
function fillIn(name: string): void {
  ($('iparams-section') as HTMLDetailsElement).open = true;
  iparams.focus();
  const m = new RegExp(`"${name.replace(/[$]/g, '\\$&')}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"|[^,}\\n]*)`).exec(iparams.value);
  if (m) {
    const start = m.index + m[0].length - m[1].length;
    iparams.setSelectionRange(start, start + m[1].length);
  } else {
    const at = iparams.value.indexOf('{') + 1;
    iparams.setSelectionRange(at, at);
  }
}
iparams.addEventListener('input', () => {
  state = { ...state, iparamsText: iparams.value, iparamsEdited: true };
  saveState();
  checkIparams();
});
$('save-iparams').addEventListener('click', () => { if (checkIparams()) post({ type: 'saveIparams', text: iparams.value }); });

// ── Run ─────────────────────────────────────────────────────────────────────────────────────────────
const STATUS_TEXT: Record<SimulationResult['status'] | 'idle' | 'running', string> = {
  idle: 'Idle', running: 'Running…', success: 'Success', failed: 'Failed', timeout: 'Timed out', crashed: 'Crashed',
  'not-runnable': 'Not runnable',
};

function setStatus(s: keyof typeof STATUS_TEXT, detail = ''): void {
  statusEl.className = `status status-${s}`;
  statusEl.textContent = STATUS_TEXT[s] + (detail ? ` ${detail}` : '');
}

const ms = (n: number) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);

function appendLog(entry: LogEntry): void {
  if (++logCount > MAX_LOGS) {
    if (logCount === MAX_LOGS + 1) logsEl.append(el('li', 'log muted', `… more than ${MAX_LOGS} lines; the rest are not shown`));
    return;
  }
  const li = el('li', `log log-${entry.level}`);
  li.append(el('span', `badge level level-${entry.level}`, entry.level), el('span', 'time muted', `+${ms(entry.time)}`));
  if (entry.unsupported) {
    const u = el('span', 'badge unsupported', 'not on platform');
    u.title = 'The handler used something the Freshworks platform does not provide; captured here anyway.';
    li.append(u);
  }
  li.append(el('span', 'message', entry.message));
  logsEl.append(li);
}

function startRun(m: Extract<ToPanel, { type: 'runStarted' }>): void {
  runId = m.runId;
  runStart = Math.min(m.startedAt, Date.now());
  logCount = 0;
  logsEl.replaceChildren();
  $('result').hidden = false;
  for (const id of ['error-box', 'not-runnable', 'render-box', 'diff-box']) $(id).hidden = true;
  $('value').textContent = '';
  $('effects').querySelector('tbody')?.replaceChildren();
  $('run-target').textContent = `${m.event}${m.scope ? ` · ${m.scope.name}` : ''}${m.debug ? ' · debug' : ''}`;
  setStatus('running');
  clearInterval(ticker);
  ticker = setInterval(() => { elapsedEl.textContent = ms(Date.now() - runStart); }, 100);
}

function frameItem(f: { file: string; line: number; column: number; functionName?: string }): HTMLLIElement {
  const li = el('li');
  const where = `${f.file}:${f.line}:${f.column}`;
  const text = f.functionName ? `${f.functionName} (${where})` : where;
  const rel = selection ? appRelativePath(f.file, selection.appDir) : undefined;
  if (rel) li.append(button(text, 'link', () => post({ type: 'openLocation', file: rel, line: f.line, column: f.column }), `Open ${rel} at ${f.line}:${f.column}`));
  else li.append(el('span', 'muted', text));
  return li;
}

function finishRun(m: Extract<ToPanel, { type: 'runFinished' }>): void {
  const r = m.result;
  lastFinished = m;
  if (runId !== m.runId) { runId = m.runId; logCount = 0; logsEl.replaceChildren(); r.logs.forEach(appendLog); }
  else if (logCount === 0 && r.logs.length) r.logs.forEach(appendLog);
  clearInterval(ticker);
  elapsedEl.textContent = `in ${ms(r.durationMs)}`;
  $('run-target').textContent = `${r.event}${r.scope ? ` · ${r.scope.name}` : ''}${r.handler ? ` → ${r.handler}` : ''}`;
  setStatus(r.status);
  $('result').hidden = false;
  if (!logsEl.childElementCount) logsEl.append(el('li', 'muted', 'No console output.'));
  if (r.truncatedLogs) logsEl.append(el('li', 'muted', 'Output limit reached: later lines were not captured.'));
  $('value').textContent = r.value === undefined ? 'undefined (the handler returned nothing)' : pretty(r.value);
  $('render-box').hidden = !r.renderData;
  if (r.renderData) $('render').textContent = pretty(r.renderData);
  $('not-runnable').hidden = r.status !== 'not-runnable';
  $('not-runnable-reason').textContent = r.notRunnableReason ?? '';
  $('error-box').hidden = !r.error;
  if (r.error) {
    $('error-message').textContent = r.error.message;
    $('stack').textContent = r.error.stack ?? '';
    const frames = r.error.frames.length ? r.error.frames
      : r.error.file ? [{ file: r.error.file, line: r.error.line ?? 1, column: r.error.column ?? 1 }] : [];
    $('frames').replaceChildren(...frames.map(frameItem));
  }
  renderEffects($('effects').querySelector('tbody') as HTMLElement, r.effects);
  // A run that failed for an iparam without a value names it and offers to fill it in.
  const missing = r.status === 'success' ? [] : missingIparams([...r.logs.map((l) => l.message), r.error?.message ?? '']);
  $('iparams-missing').hidden = missing.length === 0;
  $('iparams-missing-text').textContent = missing.length
    ? `This run had no value for the iparam${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` : '';
  $('iparams-missing-actions').replaceChildren(...missing.map((n) => button(`Fill in ${n}`, 'secondary small', () => fillIn(n),
    `Open Test iparams at ${n}`)));
}

function renderDiff(title: string, changes: ResultChange[] | undefined): void {
  $('diff-box').hidden = false;
  $('diff-title').textContent = title;
  const body = $('diff').querySelector('tbody') as HTMLElement;
  if (!changes) { body.replaceChildren(row(['—', 'No earlier run of this event to compare with.', ''])); return; }
  if (!changes.length) { body.replaceChildren(row(['—', 'No differences.', ''])); return; }
  body.replaceChildren(...changes.map((c) => row([c.field, c.before, c.after], true)));
}

function row(cells: string[], preformatted = false): HTMLTableRowElement {
  const tr = el('tr');
  cells.forEach((c, i) => {
    const td = el('td');
    td.append(preformatted && i > 0 ? el('pre', 'json', c) : document.createTextNode(c));
    tr.append(td);
  });
  return tr;
}

$('diff-current').addEventListener('click', () => {
  if (lastFinished) renderDiff('Changes since the previous run of this event', lastFinished.changes);
});

function renderHistory(items: HistoryItem[]): void {
  const list = $('history');
  if (!items.length) { list.replaceChildren(el('li', 'muted', 'No runs yet.')); return; }
  list.replaceChildren(...items.map((h) => {
    const li = el('li', 'history-item');
    const time = new Date(h.startedAt);
    li.append(
      el('span', `badge status-${h.status}`, STATUS_TEXT[h.status]),
      el('span', 'event', `${h.event}${h.scope ? ` · ${h.scope.name}` : ''}`),
      el('span', 'muted', `${isNaN(time.getTime()) ? h.startedAt : time.toLocaleTimeString()} · ${ms(h.durationMs)}`),
    );
    if (h.errorMessage) li.append(el('span', 'error-text', h.errorMessage));
    const diff = button('Diff with previous', 'secondary small', () => post({ type: 'showDiff', runId: h.id }));
    diff.disabled = !h.hasPrevious;
    li.append(button('Re-run', 'secondary small', () => post({ type: 'rerun', runId: h.id }), 'Run again with that run\'s payload'), diff);
    return li;
  }));
}

function notice(level: string, message: string): void {
  const n = $('notice');
  n.hidden = false;
  n.className = `notice notice-${level}`;
  n.textContent = message;
}

window.addEventListener('message', (ev: MessageEvent<ToPanel>) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      apps = m.apps;
      selection = m.selection;
      state = { ...state, selection };
      saveState(true);
      renderApps();
      return;
    case 'payload': {
      const keep = m.reason === 'restore' && state.payloadEdited && state.payloadText !== undefined
        && sameSelection(state.selection, m.selection);
      selection = m.selection;
      renderEvents();
      payload.value = keep ? state.payloadText ?? '' : m.text;
      renderGutter();
      $('payload-source').textContent = keep ? `${m.label} — edited in the panel` : m.label;
      state = { ...state, selection, payloadText: payload.value, payloadEdited: keep || m.reason === 'rerun' };
      saveState(true);
      scheduleValidate(0);
      payloadLoaded = true;
      for (const id of ['simulate', 'debug', 'fuzz', 'save-payload']) $<HTMLButtonElement>(id).disabled = false;
      return;
    }
    case 'iparams': {
      const keep = firstIparams && state.iparamsEdited && state.iparamsText !== undefined;
      firstIparams = false;
      iparams.value = keep ? state.iparamsText ?? '' : m.text;
      iparamDefinitions = m.defs;
      $('iparams-guide').replaceChildren(...m.defs.map((d) => el('li', undefined, describeIparam(d))));
      $('iparams-source').textContent = `(${m.label}${keep ? ', edited in the panel' : ''})`;
      if (!keep) state = { ...state, iparamsText: m.text, iparamsEdited: false };
      checkIparams();
      return;
    }
    case 'validation':
      if (m.seq === validateSeq) renderProblems(m.problems);
      return;
    case 'runStarted': return startRun(m);
    case 'log':
      if (m.runId === runId) appendLog(m.entry);
      return;
    case 'runFinished': return finishRun(m);
    case 'history': return renderHistory(m.items);
    case 'diff':
      return renderDiff(m.previousId ? 'Changes since the previous run of this event' : 'Diff with previous',
        m.previousId ? m.changes : undefined);
    case 'notice': return notice(m.level, m.message);
    case 'saved':
      if (m.what === 'payload') { $('payload-source').textContent = m.label; state = { ...state, payloadEdited: false }; }
      else { $('iparams-source').textContent = `(${m.label})`; state = { ...state, iparamsEdited: false }; }
      saveState(true);
      return;
    default: {
      const _exhaustive: never = m;
      return _exhaustive;
    }
  }
});

setStatus('idle');
post({ type: 'ready' });
