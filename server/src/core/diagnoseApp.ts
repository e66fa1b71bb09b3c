// All diagnostics of an app: the one pipeline both `fsdev check` and the language server run (guard each
// file's nesting, build the app model, check the app, check each payload). Pure: the caller gives the files
// (the CLI from disk, the server open documents over disk) and, when it wants one, the cache: the language
// server keeps a DiagnoseCache per app so that a keystroke in one payload re-checks that payload only, as
// vscode-json-languageservice leaves caching to its caller.
import { comparePaths, MANIFEST, SERVER_SCRIPT } from './appLayout';
import type { App } from './appModel';
import { guardedText, modelOf, newModelCache, parsedFiles, type ModelCache } from './appSource';
import { checkApp } from './checks';
import { liveSizeLimit } from './documentSize';
import { checkPayloadFile, rememberedAnalysis, type Analyse } from './payloadChecks';
import { defineRule } from './rules';
import { TEST_DATA_DIR } from './testDataLayout';
import { START } from './textPositions';
import type { AppFiles, Diagnostic } from './types';

/** A file's text as the caller reads it; undefined: absent; `{ unreadable }` says why it could not be read. */
export type FileText = string | undefined | { unreadable: string };
/** A payload file's text (reported on that file when unreadable). */
export type PayloadText = (path: string) => FileText;

/**
 * What a caller keeps between runs so that an edit redoes only what it touched. Plain data the pipeline reads
 * and fills; each entry is kept while the text (or the app model) it came from is the same.
 */
export interface DiagnoseCache extends ModelCache {
  sizes: Map<string, { text: string; found?: Diagnostic }>;
  appDiagnostics?: { app: App; list: Diagnostic[] };
  payloads: Map<string, { text: string; app: App; list: Diagnostic[] }>;
  /** Schema checks of payloads, kept across app changes (they depend on the payload's text, event and product only). */
  analyse: Analyse;
}

export function newDiagnoseCache(): DiagnoseCache {
  return { ...newModelCache(), sizes: new Map(), payloads: new Map(), analyse: rememberedAnalysis() };
}

export interface DiagnoseOptions {
  cache?: DiagnoseCache;
  /**
   * As typed in an editor: a manifest or payload over the live size limit (documentSize.ts) is not analysed, and
   * says so; an app whose manifest is over it is modelled with an empty manifest.
   */
  live?: boolean;
}

const isPayloadPath = (rel: string) => rel.startsWith(TEST_DATA_DIR + '/') && rel.endsWith('.json');

/** The information for a manifest or payload too large to analyse as it is typed (live mode; cached per text). */
export function tooLargeLive(path: string, text: string | undefined, cache?: DiagnoseCache): Diagnostic | undefined {
  if (text === undefined || (path !== MANIFEST && !isPayloadPath(path))) return undefined;
  const hit = cache?.sizes.get(path);
  if (hit?.text === text) return hit.found;
  const found = liveSizeLimit(path, text);
  cache?.sizes.set(path, { text, found });
  return found;
}

/** The model of the app's files as the parsers see them; the cached one while no file it reads has changed. */
export function appModelOf(files: AppFiles, o: DiagnoseOptions = {}): App {
  const big = o.live && tooLargeLive(MANIFEST, files.manifest.text, o.cache);
  return modelOf(big ? { ...files, manifest: { path: files.manifest.path, text: '' } } : files, o.cache);
}

/** The nesting warnings of the files the model reads (manifest, server.js, config/*.json). */
function modelNesting(files: AppFiles, cache?: DiagnoseCache): Diagnostic[] {
  return parsedFiles(files).flatMap((f) => guardedText(f.path, f.text, cache).diagnostics);
}

function appDiagnostics(app: App, cache?: DiagnoseCache): Diagnostic[] {
  if (!cache) return checkApp(app);
  if (cache.appDiagnostics?.app !== app) cache.appDiagnostics = { app, list: checkApp(app) };
  return cache.appDiagnostics.list;
}

