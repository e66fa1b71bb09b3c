// The config/ folder as `fdk validate` checks it (fdk 6.9.0's lib/validations/config-dir.js, iparam.js and
// oauth.js, with their wording) plus custom objects (config/entities.json): read from the app model's config/
// files, positioned at the key or value at fault. Pure: the caller read the files.
import { Parser } from 'acorn';
import { getNodeValue, type Node } from 'jsonc-parser';
import { editDistance } from './catalogue';
import { configFile, CONFIG_DIR, type ConfigFile } from './configFiles';
import { objectProperties, type PropertyView } from './manifest';
import { defineRule } from './rules';
import { rangeOf } from './textPositions';
import type { App } from './appModel';
import type { Diagnostic, Range } from './types';
import iparamsSchema from '../../../schemas/iparams.schema.json';

const iparamSchema = iparamsSchema.definitions.iparam;

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The keys an iparam may have (2.x; 3.0 adds `modules`), from schemas/iparams.schema.json. */
export const IPARAM_KEYS: readonly string[] = Object.keys(iparamSchema.properties).filter((k) => k !== 'modules');
/** The iparam types, from schemas/iparams.schema.json. */
export const IPARAM_TYPES: readonly string[] = iparamSchema.properties.type.enum;
const TYPES_WITH_OPTIONS = ['dropdown', 'radio', 'multiselect'];
const REGEX_TYPES = ['text', 'email', 'phone_number', 'url'];
const MANDATORY = ['display_name', 'type'];
const SECURE_LIKE = ['auth', 'token', 'key', 'secret'];
/** Products a `domain`/`api_key` iparam's type_attributes.product may name (fdk's product list, and `current`). */
const IPARAM_PRODUCTS = ['freshdesk', 'freshservice', 'freshchat', 'freshcaller', 'freshteam', 'freshsales', 'freshworks_crm', 'freshconnect', 'current'];
/** What config/ may hold: fdk 6.9.0's list, plus requests.json (platform 2.3 and 3.0 request templates). */
export const CONFIG_ENTRIES = ['iparams.html', 'iparams.json', 'iparam_test_data.json', 'oauth_config.json', 'assets', 'entities.json', 'requests.json'];
/** Where custom iparams' script lives (fdk reads it for iparam `events`). */
export const IPARAMS_JS = `${CONFIG_DIR}/assets/iparams.js`;

