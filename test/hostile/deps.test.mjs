// The hostile suite: the manifest's dependency install (issue 19, items 2, 3, 5, 11 and the `file:` part of 18).
// An app's manifest and server/.npmrc are its author's, not the user's: they must not make the install run a
// command, write or delete outside the app, or pass npm options; and npm dies with its parent. Every case
// builds its app in a temp folder, installs from a fixture registry on 127.0.0.1 (never the network), and
// removes what it made.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startRegistry } from '../helpers/npmRegistry.mjs';
import { loadTs } from '../helpers/loadCore.mjs';
import { alive, childrenOf, waitFor } from '../helpers/processes.mjs';
import { makeApp, newRunner, repoRoot } from '../simulate/helpers.mjs';

const posix = process.platform !== 'win32';
const linux = process.platform === 'linux';
const pkgs = path.join(repoRoot, 'test/fixtures/packages');
const temps = [];
const temp = (prefix) => { const d = mkdtempSync(path.join(tmpdir(), prefix)); temps.push(d); return d; };

let registry;
let runner;
let cache;
const savedEnv = { ...process.env };
before(async () => {
  // A package published on the registry whose own dependency is a git URL: npm needs git to install it.
  const gitdep = temp('fsdev-pkg-gitdep-');
  writeFileSync(path.join(gitdep, 'package.json'), JSON.stringify({ name: 'fsdev-fixture-gitdep', version: '1.0.0', license: 'MIT',
    dependencies: { 'fsdev-nothing': 'github:fsdev-no-such-owner/nothing' } }));
  writeFileSync(path.join(gitdep, 'index.js'), 'module.exports = 1;\n');
  registry = await startRegistry({ packages: [...['fsdev-fixture-greet', 'fsdev-fixture-shout'].map((p) => path.join(pkgs, p)), gitdep] });
  cache = temp('fsdev-npm-cache-');
  runner = await newRunner({ recordHistory: false, warm: false });
});
/** The environment npm inherits from this process (the runner's npm does), reset for each case. */
function npmEnv(extra = {}) {
  restoreEnv();
  Object.assign(process.env, { npm_config_registry: registry.url, npm_config_cache: cache }, extra);
}
function restoreEnv() {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
}
after(async () => {
  restoreEnv();
  runner.dispose();
  await registry.close();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function appWith(dependencies, files = {}) {
  const dir = makeApp('exports = { h: function () {} };\n', {
    files,
    manifest: { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } },
      dependencies, engines: { node: '18.20.8', fdk: '9.6.0' } },
  });
  temps.push(dir);
  return dir;
}

const run = (dir) => runner.run({ appDir: dir, event: 'onContactCreate' });
const staging = (dir) => { try { return readdirSync(path.join(dir, '.fsdev')).filter((f) => f.startsWith('npm-install')); } catch { return []; } };

/** A script that records that it ran (a file outside the app), as `git=` in an .npmrc would run it. */
function evilScript() {
  const dir = temp('fsdev-evil-');
  const marker = path.join(dir, 'RAN');
  const script = path.join(dir, 'evil.sh');
  writeFileSync(script, `#!/bin/sh\necho "$@" >> '${marker}'\nexit 1\n`);
  chmodSync(script, 0o755);
  return { script, ran: () => existsSync(marker) };
}

test('server/.npmrc `git=` with a github: dependency in the manifest: refused as not exact, the script never runs', { skip: !posix && 'a POSIX script' }, async () => {
  npmEnv();
  const evil = evilScript();
  const dir = appWith({ 'fsdev-nothing': 'github:fsdev-no-such-owner/nothing' }, { 'server/.npmrc': `git=${evil.script}\n` });
  const before = registry.requests.length;
  const r = await run(dir);
  assert.equal(evil.ran(), false, 'the .npmrc git= script ran');
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /Package 'fsdev-nothing' version "github:fsdev-no-such-owner\/nothing" is not an exact version/);
  assert.equal(registry.requests.length, before, 'npm was not started');
  assert.deepEqual(staging(dir), []);
});

