// manifest.json beyond its events, as `fdk validate` checks it (fdk 6.9.0's lib/validations/manifest.js,
// manifest-dependency.js, actions.js, with their wording) and as the platform documents it: platform-version,
// locations (placeholders, url and icon files, 64x64 icons), whitelisted-domains, dependencies, engines, server
// method invocation (`functions`) and actions. Pure: files come from the app model.
import type Ajv from 'ajv';
import { getNodeValue, parseTree, type Node, type ParseError } from 'jsonc-parser';
import rawLocations from '../../../schemas/locations.json';
import { findCallback, type App } from './appModel';
import { imageSize } from './imageSize';
import { lastProperty, objectProperties } from './manifest';
import { defineRule } from './rules';
import { rangeOf } from './textPositions';
import type { Diagnostic, Range } from './types';
import type { QuickFix } from './quickFixes';

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const locations = rawLocations as unknown as { products: Record<string, { location: string[]; withoutIcon: string[] }>; modules: Record<string, string[]> };

/** Platform versions the platform knows; the ones before 2.3 are deprecated. */
export const PLATFORM_VERSIONS = ['2.0', '2.1', '2.2', '2.3', '3.0'];
export const CURRENT_PLATFORM_VERSIONS = ['2.3', '3.0'];

export const platformVersionInvalid = defineRule({
  code: 'platform-version-invalid', severity: 'error', source: 'fdk', fdkRule: 'invalid-platform-version',
  short: 'A platform-version the platform does not have.',
  full: `platform-version is one of ${PLATFORM_VERSIONS.join(', ')} (a string): 2.3 and 3.0 are current.`,
  fdkMessage: 'Invalid platform version mentioned in manifest.json - <version>',
});
export const platformVersionDeprecated = defineRule({
  code: 'platform-version-deprecated', severity: 'warning', source: 'documentation',
  short: 'A platform-version before 2.3.',
  full: 'Platform versions 2.0 to 2.2 are deprecated: request templates (config/requests.json) replace whitelisted-domains and $request.get/post from 2.3, and new apps are written for 2.3 or 3.0. The sources this tool reads give no end date.',
});
export const locationUnknown = defineRule({
  code: 'location-unknown', severity: 'error', source: 'fdk', fdkRule: 'location',
  short: 'A location placeholder the product or module does not have.',
  full: 'Each product (2.x) or module (3.0) offers its own placeholders (`deal_entity_menu`, `full_page_app`, ...); the 3.0 common placeholders go under modules.common.',
  fdkMessage: 'Invalid location(s) mentioned in manifest.json: <product> - <locations>',
});
export const locationFile = defineRule({
  code: 'location-file', severity: 'error', source: 'fdk', fdkRule: 'location',
  short: 'A location whose url or icon is missing, not in app/, or an icon that is not 64x64.',
  full: 'A location\'s url (its page) and icon are paths under app/; the icon must be 64x64 pixels (PNG or SVG).',
  fdkMessage: "Template file '<url>' mentioned in <product>/<location> is not found in app folder",
});
export const locationMissing = defineRule({
  code: 'location-missing', severity: 'error', source: 'fdk', fdkRule: 'location',
  short: 'A 2.x product without locations in an app that has a front end.',
  full: 'An app is serverless only when it has server/server.js, no product has a `location` and app/ is missing or empty. Otherwise every product (in an omni app with server.js, every product without events) needs its locations: fdk stops with "Invalid manifest / folder configuration for app" when `location` is absent and "Missing locations for product" when it is empty.',
  fdkMessage: 'Missing locations for product: <product>',
});
export const whitelistedDomain = defineRule({
  code: 'whitelisted-domain', severity: 'error', source: 'fdk', fdkRule: 'whitelisted-domains',
  short: 'A whitelisted domain fdk refuses: an IP address, a trailing /, not https, a path, localhost, or a wildcard over more than one subdomain.',
  full: 'whitelisted-domains (platform 2.2 and lower) lists the origins $request may call: https://host, no path, no trailing slash, no IP address or localhost, and `*` for one subdomain level only.',
  fdkMessage: 'Whitelisted domains must use HTTPS: <domains>',
});
export const whitelistedDomainsDeprecated = defineRule({
  code: 'whitelisted-domains-deprecated', severity: 'error', source: 'documentation',
  short: 'whitelisted-domains on platform 2.3 or 3.0.',
  full: 'From platform 2.3, request templates (config/requests.json, declared in the manifest) replace whitelisted-domains: fdk run and fdk validate refuse the key.',
  fdkMessage: '"whitelisted-domains" has been deprecated',
});
export const dependencyVersion = defineRule<{ name: string; exact?: string }>({
  code: 'dependency-version', severity: 'error', source: 'fdk', fdkRule: 'dependencies',
  short: 'A manifest dependency whose version is not exact.',
  full: 'The platform installs the manifest\'s dependencies at exact versions only: `1.2.3`, not `^1.2.3`, `~1.2.3`, `latest`, a range or a URL.',
  fdkMessage: "Package '<name>' version contains special characters(^ or ~).", fixable: true,
});
export const dependenciesWithoutBackend = defineRule({
  code: 'dependencies-without-backend', severity: 'error', source: 'fdk', fdkRule: 'dependencies',
  short: 'dependencies in an app without server/server.js.',
  full: 'Dependencies are installed for the serverless component (server/server.js); an app without one may not declare any.',
  fdkMessage: 'Please remove dependencies from your manifest as the current app does not have a serverless component.',
});
export const enginesInvalid = defineRule({
  code: 'engines-invalid', severity: 'error', source: 'documentation',
  short: 'engines.node or engines.fdk that is not a version, or a Node version the fdk version does not run.',
  full: 'engines says which Node and fdk the app is built with, as exact versions ("18.20.8", "9.7.4"); FDK 9.x runs Node 18, FDK 10.x Node 24.',
});
export const functionNotDefined = defineRule<{ handler: string }>({
  code: 'function-not-defined', severity: 'error', source: 'platform',
  short: 'A server method (manifest `functions`) that server.js does not export.',
  full: 'Server method invocation calls the exported function of server/server.js named in `functions`: it must be a function expression in `exports = { ... }`, as for event handlers.',
});
export const actionsInvalid = defineRule({
  code: 'actions-invalid', severity: 'error', source: 'fdk', fdkRule: 'actions',
  short: 'actions.json: an action without its keys, a schema that does not compile, or no function in server.js.',
  full: 'Each action of actions.json has name, display_name, description, parameters and response (JSON Schemas that compile, without $ref), and server/server.js exports a function of the action\'s name.',
  fdkMessage: '<action> does not have definition in server.js',
});

