// Values the app's files give a run, read from the app model (App.config, the manifest's tree): the iparams a
// run gets, the request templates, the domains a ≤ 2.2 app may reach, the npm dependencies. The checks read the
// same model, so a run and the Problems view never disagree about what the files say. Pure: text in, values out.
import { findNodeAtLocation, getNodeValue, printParseErrorCode, type Node } from 'jsonc-parser';
import type { App } from './appModel';
import { configFile } from './configFiles';
import { iparamDefs } from './iparamsForm';
import { positionAt } from './textPositions';

export const IPARAMS_FILE = 'iparams.json';
export const IPARAM_TEST_DATA_FILE = 'iparam_test_data.json';
export const REQUESTS_FILE = 'requests.json';

/** A config/ JSON file's value; `error`: why it is not JSON (strict, as the platform reads it); `missing`: the app has none. */
export type ConfigValue = { value: unknown } | { error: string } | { missing: true };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A tree's value as JSON.parse gives it: plain objects (jsonc-parser's have no prototype; a handler may call hasOwnProperty). */
const valueOf = (node: Node): unknown => JSON.parse(JSON.stringify(getNodeValue(node) as unknown) ?? 'null') as unknown;

export function configValue(app: Pick<App, 'config'>, name: string): ConfigValue {
  const f = configFile(app.config, name);
  if (!f) return { missing: true };
  const e = f.parseErrors[0];
  if (e) {
    const at = positionAt(f.text, e.offset);
    return { error: `${printParseErrorCode(e.error)} at line ${at.line + 1}, column ${at.character + 1}` };
  }
  return f.root ? { value: valueOf(f.root) } : { error: 'the file is empty' };
}

/** The object a config/ file holds, or undefined (missing, not JSON, or not an object). */
export function configObject(app: Pick<App, 'config'>, name: string): Record<string, unknown> | undefined {
  const v = configValue(app, name);
  return 'value' in v && isObject(v.value) ? v.value : undefined;
}

/** The iparams config/iparams.json gives a default_value, by name (what a run gets when no test iparams are set). */
export function iparamDefaults(app: Pick<App, 'config'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(configObject(app, IPARAMS_FILE) ?? {})) {
    if (isObject(def) && def.default_value !== undefined) out[name] = def.default_value;
  }
  return out;
}

/** The iparams config/iparams.json marks secure (or password, api_key): masked wherever a run is kept. */
export function secureIparams(app: Pick<App, 'config'>): string[] {
  return iparamDefs(configObject(app, IPARAMS_FILE)).filter((d) => d.secure).map((d) => d.name);
}

/** config/requests.json's templates, by name (undefined when the app has none, or the file is not an object). */
export function requestTemplates(app: Pick<App, 'config'>): Record<string, unknown> | undefined {
  return configObject(app, REQUESTS_FILE);
}

/** A top-level value of manifest.json (undefined when absent or the manifest did not parse). */
export function manifestValue(app: Pick<App, 'manifest'>, key: string): unknown {
  const node = app.manifest.root && findNodeAtLocation(app.manifest.root, [key]);
  return node ? valueOf(node) : undefined;
}

/** Platform ≤ 2.2 whitelists the domains `$request.get/post/...` may reach (from 2.3 templates replace them): undefined from 2.3. */
export function whitelistedDomains(app: Pick<App, 'manifest' | 'platformVersion'>): string[] | undefined {
  if (!/^2\.[0-2]$/.test(app.platformVersion ?? '')) return undefined;
  const list = manifestValue(app, 'whitelisted-domains');
  return Array.isArray(list) ? list.map(String) : [];
}