// ---------------------------------------------------------------- rules
export const configJsonSyntax = defineRule({
  code: 'config-json-syntax', severity: 'error', source: 'fdk', fdkRule: 'exception',
  short: 'A config/ JSON file that JSON.parse rejects.',
  full: 'fdk reads config/*.json with JSON.parse: a trailing comma, a comment or a half-typed value makes it stop with the parser\'s message, and the app does not start.',
  fdkMessage: 'oauth_config.json - <message>',
});
export const configFolderMissing = defineRule({
  code: 'config-folder-missing', severity: 'error', source: 'fdk', fdkRule: 'config-folder-missing',
  short: 'The app has no config/ folder.', full: 'Every app needs config/ with iparams.json or iparams.html.',
  fdkMessage: 'Mandatory folder(s) missing: config',
});
export const configUnexpectedFile = defineRule({
  code: 'config-unexpected-file', severity: 'error', source: 'fdk', fdkRule: 'config-invalid-file',
  short: 'A file in config/ that the platform does not read.',
  full: `config/ may hold only ${CONFIG_ENTRIES.join(', ')}: fdk refuses to pack an app with anything else there (requests.json is accepted by the platform 2.3 and later).`,
  fdkMessage: 'Config directory has invalid file(s) - <files>',
});
export const iparamTestDataDeprecated = defineRule({
  code: 'iparam-test-data-deprecated', severity: 'warning', source: 'fdk', fdkRule: 'iparam-test-data-deprecated',
  short: 'config/iparam_test_data.json is deprecated.',
  full: 'fdk no longer reads test iparams from config/iparam_test_data.json: test the installation page at /custom_configs of `fdk run` (or the simulator panel\'s Test iparams box).',
  fdkMessage: 'iparam_test_data.json is deprecated, to test the installation page, visit - http://localhost:10001/custom_configs',
});
export const iparamsMissing = defineRule({
  code: 'iparams-missing', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'config/ has neither iparams.json nor iparams.html.', full: 'Every app declares its installation parameters: config/iparams.json (standard) or config/iparams.html (custom).',
  fdkMessage: 'iparams.json is mandatory.',
});
export const iparamsBothKinds = defineRule({
  code: 'iparams-both-kinds', severity: 'error', source: 'fdk', fdkRule: 'iparams-both-kinds',
  short: 'Both iparams.json and iparams.html.', full: 'An app has standard (iparams.json) or custom (iparams.html) installation parameters, never both.',
  fdkMessage: 'Unsupported File(s). Specify either iparams.html or iparams.json',
});
export const iparamsShape = defineRule({
  code: 'iparams-shape', severity: 'error', source: 'ours',
  short: 'iparams.json is not an object of iparams, or an iparam is not an object.',
  full: 'iparams.json maps each iparam name to an object with at least display_name and type; fdk cannot read anything else.',
});
export const iparamsReservedKey = defineRule({
  code: 'iparams-reserved-key', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam named like one of the keys of an iparam.', full: `An iparam may not be called ${IPARAM_KEYS.join(', ')}: fdk stops checking iparams.json at such a name.`,
  fdkMessage: 'Do not use reserved keywords, <keys>, as keys.',
});
export const iparamsEmptyKey = defineRule({
  code: 'iparams-empty-key', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam with an empty name.', full: 'An iparam\'s name is how the app reads it (`iparams.<name>`): it may not be empty.',
  fdkMessage: 'The iparam key should be a non-empty string.',
});
export const iparamsMandatoryKey = defineRule<{ key: string; missing: string[] }>({
  code: 'iparams-mandatory-key', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam without display_name or type.', full: 'Every iparam needs display_name and type.',
  fdkMessage: "The mandatory key(s), <keys>, missing for the '<iparam>' field.",
});
export const iparamsInvalidType = defineRule<{ suggestion?: string }>({
  code: 'iparams-invalid-type', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam type the platform does not have.', full: `An iparam's type is one of ${IPARAM_TYPES.join(', ')}.`,
  fdkMessage: "Invalid type, <type>, found in the '<iparam>' field.",
});
export const iparamsInvalidKey = defineRule({
  code: 'iparams-invalid-key', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'A key an iparam may not have.', full: `An iparam's keys are ${IPARAM_KEYS.join(', ')}.`,
  fdkMessage: "Invalid key(s), <keys>, found in the '<iparam>' field.",
});
export const iparamsOptions = defineRule({
  code: 'iparams-options', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'options and default_value of a dropdown, radio or multiselect iparam (and no options on other types).',
  full: 'dropdown, radio and multiselect iparams need options (an array) and a default_value that is one of them (for multiselect, an array of them); other types may not have options.',
  fdkMessage: "The default value specified for the '<iparam>' <type> type is not listed in the options.",
});
export const iparamsBoolean = defineRule({
  code: 'iparams-boolean', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'required, secure or a checkbox\'s default_value that is not true or false.', full: 'These keys take a JSON boolean; "true" in quotes is a string.',
  fdkMessage: "Specify either true or false for the <key> key in the '<iparam>' field.",
});
export const iparamsTypeAttributes = defineRule({
  code: 'iparams-type-attributes', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'type_attributes of a domain or api_key iparam.', full: 'domain and api_key iparams need type_attributes.product: a Freshworks product in lowercase (or "current"); a domain iparam cannot be for freshchat; with data-bind, the product must be the manifest\'s (or "current" in an omni app).',
  fdkMessage: 'type_attributes must be specified for type <type> in iparams.json.',
});
export const iparamsRegex = defineRule({
  code: 'iparams-regex', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam regex that is empty, invalid, lacks its error message, or sits on a type without regex.',
  full: 'regex is an object of named patterns, each with a `<name>-error` message, on text, email, phone_number and url iparams only.',
  fdkMessage: "Invalid regex entered for '<name>' in the '<iparam>' field.",
});
export const iparamsEvents = defineRule({
  code: 'iparams-events', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam\'s events: an array of { "change": "<function in config/assets/iparams.js>" }.',
  full: 'An iparam may call a function of config/assets/iparams.js when it changes; the function must be declared there (a top-level function declaration) and `change` is the only event.',
  fdkMessage: "The <function> function does not exist for the '<iparam>' field.",
});
export const iparamsNotSecure = defineRule({
  code: 'iparams-not-secure', severity: 'warning', source: 'fdk', fdkRule: 'iparams',
  short: 'An iparam named like a secret that is not marked secure.',
  full: 'An iparam whose name holds auth, token, key or secret looks like a credential: mark it "secure": true so that it is never sent to the browser.',
  fdkMessage: "iparam '<name>' appears to be a secure param but it isn't marked as secure.",
});
export const customIparamsMethods = defineRule({
  code: 'custom-iparams-methods', severity: 'error', source: 'fdk', fdkRule: 'iparams',
  short: 'iparams.html without getConfigs or postConfigs.',
  full: 'Custom installation pages declare `function getConfigs(configs)` (fills the form when the app is edited) and `function postConfigs()` (returns the values to store) in a script of iparams.html.',
  fdkMessage: 'Mandatory method(s) missing in iparams.html: <methods>.',
});
export const oauthConfig = defineRule({
  code: 'oauth-config', severity: 'error', source: 'fdk', fdkRule: 'oauth',
  short: 'oauth_config.json that lacks a mandatory key, has an invalid token_type or invalid oauth_iparams.',
  full: 'oauth_config.json needs client_id, client_secret, authorize_url, token_url and token_type (account or agent); oauth_iparams are text fields with display_name, description and type.',
  fdkMessage: 'Mandatory key(s) missing in oauth_config.json - <keys>.',
});
export const entitiesInvalid = defineRule({
  code: 'entities-invalid', severity: 'error', source: 'fdk', fdkRule: 'custom-objects',
  short: 'config/entities.json (custom objects) that does not define entities as the platform takes them.',
  full: 'Custom objects: at most 5 entities, each an object with a `fields` array of at most 20 fields, each with a name, a label and a documented type (enum with its choices).',
  fdkMessage: 'Maximum Entity definition count is 5.',
});