test('server/.npmrc `git=` and npm_config_git in the environment: a package\'s git dependency never runs them; the .npmrc registry is kept', { skip: !posix && 'a POSIX script' }, async () => {
  const evil = evilScript();
  // The user's npm config names a registry that answers nothing: only the app's .npmrc (which npm ranks above
  // the user's config) can lead npm to the fixture one.
  const userconfig = path.join(temp('fsdev-userconfig-'), '.npmrc');
  writeFileSync(userconfig, 'registry=http://127.0.0.1:9/\n');
  npmEnv({ npm_config_userconfig: userconfig });
  delete process.env.npm_config_registry;
  const dir = appWith({ 'fsdev-fixture-gitdep': '1.0.0' }, { 'server/.npmrc': `registry=${registry.url}\ngit = ${evil.script}\n` });
  const before = registry.requests.length;
  const r = await run(dir);
  assert.ok(registry.requests.slice(before).some((q) => q.includes('fsdev-fixture-gitdep')), 'the .npmrc registry was used');
  assert.equal(evil.ran(), false, 'the .npmrc git= script ran');
  assert.equal(r.status, 'not-runnable', 'git dependencies are not installed');
  assert.match(r.notRunnableReason, /fsdev-fixture-gitdep@1\.0\.0/);

  // npm_config_git (as `npm run` exports from an .npmrc) is overridden on npm's command line too.
  const evil2 = evilScript();
  npmEnv({ npm_config_git: evil2.script });
  const r2 = await run(appWith({ 'fsdev-fixture-gitdep': '1.0.0' }));
  assert.equal(r2.status, 'not-runnable');
  assert.equal(evil2.ran(), false, 'the npm_config_git script ran');
});

test('a dependency version that walks out of the app (`file:/../..@/../x.tgz`, absolute and relative): refused, nothing outside touched', async () => {
  npmEnv();
  const outside = temp('fsdev-outside-');
  const victimDir = path.join(outside, 'victim-dir');
  mkdirSync(victimDir);
  writeFileSync(path.join(victimDir, 'keep.txt'), 'keep me\n');
  const tgzDir = path.join(outside, 'pkgs');
  mkdirSync(tgzDir);
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', tgzDir], { cwd: path.join(pkgs, 'fsdev-fixture-shout'), encoding: 'utf8' }).trim().split('\n').pop();
  const up = '/..'.repeat(40);
  const absolute = `file:${up}${victimDir}@/../pkgs/${tgz}`;
  // The app two levels below `outside`: `<parent of app>/victim-file.txt` is what a relative version aims at.
  const appParent = path.join(outside, 'apps');
  mkdirSync(appParent);
  writeFileSync(path.join(appParent, 'victim-file.txt'), 'keep me too\n');
  // Relative: five steps up from server/node_modules/<name>@file:.. is <parent of app>; from npm's staging folder
  // (.fsdev/npm-install-*) the same steps lead above `outside`, and the part after `@/..` comes back to the tarball.
  const relative = `file:../../../../../victim-file.txt@/../${path.basename(outside)}/pkgs/${tgz}`;
  for (const version of [absolute, relative]) {
    const dir = appWith({ 'fsdev-fixture-shout': version });
    const inside = path.join(appParent, path.basename(dir));
    renameSync(dir, inside);
    temps.push(inside);
    const r = await run(inside);
    assert.equal(r.status, 'not-runnable');
    assert.ok(r.notRunnableReason.includes(`Package 'fsdev-fixture-shout' version ${JSON.stringify(version)} is not an exact version`), r.notRunnableReason);
    assert.equal(readFileSync(path.join(victimDir, 'keep.txt'), 'utf8'), 'keep me\n', 'a folder outside the app was changed');
    assert.equal(readFileSync(path.join(appParent, 'victim-file.txt'), 'utf8'), 'keep me too\n', 'a file beside the app was replaced');
    assert.deepEqual(readdirSync(path.join(inside, 'server')).sort(), ['server.js'], 'nothing was installed');
    assert.deepEqual(staging(inside), []);
  }
});

test('server/node_modules linked to a folder outside the app: the run is refused, and the install itself refuses to move into it; the folder outside is kept', { skip: !posix && 'symlinks' }, async () => {
  npmEnv();
  const outside = temp('fsdev-outside-');
  mkdirSync(path.join(outside, 'fsdev-fixture-shout'));
  writeFileSync(path.join(outside, 'fsdev-fixture-shout/package.json'), '{ "name": "fsdev-fixture-shout", "version": "0.0.1" }');
  const dir = appWith({ 'fsdev-fixture-shout': '1.0.0' });
  symlinkSync(outside, path.join(dir, 'server/node_modules'));
  // Planning refuses the app first (test/hostile/links.test.mjs); the install's own check holds for a link made
  // after planning, so it is asked directly too.
  const r = await run(dir);
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /server\/node_modules is a link to .*outside the app/);
  const { ensureDependencies } = await loadTs('server/src/simulate/dependencies.ts');
  assert.match(await ensureDependencies(dir, { 'fsdev-fixture-shout': '1.0.0' }), /server\/node_modules leads outside the app/);
  assert.deepEqual(readdirSync(outside), ['fsdev-fixture-shout']);
  assert.equal(readFileSync(path.join(outside, 'fsdev-fixture-shout/package.json'), 'utf8'), '{ "name": "fsdev-fixture-shout", "version": "0.0.1" }');
  assert.deepEqual(staging(dir), []);
});

