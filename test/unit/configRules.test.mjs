// config/ rules (core/configRules.ts) on in-memory apps: one test per rule, its code, fdk's wording where it has
// one, and the position (0-based) of the key or value at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');

const M21 = JSON.stringify({ 'platform-version': '2.1', product: { freshworks_crm: { events: {} } } }, null, 2);
const M30 = JSON.stringify({ 'platform-version': '3.0', modules: { common: {}, deal: { events: { onDealCreate: { handler: 'h' } } } }, engines: { node: '18.20.8', fdk: '9.7.4' } }, null, 2);
const SCRIPT = 'exports = {\n  h: function (args) {}\n};\n';

/** Diagnostics of config rules only; `config` maps config/<name> to its text; `entries` defaults to those names. */
function check({ config = {}, entries, manifest = M21, script = SCRIPT } = {}) {
  const files = Object.entries(config).map(([name, text]) => ({ path: `config/${name}`, text }));
  const all = diagnoseApp({
    manifest: { path: 'manifest.json', text: manifest },
    serverScript: script === undefined ? undefined : { path: 'server/server.js', text: script },
    testData: [],
    config: files,
    configEntries: entries === undefined ? [...new Set(Object.keys(config).map((n) => n.split('/')[0]))] : entries,
  }, () => undefined).diagnostics;
  return all;
}
const codes = (ds, prefix) => ds.filter((d) => d.code.startsWith(prefix));
const one = (ds, code) => {
  const found = ds.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(ds.map((d) => `${d.code}: ${d.message}`), null, 1)}`);
  return found[0];
};
const at = (d) => [d.file, d.range.start.line, d.range.start.character];
const iparams = (obj) => JSON.stringify(obj, null, 2);
const OK = iparams({ domain: { display_name: 'Domain', type: 'text', required: true } });

test('a clean iparams.json gives no config finding; the same with a typo of its type gives one', () => {
  const ds = check({ config: { 'iparams.json': OK } });
  assert.deepEqual(codes(ds, 'iparams').concat(codes(ds, 'config')), []);
  const typo = check({ config: { 'iparams.json': OK.replace('"text"', '"txt"') } });
  assert.deepEqual(codes(typo, 'iparams').map((d) => d.code), ['iparams-invalid-type']);
});

test('config-folder-missing and iparams-missing (fdk wording); nothing when the caller read no config/ (files.config undefined)', () => {
  assert.equal(one(check({ entries: null }), 'config-folder-missing').message, 'Mandatory folder(s) missing: config');
  const d = one(check({ config: {}, entries: [] }), 'iparams-missing');
  assert.equal(d.message, 'iparams.json is mandatory.');
  const unread = diagnoseApp({ manifest: { path: 'manifest.json', text: M21 }, serverScript: { path: 'server/server.js', text: SCRIPT }, testData: [] }, () => undefined).diagnostics;
  assert.deepEqual(unread.filter((x) => /^(iparams|config)/.test(x.code)), []);
});

test('iparams-both-kinds: iparams.json beside iparams.html', () => {
  const html = '<script>function getConfigs(c) {} function postConfigs() { return {}; }</script>';
  const d = one(check({ config: { 'iparams.json': OK, 'iparams.html': html } }), 'iparams-both-kinds');
  assert.equal(d.message, 'Unsupported File(s). Specify either iparams.html or iparams.json');
});

test('config-unexpected-file names the file; requests.json, assets and dotfiles are fine', () => {
  const ds = check({ config: { 'iparams.json': OK, 'requests.json': '{}' }, entries: ['iparams.json', 'requests.json', 'assets', '.DS_Store', 'notes.txt'] });
  const d = one(ds, 'config-unexpected-file');
  assert.deepEqual([d.file, d.message], ['config/notes.txt', 'Config directory has invalid file(s) - notes.txt']);
});

test('iparam-test-data-deprecated is a warning on the file', () => {
  const d = one(check({ config: { 'iparams.json': OK, 'iparam_test_data.json': '{}' } }), 'iparam-test-data-deprecated');
  assert.equal(d.severity, 'warning');
  assert.equal(d.file, 'config/iparam_test_data.json');
  assert.match(d.message, /^iparam_test_data\.json is deprecated, to test the installation page/);
});

test('config-json-syntax: a trailing comma in a config JSON file, at its place', () => {
  const d = one(check({ config: { 'iparams.json': '{\n  "a": { "display_name": "A", "type": "text" },\n}' } }), 'config-json-syntax');
  assert.equal(d.file, 'config/iparams.json');
  assert.equal(d.range.start.line, 2);
});

test('iparams-reserved-key: fdk stops at a reserved name', () => {
  const ds = check({ config: { 'iparams.json': iparams({ type: { display_name: 'T', type: 'nope' } }) } });
  const d = one(ds, 'iparams-reserved-key');
  assert.equal(d.message, 'Do not use reserved keywords, type, as keys.');
  assert.deepEqual(at(d), ['config/iparams.json', 1, 2]);
  assert.equal(ds.filter((x) => x.code === 'iparams-invalid-type').length, 0);
});

test('iparams-empty-key and iparams-mandatory-key', () => {
  assert.equal(one(check({ config: { 'iparams.json': iparams({ '': { display_name: 'x', type: 'text' } }) } }), 'iparams-empty-key').message,
    'The iparam key should be a non-empty string.');
  const d = one(check({ config: { 'iparams.json': iparams({ name: { type: 'text' } }) } }), 'iparams-mandatory-key');
  assert.equal(d.message, "The mandatory key(s), display_name, missing for the 'name' field.");
  assert.deepEqual(at(d), ['config/iparams.json', 1, 2]);
});

test('iparams-invalid-type with did-you-mean, at the type value', () => {
  const d = one(check({ config: { 'iparams.json': iparams({ name: { display_name: 'N', type: 'dropdwn' } }) } }), 'iparams-invalid-type');
  assert.equal(d.message, "Invalid type, dropdwn, found in the 'name' field. Did you mean 'dropdown'?");
  assert.deepEqual(at(d), ['config/iparams.json', 3, 12]);
  assert.equal(d.data.suggestion, 'dropdown');
});

test('iparams-invalid-key on 2.x; `modules` is a valid key on 3.0 only', () => {
  const text = iparams({ name: { display_name: 'N', type: 'text', modules: ['deal'], colour: 'red' } });
  const ds21 = check({ config: { 'iparams.json': text } }).filter((d) => d.code === 'iparams-invalid-key');
  assert.deepEqual(ds21.map((d) => d.message), ["Invalid key(s), modules, found in the 'name' field.", "Invalid key(s), colour, found in the 'name' field."]);
  const ds30 = check({ config: { 'iparams.json': text }, manifest: M30 }).filter((d) => d.code === 'iparams-invalid-key');
  assert.deepEqual(ds30.map((d) => d.message), ["Invalid key(s), colour, found in the 'name' field."]);
});

test('iparams-options: default not among the options, missing options, options on a text', () => {
  const notListed = one(check({ config: { 'iparams.json': iparams({ c: { display_name: 'C', type: 'dropdown', options: ['a', 'b'], default_value: 'z' } }) } }), 'iparams-options');
  assert.equal(notListed.message, "The default value specified for the 'c' dropdown type is not listed in the options.");
  assert.equal(notListed.range.start.line, 8);
  const multi = check({ config: { 'iparams.json': iparams({ c: { display_name: 'C', type: 'multiselect', options: ['a', 'b'], default_value: ['a', 'b'] } }) } });
  assert.deepEqual(codes(multi, 'iparams-options'), []);
  const ds = check({ config: { 'iparams.json': iparams({ c: { display_name: 'C', type: 'radio' } }) } }).filter((d) => d.code === 'iparams-options').map((d) => d.message);
  assert.deepEqual(ds, ["In the 'c' field, specify the default value for the radio type.", "In the 'c' field, specify options for the radio type."]);
  assert.equal(one(check({ config: { 'iparams.json': iparams({ c: { display_name: 'C', type: 'text', options: ['a'] } }) } }), 'iparams-options').message,
    "Options must not be specified for text type in the 'c' field.");
});

test('iparams-boolean: "true" in quotes for required, secure, a checkbox default', () => {
  const ds = check({ config: { 'iparams.json': iparams({ c: { display_name: 'C', type: 'checkbox', required: 'true', default_value: 'yes' } }) } });
  assert.deepEqual(ds.filter((d) => d.code === 'iparams-boolean').map((d) => d.message), [
    "Specify either true or false for the required key in the 'c' field.",
    "Specify either true or false for the default_value key in the 'c' field."]);
});

test('iparams-type-attributes: missing, missing product, bad product, freshchat domain, data-bind mismatch', () => {
  const msg = (p) => check({ config: { 'iparams.json': iparams({ d: { display_name: 'D', ...p } }) } }).filter((d) => d.code === 'iparams-type-attributes').map((d) => d.message);
  assert.deepEqual(msg({ type: 'domain' }), ['type_attributes must be specified for type domain in iparams.json.']);
  assert.deepEqual(msg({ type: 'api_key', type_attributes: {} }), ['Mandatory key(s) product missing in type_attributes for d in iparams.json.']);
  assert.deepEqual(msg({ type: 'domain', type_attributes: { product: 'Fresh Desk' } }), ["Invalid product name format 'Fresh Desk'. Use lowercase without space"]);
  assert.deepEqual(msg({ type: 'domain', type_attributes: { product: 'freshchat' } }), ["Invalid type 'domain' for freshchat product found in iparams.json."]);
  assert.deepEqual(msg({ type: 'domain', 'data-bind': 'x', type_attributes: { product: 'freshdesk' } }),
    ['In iparams.json, type_attributes.product is "freshdesk". It must be the same as the product name mentioned in manifest.json. Please modify it.']);
});

test('iparams-regex: unsupported type, missing error message, invalid pattern', () => {
  const msg = (p) => check({ config: { 'iparams.json': iparams({ r: { display_name: 'R', ...p } }) } }).filter((d) => d.code === 'iparams-regex').map((d) => d.message);
  assert.deepEqual(msg({ type: 'number', regex: { a: '^1$', 'a-error': 'x' } }), ['Regex for number type is not supported.']);
  assert.deepEqual(msg({ type: 'text', regex: { a: '^1$' } }), ["In the 'r' field, error message is missing for 'a'."]);
  assert.deepEqual(msg({ type: 'text', regex: { a: '([', 'a-error': 'x' } }), ["Invalid regex entered for 'a' in the 'r' field."]);
  assert.deepEqual(msg({ type: 'text', regex: {} }), ["For the 'r' field, regex should not be empty."]);
});

test('iparams-events: the change function must be declared in config/assets/iparams.js', () => {
  const json = iparams({ e: { display_name: 'E', type: 'text', events: [{ change: 'onE' }, { blur: 'x' }] } });
  const without = check({ config: { 'iparams.json': json } }).filter((d) => d.code === 'iparams-events').map((d) => d.message);
  assert.deepEqual(without, ["The onE function does not exist for the 'e' field. (config/assets/iparams.js does not exist)",
    "The blur event is not supported in the 'e' field", "The x function does not exist for the 'e' field. (config/assets/iparams.js does not exist)"]);
  const withJs = check({ config: { 'iparams.json': json, 'assets/iparams.js': 'function onE(arg) {}\nfunction x() {}\n' } }).filter((d) => d.code === 'iparams-events');
  assert.deepEqual(withJs.map((d) => d.message), ["The blur event is not supported in the 'e' field"]);
});

test('iparams-not-secure: a key-like name without secure: true is a warning', () => {
  const d = one(check({ config: { 'iparams.json': iparams({ apiKey: { display_name: 'K', type: 'text' }, api_domain: { display_name: 'D', type: 'text' } }) } }), 'iparams-not-secure');
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, "iparam 'apiKey' appears to be a secure param but it isn't marked as secure.");
});

test('custom-iparams-methods: getConfigs/postConfigs inline or in the assets/iparams.js the page loads', () => {
  const inline = '<html><script type="text/javascript">function getConfigs(c) {}</script></html>';
  assert.equal(one(check({ config: { 'iparams.html': inline } }), 'custom-iparams-methods').message, 'Mandatory method(s) missing in iparams.html: postConfigs.');
  const external = '<html><script src="./assets/iparams.js"></script></html>';
  const js = 'function getConfigs(c) {}\nfunction postConfigs() { return {}; }\n';
  assert.deepEqual(check({ config: { 'iparams.html': external, 'assets/iparams.js': js } }).filter((d) => d.code === 'custom-iparams-methods'), []);
  assert.equal(one(check({ config: { 'iparams.html': external } }), 'custom-iparams-methods').message, 'Mandatory method(s) missing in iparams.html: getConfigs,postConfigs.');
});

test('oauth-config: mandatory keys, token type, oauth_iparams; integrations of 2.3/3.0 each checked', () => {
  const old = check({ config: { 'iparams.json': OK, 'oauth_config.json': JSON.stringify({ client_id: 'a', client_secret: '', authorize_url: 'u', token_url: 't', token_type: 'user', oauth_iparams: { dom: { display_name: 'D', type: 'number' } } }) } });
  assert.deepEqual(old.filter((d) => d.code === 'oauth-config').map((d) => d.message), [
    'Mandatory key(s) missing in oauth_config.json - client_secret.', 'Invalid token type mentioned in oauth_config.json - user.',
    'Mandatory key(s) description missing for dom in oauth_config.json.', "Invalid type 'number' found in oauth_config.json."]);
  const good = { client_id: 'a', client_secret: 'b', authorize_url: 'u', token_url: 't', token_type: 'account' };
  const integrations = check({ config: { 'iparams.json': OK, 'oauth_config.json': JSON.stringify({ integrations: { github: good, jira: { ...good, token_url: undefined } } }, null, 2) } });
  const d = one(integrations, 'oauth-config');
  assert.equal(d.message, "Mandatory key(s) missing in oauth_config.json - token_url. (integration 'jira')");
  assert.equal(d.range.start.line, 9);
  // An oauth_iparam may be secure in the integrations format (the platform-3 templates' client_secret).
  const withSecure = { ...good, oauth_iparams: { client_secret: { display_name: 'S', description: 'd', type: 'text', required: true, secure: true } } };
  assert.deepEqual(check({ config: { 'iparams.json': OK, 'oauth_config.json': JSON.stringify({ integrations: { github: withSecure } }) } }).filter((x) => x.code === 'oauth-config'), []);
  assert.deepEqual(check({ config: { 'iparams.json': OK, 'oauth_config.json': JSON.stringify(withSecure) } }).filter((x) => x.code === 'oauth-config').map((x) => x.message), ['Invalid keys in oauth_config.json']);
});

test('entities-invalid: more than 5 entities, a field without label, an unknown type, enum without choices', () => {
  const field = { name: 'n', label: 'N', type: 'text' };
  const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, { fields: [field] }]));
  assert.equal(one(check({ config: { 'iparams.json': OK, 'entities.json': JSON.stringify(six) } }), 'entities-invalid').message, 'Maximum Entity definition count is 5.');
  const bad = { orders: { fields: [{ name: 'id', type: 'integer' }, { name: 'state', label: 'S', type: 'enum' }, { name: 'x', label: 'X', type: 'blob' }] } };
  const ds = check({ config: { 'iparams.json': OK, 'entities.json': JSON.stringify(bad, null, 2) } }).filter((d) => d.code === 'entities-invalid');
  assert.deepEqual(ds.map((d) => d.message), ["In entity 'orders', a field needs label.", "In entity 'orders', an enum field needs choices.",
    "In entity 'orders', type must be one of text, paragraph, integer, float, datetime, boolean, enum, date, section."]);
  const good = { orders: { fields: [field, { name: 'flag', label: 'F', type: 'CHECKBOX' }] } };
  assert.deepEqual(check({ config: { 'iparams.json': OK, 'entities.json': JSON.stringify(good) } }).filter((d) => d.code === 'entities-invalid'), []);
});
