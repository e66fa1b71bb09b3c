// `fsdev check` and the editor report the same problems: the CLI's JSON against what the server publishes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupTemps, copyFixture, repoRoot, startServer } from './helpers.mjs';

after(cleanupTemps);

for (const fixture of ['broken-app', 'v30-app', 'omni-app']) {
  test(`${fixture}: the server publishes exactly what fsdev check prints`, async () => {
    const app = copyFixture(fixture);
    let cli;
    try {
      cli = execFileSync(process.execPath, [path.join(repoRoot, 'server/dist/cli.js'), 'check', app, '--json'], { encoding: 'utf8' });
    } catch (e) { cli = e.stdout; }
    const expected = JSON.parse(cli).map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`).sort();
    const client = await startServer({ rootDir: app });
    try {
      const severities = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
      // The server says freshsales/appChanged right after it has published an app's diagnostics.
      for (let waited = 0; !client.notifications.some((n) => n.method === 'freshsales/appChanged'); waited += 20) {
        assert.ok(waited < 10000, 'no freshsales/appChanged within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      const published = [];
      for (const [uri, list] of client.diagnostics) {
        const rel = path.relative(app, fileURLToPath(uri)).split(path.sep).join('/');
        for (const d of list) published.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severities[d.severity]} ${d.code}`);
      }
      assert.deepEqual(published.sort(), expected);
      assert.ok(expected.length > 0 || fixture !== 'broken-app', 'broken-app has problems to compare');
    } finally {
      await client.stop();
    }
  });
}
