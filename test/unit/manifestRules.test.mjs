// manifest rules (core/manifestRules.ts) and the catalogue's modules and events, on in-memory apps: code,
// severity, fdk's wording where it has one, and the position (0-based) of the value at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');
const { dependencyVersionFixes } = await loadTs('server/src/core/manifestRules.ts');
const { buildAppModel } = await loadTs('server/src/core/appModel.ts');
const { imageSize } = await loadTs('server/src/core/imageSize.ts');

const SCRIPT = 'exports = {\n  h: function (args) {},\n  arrow: (args) => {}\n};\n';
const json = (o) => JSON.stringify(o, null, 2);
const m21 = (extra = {}, product = { events: { onDealCreate: { handler: 'h' } } }) => json({ 'platform-version': '2.1', product: { freshworks_crm: product }, ...extra });
const m30 = (modules, extra = {}) => json({ 'platform-version': '3.0', modules: { common: {}, ...modules }, engines: { node: '18.20.8', fdk: '9.7.4' }, ...extra });

function files(manifest, { script = SCRIPT, assets, actions } = {}) {
  return {
    manifest: { path: 'manifest.json', text: manifest },
    serverScript: script === null ? undefined : { path: 'server/server.js', text: script },
    testData: [], appAssets: assets, actions: actions === undefined ? undefined : { path: 'actions.json', text: actions },
  };
}
const check = (manifest, opts) => diagnoseApp(files(manifest, opts), () => undefined).diagnostics;
const of = (ds, code) => ds.filter((d) => d.code === code);
const one = (ds, code) => {
  const found = of(ds, code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(ds.map((d) => `${d.code}: ${d.message}`), null, 1)}`);
  return found[0];
};

/** A PNG header of the given size (signature + IHDR). */
function png(w, h) {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8); b.write('IHDR', 12); b.writeUInt32BE(w, 16); b.writeUInt32BE(h, 20);
  return new Uint8Array(b);
}
const svg = (attrs) => new TextEncoder().encode(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" ${attrs}><rect/></svg>`);

test('the documented 3.0 module sales_activities and its events are known (no unknown module or event)', () => {
  const ds = check(m30({ sales_activities: { events: { onSalesActivityCreate: { handler: 'h' }, onSalesActivityUpdate: { handler: 'h' } } } }));
  assert.deepEqual(ds.filter((d) => /unknown|not-in-scope|other-product/.test(d.code)).map((d) => d.message), []);
});

test("other products' newer events and modules: Freshchat onAgentActivityCreate, Freshcaller's notification module", () => {
  const ds = check(m30({ chat_conversation: { events: { onAgentActivityCreate: { handler: 'h' } } } }));
  assert.deepEqual(of(ds, 'unknown-event'), []);
  const other = one(check(m30({ notification: { events: { onAppInstall: { handler: 'h' } } } })), 'other-product');
  assert.match(other.message, /Freshcaller/);
  // A 2.x freshchat product: a typo there is still reported.
  const typo = check(json({ 'platform-version': '2.1', product: { freshchat: { events: { onAgentActivityCreat: { handler: 'h' } } } } }));
  assert.match(one(typo, 'unknown-event').message, /Did you mean 'onAgentActivityCreate'/);
});

test('platform-version-invalid (fdk wording) and platform-version-deprecated (2.0 to 2.2, a warning)', () => {
  const bad = one(check(m21().replace('"2.1"', '"2.4"')), 'platform-version-invalid');
  assert.equal(bad.message, 'Invalid platform version mentioned in manifest.json - 2.4. Use 2.3 or 3.0.');
  assert.deepEqual([bad.range.start.line, bad.range.start.character], [1, 22]);
  const old = one(check(m21()), 'platform-version-deprecated');
  assert.equal(old.severity, 'warning');
  assert.deepEqual(of(check(m21().replace('"2.1"', '"2.3"')), 'platform-version-deprecated'), []);
  assert.match(one(check(m21().replace('"2.1"', '2.3')), 'platform-version-invalid').message, /write it as a string/);
});

