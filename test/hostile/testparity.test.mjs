// The hostile suite: `fsdev test` installs the manifest's devDependencies into test/node_modules (issue 17,
// item 7), with the simulator's installer. An app's manifest is its author's: a version that is not exact never
// reaches npm, and a test/node_modules linked out of the app is never written through. Each case builds its app in
// a temp folder; npm is pointed at a registry address where nothing listens (nothing may be fetched at all).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundle, makeApp } from '../simulate/helpers.mjs';

bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
bundle('server/src/simulate/child.ts', 'runner');
const cli = bundle('server/src/cli.ts', 'cli');
const temps = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

function appWith(devDependencies, files = {}) {
  const dir = makeApp('exports = { h: function () { return 1; } };\n', {
    manifest: { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } },
      engines: { node: '18.20.8', fdk: '9.6.0' }, devDependencies },
    files: { 'test/a.test.js': "describe('a', function () { it('runs', function () {}); });\n", ...files },
  });
  temps.push(dir);
  return dir;
}

function fsdevTest(dir) {
  // A registry where nothing listens: if npm ever started, it would fail, and say so.
  const env = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: mkdtempSync(path.join(tmpdir(), 'fsdev-npm-cache-')) };
  temps.push(env.npm_config_cache);
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'test', dir, '--no-payloads'], { env, encoding: 'utf8', timeout: 120000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, out: stdout, err: stderr }));
  });
}

test('a devDependency whose version is not exact (a range, a git or file: spec) is refused before npm starts; the run goes on, as fdk\'s', async () => {
  const dir = appWith({ chai: '^4.2.0', evil: 'file:../../outside', other: 'github:someone/thing' });
  const r = await fsdevTest(dir);
  assert.match(r.err, /The manifest's devDependencies cannot be installed:/);
  assert.match(r.err, /Package 'chai' version "\^4\.2\.0" is not an exact version/);
  assert.match(r.err, /Package 'evil' version "file:\.\.\/\.\.\/outside" is not an exact version/);
  assert.doesNotMatch(r.err, /Installing the manifest's devDependencies into/); // npm never started
  assert.equal(existsSync(path.join(dir, 'test/node_modules')), false);
  assert.equal(existsSync(path.join(dir, '.fsdev')) && readdirSync(path.join(dir, '.fsdev')).some((n) => n.startsWith('npm-install-')), false);
  assert.match(r.out, /1 passing/);
  assert.equal(r.code, 0, r.out + r.err);
});

test('a test/node_modules linked out of the app: the run is refused before anything is installed or written there', async () => {
  const outside = mkdtempSync(path.join(tmpdir(), 'fsdev-outside-'));
  temps.push(outside);
  const dir = appWith({ 'fsdev-fixture-greet': '1.0.0' });
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  symlinkSync(outside, path.join(dir, 'test/node_modules'));
  const r = await fsdevTest(dir);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /test\/node_modules is a link to .*outside the app/);
  assert.deepEqual(readdirSync(outside), []);
});
