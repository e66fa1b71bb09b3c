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
