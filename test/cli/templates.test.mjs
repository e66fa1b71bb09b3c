// `fsdev check` on a platform-3 app with request templates (fixture templates-v30-app): every finding of the
// templates rules in server.js, app/ scripts, config/requests.json and manifest.json, as text and JSON, exit 1;
// once fixed as the quick fixes would, no finding and exit 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundle } from '../simulate/helpers.mjs';
import { repoRoot } from '../helpers/loadCore.mjs';

const cli = bundle('server/src/cli.ts', 'cli');
const tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-templates-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const fsdev = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30000 });

function copy() {
  const dir = path.join(mkdtempSync(path.join(tmp, 'app-')), 'templates-v30-app');
  cpSync(path.join(repoRoot, 'test/fixtures/apps/templates-v30-app'), dir, { recursive: true });
  return dir;
}

test('fsdev check reports each request-template finding at its file, line and column (exit 1), and none once they are fixed (exit 0)', () => {
  const dir = copy();
  const r = fsdev('check', dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = r.stdout.split('\n').filter((l) => /request-template|legacy-request-api|requests-json/.test(l));
  assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 3).join(' ')), [
    'manifest.json:8:9 error request-template-not-defined',
    'server/server.js:7:48 error request-template-unknown',
    'server/server.js:13:20 error legacy-request-api',
    'app/scripts/app.js:12:56 error request-template-unknown',
    'config/requests.json:26:31 error request-template-iparam-unknown',
    'config/requests.json:30:3 warning request-template-not-declared',
  ]);
  assert.match(r.stdout, /server\/server.js:13:20 error legacy-request-api post is no longer supported in Request API/);
  const json = JSON.parse(fsdev('check', dir, '--json').stdout);
  const unknown = json.filter((d) => d.code === 'request-template-unknown');
  assert.deepEqual(unknown.map((d) => [d.file, d.line, d.column, d.endColumn]), [['server/server.js', 7, 48, 57], ['app/scripts/app.js', 12, 56, 70]]);
  assert.match(unknown[0].message, /Did you mean 'getDeals'\?$/);

  // The same app with its templates declared, defined and named right: clean, exit 0.
  const f = (rel) => path.join(dir, rel);
  const manifest = JSON.parse(readFileSync(f('manifest.json'), 'utf8'));
  manifest.modules.common.requests = { getDeals: {}, createNote: {}, syncAccounts: {} };
  writeFileSync(f('manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(f('server/server.js'), readFileSync(f('server/server.js'), 'utf8').replace("'getDeal'", "'getDeals'")
    .replace(/\n\s*await \$request\.post\([^\n]*/, ''));
  writeFileSync(f('config/requests.json'), readFileSync(f('config/requests.json'), 'utf8').replace('iparam.regoin', 'iparam.region'));
  const fixed = fsdev('check', dir);
  assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
  assert.doesNotMatch(fixed.stdout, /request-template|legacy-request-api|requests-json/);
});
