// Runs the extension-host suite (test/vscode/suite) inside code-server through the test-driver extension:
// the marker file `.vscode-test-run` makes the driver run it in this window only; it writes
// .vscode-test-results.json into the app folder, which becomes one node:test subtest per extension-host test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, waitFor } from './harness.mjs';

describe('extension-host suite (test/vscode) in code-server', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'vscode-suite', files: { '.vscode-test-run': '' } });

  ed.it('runs and every test passes', async (e, t) => {
    const file = path.join(e.appDir, '.vscode-test-results.json');
    await waitFor(() => existsSync(file), {
      timeout: 150_000, interval: 500,
      message: `${file} from the test-driver extension (is it installed and activating? see test-results/e2e/vscode-logs)`,
    });
    const summary = JSON.parse(readFileSync(file, 'utf8'));
    for (const r of summary.results) {
      await t.test(`[vscode] ${r.name}`, () => { if (!r.ok) throw new Error(r.error); });
    }
    assert.equal(summary.failed, 0, `${summary.failed} of ${summary.results.length} extension-host tests failed (VS Code ${summary.vscodeVersion})`);
  }, { timeout: 200_000 });
});
