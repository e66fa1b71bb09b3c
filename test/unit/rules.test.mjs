// The rule registry: a rule stamps its code and default severity on the diagnostics it makes, refuses to be
// defined twice, and lists itself with a documentation link. The app model parses config/ files it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { defineRule, ruleOf, allRules } = await loadTs('server/src/core/rules.ts');
const { buildAppModel } = await loadTs('server/src/core/appModel.ts');
const { configFile } = await loadTs('server/src/core/configFiles.ts');

const R = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };

test('a rule makes diagnostics with its code, its default severity unless told otherwise, and its data', () => {
  const rule = defineRule({ code: 'test-rule-one', severity: 'warning', source: 'ours', short: 'One.', full: 'One, in full.' });
  assert.deepEqual(rule.at('manifest.json', R, 'msg', { suggestion: 'x' }),
    { file: 'manifest.json', range: R, severity: 'warning', code: 'test-rule-one', message: 'msg', data: { suggestion: 'x' } });
  assert.equal(rule.at('manifest.json', R, 'msg', undefined, 'error').severity, 'error');
  assert.equal('data' in rule.at('manifest.json', R, 'msg'), false);
  assert.equal(rule.match({ code: 'other' }), undefined);
  assert.equal(ruleOf('test-rule-one'), rule);
  assert.ok(allRules().includes(rule));
  assert.match(rule.docUrl, /#rule-test-rule-one$/);
});

test('a code is defined once and is kebab-case', () => {
  defineRule({ code: 'test-rule-two', severity: 'error', source: 'fdk', short: 'Two.', full: 'Two.' });
  assert.throws(() => defineRule({ code: 'test-rule-two', severity: 'error', source: 'fdk', short: 'Two.', full: 'Two.' }), /defined twice/);
  assert.throws(() => defineRule({ code: 'Bad Code', severity: 'error', source: 'fdk', short: '.', full: '.' }), /kebab-case/);
});

test('the app model parses the config/ files it is given, JSON with its tree and errors, HTML as text', () => {
  const app = buildAppModel({
    manifest: { path: 'manifest.json', text: '{ "platform-version": "3.0" }' },
    testData: [],
    config: [{ path: 'config/iparams.json', text: '{ "apiKey": { "type": "text" } }' },
      { path: 'config/requests.json', text: '{ "a": ' }, { path: 'config/iparams.html', text: '<html></html>' }],
  });
  assert.equal(configFile(app.config, 'iparams.json').root.type, 'object');
  assert.equal(configFile(app.config, 'iparams.json').parseErrors.length, 0);
  assert.ok(configFile(app.config, 'requests.json').parseErrors.length > 0);
  assert.equal(configFile(app.config, 'iparams.html').root, undefined);
  assert.equal(configFile(app.config, 'oauth_config.json'), undefined);
});

// The registry as the product loads it: one bundle with every rule module, the quick fixes and the check, so
// they share one registry (each loadTs bundle has its own).
async function productRegistry() {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { repoRoot } = await import('../helpers/loadCore.mjs');
  const entry = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-rules-')), 'registry.ts');
  const src = (p) => JSON.stringify(path.join(repoRoot, 'server/src', p));
  writeFileSync(entry, [`export { allRules, ruleOf } from ${src('core/allRules')};`,
    `export { fixableCodes } from ${src('core/quickFixes')};`,
    `export { diagnoseApp } from ${src('core/diagnoseApp')};`,
    `export { loadAppFiles, readAppFile } from ${src('appFiles')};`].join('\n'));
  return loadTs(entry);
}
const registry = await productRegistry();

test('every rule of the registry has what SARIF and the README table need: severity, source, short and full descriptions, a link to its row', () => {
  const rules = registry.allRules();
  assert.ok(rules.length >= 38, `${rules.length} rules`);
  for (const r of rules) {
    assert.ok(['error', 'warning', 'information', 'hint'].includes(r.severity), r.code);
    assert.ok(['fdk', 'platform', 'documentation', 'ours'].includes(r.source), r.code);
    assert.match(r.short, /^\S.{9,}[.)]$/, `${r.code}: short`);
    assert.match(r.full, /^\S.{19,}[.)]$/, `${r.code}: full`);
    assert.ok(r.full !== r.short, `${r.code}: full says more than short`);
    assert.equal(r.docUrl, `https://github.com/freshsales-devtools/freshsales-devtools#rule-${r.code.replace(/\//g, '-')}`);
    if (r.source === 'fdk') assert.ok(r.fdkMessage && r.fdkRule, `${r.code}: an fdk rule has fdk's message and category`);
  }
});

test('every code the checks emit on the fixture apps and the example app is a registered rule', async () => {
  const { readdirSync } = await import('node:fs');
  const path = await import('node:path');
  const { repoRoot } = await import('../helpers/loadCore.mjs');
  const apps = [...readdirSync(path.join(repoRoot, 'test/fixtures/apps')).map((a) => path.join(repoRoot, 'test/fixtures/apps', a)),
    path.join(repoRoot, 'examples/crm-app')];
  const seen = new Set();
  for (const dir of apps) {
    const files = await registry.loadAppFiles(dir);
    for (const d of registry.diagnoseApp(files, (p) => registry.readAppFile(dir, p)).diagnostics) {
      seen.add(d.code);
      const rule = registry.ruleOf(d.code);
      assert.ok(rule, `${path.basename(dir)}: ${d.code} is no rule`);
      assert.ok(rule.match(d), d.code);
    }
  }
  assert.ok(seen.size >= 15, `the fixtures exercise ${seen.size} codes`);
});

test('the rules that say `fixable` are exactly the rules with a quick fix registered', () => {
  const fixable = registry.allRules().filter((r) => r.fixable).map((r) => r.code).sort();
  assert.deepEqual([...registry.fixableCodes()].sort(), fixable);
  assert.ok(fixable.length >= 10);
});
