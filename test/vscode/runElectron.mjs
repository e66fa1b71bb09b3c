#!/usr/bin/env node
// Runs test/vscode/suite in a downloaded VS Code desktop through @vscode/test-electron (pin 2.x; 3.x needs
// Node 22). For machines that can download VS Code: not this project's (see README.md beside this file).
// @vscode/test-electron is deliberately not a dependency in package.json: `npm install --no-save @vscode/test-electron@2`.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error('@vscode/test-electron is not installed: npm install --no-save @vscode/test-electron@2');
  process.exit(2);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-vscode-'));
const app = path.join(tmp, 'crm-app');
cpSync(path.join(root, 'test/e2e/fixtures/crm-app'), app, { recursive: true });

try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(here, 'suite', 'index.js'),
    launchArgs: [app, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', path.join(tmp, 'user-data')],
  });
} catch (e) {
  console.error(`extension-host tests failed: ${e.message || e}`);
  process.exit(1);
}
