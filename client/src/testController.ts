// The Testing view: a TestController fed by the language server (which parses the test files and runs them
// in the test child; mocha and sinon never load in the extension host). Items: one per app, its test files
// with their describe/it blocks (kept current as the files are edited, without running them), and the
// payload tests. Run, Debug, Coverage and Fuzz (payload tests' events) profiles; results, diffs, logs and coverage come back by id.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AppTestsRequest, CancelFuzzNotification, CancelTestsNotification, DiscoverTestsRequest, FuzzRequest, PAYLOAD_SUITE, payloadTestTitle, RunTestsRequest,
  TestDebugReadyNotification, TestEventNotification, testId, type DiscoveredTest, type TestChildMessage,
} from '../../server/src/shared/protocol';
import type { AppIndex } from './appIndex';
import { simulationNodePath } from './config';
import { ensureTrusted } from './simulationService';
import { coverageDetails } from './testCoverage';

interface ItemInfo { appDir: string; kind: 'app' | 'file' | 'suite' | 'test' | 'payloads' | 'payload'; file?: string; titles?: string[]; event?: string }
interface ActiveRun { run: vscode.TestRun; appDir: string; items: Map<string, vscode.TestItem> }

export const UNTRUSTED_TESTS_MESSAGE = "Running tests runs your app's code, so it needs a trusted workspace.";

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class TestsView implements vscode.Disposable {
  private readonly ctrl = vscode.tests.createTestController('freshsales.tests', 'Freshsales app tests');
  private readonly info = new WeakMap<vscode.TestItem, ItemInfo>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly debugWaiters = new Map<string, (port: number) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly details = new WeakMap<vscode.FileCoverage, vscode.FileCoverageDetail[]>();

  constructor(private readonly client: LanguageClient, private readonly ready: Promise<void>, private readonly index: AppIndex) {
    this.ctrl.resolveHandler = async (item) => { if (!item) await this.discoverAll(); };
    this.ctrl.refreshHandler = async () => { await this.discoverAll(); };
    const profile = (label: string, kind: vscode.TestRunProfileKind, isDefault: boolean) =>
      this.ctrl.createRunProfile(label, kind, (request, token) => this.run(request, token, kind), isDefault);
    profile('Run', vscode.TestRunProfileKind.Run, true);
    profile('Debug', vscode.TestRunProfileKind.Debug, true);
    // Lines and branches shown in the editor come from here, per file, when VS Code asks for them.
    profile('Coverage', vscode.TestRunProfileKind.Coverage, true).loadDetailedCoverage = async (_run, fc) => this.details.get(fc) ?? [];
    // "Fuzz": each selected payload test's event fuzzed (as `fsdev fuzz`), passed or failed with the shrunk payload's error.
    this.ctrl.createRunProfile('Fuzz', vscode.TestRunProfileKind.Run, (request, token) => this.fuzz(request, token), false);
    // Test files are not part of the server's app model: watched here. Registrations and payload files are: the
    // app index says when they change (the server's app-changed notification).
    const watcher = vscode.workspace.createFileSystemWatcher('**/test/**/*.js');
    this.disposables.push(this.ctrl, watcher,
      watcher.onDidCreate(() => this.later('all', () => this.discoverAll())),
      watcher.onDidDelete(() => this.later('all', () => this.discoverAll())),
      watcher.onDidChange((uri) => this.later(uri.fsPath, () => this.rediscoverFile(uri))),
      index.onDidChange(() => this.later('all', () => this.discoverAll())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.fileItem(e.document.uri)) this.later(e.document.uri.fsPath, () => this.rediscoverFile(e.document.uri));
      }),
      client.onNotification(TestEventNotification, ({ runId, message, output }) => this.onEvent(runId, message, output)),
      client.onNotification(TestDebugReadyNotification, ({ runId, port }) => this.debugWaiters.get(runId)?.(port)),
    );
  }

  private later(key: string, fn: () => Promise<void>): void {
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => { this.pending.delete(key); void fn().catch(() => undefined); }, 300));
  }

  private item(id: string, label: string, info: ItemInfo, uri?: vscode.Uri): vscode.TestItem {
    const it = this.ctrl.createTestItem(id, label, uri);
    this.info.set(it, info);
    return it;
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem | undefined {
    for (const [, app] of this.ctrl.items) {
      const found = app.children.get(`${app.id}|${uri.fsPath}`);
      if (found) return found;
    }
    return undefined;
  }

  /** Every app of the workspace: its test files (parsed) and its payload tests. */
  async discoverAll(): Promise<void> {
    await this.ready;
    const apps = await this.index.get();
    const roots: vscode.TestItem[] = [];
    for (const app of apps) {
      const root = this.item(`app:${app.appDir}`, path.basename(app.appDir), { appDir: app.appDir, kind: 'app' }, vscode.Uri.file(app.appDir));
      const { files, payloadTests } = await this.client.sendRequest(AppTestsRequest, { appDir: app.appDir });
      for (const file of files) {
        const uri = vscode.Uri.file(file);
        const fi = this.item(`${root.id}|${file}`, path.relative(app.appDir, file).split(path.sep).join('/'), { appDir: app.appDir, kind: 'file', file }, uri);
        root.children.add(fi);
        await this.fillFile(fi, uri);
      }
      if (payloadTests.length) {
        const p = this.item(`${root.id}|payloads`, PAYLOAD_SUITE, { appDir: app.appDir, kind: 'payloads' });
        for (const t of payloadTests) {
          const title = payloadTestTitle(t);
          p.children.add(this.item(`${root.id}|${testId(undefined, [PAYLOAD_SUITE, title])}`, title,
            { appDir: app.appDir, kind: 'payload', event: t.event, titles: [PAYLOAD_SUITE, title] }, vscode.Uri.file(path.join(app.appDir, t.file))));
        }
        root.children.add(p);
      }
      roots.push(root);
    }
    this.ctrl.items.replace(roots);
  }

  private async rediscoverFile(uri: vscode.Uri): Promise<void> {
    const fi = this.fileItem(uri);
    if (fi) await this.fillFile(fi, uri); else await this.discoverAll();
  }

  /** The describe/it tree of one file, from the editor's text when it is open (unsaved edits count). */
  private async fillFile(fi: vscode.TestItem, uri: vscode.Uri): Promise<void> {
    const info = this.info.get(fi)!;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
    let text: string;
    try { text = open?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'); } catch { return; }
    const tree = await this.client.sendRequest(DiscoverTestsRequest, { text });
    const rel = path.relative(info.appDir, info.file!).split(path.sep).join('/');
    const build = (nodes: DiscoveredTest[], parents: string[]): vscode.TestItem[] => nodes.map((n) => {
      const titles = [...parents, n.title];
      const it = this.item(`app:${info.appDir}|${testId(rel, titles)}`, n.title,
        { appDir: info.appDir, kind: n.kind, file: info.file, titles }, uri);
      it.range = new vscode.Range(n.range.start.line, n.range.start.character, n.range.end.line, n.range.end.character);
      if (n.children) it.children.replace(build(n.children, titles));
      return it;
    });
    fi.children.replace(build(tree, []));
  }

  private async fuzz(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (this.ctrl.items.size === 0) await this.discoverAll();
    const payloadItems: vscode.TestItem[] = [];
    const collect = (it: vscode.TestItem) => {
      if (this.info.get(it)?.kind === 'payload') payloadItems.push(it);
      else it.children.forEach(collect);
    };
    (request.include ?? [...this.ctrl.items].map(([, it]) => it)).forEach(collect);
    const run = this.ctrl.createTestRun(request, 'Fuzz', true);
    try {
      for (const item of payloadItems) {
        const info = this.info.get(item)!;
        if (token.isCancellationRequested) { run.skipped(item); continue; }
        run.started(item);
        const runId = randomUUID();
        const cancel = token.onCancellationRequested(() => { void this.client.sendNotification(CancelFuzzNotification, { runId }); });
        try {
          const out = await this.client.sendRequest(FuzzRequest, { runId, appDir: info.appDir, event: info.event!, nodePath: simulationNodePath(vscode.Uri.file(info.appDir)) });
          const f = out.failure;
          if (out.status === 'passed') run.passed(item, out.durationMs);
          else if (out.status === 'cancelled') run.skipped(item);
          else if (!f) run.errored(item, new vscode.TestMessage(out.reason ?? out.status));
          else {
            const msg = new vscode.TestMessage(`${f.error.message}\n(after ${out.runs} runs, seed ${out.seed}; shrunk payload: ${f.savedTo ?? 'not saved'})`);
            if (f.error.file && f.error.line) msg.location = new vscode.Location(vscode.Uri.file(path.join(info.appDir, f.error.file)), new vscode.Position(f.error.line - 1, Math.max(0, (f.error.column ?? 1) - 1)));
            run.failed(item, msg, out.durationMs);
          }
        } catch (e) {
          run.errored(item, new vscode.TestMessage(String((e as Error).message ?? e)));
        } finally {
          cancel.dispose();
        }
      }
    } finally {
      run.end();
    }
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, kind: vscode.TestRunProfileKind): Promise<void> {
    // The tests run the app's code (unconfined): never in a workspace that is not trusted (the manifest's
    // untrustedWorkspaces "limited" leaves this check to us; the server refuses too).
    if (!vscode.workspace.isTrusted) {
      const run = this.ctrl.createTestRun(request, undefined, false);
      run.appendOutput(`${UNTRUSTED_TESTS_MESSAGE}\r\n`);
      run.end();
      void ensureTrusted(UNTRUSTED_TESTS_MESSAGE);
      return;
    }
    if (this.ctrl.items.size === 0) await this.discoverAll();
    const included = request.include ?? [...this.ctrl.items].map(([, it]) => it);
    const byApp = new Map<string, vscode.TestItem[]>();
    for (const it of included) {
      const appDir = this.info.get(it)?.appDir;
      if (appDir) byApp.set(appDir, [...(byApp.get(appDir) ?? []), it]);
    }
    const run = this.ctrl.createTestRun(request, undefined, true);
    try {
      for (const [appDir, items] of byApp) {
        if (token.isCancellationRequested) break;
        await this.runApp(run, appDir, items, token, kind);
      }
    } finally {
      run.end();
    }
  }

  private async runApp(run: vscode.TestRun, appDir: string, items: vscode.TestItem[], token: vscode.CancellationToken, kind: vscode.TestRunProfileKind): Promise<void> {
    // What to ask for: whole files, payload events, and a grep of full titles for single suites and tests.
    let files: Set<string> | undefined = new Set<string>();
    let payloadEvents: Set<string> | undefined = new Set<string>();
    const patterns: string[] = [];
    const all = new Map<string, vscode.TestItem>();
    const collect = (it: vscode.TestItem) => { all.set(it.id, it); it.children.forEach(collect); };
    for (const it of items) {
      collect(it);
      const i = this.info.get(it)!;
      if (i.kind === 'app') { files = undefined; payloadEvents = undefined; break; }
      if (i.kind === 'file') files?.add(i.file!);
      if (i.kind === 'payloads') payloadEvents = undefined;
      if (i.kind === 'payload') payloadEvents?.add(i.event!);
      if ((i.kind === 'suite' || i.kind === 'test') && i.file) {
        files?.add(i.file);
        patterns.push(`^${esc(i.titles!.join(' '))}${i.kind === 'suite' ? ' ' : '$'}`);
      }
    }
    const wholeFile = items.some((it) => this.info.get(it)!.kind === 'file');
    const grep = patterns.length && !wholeFile ? patterns.join('|') : undefined;
    for (const it of all.values()) if (it.children.size === 0 && this.info.get(it)!.kind !== 'file') run.enqueued(it);

    const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const active: ActiveRun = { run, appDir, items: all };
    this.runs.set(runId, active);
    const cancel = token.onCancellationRequested(() => { void this.client.sendNotification(CancelTestsNotification, { runId }); });
    const debug = kind === vscode.TestRunProfileKind.Debug;
    if (debug) this.attachWhenReady(runId, appDir);
    try {
      const result = await this.client.sendRequest(RunTestsRequest, {
        runId, appDir, grep,
        files: files && (files.size || payloadEvents) ? [...files] : files?.size === 0 && !payloadEvents ? [] : undefined,
        payloadEvents: payloadEvents ? [...payloadEvents] : undefined,
        coverage: kind === vscode.TestRunProfileKind.Coverage, debug, nodePath: simulationNodePath(vscode.Uri.file(appDir)),
        trusted: vscode.workspace.isTrusted,
      });
      if (result.error) run.appendOutput(`\r\nThe test run broke off: ${result.error}\r\n`);
      for (const data of result.coverage ?? []) {
        const details = coverageDetails(data);
        const fc = vscode.FileCoverage.fromDetails(vscode.Uri.file(data.path), details);
        this.details.set(fc, details);
        run.addCoverage(fc);
      }
      if (result.coverageSummary) {
        run.appendOutput(`\r\n${result.coverageSummary.text.replace(/\n/g, '\r\n')}`);
        if (result.coverageSummary.lowest < 80) {
          void vscode.window.showWarningMessage(`Coverage is under the Marketplace's 80 %: ${result.coverageSummary.lowestMetric} `
            + `${result.coverageSummary.lowest} % (${path.basename(appDir)}).`);
        }
      }
    } catch (e) {
      run.appendOutput(`\r\nThe tests could not run: ${e instanceof Error ? e.message : String(e)}\r\n`);
    } finally {
      cancel.dispose();
      this.runs.delete(runId);
      this.debugWaiters.delete(runId);
    }
  }

  private onEvent(runId: string, message: TestChildMessage | undefined, output: string | undefined): void {
    const active = this.runs.get(runId);
    if (!active) return;
    const { run } = active;
    if (output !== undefined) { run.appendOutput(output.replace(/\r?\n/g, '\r\n')); return; }
    if (!message) return;
    const itemFor = (id: string, title: string, file?: string): vscode.TestItem => {
      const key = `app:${active.appDir}|${id}`;
      let it = active.items.get(key);
      if (!it) {
        // A test the parser could not see (a computed title): it appears under its file as it runs.
        const fi = file ? this.fileItem(vscode.Uri.file(file)) : undefined;
        it = this.item(key, title, { appDir: active.appDir, kind: 'test', file }, file ? vscode.Uri.file(file) : undefined);
        (fi?.children ?? this.ctrl.items).add(it);
        active.items.set(key, it);
      }
      return it;
    };
    switch (message.type) {
      case 'begin': run.started(itemFor(message.test.id, message.test.title, message.test.file)); break;
      case 'log': {
        const it = message.testId ? active.items.get(`app:${active.appDir}|${message.testId}`) : undefined;
        run.appendOutput(`${message.entry.level === 'system' ? '[fsdev] ' : ''}${message.entry.message.replace(/\r?\n/g, '\r\n')}\r\n`, undefined, it);
        break;
      }
      case 'end': {
        const r = message.result;
        const it = itemFor(r.id, r.title, r.file);
        if (r.outcome === 'passed') run.passed(it, r.durationMs);
        else if (r.outcome === 'skipped') run.skipped(it);
        else {
          const f = r.failure ?? { message: 'failed' };
          const msg = f.expected !== undefined || f.actual !== undefined
            ? vscode.TestMessage.diff(f.message, f.expected ?? '', f.actual ?? '') : new vscode.TestMessage(f.message);
          if (f.file && f.line) msg.location = new vscode.Location(vscode.Uri.file(f.file), new vscode.Position(f.line - 1, Math.max(0, (f.column ?? 1) - 1)));
          run.failed(it, msg, r.durationMs);
        }
        break;
      }
      default: break;
    }
  }

  private attachWhenReady(runId: string, appDir: string): void {
    this.debugWaiters.set(runId, (port) => {
      this.debugWaiters.delete(runId);
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(appDir));
      void vscode.debug.startDebugging(folder, {
        type: 'node', request: 'attach', name: 'Freshsales tests', port, address: '127.0.0.1', continueOnAttach: true,
        skipFiles: ['<node_internals>/**', '**/server/dist/testRunner.js'],
        // The sandbox appends `return exports;` after server.js's last line: same lines, different text.
        enableContentValidation: false,
      });
    });
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
