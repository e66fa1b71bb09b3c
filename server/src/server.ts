// LSP wiring only: every request is answered by the pure core, through the workspace's view of the app.
// Each handler is guarded, so a bug or a hostile file costs one answer, never the server.
import {
  CodeActionKind, DiagnosticSeverity, ErrorCodes, FileChangeType, ResponseError, TextDocuments, TextDocumentSyncKind,
  type CodeAction, type Connection, type Diagnostic as LspDiagnostic, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { defaultPayloadText, defaultProductFor, findEvent, otherProductEvents, payloadSchema } from './core/catalogue';
import { SERVER_SCRIPT } from './core/appModel';
import { callbackLenses, outlineEvents, payloadLensTarget } from './core/appOutline';
import { definitionAt, manifestCompletions, registrationHover, scriptEventsArrayCompletions } from './core/manifestAssist';
import { schemaCompletions, schemaHover } from './core/schemaAssist';
import type { SchemaNode } from './core/schemaNavigation';
import manifestSchema from '../../schemas/manifest.schema.json';
import { otherProductOfPayload, payloadSyntaxDiagnostics, productOf } from './core/payloadChecks';
import { otherScope } from './core/checks';
import { validatePayload } from './core/payloadValidation';
import { attributePath } from './core/jsonLocate';
import { quickFixesFor, type FileEdit } from './core/quickFixes';
import { classifyTestData, TEST_DATA_DIR } from './core/testDataLayout';
import { offsetAt } from './core/textPositions';
import type { Diagnostic } from './core/types';
import {
  AppChangedNotification, AppEventsRequest, CreateTestCommand, DebugCommand, DefaultPayloadRequest, FuzzCommand, SimulateCommand, ValidatePayloadRequest,
  type AppSummary, type SimulateTarget,
} from './protocol';
import { registerSimulation } from './simulationHost';
import { registerTesting } from './testingHost';
import { LintProvider } from './lint/lintProvider';
import { AppWorkspace, MANIFEST, pathToUri, uriToPath, type AppState } from './workspace';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };
const DEBOUNCE_MS = 60;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new AppWorkspace({
    textOf: (p) => documents.get(pathToUri(p))?.getText(),
    openPaths: () => documents.keys().map(uriToPath).filter((p): p is string => !!p),
  });
  const pending = new Map<AppState, NodeJS.Timeout>();
  const simulation = registerSimulation(connection, (appDir) => workspace.apps.get(appDir) ?? workspace.appOf(appDir + '/' + MANIFEST));
  const testing = registerTesting(connection, (appDir) => workspace.apps.get(appDir) ?? workspace.appOf(appDir + '/' + MANIFEST));

  // LSP: before `initialize`, requests are answered with error -32002 and notifications dropped.
  let initialized = false;
  const guard = <P, R>(name: string, fallback: R, fn: (p: P) => R) => (p: P): R => {
    if (!initialized) return new ResponseError(ErrorCodes.ServerNotInitialized, 'The server is not initialized yet: send "initialize" first.') as R;
    try {
      return fn(p);
    } catch (e) {
      connection.console.error(`${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return fallback;
    }
  };

  /** The app and the app-relative path of a document, when it belongs to a Freshworks app. */
  const locate = (uri: string) => {
    const abs = uriToPath(uri);
    const state = abs ? workspace.appOf(abs) : undefined;
    return state && abs ? { state, rel: state.rel(abs), abs } : undefined;
  };

  /** locate, for the features a file too large to analyse as it is typed (or any file of an app whose manifest is) goes without. */
  const locateLive = (uri: string) => {
    const at = locate(uri);
    return at && !at.state.limited(at.rel) ? at : undefined;
  };

  const openPaths = () => documents.keys().map(uriToPath).filter((p): p is string => !!p);
  // fdk's lint, in a worker thread: its results arrive later and publish the app again.
  const lint = new LintProvider((state) => schedule(state));
  const publish = (state: AppState) => {
    pending.delete(state);
    const byFile = state.diagnostics();
    for (const [rel, list] of lint.diagnostics(state, openPaths())) byFile.set(rel, [...byFile.get(rel) ?? [], ...list]);
    const files = new Set([...byFile.keys(), ...state.published]);
    for (const rel of files) {
      const list = byFile.get(rel) ?? [];
      void connection.sendDiagnostics({ uri: pathToUri(state.abs(rel)), diagnostics: list.map(toLsp) });
    }
    state.published = new Set(byFile.keys());
    void connection.sendNotification(AppChangedNotification, { appDir: state.appDir });
  };
  const schedule = (state: AppState) => {
    clearTimeout(pending.get(state));
    pending.set(state, setTimeout(guard('diagnostics', undefined, () => publish(state)), DEBOUNCE_MS));
  };

  connection.onInitialize((params) => {
    initialized = true;
    const folders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .map(uriToPath).filter((p): p is string => !!p);
    guard('discover', undefined, () => workspace.discover(folders))(undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', "'", ':'] },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'freshsales-devtools', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => { for (const state of workspace.apps.values()) schedule(state); });

  documents.onDidChangeContent(({ document }) => { const at = locate(document.uri); if (at) schedule(at.state); });
  documents.onDidClose(({ document }) => { const at = locate(document.uri); if (at) { at.state.fileChanged(at.rel); schedule(at.state); } });
  connection.onDidChangeWatchedFiles(guard('watched files', undefined, ({ changes }) => {
    const touched = new Set<AppState>();
    for (const change of changes) {
      const abs = uriToPath(change.uri);
      if (!abs) continue;
      if (change.type === FileChangeType.Created && abs.endsWith(MANIFEST)) workspace.discover([abs.slice(0, -MANIFEST.length - 1)]);
      const state = workspace.appOf(abs);
      if (!state) continue;
      state.fileChanged(state.rel(abs));
      lint.fileChanged(state, state.rel(abs));
      touched.add(state);
    }
    touched.forEach(schedule);
  }));

  // Pull diagnostics (textDocument/diagnostic) answer from the same computation; VS Code gets pushed
  // diagnostics for every file of the app, open or not, exactly what `fsdev check` prints.
  connection.languages.diagnostics.on(guard('diagnostics', { kind: 'full' as const, items: [] as LspDiagnostic[] }, (params) => {
    const at = locate(params.textDocument.uri);
    return { kind: 'full' as const, items: at ? [...at.state.diagnosticsOf(at.rel), ...lint.diagnostics(at.state, openPaths()).get(at.rel) ?? []].map(toLsp) : [] };
  }));

  connection.onCompletion(guard('completion', [], ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return [];
    const app = at.state.app();
    if (at.rel === MANIFEST) {
      const offset = offsetAt(app.files.manifest.text, position);
      const items = manifestCompletions(app, offset);
      return items.length ? items : schemaCompletions(app.files.manifest.text, offset, manifestSchema as SchemaNode);
    }
    if (at.rel === SERVER_SCRIPT) return app.files.serverScript ? scriptEventsArrayCompletions(app, offsetAt(app.files.serverScript.text, position)) : [];
    const payload = payloadContext(at.state, at.rel);
    const text = at.state.safeText(at.rel);
    return payload && text !== undefined ? schemaCompletions(text, offsetAt(text, position), payloadSchema(payload.event, payload.product) as SchemaNode) : [];
  }));

  connection.onHover(guard('hover', null, ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return null;
    if (at.rel === SERVER_SCRIPT) return registrationHover(at.state.app(), at.rel, position.line, position.character);
    if (at.rel === MANIFEST) {
      const app = at.state.app();
      return registrationHover(app, at.rel, position.line, position.character)
        ?? schemaHover(app.files.manifest.text, offsetAt(app.files.manifest.text, position), manifestSchema as SchemaNode, 'manifest.json');
    }
    const payload = payloadContext(at.state, at.rel);
    const text = at.state.safeText(at.rel);
    return payload && text !== undefined ? schemaHover(text, offsetAt(text, position), payloadSchema(payload.event, payload.product) as SchemaNode, payload.event) : null;
  }));

  connection.onDefinition(guard('definition', null, ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    const target = at && definitionAt(at.state.app(), at.rel, position);
    return target ? { uri: pathToUri(at.state.abs(target.file)), range: target.range } : null;
  }));

  connection.onCodeAction(guard('code actions', [] as CodeAction[], ({ textDocument, range }) => {
    const at = locateLive(textDocument.uri);
    // Fixes are computed on the model's text; where over-deep nesting was blanked for the parsers, that is
    // not the user's text, and a whole-file rewrite would drop the blanked part.
    if (!at || [MANIFEST, SERVER_SCRIPT, at.rel].some((rel) => at.state.flattened(rel))) return [];
    const app = at.state.app();
    const overlaps = (d: Diagnostic) => !(d.range.end.line < range.start.line || d.range.start.line > range.end.line);
    const actions: CodeAction[] = [];
    for (const d of at.state.diagnosticsOf(at.rel).filter(overlaps)) {
      for (const fix of quickFixesFor(app, d, at.state.safeText(at.rel))) {
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLsp(d)], isPreferred: fix.preferred, edit: toWorkspaceEdit(at.state, fix.edits) });
      }
    }
    return actions;
  }));

  connection.onCodeLens(guard('code lens', [], ({ textDocument }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return [];
    const app = at.state.app();
    const target = (event: string, scope: SimulateTarget['scope'], payloadFile?: string): SimulateTarget =>
      ({ appDir: at.state.appDir, event, scope, ...(payloadFile ? { payloadFile } : {}) });
    if (at.rel === SERVER_SCRIPT) {
      simulation.prewarm(at.state.appDir); // the user sees Simulate: have a child ready for this app before the click
      // "Create test" once per event, while test/<event>.test.js does not exist.
      const offered = new Set<string>();
      const createTest = (l: ReturnType<typeof callbackLenses>[number]) => {
        if (offered.has(l.event) || existsSync(path.join(at.state.appDir, 'test', `${l.event}.test.js`))) return [];
        offered.add(l.event);
        return [{ range: l.range, command: { title: 'Create test', command: CreateTestCommand, arguments: [target(l.event, l.scope)] } }];
      };
      return callbackLenses(app).flatMap((l) => [
        { range: l.range, command: { title: `▶ Simulate ${l.label}`, command: SimulateCommand, arguments: [target(l.event, l.scope)] } },
        { range: l.range, command: { title: 'Debug', command: DebugCommand, arguments: [target(l.event, l.scope)] } },
        { range: l.range, command: { title: 'Fuzz', command: FuzzCommand, arguments: [target(l.event, l.scope)] } },
        ...createTest(l),
      ]);
    }
    if (at.rel.startsWith(TEST_DATA_DIR + '/')) {
      const t = payloadLensTarget(app, at.rel);
      const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return t ? [
        { range: zero, command: { title: `▶ Simulate ${t.event} with this payload`, command: SimulateCommand, arguments: [target(t.event, t.scope, at.abs)] } },
        { range: zero, command: { title: 'Debug', command: DebugCommand, arguments: [target(t.event, t.scope, at.abs)] } },
      ] : [];
    }
    return [];
  }));

  connection.onRequest(AppEventsRequest, guard('app events', { apps: [] }, ({ uri }) => {
    const states = uri ? [locate(uri)?.state].filter((s): s is AppState => !!s) : [...workspace.apps.values()];
    return { apps: states.map((state): AppSummary => {
      const app = state.app();
      const diagnostics = [...state.diagnostics().values()].flat();
      return {
        appDir: state.appDir, manifestUri: pathToUri(state.abs(MANIFEST)), platformVersion: app.platformVersion,
        dialect: app.dialect, scopes: app.scopes, events: outlineEvents(app, diagnostics),
      };
    }) };
  }));

  connection.onRequest(DefaultPayloadRequest, guard('default payload', null, ({ event, product, scope }) => {
    const chosen = product ?? defaultProductFor(event, scope) ?? 'freshworks_crm';
    if (!findEvent(event) && !otherProductEvents(chosen).some((e) => e.name === event)) return null;
    return { event, product: chosen, text: defaultPayloadText(event, chosen) };
  }));

  connection.onRequest(ValidatePayloadRequest, guard('validate payload', [], ({ text, event, scope }) => {
    // Another product's payload: only its JSON (we have no documented schema for it), as `fsdev check` does.
    const other = scope && otherScope(scope);
    const product = scope?.kind === 'product' && scope.name === 'freshsales' ? 'freshsales' : 'freshworks_crm';
    const found = other ? payloadSyntaxDiagnostics(text, 'payload.json') : validatePayload(text, 'payload.json', { event, product });
    return found.map((d) => {
      const at = typeof d.data?.path === 'string' ? attributePath(d.data.path) : '';
      return { message: d.message, severity: d.severity, code: d.code, range: d.range, ...(at ? { path: at } : {}) };
    });
  }));

  documents.listen(connection);
  connection.onShutdown(() => { testing.dispose(); lint.dispose(); });
  connection.listen();
}

function payloadContext(state: AppState, rel: string) {
  if (!rel.startsWith(TEST_DATA_DIR + '/')) return undefined;
  const app = state.app();
  const file = classifyTestData(app, [rel])[0];
  // Another product's payload has no schema here: no Freshsales completion or hover in it.
  if (!file || otherProductOfPayload(app, file.scope ?? app.registrations.find((r) => r.event === file.event)?.scope)) return undefined;
  return { event: file.event, product: productOf(app, file.scope) };
}

function toLsp(d: Diagnostic): LspDiagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'freshsales', message: d.message, data: d.data };
}

function toWorkspaceEdit(state: AppState, edits: FileEdit[]): WorkspaceEdit {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const e of edits) {
    const uri = pathToUri(state.abs(e.file));
    if (e.create) {
      if (state.text(e.file) !== undefined) continue; // never overwrite an existing file
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    }
    documentChanges.push({ textDocument: { uri, version: null }, edits: e.edits });
  }
  return { documentChanges };
}
