// The manifest's dependencies are installed into server/node_modules before a run, as `fdk run` does: with
// the real npm, scripts off, from a fixture registry on 127.0.0.1 (packages packed from test/fixtures/packages),
// never the network; only what is missing; without touching other packages; with progress and a clear failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startRegistry } from '../helpers/npmRegistry.mjs';
import { copyApp, newRunner, repoRoot } from './helpers.mjs';

const pkgs = path.join(repoRoot, 'test/fixtures/packages');
let registry;
let runner;
const npmEnv = {};
before(async () => {
  registry = await startRegistry({ packages: ['fsdev-fixture-greet', 'fsdev-fixture-greet-1.1.0', 'fsdev-fixture-shout'].map((p) => path.join(pkgs, p)) });
  Object.assign(npmEnv, { npm_config_registry: registry.url, npm_config_cache: mkdtempSync(path.join(tmpdir(), 'fsdev-npm-cache-')) });
  Object.assign(process.env, npmEnv); // the runner's npm inherits this process's environment
  runner = await newRunner({ recordHistory: false });
});
after(async () => { runner.dispose(); await registry.close(); });

function progressRecorder() {
  const events = [];
  return { events, install: { begin: (m) => events.push(['begin', m]), report: (m) => events.push(['report', m]), end: (m) => events.push(['end', m]) } };
}

test('a missing dependency is installed (scripts off, nested deps, other packages kept), then the run succeeds', async () => {
  const dir = copyApp('sim-deps');
  const p = progressRecorder();
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' }, undefined, { install: p.install });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.ok(r.logs.some((l) => l.message.startsWith('first time (404): HELLO ADA! (installed by hand)')),
    r.logs.map((l) => l.message).join('\n'));
  assert.deepEqual(p.events[0], ['begin', "Installing the manifest's dependencies into server/node_modules: fsdev-fixture-greet@1.0.0"]);
  assert.ok(p.events.some(([k, m]) => k === 'report' && /fetched .*fsdev-fixture-greet/.test(m)), JSON.stringify(p.events));
  assert.match(p.events.at(-1)[1], /^Installed fsdev-fixture-greet@1\.0\.0 into server\/node_modules in [\d.]+ s \(npm, install scripts off\)$/);
  assert.ok(r.logs.some((l) => l.level === 'system' && /^Installed fsdev-fixture-greet@1\.0\.0/.test(l.message)), 'the install is in the run log');
  const nm = path.join(dir, 'server/node_modules');
  assert.equal(JSON.parse(readFileSync(path.join(nm, 'fsdev-fixture-greet/package.json'), 'utf8')).version, '1.0.0');
  assert.ok(existsSync(path.join(nm, 'fsdev-fixture-greet/node_modules/fsdev-fixture-shout/index.js')), 'its own dependency, under it');
  assert.ok(!existsSync(path.join(nm, 'fsdev-fixture-greet/node_modules/fsdev-fixture-shout/INSTALL_SCRIPT_RAN')), 'install scripts are off');
  assert.ok(existsSync(path.join(nm, 'local-helper/index.js')), 'a package installed by hand is kept');
  assert.ok(!existsSync(path.join(dir, 'server/package.json')) && !existsSync(path.join(dir, 'server/package-lock.json')), 'no files added to server/');
  assert.deepEqual(readdir(path.join(dir, '.fsdev')).filter((f) => f.startsWith('npm-install')), [], 'the staging folder is gone');

  // Satisfied: the next run does not call npm.
  const before = registry.requests.length;
  const p2 = progressRecorder();
  const again = await runner.run({ appDir: dir, event: 'onContactCreate' }, undefined, { install: p2.install });
  assert.equal(again.status, 'success');
  assert.deepEqual(p2.events, []);
  assert.equal(registry.requests.length, before);
  assert.ok(again.logs.some((l) => /^already greeted Ada/.test(l.message)));

  // A new version in the manifest replaces the installed one.
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.dependencies['fsdev-fixture-greet'] = '1.1.0';
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const upgraded = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(upgraded.status, 'success', JSON.stringify(upgraded.error ?? upgraded.notRunnableReason));
  assert.equal(JSON.parse(readFileSync(path.join(nm, 'fsdev-fixture-greet/package.json'), 'utf8')).version, '1.1.0');
});

test('a dependency npm cannot install: not runnable, with npm\'s reason, and server/node_modules untouched', async () => {
  const dir = copyApp('sim-deps');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.dependencies = { 'fsdev-fixture-nope': '1.0.0' };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /^Installing the manifest's dependencies \(fsdev-fixture-nope@1\.0\.0\) failed: npm exited with code 1:\n.*404/s);
  assert.match(r.notRunnableReason, /npm install --prefix server fsdev-fixture-nope@1\.0\.0/);
  assert.deepEqual(readdir(path.join(dir, 'server/node_modules')), ['local-helper']);
});

test('fsdev simulate shows the install on stderr and the result on stdout', async () => {
  const dir = copyApp('sim-deps');
  const cli = path.join(repoRoot, 'server/dist/cli.js');
  const { code, stdout, stderr } = await new Promise((resolve) => {
    const c = spawn(process.execPath, [cli, 'simulate', 'onContactCreate', dir], { env: { ...process.env, ...npmEnv, NO_COLOR: '1' } });
    let out = ''; let err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (n) => resolve({ code: n, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, stdout + stderr);
  assert.match(stderr, /Installing the manifest's dependencies into server\/node_modules: fsdev-fixture-greet@1\.0\.0/);
  assert.match(stderr, /Installed fsdev-fixture-greet@1\.0\.0 into server\/node_modules in/);
  assert.match(stdout, /first time \(404\): HELLO ADA! \(installed by hand\)/);
});

function readdir(dir) {
  try { return readdirSync(dir).sort(); } catch { return []; }
}
