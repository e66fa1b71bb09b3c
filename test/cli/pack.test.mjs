// The CLI on its own: `npm pack` of this project gives a package whose `fsdev` installs offline into a project
// that is not a VS Code workspace and runs there with `npx` — `check` in every format, and `simulate` (which
// needs runner.js beside cli.js). The bundles need no dependency at run time, so the install pulls nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
let tmp;
let project;
let packed;

// A private npm cache and no registry: anything the install would fetch fails the test instead.
const offlineEnv = () => ({ ...process.env, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env: offlineEnv(), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

before(() => {
  for (const f of ['server/dist/cli.js', 'server/dist/cli-main.js', 'server/dist/runner.js', 'server/dist/testRunner.js']) assert.ok(existsSync(path.join(repoRoot, f)), `${f}: run \`npm run build\` first`);
  tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-pack-test-'));
  // --ignore-scripts: the bundles are built already (prepack would rebuild them for production).
  const r = run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], repoRoot);
  assert.equal(r.code, 0, r.stderr);
  [packed] = JSON.parse(r.stdout);
  project = path.join(tmp, 'ci-project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'ci-project', version: '1.0.0', private: true }, null, 2));
  cpSync(path.join(repoRoot, 'test/fixtures/apps/broken-app'), path.join(project, 'apps/broken'), { recursive: true });
  cpSync(path.join(repoRoot, 'examples/crm-app'), path.join(project, 'apps/crm'), { recursive: true });
});
after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

test('the packed package holds the CLI bundles, README, CHANGELOG and LICENSE, and no dependencies', () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files.filter((f) => !f.startsWith('server/dist/assets/')),
    ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json', 'server/dist/cli-main.js', 'server/dist/cli.js', 'server/dist/lintWorker-main.js', 'server/dist/lintWorker.js', 'server/dist/runner.js', 'server/dist/testOutput.js', 'server/dist/testRunner.js']);
  assert.ok(files.includes('server/dist/assets/base.css'), 'the HTML coverage report\'s assets');
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(manifest.bin.fsdev, 'server/dist/cli.js');
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], 'everything is bundled: nothing to install at run time');
  assert.match(readFileSync(path.join(repoRoot, 'server/dist/cli.js'), 'utf8').split('\n')[0], /^#!\/usr\/bin\/env node/);
});

test('installs offline from the tarball and `npx fsdev check` runs outside any VS Code workspace', () => {
  const install = run(NPM, ['install', '--offline', '--no-save', path.join(tmp, packed.filename)], project);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  assert.ok(existsSync(path.join(project, 'node_modules/.bin/fsdev')), 'the bin link');
  assert.ok(!existsSync(path.join(project, '.vscode')));

  const text = run(NPX, ['--offline', 'fsdev', 'check', 'apps/broken'], project);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /^manifest\.json:6:9 error unknown-event Invalid event: 'onDealCreat'/m);
  assert.match(text.stdout, /apps\/broken: 9 error\(s\), 4 warning\(s\), 3 information, 1 hint\(s\)\.\n$/);

  const gh = run(NPX, ['--offline', 'fsdev', 'check', 'apps/broken', '--format', 'github'], project);
  assert.equal(gh.code, 1);
  assert.match(gh.stdout, /^::error file=apps\/broken\/manifest\.json,line=6,endLine=6,col=9,endColumn=22,title=unknown-event::/m);

  const sarif = run(NPX, ['--offline', 'fsdev', 'check', 'apps/broken', '--format=sarif'], project);
  assert.equal(sarif.code, 1);
  assert.equal(JSON.parse(sarif.stdout).runs[0].results.length, 17);

  const clean = run(NPX, ['--offline', 'fsdev', 'check', 'apps/crm'], project);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
});

test('`npx fsdev simulate` runs a handler from the installed package (runner.js ships beside cli.js)', () => {
  const r = run(NPX, ['--offline', 'fsdev', 'simulate', 'onContactCreate', 'apps/crm', '--json'], project);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'success');
});

test('`npx fsdev test --coverage --min 80` runs the example app\'s tests from the installed package (mocha and sinon bundled)', () => {
  const r = run(NPX, ['--offline', 'fsdev', 'test', 'apps/crm', '--min', '80'], project);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /11 passing/);
  assert.ok(existsSync(path.join(project, 'apps/crm/coverage/index.html')), 'the HTML report, with its assets');
  assert.ok(existsSync(path.join(project, 'apps/crm/coverage/base.css')));
});