// ---------------------------------------------------------------- checks
export function checkManifestRules(app: App): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = app.manifest.root;
  if (root?.type !== 'object') return out;
  const file = app.files.manifest.path;
  const text = app.files.manifest.text;
  const range = (n: { offset: number; length: number }) => rangeOf(text, n.offset, n.offset + n.length);
  const version = lastProperty(root, 'platform-version');
  if (version && app.platformVersion !== undefined) {
    if (!PLATFORM_VERSIONS.includes(app.platformVersion) || version.type !== 'string') {
      out.push(platformVersionInvalid.at(file, range(version), `Invalid platform version mentioned in manifest.json - ${app.platformVersion}${version.type !== 'string' ? ' (write it as a string: "' + app.platformVersion + '")' : ''}. Use ${CURRENT_PLATFORM_VERSIONS.join(' or ')}.`));
    } else if (!CURRENT_PLATFORM_VERSIONS.includes(app.platformVersion)) {
      out.push(platformVersionDeprecated.at(file, range(version), `platform-version ${app.platformVersion} is deprecated: migrate to 2.3 (request templates replace whitelisted-domains and $request.get/post) or 3.0.`));
    }
  }
  checkLocations(app, out, range);
  checkWhitelistedDomains(app, root, out, range);
  checkDependencies(app, root, out, range);
  checkEngines(app, root, out, range);
  checkFunctions(app, out, range);
  checkActions(app, out);
  return out;
}

type RangeOf = (n: { offset: number; length: number }) => Range;

