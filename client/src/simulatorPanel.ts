// The simulator panel: one webview where the user picks an app event, edits its payload and test iparams,
// runs the handler and reads the run (status, logs, value, error with linked frames, side effects, history,
// diff with the previous run). The panel owns UI only: the language server knows the app and runs handlers;
// SimulationService starts runs and broadcasts them, so runs started from a CodeLens show here too.
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DefaultPayloadRequest, FuzzCommand, ValidatePayloadRequest,
  type AppEventItem, type AppSummary, type SimulateTarget, type SimulationResult, type LogEntry,
} from '../../server/src/shared/protocol';
import type { SimulationService } from './simulationService';
import { renderPanelHtml, makeNonce } from './panelHtml';
import {
  isFromPanelMessage, selectionFromState,
  type FromPanel, type ToPanel, type PanelSelection, type HistoryItem,
} from './panelMessages';
import { iparamDefs, iparamsTemplate, type IparamDef } from '../../server/src/shared/core';
import type { AppIndex } from './appIndex';
import { diffRunResults, previousRunOf } from './panelDiff';
import { saveTextToWorkspaceFile, openOrCreateInEditor } from './panelPayloadSave';

const MAX_BUFFERED_LOGS = 5000;
const IPARAMS_FILE = 'config/iparam_test_data.json';
const IPARAM_DEFS_FILE = 'config/iparams.json';

export class SimulatorPanel {
  static readonly viewType = 'freshsales.simulator';
  private static current: SimulatorPanel | undefined;
  /** The extension's app index (set with the serializer, at activation): the panel's list of apps and events. */
  private static index: AppIndex | undefined;

  private apps: AppSummary[] = [];
  private selection: PanelSelection | undefined;
  /** An explicit payload file from the target (CodeLens on a payload file), absolute and inside the app. */
  private payloadFileOverride: string | undefined;
  private history: SimulationResult[] = [];
  private running: { runId: string; event: string; scope?: PanelSelection['scope']; debug: boolean; startedAt: number } | undefined;
  private runLogs: LogEntry[] = [];
  private lastFinished: Extract<ToPanel, { type: 'runFinished' }> | undefined;
  private pendingDebug = false;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(context: vscode.ExtensionContext, service: SimulationService, client: LanguageClient,
    target?: SimulateTarget): SimulatorPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (SimulatorPanel.current) {
      SimulatorPanel.current.panel.reveal(column);
      if (target) void SimulatorPanel.current.setTarget(target);
      return SimulatorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(SimulatorPanel.viewType, 'Freshsales Simulator', column,
      { ...webviewOptions(context.extensionUri), retainContextWhenHidden: false });
    SimulatorPanel.current = new SimulatorPanel(panel, context, service, client, target);
    return SimulatorPanel.current;
  }

