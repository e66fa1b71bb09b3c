// From an app's files (as its caller read them) to the app model the checks, the simulator and the tests all
// read: each JSON file the model parses first goes through the nesting guard (a parser must never overflow the
// stack), and a caller that keeps a ModelCache gets the same model back while no file it reads has changed.
// Light on purpose: planning a run loads this without the checks or the payload schemas.
import { buildAppModel, type App } from './appModel';
import { guardNesting } from './nesting';
import type { AppFiles, Diagnostic } from './types';

/** What a caller keeps between builds of one app's model (the language server: per app; a run: per app folder). */
export interface ModelCache {
  guarded: Map<string, { source: string; text: string; diagnostics: Diagnostic[] }>;
  app?: App;
}

export function newModelCache(): ModelCache {
  return { guarded: new Map() };
}

/** The text the parsers get: over-deep nesting flattened, with the warning that says so (cached per text). */
export function guardedText(path: string, source: string, cache?: ModelCache): { text: string; diagnostics: Diagnostic[] } {
  const hit = cache?.guarded.get(path);
  if (hit?.source === source) return hit;
  const g = { source, ...guardNesting(path, source) };
  cache?.guarded.set(path, g);
  return g;
}

export const isJsonPath = (rel: string) => rel.endsWith('.json');

/** The files the model parses, in the order their warnings are reported: manifest, server.js, config/*.json, app/ scripts. */
export function parsedFiles(files: AppFiles): { path: string; text: string }[] {
  return [files.manifest, ...(files.serverScript ? [files.serverScript] : []), ...(files.config ?? []).filter((f) => isJsonPath(f.path)),
    ...(files.appScripts ?? [])];
}

/** The app model of these files (their text guarded); the cached one while no file it reads has changed. */
export function modelOf(files: AppFiles, cache?: ModelCache): App {
  const guarded = (f: { path: string; text: string }) => ({ path: f.path, text: guardedText(f.path, f.text, cache).text });
  const model: AppFiles = {
    manifest: guarded(files.manifest),
    serverScript: files.serverScript && guarded(files.serverScript),
    testData: files.testData,
    config: files.config?.map((f) => (isJsonPath(f.path) ? guarded(f) : f)),
    appScripts: files.appScripts?.map(guarded),
    configEntries: files.configEntries, actions: files.actions && guarded(files.actions), appAssets: files.appAssets,
  };
  const previous = cache?.app;
  if (previous && sameFiles(previous.files, model)) return previous;
  const app = buildAppModel(model, previous);
  if (cache) cache.app = app;
  return app;
}

function sameFiles(a: AppFiles, b: AppFiles): boolean {
  const same = (x?: { path: string; text: string }, y?: { path: string; text: string }) => x?.path === y?.path && x?.text === y?.text;
  const list = <T>(x: readonly T[] | undefined, y: readonly T[] | undefined, eq: (p: T, q: T) => boolean) =>
    (x?.length ?? 0) === (y?.length ?? 0) && (x ?? []).every((v, i) => eq(v, y![i]));
  return same(a.manifest, b.manifest) && same(a.serverScript, b.serverScript)
    && list(a.testData, b.testData, (p, q) => p === q) && list(a.config, b.config, same) && list(a.appScripts, b.appScripts, same)
    && list(a.configEntries ?? undefined, b.configEntries ?? undefined, (p, q) => p === q) && (a.configEntries === null) === (b.configEntries === null)
    && same(a.actions, b.actions) && list(a.appAssets, b.appAssets, (p, q) => p.path === q.path && p.head === q.head);
}