function checkLocations(app: App, out: Diagnostic[], range: RangeOf): void {
  const file = app.files.manifest.path;
  const container = lastProperty(app.manifest.root, app.dialect === '3.0' ? 'modules' : 'product');
  const assets = app.files.appAssets;
  const files = new Map((assets ?? []).map((a) => [a.path, a]));
  checkFrontEndProducts(app, container, out, range);
  for (const scope of objectProperties(container)) {
    const location = lastProperty(scope.value, 'location');
    if (!location || location.type !== 'object') continue;
    const known = app.dialect === '3.0' ? locations.modules[scope.key] : locations.products[scope.key]?.location;
    const withoutIcon = app.dialect === '3.0' ? [] : locations.products[scope.key]?.withoutIcon ?? [];
    const where = app.dialect === '3.0' ? 'module' : 'product';
    for (const loc of objectProperties(location)) {
      if (known && !known.includes(loc.key)) {
        const common = app.dialect === '3.0' && locations.modules.common.includes(loc.key) ? ` It is a common placeholder: put it under modules.common.location.` : '';
        out.push(locationUnknown.at(file, range(loc.keyNode), `Invalid location(s) mentioned in manifest.json: ${scope.key} - ${loc.key}. The ${where}'s placeholders: ${known.join(', ')}.${common}`));
      }
      if (!assets?.length) continue; // fdk checks the files only when app/ exists
      const url = lastProperty(loc.value, 'url');
      const at = (n: Node | undefined) => range(n ?? loc.keyNode);
      const name = `${scope.key}/${loc.key}`;
      if (typeof url?.value !== 'string' || url.value === '') out.push(locationFile.at(file, at(url), `Url is either not mentioned or empty in ${name}`));
      else if (!files.has(appPath(url.value))) out.push(locationFile.at(file, at(url), `Template file '${url.value}' mentioned in ${name} is not found in app folder`));
      if (withoutIcon.includes(loc.key)) continue;
      const icon = lastProperty(loc.value, 'icon');
      if (typeof icon?.value !== 'string' || icon.value === '') { out.push(locationFile.at(file, at(icon), `Icon is either not mentioned or empty in ${name}`)); continue; }
      const asset = files.get(appPath(icon.value));
      if (!asset) { out.push(locationFile.at(file, at(icon), `Icon '${icon.value}' mentioned in ${name} is not found in app folder`)); continue; }
      const size = asset.head && imageSize(asset.head);
      if (size && (size.width !== 64 || size.height !== 64)) {
        out.push(locationFile.at(file, at(icon), `Invalid dimension of icon '${icon.value}' for ${name} (${size.width}x${size.height}; it must be 64x64)`));
      }
    }
  }
}

/**
 * fdk's app types (lib/utils/app-util.js, validations/manifest.js): an app that is not serverless only must give
 * each 2.x product its locations. 3.0 modules are left alone: fdk 6.9.0 does not know them and the platform-3
 * references say nothing of this rule.
 */
function checkFrontEndProducts(app: App, container: Node | undefined, out: Diagnostic[], range: RangeOf): void {
  if (app.dialect === '3.0' || app.files.appAssets === undefined) return;
  const products = objectProperties(container);
  const backend = app.files.serverScript !== undefined;
  const anyLocation = products.some((p) => lastProperty(p.value, 'location') !== undefined);
  if (backend && !anyLocation && app.files.appAssets.length === 0) return;
  const omniBackend = backend && products.length > 1 && app.platformVersion !== '2.0';
  for (const p of products) {
    const location = lastProperty(p.value, 'location');
    if (omniBackend && !location && lastProperty(p.value, 'events') !== undefined) continue;
    if (!location) {
      const why = backend ? `app/ holds front-end files, so this is not a serverless-only app` : `the app has no server/server.js, so it is a front-end app`;
      out.push(locationMissing.at(app.files.manifest.path, range(p.keyNode), `Invalid manifest / folder configuration for app: product '${p.key}' has no location, but ${why}. Add its locations, or ${backend ? 'remove app/' : 'add server/server.js'}.`));
      return; // fdk stops at the first
    }
    if (location.type === 'object' && !objectProperties(location).length) {
      out.push(locationMissing.at(app.files.manifest.path, range(p.keyNode), `Missing locations for product: ${p.key}`));
      return;
    }
  }
}