// ---------------------------------------------------------------- helpers
const quoteList = (names: string[]) => names.join(',');
const nodeRange = (f: ConfigFile, n: { offset: number; length: number }) => rangeOf(f.text, n.offset, n.offset + n.length);
const valueOf = (n: Node | undefined): unknown => (n ? getNodeValue(n) : undefined);
const typeName = (n: Node | undefined) => (n === undefined ? 'undefined' : n.type === 'string' ? String(n.value) : String(getNodeValue(n)));
const prop = (props: PropertyView[], key: string) => props.filter((p) => p.key === key).pop();

/** Names of the top-level function declarations of a script (what fdk's esprima walk collects). */
export function topLevelFunctions(code: string): string[] | undefined {
  try {
    const ast = Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }) as unknown as { body: { type: string; id?: { name: string } }[] };
    return ast.body.filter((s) => s.type === 'FunctionDeclaration' && s.id).map((s) => s.id!.name);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- checks
/**
 * Every check on config/. `configEntries`: the names in config/ (undefined: no config/ folder), as the caller
 * listed them; when the caller read no config/ at all (`app.files.config` undefined) nothing is said.
 */
export function checkConfig(app: App): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (app.files.config === undefined) return out;
  const entries = app.files.configEntries;
  if (entries === null) {
    out.push(configFolderMissing.at(app.files.manifest.path, FILE_START, 'Mandatory folder(s) missing: config'));
    return out;
  }
  const names = entries ?? [...new Set(app.config.map((f) => f.path.split('/')[1]))];
  for (const f of app.config) {
    if (f.parseErrors.length && f.path !== `${CONFIG_DIR}/requests.json`) {
      const e = f.parseErrors[0];
      out.push(configJsonSyntax.at(f.path, rangeOf(f.text, e.offset, e.offset + Math.max(1, e.length)),
        `${f.path.slice(CONFIG_DIR.length + 1)} is not valid JSON (JSON.parse, which fdk uses, rejects it at this point).`));
    }
  }
  const junk = (n: string) => n.startsWith('.') || /^(Thumbs\.db|desktop\.ini)$/i.test(n) || n.endsWith('~');
  const unexpected = names.filter((n) => !junk(n) && !CONFIG_ENTRIES.includes(n));
  for (const n of unexpected) {
    out.push(configUnexpectedFile.at(`${CONFIG_DIR}/${n}`, FILE_START, `Config directory has invalid file(s) - ${n}`));
  }
  if (names.includes('iparam_test_data.json')) {
    out.push(iparamTestDataDeprecated.at(`${CONFIG_DIR}/iparam_test_data.json`, FILE_START,
      'iparam_test_data.json is deprecated, to test the installation page, visit - http://localhost:10001/custom_configs'));
  }
  const json = configFile(app.config, 'iparams.json');
  const html = configFile(app.config, 'iparams.html');
  const hasJson = names.includes('iparams.json');
  if (names.includes('iparams.html')) {
    if (hasJson) out.push(iparamsBothKinds.at(`${CONFIG_DIR}/iparams.json`, FILE_START, 'Unsupported File(s). Specify either iparams.html or iparams.json'));
    if (html) checkCustomIparams(html, configFile(app.config, 'assets/iparams.js'), out);
  } else if (!hasJson) {
    out.push(iparamsMissing.at(app.files.manifest.path, FILE_START, 'iparams.json is mandatory.'));
  } else if (json?.root && !json.parseErrors.length) {
    checkIparams(app, json, out);
  }
  const oauth = configFile(app.config, 'oauth_config.json');
  if (oauth) checkOauth(oauth, out);
  const entities = configFile(app.config, 'entities.json');
  if (entities?.root && !entities.parseErrors.length) checkEntities(entities, out);
  return out;
}

