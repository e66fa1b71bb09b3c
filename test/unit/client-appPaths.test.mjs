// Pure client rules: where a payload may be created, the Node version check. No vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadTs } from '../helpers/loadCore.mjs';

const m = await loadTs('client/src/appPaths.ts');

test('payload path rule: inside the app, .json only', () => {
  const app = path.resolve('/tmp/app');
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/onDealCreate.json'), path.join(app, 'server', 'test_data', 'onDealCreate.json'));
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/deal/onDealCreate.json'), path.join(app, 'server', 'test_data', 'deal', 'onDealCreate.json'));
  assert.equal(m.resolvePayloadPath(app, '../outside.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, 'server/../../x.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, '/etc/x.json'), undefined);
  assert.equal(m.resolvePayloadPath(app, 'server/test_data/x.js'), undefined);
  assert.equal(m.resolvePayloadPath(app, ''), undefined);
});

test('node major mismatch warning', () => {
  assert.equal(m.nodeMajor('18.20.8'), 18);
  assert.equal(m.nodeMajor('v20.1.0'), 20);
  assert.equal(m.nodeMajor('>=24'), 24);
  assert.equal(m.nodeMajor(undefined), undefined);
  assert.equal(m.nodeMismatchWarning('18.20.8', 'v18.19.0', 'VS Code'), undefined);
  assert.match(m.nodeMismatchWarning('18.20.8', 'v20.11.1', "VS Code's Node"), /Node 18.*Node 20/);
  assert.equal(m.nodeMismatchWarning(undefined, 'v20.11.1', 'x'), undefined);
});