/** `app/<p>` normalised as the walk lists it (`./x`, `x//y` and `a/../b` as the file system reads them). */
function appPath(p: string): string {
  const parts: string[] = [];
  for (const seg of `app/${p}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop(); else parts.push(seg);
  }
  return parts.join('/');
}

const IP = /\b((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)(\.|$)){4}\b/;
const STAR = /^(https:\/\/)[*]+([-.]{1}[a-z0-9]+)*\.[a-z]*$/;
const IPARAM = /<%=\s*.*\s*%>/;

function checkWhitelistedDomains(app: App, root: Node, out: Diagnostic[], range: RangeOf): void {
  const file = app.files.manifest.path;
  const prop = objectProperties(root).filter((p) => p.key === 'whitelisted-domains').pop();
  if (!prop) return;
  if (app.platformVersion === '2.3' || app.dialect === '3.0') {
    out.push(whitelistedDomainsDeprecated.at(file, range(prop.keyNode), '"whitelisted-domains" has been deprecated: from platform 2.3, declare request templates (config/requests.json) instead.'));
    return;
  }
  for (const item of prop.value?.type === 'array' ? prop.value.children ?? [] : []) {
    if (item.type !== 'string') continue;
    const domain = String(item.value);
    for (const message of domainProblems(domain)) out.push(whitelistedDomain.at(file, range(item), `${message}: ${domain}`));
  }
}

/** fdk's six rules on a whitelisted domain, in its words (without the list of domains). */
export function domainProblems(domain: string): string[] {
  if (domain.includes('*')) return STAR.test(domain) ? [] : ['Whitelisted domains must not have more than one subdomain'];
  const out: string[] = [];
  const u = parseUrl(domain.replace(IPARAM, 'abc'));
  if (u.path !== '/') out.push('Whitelisted domains must not have path');
  else if (domain.endsWith('/')) out.push("Whitelisted domains must not end with a '/'");
  if (u.hostname === 'localhost') out.push('Whitelisted domains must not be localhost');
  if (!domain.startsWith('https://')) out.push('Whitelisted domains must use HTTPS');
  if (u.hostname && IP.test(u.hostname)) out.push('Whitelisted domains must not contain IP addresses');
  return out;
}

/** The host and path as Node's legacy url.parse sees them (enough for fdk's rules): no scheme, no host. */
function parseUrl(s: string): { hostname?: string; path: string } {
  const m = /^([a-z][a-z0-9+.-]*:)?(\/\/([^/?#]*))?([^?#]*)(\?[^#]*)?/i.exec(s)!;
  const host = m[3]?.replace(/^.*@/, '').replace(/:\d*$/, '').toLowerCase();
  const pathname = m[4] || (m[2] ? '/' : '');
  return { hostname: host || undefined, path: pathname + (m[5] ?? '') || '/' };
}

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function checkDependencies(app: App, root: Node, out: Diagnostic[], range: RangeOf): void {
  const file = app.files.manifest.path;
  const deps = objectProperties(root).filter((p) => p.key === 'dependencies').pop();
  if (!deps || deps.value?.type !== 'object') return;
  const entries = objectProperties(deps.value);
  if (entries.length && !app.files.serverScript) {
    out.push(dependenciesWithoutBackend.at(file, range(deps.keyNode), 'Please remove dependencies from your manifest as the current app does not have a serverless component.'));
  }
  for (const d of entries) {
    const v = d.value;
    const version = v?.type === 'string' || v?.type === 'number' ? String(v.value) : undefined;
    const at = range(v ?? d.keyNode);
    if (version !== undefined && /^[\^~]/.test(version)) {
      const exact = EXACT.test(version.slice(1)) ? version.slice(1) : undefined;
      out.push(dependencyVersion.at(file, at, `Package '${d.key}' version contains special characters(^ or ~).${exact ? ` Pin it: "${exact}".` : ''}`, { name: d.key, exact }));
    } else if (version === undefined || !EXACT.test(version)) {
      out.push(dependencyVersion.at(file, at, `Package ${d.key} does not have version ${version ?? JSON.stringify(v?.value ?? null)}: the platform installs exact versions only ("1.2.3").`, { name: d.key }));
    }
  }
}

/** Quick fix of dependency-version: the exact version without its ^ or ~. */
export function dependencyVersionFixes(app: App, d: Diagnostic): QuickFix[] {
  const data = dependencyVersion.match(d)?.data;
  if (!data?.exact) return [];
  return [{ title: `Pin ${data.name} to ${data.exact}`, diagnostic: d, preferred: true, edits: [{ file: d.file, edits: [{ range: d.range, newText: JSON.stringify(data.exact) }] }] }];
}

function checkEngines(app: App, root: Node, out: Diagnostic[], range: RangeOf): void {
  const file = app.files.manifest.path;
  const engines = objectProperties(root).filter((p) => p.key === 'engines').pop();
  if (!engines) return;
  if (engines.value?.type !== 'object') { out.push(enginesInvalid.at(file, range(engines.value ?? engines.keyNode), '"engines" must be an object: { "node": "18.20.8", "fdk": "9.7.4" }.')); return; }
  const props = objectProperties(engines.value);
  const versions: Record<string, number | undefined> = {};
  for (const key of ['node', 'fdk']) {
    const p = props.filter((x) => x.key === key).pop();
    if (!p) { if (app.dialect === '3.0') out.push(enginesInvalid.at(file, range(engines.keyNode), `"engines" has no "${key}" version.`)); continue; }
    const v = p.value?.type === 'string' ? String(p.value.value) : undefined;
    if (!v || !/^\d+\.\d+\.\d+$/.test(v)) out.push(enginesInvalid.at(file, range(p.value ?? p.keyNode), `engines.${key} must be an exact version such as ${key === 'node' ? '"18.20.8"' : '"9.7.4"'}, not ${p.value ? JSON.stringify(p.value.value ?? null) : 'nothing'}.`));
    else versions[key] = Number(v.split('.')[0]);
  }
  const nodeFor: Record<number, number> = { 9: 18, 10: 24 };
  const fdk = versions.fdk;
  if (fdk !== undefined && versions.node !== undefined && nodeFor[fdk] !== undefined && nodeFor[fdk] !== versions.node) {
    const p = props.filter((x) => x.key === 'node').pop()!;
    out.push(enginesInvalid.at(file, range(p.value!), `FDK ${fdk}.x runs Node ${nodeFor[fdk]}, not Node ${versions.node}: set engines.node to a ${nodeFor[fdk]}.x version.`, undefined, 'warning'));
  }
}

function checkFunctions(app: App, out: Diagnostic[], range: RangeOf): void {
  if (!app.script || (!app.script.hasExportsObject && !app.script.callbacks.length)) return; // reported elsewhere
  const container = lastProperty(app.manifest.root, app.dialect === '3.0' ? 'modules' : 'product');
  for (const scope of objectProperties(container)) {
    for (const fn of objectProperties(lastProperty(scope.value, 'functions'))) {
      const cb = findCallback(app, fn.key);
      if (!cb) out.push(functionNotDefined.at(app.files.manifest.path, range(fn.keyNode), `Server method '${fn.key}' is not defined in server/server.js: export it as \`${fn.key}: function (args) { ... }\` in \`exports = { ... }\`.`, { handler: fn.key }));
      else if (!cb.visibleToPlatform) out.push(functionNotDefined.at(app.files.manifest.path, range(fn.keyNode), `Server method '${fn.key}' is defined in a form the platform does not see: write it as \`${fn.key}: function (args) { ... }\` inside \`exports = { ... }\`.`, { handler: fn.key }));
    }
  }
}