function checkIparams(app: App, f: ConfigFile, out: Diagnostic[]): void {
  const root = f.root!;
  if (root.type !== 'object') {
    out.push(iparamsShape.at(f.path, nodeRange(f, root), 'iparams.json must be an object: { "<iparam name>": { "display_name": ..., "type": ... } }.'));
    return;
  }
  const params = objectProperties(root);
  const reserved = params.filter((p) => IPARAM_KEYS.includes(p.key));
  if (reserved.length) {
    // fdk says this once and checks nothing else of iparams.json.
    const keys = [...new Set(reserved.map((p) => p.key))];
    for (const p of reserved) out.push(iparamsReservedKey.at(f.path, nodeRange(f, p.keyNode), `Do not use reserved keywords, ${quoteList(keys)}, as keys.`));
    return;
  }
  const iparamsJs = configFile(app.config, 'assets/iparams.js');
  const jsFunctions = iparamsJs ? topLevelFunctions(iparamsJs.text) ?? [] : [];
  const products = app.dialect === '3.0' ? [] : app.scopes.map((s) => s.name);
  for (const p of params) {
    const at = (n: Node | undefined) => nodeRange(f, n ?? p.keyNode);
    if (p.key.length === 0) { out.push(iparamsEmptyKey.at(f.path, at(p.keyNode), 'The iparam key should be a non-empty string.')); continue; }
    const v = p.value;
    const props = objectProperties(v);
    const keys = props.map((x) => x.key);
    const missing = MANDATORY.filter((k) => !keys.includes(k));
    if (v?.type !== 'object') {
      out.push(iparamsShape.at(f.path, at(v), `The iparam '${p.key}' must be an object ({ "display_name": ..., "type": ... }).`));
      continue;
    }
    if (missing.length) out.push(iparamsMandatoryKey.at(f.path, at(p.keyNode), `The mandatory key(s), ${quoteList(missing)}, missing for the '${p.key}' field.`, { key: p.key, missing }));
    const typeProp = prop(props, 'type');
    const type = typeProp?.value?.type === 'string' ? String(typeProp.value.value) : undefined;
    if (!type || !IPARAM_TYPES.includes(type)) {
      if (typeProp || !missing.includes('type')) {
        const suggestion = type ? IPARAM_TYPES.find((t) => editDistance(t, type.toLowerCase()) <= 2) : undefined;
        const base = `Invalid type, ${typeName(typeProp?.value)}, found in the '${p.key}' field.`;
        out.push(iparamsInvalidType.at(f.path, at(typeProp?.value), suggestion ? `${base} Did you mean '${suggestion}'?` : base, suggestion ? { suggestion } : undefined));
      }
    }
    // 3.0 maps an iparam to the modules it is for (`"modules": ["deal"]`), a key fdk 6.9.0 predates.
    const validKeys = app.dialect === '3.0' ? [...IPARAM_KEYS, 'modules'] : IPARAM_KEYS;
    for (const x of props.filter((k) => !validKeys.includes(k.key))) {
      out.push(iparamsInvalidKey.at(f.path, at(x.keyNode), `Invalid key(s), ${x.key}, found in the '${p.key}' field.`));
    }
    const options = prop(props, 'options');
    const dflt = prop(props, 'default_value');
    if (type && TYPES_WITH_OPTIONS.includes(type)) {
      if (!dflt) out.push(iparamsOptions.at(f.path, at(p.keyNode), `In the '${p.key}' field, specify the default value for the ${type} type.`));
      if (!options) out.push(iparamsOptions.at(f.path, at(p.keyNode), `In the '${p.key}' field, specify options for the ${type} type.`));
      else if (options.value?.type !== 'array') out.push(iparamsOptions.at(f.path, at(options.value), `For the '${p.key}' ${type} type, add the options as an array.`));
      else {
        const opts = (valueOf(options.value) as unknown[]).map((o) => JSON.stringify(o));
        const d = valueOf(dflt?.value);
        const ds = Array.isArray(d) ? d : [d];
        if (ds.some((x) => !opts.includes(JSON.stringify(x)))) {
          out.push(iparamsOptions.at(f.path, at(dflt?.value), `The default value specified for the '${p.key}' ${type} type is not listed in the options.`));
        }
      }
    } else if (options) {
      out.push(iparamsOptions.at(f.path, at(options.keyNode), `Options must not be specified for ${type ?? typeName(typeProp?.value)} type in the '${p.key}' field.`));
    }
    if (type === 'domain' || type === 'api_key') checkTypeAttributes(f, p.key, type, props, products, out);
    for (const key of ['required', 'secure']) {
      const b = prop(props, key);
      if (b && b.value?.type !== 'boolean') out.push(iparamsBoolean.at(f.path, at(b.value), `Specify either true or false for the ${key} key in the '${p.key}' field.`));
    }
    if (type === 'checkbox' && dflt && dflt.value?.type !== 'boolean') {
      out.push(iparamsBoolean.at(f.path, at(dflt.value), `Specify either true or false for the default_value key in the '${p.key}' field.`));
    }
    const events = prop(props, 'events');
    if (events) {
      if (events.value?.type !== 'array') out.push(iparamsEvents.at(f.path, at(events.value), `For the '${p.key}' ${type} type, add the Events as an array.`));
      else {
        for (const ev of events.value.children ?? []) {
          const evProps = objectProperties(ev);
          for (const e of evProps.filter((x) => x.key !== 'change')) out.push(iparamsEvents.at(f.path, at(e.keyNode), `The ${e.key} event is not supported in the '${p.key}' field`));
          const fn = evProps[0]?.value;
          const name = fn?.type === 'string' ? String(fn.value) : undefined;
          if (evProps.length === 1 && (!name || !jsFunctions.includes(name))) {
            const where = iparamsJs ? '' : ` (${IPARAMS_JS} does not exist)`;
            out.push(iparamsEvents.at(f.path, at(fn ?? ev), `The ${typeName(fn)} function does not exist for the '${p.key}' field.${where}`));
          }
        }
      }
    }
    const regex = prop(props, 'regex');
    if (regex?.value?.type === 'object') checkRegex(f, p.key, type, regex, out);
    const secure = prop(props, 'secure');
    const lower = p.key.toLowerCase();
    if (SECURE_LIKE.some((s) => lower.includes(s)) && !lower.includes('api_domain') && !secure?.value?.value) {
      out.push(iparamsNotSecure.at(f.path, at(p.keyNode), `iparam '${p.key}' appears to be a secure param but it isn't marked as secure.`));
    }
  }
}