test('location-unknown: a placeholder the product or module does not have; a common one in a 3.0 module says where it goes', () => {
  const loc = { url: 'index.html', icon: 'icon.svg' };
  const ds = check(m21({}, { location: { deal_sidebar: loc, deal_entity_menu: loc } }));
  const d = one(ds, 'location-unknown');
  assert.match(d.message, /^Invalid location\(s\) mentioned in manifest\.json: freshworks_crm - deal_sidebar\. The product's placeholders: left_nav_chat/);
  const d30 = one(check(m30({ deal: { location: { full_page_app: loc } } })), 'location-unknown');
  assert.match(d30.message, /put it under modules\.common\.location/);
  assert.deepEqual(of(check(m30({ common: { location: { full_page_app: loc } }, deal: { location: { deal_quick_actions: loc } } })), 'location-unknown'), []);
});

test('location-file: url and icon must exist in app/ and the icon must be 64x64 (PNG and SVG headers)', () => {
  const manifest = m21({}, { location: {
    deal_entity_menu: { url: 'index.html', icon: 'styles/icon.png' },
    contact_entity_menu: { url: 'missing.html', icon: 'small.png' },
    full_page_app: { url: './index.html', icon: 'icon.svg' },
    left_nav_cti: { url: 'index.html' },
  } });
  const assets = [{ path: 'app/index.html' }, { path: 'app/styles/icon.png', head: png(64, 64) }, { path: 'app/small.png', head: png(32, 32) }, { path: 'app/icon.svg', head: svg('width="64" height="64"') }];
  const msgs = of(check(manifest, { assets }), 'location-file').map((d) => d.message);
  assert.deepEqual(msgs, [
    "Template file 'missing.html' mentioned in freshworks_crm/contact_entity_menu is not found in app folder",
    "Invalid dimension of icon 'small.png' for freshworks_crm/contact_entity_menu (32x32; it must be 64x64)",
    'Icon is either not mentioned or empty in freshworks_crm/left_nav_cti',
  ]);
  assert.deepEqual(of(check(manifest, { assets: [] }), 'location-file'), [], 'no app/ folder: fdk checks no file');
});

test("location-missing: fdk's app types: a product without locations in an app that is not serverless only", () => {
  const events = { events: { onDealCreate: { handler: 'h' } } };
  const assets = [{ path: 'app/index.html' }];
  // serverless only (server.js, no location, app/ empty or missing): nothing to say
  assert.deepEqual(of(check(m21({}, events), { assets: [] }), 'location-missing'), []);
  // server.js and a non-empty app/: fdk's "Invalid manifest / folder configuration for app"
  let d = one(check(m21({}, events), { assets }), 'location-missing');
  assert.match(d.message, /^Invalid manifest \/ folder configuration for app: product 'freshworks_crm' has no location, but app\/ holds front-end files/);
  assert.equal(d.severity, 'error');
  // no server.js: a front-end app, so the product needs its locations even with app/ empty
  assert.match(one(check(m21({}, events), { assets: [], script: null }), 'location-missing').message, /has no server\/server\.js, so it is a front-end app/);
  // an empty location object: fdk's "Missing locations for product"
  d = one(check(m21({}, { ...events, location: {} }), { assets }), 'location-missing');
  assert.equal(d.message, 'Missing locations for product: freshworks_crm');
  // an omni app with server.js: a product with events and no location is its serverless part
  const omni = json({ 'platform-version': '2.2', product: { freshworks_crm: events, freshsales: { location: { deal_entity_menu: { url: 'index.html', icon: 'i.svg' } } } } });
  assert.deepEqual(of(check(omni, { assets }), 'location-missing'), []);
  // 3.0 modules are left alone (fdk 6.9.0 does not know them)
  assert.deepEqual(of(check(m30({ deal: events }), { assets }), 'location-missing'), []);
});

test('imageSize reads PNG, GIF, JPEG and SVG headers', () => {
  assert.deepEqual(imageSize(png(64, 32)), { width: 64, height: 32 });
  assert.deepEqual(imageSize(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 64, 0, 64, 0])), { width: 64, height: 64 });
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 48, 0, 64, 3, 0, 0]);
  assert.deepEqual(imageSize(jpeg), { width: 64, height: 48 });
  assert.deepEqual(imageSize(svg('viewBox="0 0 64 64"')), { width: 64, height: 64 });
  assert.equal(imageSize(svg('width="100%" height="100%"')), undefined);
});

test("whitelisted-domain: fdk's six rules, one finding per domain and rule, at the domain", () => {
  const domains = ['https://ok.example.com', 'http://plain.example.com', 'https://x.example.com/', 'https://x.example.com/api',
    'https://localhost', 'https://10.0.0.1', 'https://*.*.example.com', 'https://*.example.com', 'https://<%= iparam.domain %>.freshdesk.com'];
  const ds = of(check(m21({ 'whitelisted-domains': domains })), 'whitelisted-domain');
  assert.deepEqual(ds.map((d) => d.message), [
    'Whitelisted domains must use HTTPS: http://plain.example.com',
    "Whitelisted domains must not end with a '/': https://x.example.com/",
    'Whitelisted domains must not have path: https://x.example.com/api',
    'Whitelisted domains must not be localhost: https://localhost',
    'Whitelisted domains must not contain IP addresses: https://10.0.0.1',
    'Whitelisted domains must not have more than one subdomain: https://*.*.example.com',
  ]);
  assert.equal(ds[0].range.start.line, 13);
  const d = one(check(m21({ 'whitelisted-domains': ['https://a.com'] }).replace('"2.1"', '"2.3"')), 'whitelisted-domains-deprecated');
  assert.match(d.message, /^"whitelisted-domains" has been deprecated/);
});

