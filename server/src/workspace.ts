// The server's view of the apps in the workspace: each app's files come from open documents first
// (unsaved edits win) and from disk otherwise, read on demand and cached until a watcher says they changed.
// Diagnostics and the model come from the core's one pipeline (core/diagnoseApp.ts), given these files and
// this app's cache.
import { readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { SERVER_SCRIPT, type App } from './core/appModel';
import { TEST_DATA_DIR } from './core/testDataLayout';
import { CONFIG_DIR, isConfigFile } from './core/configFiles';
import { listAppAssets, listAppScripts, listConfigEntries, listConfigFiles, listTestData, readAppFile, readTextIfFile, ACTIONS } from './appFiles';
import { appModelOf, diagnoseApp, diagnoseFile, newDiagnoseCache, tooLargeLive, type FileText } from './core/diagnoseApp';
import { guardedText } from './core/appSource';
import { APP_DIR, APP_SCRIPT_MAX_CHARS, isAppScript, looksLikeFreshworksManifest, MANIFEST } from './core/appLayout';
import type { AppFiles, Diagnostic } from './core/types';

export { MANIFEST };

/** Open documents, by absolute path: the only thing the workspace needs from the LSP layer. */
export interface OpenDocuments { textOf(absPath: string): string | undefined; openPaths(): string[] }

export class AppState {
  private disk = new Map<string, string | null>();
  /** Why files of the app could not be read (see readAppFile), by relative path. */
  private readonly unreadable = new Map<string, string>();
  private lists: {
    testData?: string[]; config?: string[]; appScripts?: string[];
    configEntries?: string[] | null; appAssets?: { path: string; head?: Uint8Array }[];
  } = {};
  /** The pipeline's cache for this app (core/diagnoseApp.ts). */
  private readonly cache = newDiagnoseCache();
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

  /** The text of the file's open document (unsaved edits included), when it is open. */
  edited(rel: string): string | undefined {
    return this.open.textOf(this.abs(rel));
  }

  private fileText(rel: string): FileText {
    const text = this.text(rel);
    const why = this.unreadable.get(rel);
    return text === undefined && why ? { unreadable: why } : text;
  }

  /** The text the parsers get: `text()` through the core's nesting guard (cached per text). */
  safeText(rel: string): string | undefined {
    const source = this.text(rel);
    return source === undefined ? undefined : guardedText(rel, source, this.cache).text;
  }

  /** The information for the manifest or a payload too large to analyse as it is typed (cached per text). */
  tooLarge(rel: string): Diagnostic | undefined {
    return tooLargeLive(rel, this.text(rel), this.cache);
  }

  /** Why a file's features are off: it is too large, or the app's manifest is (the app cannot be modelled). */
  limited(rel: string): Diagnostic | undefined {
    return this.tooLarge(MANIFEST) ?? this.tooLarge(rel);
  }

  /** True when a file's text was flattened for the parsers: edits computed from the model must not be offered. */
  flattened(rel: string): boolean {
    const source = this.text(rel);
    return source !== undefined && guardedText(rel, source, this.cache).diagnostics.length > 0;
  }

  /** A file changed on disk (or was created or deleted). */
  fileChanged(rel: string): void {
    this.disk.delete(rel);
    this.unreadable.delete(rel);
    if (rel.startsWith(TEST_DATA_DIR + '/')) this.lists.testData = undefined;
    if (rel === CONFIG_DIR || rel.startsWith(CONFIG_DIR + '/')) { this.lists.config = undefined; this.lists.configEntries = undefined; }
    if (rel === APP_DIR || rel.startsWith(APP_DIR + '/')) { this.lists.appScripts = undefined; this.lists.appAssets = undefined; }
  }

  /** Files of the app's listing on disk, plus open documents of it not saved yet (they belong to the app too). */
  private listed(disk: string[], belongs: (rel: string) => boolean): string[] {
    const open = this.open.openPaths().map((p) => this.rel(p)).filter(belongs);
    return [...new Set([...disk, ...open])].sort();
  }

  testData(): string[] {
    this.lists.testData ??= listTestData(this.appDir);
    return this.listed(this.lists.testData, (r) => r.startsWith(TEST_DATA_DIR + '/') && r.endsWith('.json') && r.split('/').length <= 4);
  }

  /** config/*.json and config/*.html, open documents first; an unreadable one is left out, as check leaves it. */
  config(): { path: string; text: string }[] {
    this.lists.config ??= listConfigFiles(this.appDir);
    return this.listed(this.lists.config, isConfigFile).flatMap((rel) => {
      const text = this.text(rel);
      return text === undefined ? [] : [{ path: rel, text }];
    });
  }

  /** The app's own front-end scripts (app/**.js, see isAppScript), open documents first; a large one is left out. */
  appScripts(): { path: string; text: string }[] {
    this.lists.appScripts ??= listAppScripts(this.appDir);
    return this.listed(this.lists.appScripts, isAppScript).flatMap((rel) => {
      const text = this.text(rel);
      return text === undefined || text.length > APP_SCRIPT_MAX_CHARS ? [] : [{ path: rel, text }];
    });
  }

  /** The app's files as they stand in the editor (raw text: the pipeline guards it). */
  files(): AppFiles {
    const script = this.text(SERVER_SCRIPT);
    const actions = this.text(ACTIONS);
    return {
      manifest: { path: MANIFEST, text: this.text(MANIFEST) ?? '' },
      serverScript: script === undefined ? undefined : { path: SERVER_SCRIPT, text: script },
      testData: this.testData(),
      config: this.config(),
      appScripts: this.appScripts(),
      configEntries: this.lists.configEntries === undefined ? (this.lists.configEntries = listConfigEntries(this.appDir)) : this.lists.configEntries,
      actions: actions === undefined ? undefined : { path: ACTIONS, text: actions },
      appAssets: this.lists.appAssets ??= listAppAssets(this.appDir),
    };
  }

  /** The app model, rebuilt only when a file it reads changed. */
  app(): App {
    return appModelOf(this.files(), { cache: this.cache, live: true });
  }

  /** Diagnostics of the whole app by file; a payload is re-checked only when its text or the app changed. */
  diagnostics(): Map<string, Diagnostic[]> {
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnoseApp(this.files(), (p) => this.fileText(p), { cache: this.cache, live: true }).diagnostics) {
      const l = byFile.get(d.file);
      if (l) l.push(d); else byFile.set(d.file, [d]);
    }
    return byFile;
  }

  /** Diagnostics of one file only (pull requests): a payload does not need the other payloads checked. */
  diagnosticsOf(rel: string): Diagnostic[] {
    return diagnoseFile(this.files(), (p) => this.fileText(p), rel, { cache: this.cache, live: true });
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