function checkTypeAttributes(f: ConfigFile, key: string, type: string, props: PropertyView[], products: string[], out: Diagnostic[]): void {
  const attrs = prop(props, 'type_attributes');
  const at = (n: Node | undefined) => nodeRange(f, n ?? props[0].keyNode.parent!.parent!);
  if (!attrs) { out.push(iparamsTypeAttributes.at(f.path, at(prop(props, 'type')?.value), `type_attributes must be specified for type ${type} in iparams.json.`)); return; }
  const product = prop(objectProperties(attrs.value), 'product');
  if (!product) { out.push(iparamsTypeAttributes.at(f.path, at(attrs.keyNode), `Mandatory key(s) product missing in type_attributes for ${key} in iparams.json.`)); return; }
  const name = valueOf(product.value);
  if (type === 'domain' && !IPARAM_PRODUCTS.includes(String(name))) {
    out.push(iparamsTypeAttributes.at(f.path, at(product.value), `Invalid product name format '${String(name)}'. Use lowercase without space`));
  } else if (type === 'domain' && name === 'freshchat') {
    out.push(iparamsTypeAttributes.at(f.path, at(product.value), `Invalid type '${type}' for freshchat product found in iparams.json.`));
  }
  if (prop(props, 'data-bind')?.value?.value && products.length) {
    if (products.length > 1 && name !== 'current') {
      out.push(iparamsTypeAttributes.at(f.path, at(product.value), 'In iparams.json, the type_attributes.product value must be "current", as your app supports multiple products. Please modify it.'));
    } else if (products.length === 1 && name !== 'current' && name !== products[0]) {
      out.push(iparamsTypeAttributes.at(f.path, at(product.value), `In iparams.json, type_attributes.product is "${String(name)}". It must be the same as the product name mentioned in manifest.json. Please modify it.`));
    }
  }
}

