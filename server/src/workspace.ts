// The server's view of the apps in the workspace: each app's files come from open documents first
// (unsaved edits win) and from disk otherwise, read on demand and cached until a watcher says they changed.
import { readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { buildAppModel, SERVER_SCRIPT, type App } from './core/appModel';
import { checkApp } from './core/checks';
import { checkPayloadFile, rememberedAnalysis } from './core/payloadChecks';
import { TEST_DATA_DIR } from './core/testDataLayout';
import { guardNesting } from './core/nesting';
import { liveSizeLimit } from './core/documentSize';
import { listAppScripts, listConfigFiles, listTestData, readAppFile, readTextIfFile } from './appFiles';
import { isConfigFile } from './core/configFiles';
import { APP_DIR, APP_SCRIPT_MAX_CHARS, isAppScript } from './core/appLayout';
import { unreadableFile } from './core/diagnoseApp';
import { looksLikeFreshworksManifest, MANIFEST } from './core/appLayout';
import type { AppFiles, Diagnostic } from './core/types';

export { MANIFEST };

/** Open documents, by absolute path: the only thing the workspace needs from the LSP layer. */
export interface OpenDocuments { textOf(absPath: string): string | undefined; openPaths(): string[] }

export class AppState {
  private disk = new Map<string, string | null>();
  private testDataList?: string[];
  private configList?: string[];
  private appScriptList?: string[];
  private model?: { key: string; app: App };
  private appDiagnostics?: { app: App; list: Diagnostic[] };
  private payloadDiagnostics = new Map<string, { text: string; app: App; list: Diagnostic[] }>();
  /** Schema checks of payloads, kept across app changes (they depend on the payload's text, event and product only). */
  private analyse = rememberedAnalysis();
  /** Files that got diagnostics last time, so that clearing them can be published. */
  published = new Set<string>();

  constructor(readonly appDir: string, private readonly open: OpenDocuments) {}

  abs(rel: string): string { return path.join(this.appDir, rel); }
  rel(abs: string): string { return path.relative(this.appDir, abs).split(path.sep).join('/'); }

  text(rel: string): string | undefined {
    const open = this.open.textOf(this.abs(rel));
    if (open !== undefined) return open;
    if (!this.disk.has(rel)) {
      // The same rule as check: a link out of the app is not read, and an unreadable file says why.
      const r = readAppFile(this.appDir, rel);
      if (typeof r === 'string') this.disk.set(rel, r);
      else {
        this.disk.set(rel, null);
        if (existsSync(this.abs(rel))) this.unreadable.set(rel, r.unreadable); else this.unreadable.delete(rel);
      }
    }
    return this.disk.get(rel) ?? undefined;
  }

  /** Why files of the app could not be read (see readAppFile), by relative path. */
  private readonly unreadable = new Map<string, string>();

  private guarded = new Map<string, { source: string; text: string; diagnostics: Diagnostic[] }>();

  /** The text the parsers get: `text()` through the core's nesting guard (cached per text). */
  safeText(rel: string): string | undefined {
    const source = this.text(rel);
    if (source === undefined) return undefined;
    let g = this.guarded.get(rel);
    if (g?.source !== source) {
      g = { source, ...guardNesting(rel, source) };
      this.guarded.set(rel, g);
    }
    return g.text;
  }

  private sizes = new Map<string, { text: string; found?: Diagnostic }>();

  /** The information for the manifest or a payload too large to analyse as it is typed (cached per text). */
  tooLarge(rel: string): Diagnostic | undefined {
    if (rel !== MANIFEST && !(rel.startsWith(TEST_DATA_DIR + '/') && rel.endsWith('.json'))) return undefined;
    const text = this.text(rel);
    if (text === undefined) return undefined;
    let s = this.sizes.get(rel);
    if (s?.text !== text) {
      s = { text, found: liveSizeLimit(rel, text) };
      this.sizes.set(rel, s);
    }
    return s.found;
  }

  /** Why a file's features are off: it is too large, or the app's manifest is (the app cannot be modelled). */
  limited(rel: string): Diagnostic | undefined {
    return this.tooLarge(MANIFEST) ?? this.tooLarge(rel);
  }

  /** True when a file's text was flattened for the parsers: edits computed from the model must not be offered. */
  flattened(rel: string): boolean {
    this.safeText(rel);
    return !!this.guarded.get(rel)?.diagnostics.length;
  }

  private nestingDiagnostic(rel: string): Diagnostic[] {
    this.safeText(rel);
    return this.guarded.get(rel)?.diagnostics ?? [];
  }

  /** A file changed on disk (or was created or deleted). */
  fileChanged(rel: string): void {
    this.disk.delete(rel);
    this.unreadable.delete(rel);
    if (rel.startsWith(TEST_DATA_DIR + '/')) this.testDataList = undefined;
    if (isConfigFile(rel) || rel === 'config') this.configList = undefined;
    if (rel === APP_DIR || rel.startsWith(APP_DIR + '/')) this.appScriptList = undefined;
  }

  /** Files of a folder listed on disk plus those open in the editor (typed before their first save), with their text. */
  private listed(onDisk: string[], belongs: (rel: string) => boolean, max = Infinity): { path: string; text: string }[] {
    const open = this.open.openPaths().map((p) => this.rel(p)).filter(belongs);
    return [...new Set([...onDisk, ...open])].sort().flatMap((rel) => {
      const text = this.safeText(rel); // nesting-guarded: the parsers recurse once per level
      return text !== undefined && text.length <= max ? [{ path: rel, text }] : [];
    });
  }

  /** config/*.json and *.html (requests.json, iparams.json ...). */
  configFiles(): { path: string; text: string }[] {
    this.configList ??= listConfigFiles(this.appDir);
    return this.listed(this.configList, isConfigFile);
  }

  /** The app's own front-end scripts (app/**.js). */
  appScripts(): { path: string; text: string }[] {
    this.appScriptList ??= listAppScripts(this.appDir);
    return this.listed(this.appScriptList, isAppScript, APP_SCRIPT_MAX_CHARS);
  }

  testData(): string[] {
    this.testDataList ??= listTestData(this.appDir);
    // A payload being typed into an editor before its first save still belongs to the app.
    const open = this.open.openPaths().map((p) => this.rel(p)).filter((r) => r.startsWith(TEST_DATA_DIR + '/') && r.endsWith('.json') && r.split('/').length <= 4);
    return [...new Set([...this.testDataList, ...open])].sort();
  }

  files(): AppFiles {
    const script = this.safeText(SERVER_SCRIPT);
    return {
      // A manifest too large to analyse is modelled as empty: the app has no events until it is smaller.
      manifest: { path: MANIFEST, text: this.tooLarge(MANIFEST) ? '' : this.safeText(MANIFEST) ?? '' },
      serverScript: script === undefined ? undefined : { path: SERVER_SCRIPT, text: script },
      testData: this.testData(),
      config: this.configFiles(),
      appScripts: this.appScripts(),
    };
  }

  /** The app model, rebuilt only when manifest.json, server.js or the list of payloads changed. */
  app(): App {
    const files = this.files();
    const key = `${files.testData.join('\n')}\u0000`;
    const m = this.model;
    if (m && m.key === key && m.app.files.manifest.text === files.manifest.text && m.app.files.serverScript?.text === files.serverScript?.text
      && sameTexts(m.app.files.config, files.config) && sameTexts(m.app.files.appScripts, files.appScripts)) return m.app;
    const app = buildAppModel(files, m?.app);
    this.model = { key, app };
    return app;
  }

  /** Diagnostics of the whole app by file; a payload is re-checked only when its text or the app changed. */
  diagnostics(): Map<string, Diagnostic[]> {
    const big = this.tooLarge(MANIFEST);
    if (big) return new Map([[MANIFEST, [big]]]);
    const app = this.app();
    if (this.appDiagnostics?.app !== app) this.appDiagnostics = { app, list: checkApp(app) };
    const byFile = new Map<string, Diagnostic[]>();
    const add = (d: Diagnostic) => { const l = byFile.get(d.file); if (l) l.push(d); else byFile.set(d.file, [d]); };
    this.appDiagnostics.list.forEach(add);
    for (const f of [MANIFEST, SERVER_SCRIPT, ...(app.files.config ?? []), ...(app.files.appScripts ?? [])]) {
      this.nestingDiagnostic(typeof f === 'string' ? f : f.path).forEach(add);
    }
    for (const p of app.files.testData) this.payloadDiagnosticsOf(app, p).forEach(add);
    return byFile;
  }

  /** Diagnostics of one file only (pull requests): a payload does not need the other payloads checked. */
  diagnosticsOf(rel: string): Diagnostic[] {
    const big = this.tooLarge(MANIFEST);
    if (big) return rel === MANIFEST ? [big] : [];
    const app = this.app();
    if (rel.startsWith(TEST_DATA_DIR + '/')) return this.payloadDiagnosticsOf(app, rel);
    if (this.appDiagnostics?.app !== app) this.appDiagnostics = { app, list: checkApp(app) };
    return [...this.appDiagnostics.list.filter((d) => d.file === rel), ...(rel === MANIFEST || rel === SERVER_SCRIPT || isConfigFile(rel) || isAppScript(rel) ? this.nestingDiagnostic(rel) : [])];
  }

  private payloadDiagnosticsOf(app: App, rel: string): Diagnostic[] {
    const big = this.tooLarge(rel);
    if (big) return [big];
    const text = this.safeText(rel);
    const why = this.unreadable.get(rel);
    if (text === undefined) return why ? [unreadableFile(rel, why)] : [];
    const cached = this.payloadDiagnostics.get(rel);
    if (cached && cached.text === text && cached.app === app) return cached.list;
    const list = [...checkPayloadFile(app, rel, text, this.analyse), ...this.nestingDiagnostic(rel)];
    this.payloadDiagnostics.set(rel, { text, app, list });
    return list;
  }
}

/** Every app of the workspace, found by its manifest.json (a folder root, or one level below). */
export class AppWorkspace {
  readonly apps = new Map<string, AppState>();
  constructor(private readonly open: OpenDocuments) {}

  discover(folders: string[]): void {
    for (const folder of folders) {
      this.tryAdd(folder);
      for (const entry of safeReaddir(folder)) if (!entry.startsWith('.') && entry !== 'node_modules') this.tryAdd(path.join(folder, entry));
    }
  }

  /** The app a file belongs to: the nearest folder above it with a Freshworks manifest.json. */
  appOf(absPath: string): AppState | undefined {
    for (const app of this.apps.values()) if (absPath === app.appDir || absPath.startsWith(app.appDir + path.sep)) return app;
    let dir = path.dirname(absPath);
    for (let i = 0; i < 5; i++) {
      const added = this.tryAdd(dir);
      if (added) return added;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  private tryAdd(dir: string): AppState | undefined {
    const existing = this.apps.get(dir);
    if (existing) return existing;
    const manifest = path.join(dir, MANIFEST);
    const text = this.open.textOf(manifest) ?? (existsSync(manifest) ? safeRead(manifest) : undefined);
    if (text === undefined || !looksLikeFreshworksManifest(text)) return undefined;
    const app = new AppState(dir, this.open);
    this.apps.set(dir, app);
    return app;
  }
}

function sameTexts(a: AppFiles['config'], b: AppFiles['config']): boolean {
  return (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((f, i) => f.path === b![i].path && f.text === b![i].text);
}

export function uriToPath(uri: string): string | undefined {
  const u = URI.parse(uri);
  return u.scheme === 'file' ? u.fsPath : undefined;
}

export function pathToUri(p: string): string {
  return URI.file(p).toString();
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
/** Only a regular file is read: a FIFO at manifest.json or server.js would block the server for good. */
function safeRead(file: string): string | undefined {
  return readTextIfFile(file);
}