let ajv: Ajv | undefined;

/** The schema's problems as ajv compiles it (draft-07, as fdk compiles draft-04), or []. */
function schemaProblems(schema: unknown): string[] {
  if (!ajv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require('ajv') as { default: typeof Ajv }).default;
    ajv = new AjvClass({ allErrors: true, strict: false, code: { optimize: false } });
  }
  try {
    if (!ajv.validateSchema(schema as object)) return [ajv.errorsText(ajv.errors)];
    ajv.compile(schema as object);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

function checkActions(app: App, out: Diagnostic[]): void {
  const f = app.files.actions;
  if (!f) return;
  const errors: ParseError[] = [];
  const root = parseTree(f.text, errors, { allowTrailingComma: false, disallowComments: true });
  const range = (n: { offset: number; length: number }) => rangeOf(f.text, n.offset, n.offset + n.length);
  if (errors.length || !root) { out.push(actionsInvalid.at(f.path, errors[0] ? rangeOf(f.text, errors[0].offset, errors[0].offset + 1) : FILE_START, 'Error while parsing actions file: actions.json is not valid JSON.')); return; }
  const actions = objectProperties(root);
  if (!actions.length) return;
  if (!app.files.serverScript) { out.push(actionsInvalid.at(f.path, FILE_START, 'App is not a backend app')); return; }
  for (const a of actions) {
    const props = objectProperties(a.value);
    const name = a.key;
    for (const key of ['parameters', 'name', 'display_name', 'description', 'response']) {
      const p = key === 'name' ? { value: a.keyNode } : props.filter((x) => x.key === key).pop();
      if (!p) out.push(actionsInvalid.at(f.path, range(a.keyNode), `Key ${key} is not defined for action ${name}`));
      const v = p?.value;
      if (!v || ((v.type === 'object' || v.type === 'array') && !v.children?.length) || v.value === '' || v.type === 'null') {
        out.push(actionsInvalid.at(f.path, range(v ?? a.keyNode), `Value for ${key} in ${name} action is empty, it is mandatory field`));
      }
    }
    const params = props.filter((x) => x.key === 'parameters').pop()?.value;
    if (params?.type === 'object' && params.children?.length) {
      if (objectProperties(params).some((x) => x.key === '$ref')) out.push(actionsInvalid.at(f.path, range(params), 'Ref tags are not suuported in current version.'));
      else for (const m of schemaProblems(getNodeValue(params))) out.push(actionsInvalid.at(f.path, range(params), `The parameters schema of action ${name} does not compile: ${m}`));
    }
    const cb = app.script && findCallback(app, name);
    if (!cb?.visibleToPlatform) out.push(actionsInvalid.at(f.path, range(a.keyNode), `${name} does not have definition in server.js`));
  }
}