function checkRegex(f: ConfigFile, key: string, type: string | undefined, regex: PropertyView, out: Diagnostic[]): void {
  const at = (n: Node | undefined) => nodeRange(f, n ?? regex.keyNode);
  if (!type || !REGEX_TYPES.includes(type)) { out.push(iparamsRegex.at(f.path, at(regex.keyNode), `Regex for ${type} type is not supported.`)); return; }
  const patterns = objectProperties(regex.value);
  if (!patterns.length) out.push(iparamsRegex.at(f.path, at(regex.value), `For the '${key}' field, regex should not be empty.`));
  const names = patterns.map((p) => p.key);
  for (const p of patterns) {
    if (p.key.endsWith('-error')) continue;
    if (!names.includes(`${p.key}-error`)) out.push(iparamsRegex.at(f.path, at(p.keyNode), `In the '${key}' field, error message is missing for '${p.key}'.`));
    let valid = true;
    try { new RegExp(String(valueOf(p.value))); } catch { valid = false; }
    if (!valid) out.push(iparamsRegex.at(f.path, at(p.value), `Invalid regex entered for '${p.key}' in the '${key}' field.`));
  }
}

/**
 * iparams.html: its scripts (no type, or text/javascript) declare getConfigs and postConfigs, inline or in the
 * config/assets/iparams.js it loads (where the documentation puts them; fdk 6.9.0 read inline scripts only).
 */
