// `fsdev check` on an app with config/ and manifest mistakes of the kinds `fdk validate` reports (issue 16, items
// 2 and 4): the bundled CLI (server/dist/cli.js, as `npm test` builds it) on an app written to a temp folder.
// Each finding is on its file and line, with fdk's wording where fdk has one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

const CLI = path.join(repoRoot, 'server/dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-config-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const json = (o) => JSON.stringify(o, null, 2);
const files = {
  'manifest.json': json({
    'platform-version': '2.2',
    product: { freshworks_crm: {
      events: { onDealCreate: { handler: 'onDealCreateHandler' } },
      location: { deal_entity_menu: { url: 'index.html', icon: 'missing.svg' }, deal_sidebar: { url: 'index.html', icon: 'icon.svg' } },
    } },
    'whitelisted-domains': ['http://api.example.com'],
    dependencies: { axios: '^1.6.2' },
  }),
  'server/server.js': 'exports = {\n  onDealCreateHandler: function (args) {}\n};\n',
  'app/index.html': '<html></html>\n',
  'app/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"></svg>\n',
  'config/iparams.json': json({
    apiKey: { display_name: 'API key', type: 'text', required: 'yes' },
    plan: { display_name: 'Plan', type: 'dropdown', options: ['free', 'pro'], default_value: 'gold' },
  }),
  'config/iparam_test_data.json': '{}\n',
  'config/notes.txt': 'todo\n',
};
for (const [rel, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

test('fsdev check: config/ and manifest mistakes, each on its file and line, exit 1', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', dir], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  // fdk's lint of server.js has its own tests (test/cli/lint.test.mjs): here, the config/ and manifest rules.
  const rows = JSON.parse(r.stdout).filter((x) => !['no-test-data', 'payload-not-registered'].includes(x.code) && !/^(eslint|fdk)\//.test(x.code));
  assert.deepEqual(rows.map((x) => [x.file, x.line, x.severity, x.code, x.message]), [
    ['manifest.json', 2, 'warning', 'platform-version-deprecated', 'platform-version 2.2 is deprecated: migrate to 2.3 (request templates replace whitelisted-domains and $request.get/post) or 3.0.'],
    ['manifest.json', 13, 'error', 'location-file', "Icon 'missing.svg' mentioned in freshworks_crm/deal_entity_menu is not found in app folder"],
    ['manifest.json', 15, 'error', 'location-unknown', 'Invalid location(s) mentioned in manifest.json: freshworks_crm - deal_sidebar. The product\'s placeholders: left_nav_chat, left_nav_cti, deal_entity_menu, sales_account_entity_menu, contact_entity_menu, deal_quick_actions, sales_account_quick_actions, contact_quick_actions, full_page_app.'],
    ['manifest.json', 23, 'error', 'whitelisted-domain', 'Whitelisted domains must use HTTPS: http://api.example.com'],
    ['manifest.json', 26, 'error', 'dependency-version', "Package 'axios' version contains special characters(^ or ~). Pin it: \"1.6.2\"."],
    ['config/iparam_test_data.json', 1, 'warning', 'iparam-test-data-deprecated', 'iparam_test_data.json is deprecated, to test the installation page, visit - http://localhost:10001/custom_configs'],
    ['config/iparams.json', 2, 'warning', 'iparams-not-secure', "iparam 'apiKey' appears to be a secure param but it isn't marked as secure."],
    ['config/iparams.json', 5, 'error', 'iparams-boolean', "Specify either true or false for the required key in the 'apiKey' field."],
    ['config/iparams.json', 14, 'error', 'iparams-options', "The default value specified for the 'plan' dropdown type is not listed in the options."],
    ['config/notes.txt', 1, 'error', 'config-unexpected-file', 'Config directory has invalid file(s) - notes.txt'],
  ]);
});