test('npm_config_* variables and the user\'s npmrc reach npm only for allowed settings (a `dry-run` from either is dropped)', async () => {
  // `dry-run` stands for any setting outside the list: npm would "install" nothing, and the move would fail.
  npmEnv({ npm_config_dry_run: 'true' });
  const r = await run(appWith({ 'fsdev-fixture-shout': '1.0.0' }));
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  const userconfig = path.join(temp('fsdev-userconfig-'), '.npmrc');
  writeFileSync(userconfig, 'dry-run=true\n');
  npmEnv({ NPM_CONFIG_USERCONFIG: userconfig });
  const r2 = await run(appWith({ 'fsdev-fixture-shout': '1.0.0' }));
  assert.equal(r2.status, 'success', JSON.stringify(r2.error ?? r2.notRunnableReason));
});

test('server/.npmrc reaches npm with its registry, proxy and auth lines only', async () => {
  const { filterNpmrc } = await loadTs('server/src/simulate/dependencies.ts');
  const npmrc = ['registry = https://r.example/', '@acme:registry=https://npm.acme.example/', '//npm.acme.example/:_authToken=${TOKEN}',
    'https-proxy=http://proxy.example:8080', 'strict-ssl=false', 'ca[]="-----BEGIN CERTIFICATE-----"', '; a comment',
    'git=../../server/evil.sh', 'script-shell=/tmp/x', 'node-gyp=/tmp/x', 'userconfig=./more.npmrc', 'globalconfig=./more.npmrc',
    'ignore-scripts=false', 'prefix=/', 'cache=/home', '"git"=/tmp/x', 'registry\\=x=1', '//h/:_authToken\\=git=1',
    '[section]', 'registry=https://other.example/'].join('\r\n');
  assert.equal(filterNpmrc(npmrc), ['registry = https://r.example/', '@acme:registry=https://npm.acme.example/',
    '//npm.acme.example/:_authToken=${TOKEN}', 'https-proxy=http://proxy.example:8080', 'strict-ssl=false',
    'ca[]="-----BEGIN CERTIFICATE-----"', ''].join('\n'));
});

test('a dependency name that is an npm option (`--foo`) or a version with shell syntax (`1.0.0&calc`): refused naming it, npm never starts', async () => {
  npmEnv();
  const before = registry.requests.length;
  const r = await run(appWith({ '--foo': '1.0.0', 'fsdev-fixture-greet': '1.0.0&calc', '.': '1.0.0' }));
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /"--foo" in manifest\.json's "dependencies" is not a valid npm package name/);
  assert.match(r.notRunnableReason, /"\." in manifest\.json's "dependencies" is not a valid npm package name/);
  assert.match(r.notRunnableReason, /Package 'fsdev-fixture-greet' version "1\.0\.0&calc" is not an exact version/);
  assert.equal(registry.requests.length, before, 'npm was not started');
});

test('a host SIGKILLed during a stalled install: npm dies with it; the next install removes the stale staging folder', { skip: !linux && '/proc is Linux only' }, async () => {
  const stalled = await startRegistry({ packages: [], stall: true });
  const dir = appWith({ 'fsdev-fixture-greet': '1.0.0' });
  const script = `import { loadTs } from ${JSON.stringify(new URL('../helpers/loadCore.mjs', import.meta.url).href)};
    const { ensureDependencies } = await loadTs('server/src/simulate/dependencies.ts');
    void ensureDependencies(${JSON.stringify(dir)}, { 'fsdev-fixture-greet': '1.0.0' });
    setInterval(() => {}, 1000);`;
  const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore',
    env: { ...process.env, npm_config_registry: stalled.url, npm_config_cache: cache } });
  try {
    const npm = await waitFor('npm to start', () => childrenOf(host.pid).find((c) => / install /.test(c.cmd)));
    await waitFor('npm to ask the stalled registry', () => stalled.requests.length > 0);
    assert.ok(alive(npm.pid));
    assert.equal(staging(dir).length, 1);
    host.kill('SIGKILL');
    await waitFor(`npm (${npm.pid}) to end after SIGKILL of its parent`, () => !alive(npm.pid), 10000);
  } finally {
    try { host.kill('SIGKILL'); } catch { /* gone */ }
    await stalled.close();
  }
  assert.equal(staging(dir).length, 1, 'the killed install left its staging folder');
  npmEnv();
  const r = await run(dir);
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.deepEqual(staging(dir), [], 'the stale staging folder of a dead process is removed');
});
