// Entry of the extension-host suite.
//  - runSuite(vscode, { log }) -> { passed, failed, results[] }: used by the code-server test driver.
//  - run(): the `extensionTestsPath` contract of @vscode/test-electron (throws when a test fails).
'use strict';
const { createRunner } = require('./runner');

async function runSuite(vscode, { log = console.log } = {}) {
  const { test, run } = createRunner();
  require('./extension.test')(test);
  require('./tasks.test')(test);
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder) throw new Error('the extension-host suite needs a workspace folder (a copy of test/e2e/fixtures/crm-app)');
  const startedAt = new Date().toISOString();
  const results = await run({ vscode, root: folder.uri }, log);
  const failed = results.filter((r) => !r.ok).length;
  return { vscodeVersion: vscode.version, startedAt, passed: results.length - failed, failed, results };
}

async function run() {
  const vscode = require('vscode');
  const summary = await runSuite(vscode);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  if (summary.failed) throw new Error(`${summary.failed} extension-host test(s) failed`);
}

module.exports = { runSuite, run };