  static registerSerializer(context: vscode.ExtensionContext, service: SimulationService, client: LanguageClient, index: AppIndex): vscode.Disposable {
    SimulatorPanel.index = index;
    return vscode.window.registerWebviewPanelSerializer(SimulatorPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = webviewOptions(context.extensionUri);
        SimulatorPanel.current?.panel.dispose();
        const sel = selectionFromState(state);
        SimulatorPanel.current = new SimulatorPanel(panel, context, service, client,
          sel ? { appDir: sel.appDir, event: sel.event, scope: sel.scope } : undefined);
      },
    });
  }

  private constructor(private readonly panel: vscode.WebviewPanel, context: vscode.ExtensionContext,
    private readonly service: SimulationService, private readonly client: LanguageClient, target?: SimulateTarget) {
    if (target) this.applyTarget(target);
    const webview = panel.webview;
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dist', 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => { void this.onMessage(raw); }),
      panel.onDidDispose(() => this.dispose()),
      service.onDidStart(({ runId, target: t }) => {
        this.running = { runId, event: t.event, scope: t.scope, debug: this.pendingDebug, startedAt: Date.now() };
        this.pendingDebug = false;
        this.runLogs = [];
        this.post({ type: 'runStarted', ...this.running });
      }),
      service.onDidLog(({ runId, entry }) => {
        if (runId !== this.running?.runId) return;
        if (this.runLogs.length < MAX_BUFFERED_LOGS) this.runLogs.push(entry);
        this.post({ type: 'log', runId, entry });
      }),
      service.onDidFinish(({ runId, target: t, result }) => { void this.onFinished(runId, t, result); }),
      // An app changed (a registration, a payload file): the panel's app and event lists follow.
      ...(SimulatorPanel.index ? [SimulatorPanel.index.onDidChange(() => { void this.sendInit(); })] : []),
    );
  }

  private dispose(): void {
    if (SimulatorPanel.current === this) SimulatorPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(msg: ToPanel): void {
    void this.panel.webview.postMessage(msg);
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'notice', level, message });
  }

  private applyTarget(t: SimulateTarget): void {
    this.selection = { appDir: t.appDir, event: t.event, scope: t.scope };
    this.payloadFileOverride = t.payloadFile && isInside(t.appDir, path.resolve(t.appDir, t.payloadFile))
      ? path.resolve(t.appDir, t.payloadFile) : undefined;
  }

  private async setTarget(t: SimulateTarget): Promise<void> {
    this.applyTarget(t);
    await this.sendInit();
    await Promise.all([this.sendPayload('select'), this.sendIparams(), this.sendHistory()]);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isFromPanelMessage(raw)) {
      console.warn('[freshsales simulator] ignored an invalid message from the webview:',
        JSON.stringify(raw)?.slice(0, 200));
      return;
    }
    try {
      await this.handle(raw);
    } catch (e) {
      this.notice('error', `${raw.type} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async handle(msg: FromPanel): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await this.sendInit();
        await Promise.all([this.sendPayload('restore'), this.sendIparams(), this.sendHistory()]);
        if (this.running) {
          this.post({ type: 'runStarted', ...this.running });
          for (const entry of this.runLogs) this.post({ type: 'log', runId: this.running.runId, entry });
        }
        if (this.lastFinished) this.post(this.lastFinished);
        return;
      case 'refresh':
        await this.sendInit();
        await this.sendHistory();
        return;
      case 'selectEvent': {
        if (!this.apps.some((a) => a.appDir === msg.appDir)) return this.notice('error', 'Unknown app folder.');
        const appChanged = this.selection?.appDir !== msg.appDir;
        this.selection = { appDir: msg.appDir, event: msg.event, scope: msg.scope };
        this.payloadFileOverride = undefined;
        await this.sendPayload('select');
        if (appChanged) await Promise.all([this.sendIparams(), this.sendHistory()]);
        return;
      }
      case 'reloadPayload':
        return this.sendPayload('reload');
      case 'validate': {
        const sel = this.selection;
        if (!sel) return;
        const problems = await this.client.sendRequest(ValidatePayloadRequest,
          { text: msg.payloadText, event: sel.event, scope: sel.scope }).catch(() => []);
        this.post({ type: 'validation', seq: msg.seq, problems });
        return;
      }
      case 'simulate':
        return this.run(msg.payloadText, msg.debug);
      case 'fuzz': {
        const sel = this.selection;
        if (!sel) return this.notice('error', 'No event selected.');
        if (!this.apps.some((a) => a.appDir === sel.appDir)) return this.notice('error', 'Unknown app folder.');
        // The command's progress, its failure in this panel and its actions, as from the lens (fuzzCommand.ts).
        await vscode.commands.executeCommand(FuzzCommand, { appDir: sel.appDir, event: sel.event, scope: sel.scope });
        return;
      }
      case 'openLocation':
        return this.openLocation(msg.file, msg.line, msg.column);
      case 'savePayload': {
        const uri = this.payloadUri();
        if (!uri) return this.notice('error', 'No event selected.');
        const out = await saveTextToWorkspaceFile(uri, msg.payloadText, 'payload');
        if (out.applied) this.post({ type: 'saved', what: 'payload', label: this.relative(uri.fsPath) + (out.saved ? '' : ' (unsaved editor text)') });
        return this.notice(out.saved ? 'info' : 'warning', out.message);
      }
      case 'openPayloadInEditor': {
        const uri = this.payloadUri();
        if (!uri) return this.notice('error', 'No event selected.');
        return openOrCreateInEditor(uri, async () => (await this.defaultPayload())?.text ?? '{}\n');
      }
      case 'rerun':
        return this.rerun(msg.runId);
      case 'showDiff': {
        const cur = this.history.find((r) => r.id === msg.runId);
        if (!cur) return this.notice('warning', 'That run is no longer in the history.');
        const prev = previousRunOf(this.history, cur.id);
        this.post({ type: 'diff', runId: cur.id, previousId: prev?.id, changes: prev ? diffRunResults(prev, cur) : [] });
        return;
      }
      case 'saveIparams': {
        const sel = this.selection;
        if (!sel) return this.notice('error', 'No app selected.');
        if (!isJsonObjectText(msg.text)) return this.notice('error', 'Test iparams must be a JSON object.');
        const uri = vscode.Uri.file(path.join(sel.appDir, IPARAMS_FILE));
        const out = await saveTextToWorkspaceFile(uri, msg.text, 'iparams');
        if (out.applied) this.post({ type: 'saved', what: 'iparams', label: IPARAMS_FILE });
        return this.notice(out.saved ? 'info' : 'warning', out.message);
      }
      default: {
        const _exhaustive: never = msg;
        return _exhaustive;
      }
    }
  }

  private async sendInit(): Promise<void> {
    const index = SimulatorPanel.index;
    this.apps = index ? await index.get() : [];
    if (!index || index.unreachable) this.notice('error', 'The language server did not answer: see the "Freshsales DevTools" output.');
    const sel = this.selection;
    const app = this.apps.find((a) => a.appDir === sel?.appDir) ?? this.apps[0];
    if (app && (!sel || sel.appDir !== app.appDir)) {
      const first = app.events.find((e) => e.registered) ?? app.events[0];
      this.selection = first ? { appDir: app.appDir, event: first.event, scope: first.scope } : undefined;
    }
    this.post({ type: 'init', apps: this.apps, selection: this.selection });
  }

  private eventItem(): AppEventItem | undefined {
    const sel = this.selection;
    const app = this.apps.find((a) => a.appDir === sel?.appDir);
    const same = app?.events.filter((e) => e.event === sel?.event) ?? [];
    return same.find((e) => e.scope.kind === sel?.scope?.kind && e.scope.name === sel?.scope?.name) ?? same[0];
  }

  private payloadUri(): vscode.Uri | undefined {
    const sel = this.selection;
    if (!sel) return undefined;
    if (this.payloadFileOverride) return vscode.Uri.file(this.payloadFileOverride);
    const item = this.eventItem();
    const rel = item?.payloadFile ?? item?.expectedPayloadFile;
    if (!rel) return undefined;
    const abs = path.resolve(sel.appDir, rel);
    return isInside(sel.appDir, abs) ? vscode.Uri.file(abs) : undefined;
  }

  private relative(abs: string): string {
    return this.selection ? path.relative(this.selection.appDir, abs).split(path.sep).join('/') : abs;
  }

  private async defaultPayload() {
    const sel = this.selection;
    if (!sel) return null;
    // The server picks the product from the scope.
    return this.client.sendRequest(DefaultPayloadRequest, { event: sel.event, scope: sel.scope }).catch(() => null);
  }

  /** The test_data file as VS Code sees it (an unsaved editor's text wins), else the bundled default. */
  private async sendPayload(reason: 'select' | 'reload' | 'restore'): Promise<void> {
    const sel = this.selection;
    if (!sel) return;
    const item = this.eventItem();
    const uri = this.payloadUri();
    const onDisk = this.payloadFileOverride ?? (item?.payloadFile ? uri?.fsPath : undefined);
    if (uri && onDisk && await exists(uri)) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const label = this.relative(uri.fsPath) + (doc.isDirty ? ' (unsaved editor text)' : '');
      this.post({ type: 'payload', selection: sel, text: doc.getText(), source: 'file', label, file: this.relative(uri.fsPath), reason });
      return;
    }
    const def = await this.defaultPayload();
    const where = item?.expectedPayloadFile ? `; Save Payload creates ${item.expectedPayloadFile}` : '';
    if (def) {
      this.post({ type: 'payload', selection: sel, text: def.text, source: 'default', label: `Bundled default payload${where}`, reason });
    } else {
      this.post({ type: 'payload', selection: sel, text: '{}\n', source: 'none', label: `No test payload or default for this event${where}`, reason });
    }
  }

  private async sendIparams(): Promise<void> {
    const sel = this.selection;
    if (!sel) return;
    const uri = vscode.Uri.file(path.join(sel.appDir, IPARAMS_FILE));
    // config/iparams.json says what each parameter is: the box starts from it and checks against it.
    let defs: IparamDef[] = [];
    try { defs = iparamDefs(JSON.parse(await fs.readFile(path.join(sel.appDir, IPARAM_DEFS_FILE), 'utf8'))); } catch { /* none, or not JSON */ }
    if (await exists(uri)) {
      const doc = await vscode.workspace.openTextDocument(uri);
      this.post({ type: 'iparams', text: doc.getText(), exists: true, label: IPARAMS_FILE + (doc.isDirty ? ' (unsaved editor text)' : ''), defs });
    } else {
      this.post({ type: 'iparams', text: defs.length ? iparamsTemplate(defs) : '{}\n', exists: false, defs,
        label: `${IPARAMS_FILE} does not exist yet${defs.length ? `: each parameter of ${IPARAM_DEFS_FILE}, with its default` : ''}` });
    }
  }

  private async sendHistory(appDir = this.selection?.appDir): Promise<void> {
    if (!appDir) return;
    this.history = await this.service.history(appDir).catch(() => []);
    this.post({ type: 'history', items: this.history.map((r): HistoryItem => ({
      id: r.id, event: r.event, scope: r.scope, status: r.status, durationMs: r.durationMs, startedAt: r.startedAt,
      errorMessage: r.error?.message ?? r.notRunnableReason, hasPrevious: !!previousRunOf(this.history, r.id),
    })) });
  }

  private async run(payloadText: string, debug: boolean, target?: SimulateTarget): Promise<void> {
    const sel = this.selection;
    const t: SimulateTarget | undefined = target ?? (sel && { appDir: sel.appDir, event: sel.event, scope: sel.scope });
    if (!t) return this.notice('error', 'Choose an event first.');
    this.pendingDebug = debug;
    const result = await this.service.run(t, { payloadText, debug });
    if (!result) this.notice('warning', 'The run did not start (see the notification for why).');
  }

  private async onFinished(runId: string, target: SimulateTarget, result: SimulationResult | undefined): Promise<void> {
    if (!result) return;
    if (this.selection?.appDir === target.appDir) await this.sendHistory(target.appDir);
    const prev = previousRunOf(this.history.some((r) => r.id === result.id) ? this.history : [result, ...this.history], result.id);
    this.lastFinished = { type: 'runFinished', runId, result, previousId: prev?.id, changes: prev ? diffRunResults(prev, result) : undefined };
    if (this.running?.runId === runId) this.running = undefined;
    this.post(this.lastFinished);
  }

  private async rerun(runId: string): Promise<void> {
    const sel = this.selection;
    const r = this.history.find((h) => h.id === runId);
    if (!sel || !r) return this.notice('warning', 'That run is no longer in the history.');
    const text = typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload ?? {}, null, 2);
    this.selection = { appDir: sel.appDir, event: r.event, scope: r.scope };
    this.payloadFileOverride = undefined;
    this.post({ type: 'init', apps: this.apps, selection: this.selection });
    this.post({ type: 'payload', selection: this.selection, text, source: 'history', reason: 'rerun',
      label: `Payload of the run at ${new Date(r.startedAt).toLocaleTimeString()}` });
    if (r.payloadTruncated) return this.notice('warning', 'That run\'s stored payload was cut (over 256 KB); not re-run.');
    await this.run(text, false);
  }

  private async openLocation(file: string, line: number, column: number): Promise<void> {
    const sel = this.selection;
    if (!sel) return;
    const abs = path.resolve(sel.appDir, file);
    const real = await fs.realpath(abs).catch(() => undefined);
    const realDir = await fs.realpath(sel.appDir).catch(() => sel.appDir);
    if (!real || !isInside(realDir, real)) return this.notice('error', `${file} is not a file inside the app.`);
    const pos = new vscode.Position(line - 1, column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(abs), {
      selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One, preview: true,
    });
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return true;
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

function isJsonObjectText(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch { return false; }
}