function checkCustomIparams(f: ConfigFile, iparamsJs: ConfigFile | undefined, out: Diagnostic[]): void {
  const found = new Set<string>();
  const scripts = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
  const functionsOf = (code: string) => topLevelFunctions(code) ?? [...code.matchAll(/^\s*(?:async\s+)?function\s+([A-Za-z_$][\w$]*)/gm)].map((x) => x[1]);
  for (let m = scripts.exec(f.text); m; m = scripts.exec(f.text)) {
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(m[1])?.[1];
    if (type && type.toLowerCase() !== 'text/javascript') continue;
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(m[1])?.[1];
    const code = src === undefined ? m[2] : /^(\.\/)?assets\/iparams\.js$/.test(src) && iparamsJs ? iparamsJs.text : '';
    for (const n of functionsOf(code)) found.add(n);
  }
  const missing = ['getConfigs', 'postConfigs'].filter((n) => !found.has(n));
  if (missing.length) out.push(customIparamsMethods.at(f.path, FILE_START, `Mandatory method(s) missing in iparams.html: ${missing.join(',')}.`));
}

function checkOauth(f: ConfigFile, out: Diagnostic[]): void {
  if (!f.root || f.parseErrors.length) return; // config-json-syntax said it
  // 2.3 and 3.0 name several integrations (`{ "integrations": { "<name>": { client_id, ... } } }`): each is checked
  // as fdk 6.9.0 checks the whole file of older apps.
  const integrations = prop(objectProperties(f.root), 'integrations');
  if (integrations?.value?.type === 'object') {
    for (const i of objectProperties(integrations.value)) checkOauthConfig(f, i.value, ` (integration '${i.key}')`, nodeRange(f, i.keyNode), out, true);
  } else {
    checkOauthConfig(f, f.root, '', FILE_START, out, false);
  }
}

/** `secureAllowed`: the integrations format documents `secure` on an oauth_iparam (fdk 6.9.0 predates it). */
function checkOauthConfig(f: ConfigFile, node: Node | undefined, which: string, where: Range, out: Diagnostic[], secureAllowed: boolean): void {
  const props = objectProperties(node);
  const at = (n: Node | undefined) => (n ? nodeRange(f, n) : FILE_START);
  const present = props.filter((p) => p.value && p.value.type !== 'null' && p.value.value !== '').map((p) => p.key);
  const missing = ['client_id', 'client_secret', 'authorize_url', 'token_url', 'token_type'].filter((k) => !present.includes(k));
  if (missing.length) out.push(oauthConfig.at(f.path, where, `Mandatory key(s) missing in oauth_config.json - ${missing.join(', ')}.${which}`));
  const tokenType = prop(props, 'token_type');
  if (tokenType?.value && tokenType.value.type !== 'null' && !['account', 'agent'].includes(String(tokenType.value.value))) {
    out.push(oauthConfig.at(f.path, at(tokenType.value), `Invalid token type mentioned in oauth_config.json - ${typeName(tokenType.value)}.${which}`));
  }
  const iparams = prop(props, 'oauth_iparams');
  if (!iparams?.value || iparams.value.type !== 'object') return;
  const params = objectProperties(iparams.value);
  const reserved = params.filter((p) => ['display_name', 'description', 'type', 'required'].includes(p.key));
  if (reserved.length) {
    out.push(oauthConfig.at(f.path, at(reserved[0].keyNode), `Reserved keywords ${reserved.map((p) => p.key).join(',')} used as keys in oauth_config.json.`));
    return;
  }
  for (const p of params) {
    if (!p.key) { out.push(oauthConfig.at(f.path, at(p.keyNode), 'The oauth_iparams key should be a non-empty string.')); continue; }
    // fdk drops a detail whose value is an empty object or array before it checks.
    const fields = objectProperties(p.value).filter((x) => !((x.value?.type === 'object' || x.value?.type === 'array') && !x.value.children?.length));
    const keys = fields.map((x) => x.key);
    const missing = ['display_name', 'description', 'type'].filter((k) => !keys.includes(k));
    if (missing.length || p.value?.type !== 'object') out.push(oauthConfig.at(f.path, at(p.keyNode), `Mandatory key(s) ${missing.join(',')} missing for ${p.key} in oauth_config.json.`));
    const type = prop(fields, 'type');
    if (type?.value?.value !== 'text') out.push(oauthConfig.at(f.path, at(type?.value ?? p.keyNode), `Invalid type '${typeName(type?.value)}' found in oauth_config.json.`));
    const invalid = fields.filter((x) => !['display_name', 'description', 'type', 'required', ...(secureAllowed ? ['secure'] : [])].includes(x.key));
    if (invalid.length) out.push(oauthConfig.at(f.path, at(invalid[0].keyNode), 'Invalid keys in oauth_config.json'));
  }
}