/** One payload's diagnostics; re-checked only when its text or the app model changed. */
function payloadDiagnostics(app: App, path: string, source: FileText, o: DiagnoseOptions): Diagnostic[] {
  if (typeof source === 'object') return [unreadableFile(path, source.unreadable)];
  if (source === undefined) return [];
  const big = o.live ? tooLargeLive(path, source, o.cache) : undefined;
  if (big) return [big];
  const { cache } = o;
  const g = guardedText(path, source, cache);
  const hit = cache?.payloads.get(path);
  if (hit && hit.text === g.text && hit.app === app) return hit.list;
  const list = [...g.diagnostics, ...checkPayloadFile(app, path, g.text, cache?.analyse)];
  cache?.payloads.set(path, { text: g.text, app, list });
  return list;
}

export function diagnoseApp(files: AppFiles, payloadText: PayloadText, o: DiagnoseOptions = {}): { app: App; diagnostics: Diagnostic[] } {
  const app = appModelOf(files, o);
  const big = o.live ? tooLargeLive(MANIFEST, files.manifest.text, o.cache) : undefined;
  if (big) return { app, diagnostics: [big] };
  const diagnostics = [...modelNesting(files, o.cache), ...appDiagnostics(app, o.cache)];
  for (const path of files.testData) diagnostics.push(...payloadDiagnostics(app, path, payloadText(path), o));
  return { app, diagnostics };
}

/** The diagnostics of one file only (the editor's pull requests): a payload does not need the other payloads checked. */
export function diagnoseFile(files: AppFiles, payloadText: PayloadText, path: string, o: DiagnoseOptions = {}): Diagnostic[] {
  const app = appModelOf(files, o);
  const big = o.live ? tooLargeLive(MANIFEST, files.manifest.text, o.cache) : undefined;
  if (big) return path === MANIFEST ? [big] : [];
  if (isPayloadPath(path)) return payloadDiagnostics(app, path, payloadText(path), o);
  return [...modelNesting(files, o.cache), ...appDiagnostics(app, o.cache)].filter((d) => d.file === path);
}

export const fileUnreadable = defineRule({
  code: 'file-unreadable', severity: 'error', source: 'ours',
  short: 'A file of the app that cannot be read, or that links outside the app.',
  full: 'A payload that is a folder or has no read permission, a server.js that is a folder or a FIFO, or a file that links outside the app folder is not read (in check, the editor and simulate alike): said on the file, and the rest of the app is still checked.',
});

// `fsdev check` itself could not check (exit code 2): the one row a machine format prints then, on manifest.json.
export const checkUsage = defineRule({
  code: 'usage', severity: 'error', source: 'ours',
  short: '`fsdev check` was called with arguments it does not take.',
  full: 'An unknown option, two app folders, or a --format other than text, json, sarif or github: nothing is checked, and the command exits with code 2.',
});
export const notAnApp = defineRule({
  code: 'not-an-app', severity: 'error', source: 'ours',
  short: 'The folder given to `fsdev check` is not a Freshworks app.',
  full: 'The folder does not exist or has no manifest.json (or it is not a regular file): nothing is checked, and the command exits with code 2.',
});
export const internalError = defineRule({
  code: 'internal-error', severity: 'error', source: 'ours',
  short: 'The check could not finish: a bug of fsdev, with its stack.',
  full: 'An exception escaped the checks; the message carries its stack trace so it can be reported. The command exits with code 2.',
});

/** A file the app lists but that could not be read: said on the file, the rest of the app is still checked. */
export function unreadableFile(file: string, message: string): Diagnostic {
  return fileUnreadable.at(file, START, message);
}

const ORDER = { error: 0, warning: 1, information: 2, hint: 3 } as const;

/** Files in app order (manifest, server.js, payloads), then by position, then by severity. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const fileRank = (f: string) => (f === MANIFEST ? 0 : f === SERVER_SCRIPT ? 1 : 2);
  return [...list].sort((a, b) => fileRank(a.file) - fileRank(b.file) || comparePaths(a.file, b.file)
    || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || ORDER[a.severity] - ORDER[b.severity]);
}
