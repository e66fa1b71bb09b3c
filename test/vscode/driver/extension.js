// Test-only extension, installed beside Freshsales DevTools by scripts/e2e (copied with test/vscode/suite
// into <extensions-dir>/freshsales-devtools.freshsales-devtools-test-driver-0.0.1/suite).
// It stays idle unless the workspace root holds `.vscode-test-run` (so other e2e windows sharing the same
// code-server are untouched), then runs the suite and writes the results to $FSDEV_VSCODE_TEST_RESULTS or
// <workspace>/.vscode-test-results.json (written to a temp name, then renamed, so readers never see half).
// Where the root holds `.vscode-task-log` instead, it appends a line to that file each time a task's process
// ends ({"name", "exitCode"}): an e2e test waits for that, not for a fixed time (test/e2e/tasks.test.mjs).
//
// No `extensionDependencies` on the extension under test on purpose: if it fails to activate, a dependent
// extension would never activate either and the harness would only see a time-out; instead the first test
// activates it and reports the error.
'use strict';
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

async function activate(context) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder || folder.uri.scheme !== 'file') return;
  const root = folder.uri.fsPath;
  const taskLog = path.join(root, '.vscode-task-log');
  if (fs.existsSync(taskLog)) {
    context.subscriptions.push(vscode.tasks.onDidEndTaskProcess((e) => {
      fs.appendFileSync(taskLog, `${JSON.stringify({ name: e.execution.task.name, exitCode: e.exitCode ?? null })}\n`);
    }));
  }
  if (!fs.existsSync(path.join(root, '.vscode-test-run'))) return;
  const out = process.env.FSDEV_VSCODE_TEST_RESULTS || path.join(root, '.vscode-test-results.json');
  const channel = vscode.window.createOutputChannel('Freshsales DevTools Tests');
  context.subscriptions.push(channel);
  let summary;
  try {
    const { runSuite } = require(path.join(__dirname, 'suite', 'index.js'));
    summary = await runSuite(vscode, { log: (l) => channel.appendLine(l) });
  } catch (e) {
    summary = { passed: 0, failed: 1, results: [{ name: 'extension-host suite', ok: false, ms: 0, error: String(e && e.stack || e) }] };
  }
  summary.finishedAt = new Date().toISOString();
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(summary, null, 2));
  fs.renameSync(`${out}.tmp`, out);
  channel.appendLine(`${summary.passed} passed, ${summary.failed} failed -> ${out}`);
}

function deactivate() {}

module.exports = { activate, deactivate };