const ENTITY_FIELD_KEYS = ['name', 'label', 'type', 'filterable', 'required', 'choices'];
/** The documented field types (the custom objects documentation); fdk 6.9.0's older upper-case ones are accepted too. */
const ENTITY_FIELD_TYPES = ['text', 'paragraph', 'integer', 'float', 'datetime', 'boolean', 'enum', 'date', 'section'];
const OLD_ENTITY_FIELD_TYPES = ['TEXT', 'PARAGRAPH', 'CHECKBOX', 'DATE_TIME', 'NUMBER', 'DECIMAL', 'DROPDOWN'];

/** config/entities.json as the custom objects documentation describes it (and fdk 6.9.0's limits: 5 entities, 20 fields). */
function checkEntities(f: ConfigFile, out: Diagnostic[]): void {
  const root = f.root!;
  const say = (n: Node, entity: string, message: string) => out.push(entitiesInvalid.at(f.path, nodeRange(f, n), `In entity '${entity}', ${message}`));
  if (root.type !== 'object') { out.push(entitiesInvalid.at(f.path, nodeRange(f, root), 'entities.json must be an object of entity definitions: { "<entity>": { "fields": [ ... ] } }.')); return; }
  const entities = objectProperties(root);
  if (entities.length > 5) out.push(entitiesInvalid.at(f.path, nodeRange(f, entities[5].keyNode), 'Maximum Entity definition count is 5.'));
  for (const e of entities) {
    const props = objectProperties(e.value);
    const fields = prop(props, 'fields');
    if (e.value?.type !== 'object' || !fields) { say(e.keyNode, e.key, 'fields is a required property.'); continue; }
    for (const x of props.filter((k) => k.key !== 'fields')) say(x.keyNode, e.key, `'${x.key}' is not allowed: an entity has only fields.`);
    if (fields.value?.type !== 'array') { say(fields.value ?? fields.keyNode, e.key, 'fields must be an array.'); continue; }
    const items = fields.value.children ?? [];
    if (items.length > 20) say(items[20], e.key, 'fields must not have more than 20 items.');
    const seen = new Set<string>();
    for (const field of items) {
      const fp = objectProperties(field);
      if (field.type !== 'object') { say(field, e.key, 'each field must be an object.'); continue; }
      const missing = ['name', 'label', 'type'].filter((k) => !prop(fp, k));
      if (missing.length) say(field, e.key, `a field needs ${missing.join(', ')}.`);
      for (const x of fp.filter((k) => !ENTITY_FIELD_KEYS.includes(k.key))) say(x.keyNode, e.key, `'${x.key}' is not a key of a field (${ENTITY_FIELD_KEYS.join(', ')}).`);
      const name = prop(fp, 'name')?.value;
      if (name?.type === 'string') {
        if (seen.has(String(name.value))) say(name, e.key, `the field name '${String(name.value)}' is given twice.`);
        seen.add(String(name.value));
      }
      const type = prop(fp, 'type')?.value;
      if (type && ![...ENTITY_FIELD_TYPES, ...OLD_ENTITY_FIELD_TYPES].includes(String(type.value))) say(type, e.key, `type must be one of ${ENTITY_FIELD_TYPES.join(', ')}.`);
      if (type?.value === 'enum' && !prop(fp, 'choices')) say(type, e.key, 'an enum field needs choices.');
      for (const b of ['filterable', 'required']) {
        const v = prop(fp, b)?.value;
        if (v && v.type !== 'boolean') say(v, e.key, `${b} must be true or false.`);
      }
    }
  }
}
