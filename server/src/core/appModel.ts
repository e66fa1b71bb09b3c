// The app as a whole: manifest.json + server/server.js + the test_data files, from text alone.
import { parseManifest, type ManifestModel } from './manifest';
import { eventsArrayRegistrations, parseServerScript, type ParsedScript } from './serverScript';
import { classifyTestData } from './testDataLayout';
import { parseConfigFile, type ConfigFile } from './configFiles';
import type { AppFiles, AppModel } from './types';

export { SERVER_SCRIPT } from './appLayout';

export interface App extends AppModel {
  manifest: ManifestModel;
  script?: ParsedScript;
  files: AppFiles;
  /** The config/ files read, parsed (empty when the caller read none). */
  config: ConfigFile[];
}

/**
 * `previous`: the model this one replaces. Its parsed manifest and server.js are kept when their text is the same,
 * so an edit of one file (or a payload added) does not parse a large other file again.
 */
export function buildAppModel(files: AppFiles, previous?: App): App {
  const manifest = previous && previous.files.manifest.text === files.manifest.text && previous.files.manifest.path === files.manifest.path
    ? previous.manifest : parseManifest(files.manifest.text, files.manifest.path);
  const script = !files.serverScript ? undefined
    : previous?.script && previous.files.serverScript?.text === files.serverScript.text ? previous.script : parseServerScript(files.serverScript.text);
  const registrations = [...manifest.registrations];
  let scopes = manifest.scopes;
  if (manifest.dialect === '2.0') {
    // 2.0 declares events in server.js; the manifest's products give them their scope.
    if (scopes.length === 0) scopes = [{ kind: 'product', name: 'freshworks_crm' }];
    if (script) registrations.push(...eventsArrayRegistrations(script, scopes[0], files.serverScript!.path));
  }
  const app = {
    platformVersion: manifest.platformVersion, dialect: manifest.dialect, scopes, registrations, script,
    testData: [] as AppModel['testData'], parseProblems: manifest.problems, manifest, files,
    config: (files.config ?? []).map((f) => previous?.config.find((p) => p.path === f.path && p.text === f.text) ?? parseConfigFile(f)),
  };
  app.testData = classifyTestData(app, files.testData);
  return app;
}


/** The exported callback of that name, preferring one the platform can see. */
export function findCallback(app: AppModel, name: string) {
  const all = app.script?.callbacks.filter((c) => c.name === name) ?? [];
  return all.find((c) => c.visibleToPlatform) ?? all[0];
}