test('dependency-version: ^ and ~ (fdk wording, with a pin quick fix), ranges and tags; dependencies-without-backend', () => {
  const manifest = m21({ dependencies: { axios: '^1.6.2', lodash: '4.17.21', moment: 'latest', qs: '~6.11.0' } });
  const ds = of(check(manifest), 'dependency-version');
  assert.deepEqual(ds.map((d) => d.message), [
    "Package 'axios' version contains special characters(^ or ~). Pin it: \"1.6.2\".",
    'Package moment does not have version latest: the platform installs exact versions only ("1.2.3").',
    "Package 'qs' version contains special characters(^ or ~). Pin it: \"6.11.0\".",
  ]);
  const app = buildAppModel(files(manifest));
  const [fix] = dependencyVersionFixes(app, ds[0]);
  assert.equal(fix.title, 'Pin axios to 1.6.2');
  assert.deepEqual(fix.edits, [{ file: 'manifest.json', edits: [{ range: ds[0].range, newText: '"1.6.2"' }] }]);
  assert.equal(manifest.split('\n')[ds[0].range.start.line].slice(ds[0].range.start.character, ds[0].range.end.character), '"^1.6.2"');
  assert.deepEqual(dependencyVersionFixes(app, ds[1]), []);
  const front = one(check(m21({ dependencies: { a: '1.0.0' } }, { location: {} }), { script: null }), 'dependencies-without-backend');
  assert.equal(front.message, 'Please remove dependencies from your manifest as the current app does not have a serverless component.');
});

test('engines-invalid: not an exact version; Node that the fdk major does not run (a warning)', () => {
  const ds = of(check(m30({ deal: { events: { onDealCreate: { handler: 'h' } } } }).replace('"18.20.8"', '">=18"')), 'engines-invalid');
  assert.deepEqual(ds.map((d) => d.message), ['engines.node must be an exact version such as "18.20.8", not ">=18".']);
  const mismatch = one(check(m30({ deal: { events: { onDealCreate: { handler: 'h' } } } }).replace('"9.7.4"', '"10.0.1"')), 'engines-invalid');
  assert.equal(mismatch.severity, 'warning');
  assert.equal(mismatch.message, 'FDK 10.x runs Node 24, not Node 18: set engines.node to a 24.x version.');
});

test('function-not-defined: a manifest `functions` entry (server method) that server.js lacks or cannot be seen', () => {
  const ds = of(check(m30({ common: { functions: { h: { timeout: 10 }, getDeals: { timeout: 10 }, arrow: {} } }, deal: { events: { onDealCreate: { handler: 'h' } } } })), 'function-not-defined');
  assert.deepEqual(ds.map((d) => d.data.handler), ['getDeals', 'arrow']);
  assert.match(ds[0].message, /^Server method 'getDeals' is not defined in server\/server\.js/);
  assert.match(ds[1].message, /in a form the platform does not see/);
});

test('actions-invalid: missing keys, empty values, $ref, a schema that does not compile, no function in server.js', () => {
  const actions = json({
    h: { display_name: 'H', description: 'd', parameters: { type: 'object', properties: { a: { type: 'string' } } }, response: { type: 'object' } },
    createThing: { display_name: 'C', description: '', parameters: { $ref: '#/x' }, response: { type: 'object' } },
    other: { display_name: 'O', description: 'o', parameters: { type: 'nope' }, response: { type: 'object' } },
  });
  const ds = of(check(m21(), { actions }), 'actions-invalid').map((d) => d.message);
  assert.deepEqual(ds.slice(0, 3), ['Value for description in createThing action is empty, it is mandatory field', 'Ref tags are not suuported in current version.',
    'createThing does not have definition in server.js']);
  assert.match(ds[3], /^The parameters schema of action other does not compile: /);
  assert.equal(ds[4], 'other does not have definition in server.js');
  assert.equal(ds.length, 5);
  assert.deepEqual(of(check(m21(), { actions, script: null }), 'actions-invalid').map((d) => d.message), ['App is not a backend app']);
});
