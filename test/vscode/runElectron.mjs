#!/usr/bin/env node
// `npm run test:vscode`: test/vscode/suite in a downloaded VS Code desktop through @vscode/test-electron
// (a pinned devDependency; 2.x runs on Node 20, 3.x needs Node 22). Where VS Code cannot be downloaded (this
// project's machines: Microsoft's update service is out of reach) it says so and exits 0: the same suite runs
// inside code-server there (`node scripts/e2e/run.mjs test/e2e/vscode-suite.test.mjs`), which is the CI path.
// VSCODE_VERSION pins the editor version (default: stable); VSCODE_EXECUTABLE uses an installed VS Code.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const version = process.env.VSCODE_VERSION || 'stable';

let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, timeout: 20_000 });
  } catch (e) {
    console.log(`test:vscode: VS Code ${version} could not be downloaded here (${String(e?.message ?? e).split('\n')[0]}).`);
    console.log('test:vscode: nothing was run. The same extension-host suite runs in code-server:');
    console.log('  node scripts/e2e/run.mjs test/e2e/vscode-suite.test.mjs');
    process.exit(0);
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-vscode-'));
const app = path.join(tmp, 'crm-app');
cpSync(path.join(root, 'test/e2e/fixtures/crm-app'), app, { recursive: true });
let code = 0;
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(here, 'suite', 'index.js'),
    launchArgs: [app, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', path.join(tmp, 'user-data')],
  });
} catch (e) {
  console.error(`extension-host tests failed: ${e.message || e}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
