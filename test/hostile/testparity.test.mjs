// The hostile suite: `fsdev test` installs the manifest's devDependencies into test/node_modules (issue 17,
// item 7), with the simulator's installer. An app's manifest is its author's: a version that is not exact never
// reaches npm, and a test/node_modules linked out of the app is never written through. Each case builds its app in
// a temp folder; npm is pointed at a registry address where nothing listens (nothing may be fetched at all).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

test('coverage throws forged by a test (a FIFO, a file outside the app, lines past the end, a malformed entry) are read from nowhere, hang nothing and change no count they do not name', async () => {
  const { baitHome } = await import('./bait.mjs');
  const { execFileSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const home = baitHome();
  temps.push(home.dir);
  // The test reaches the real fd 3 of the test child, sends its own coverage message and `finished`, and ends the
  // process before the real ones: the parent takes what it was sent, checked as any message is.
  const forged = (throws) => JSON.stringify({ type: 'coverage', scripts: [{ url: '__SERVER__', functions: [
    { functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 60, count: 1 }] }], throws }] });
  const testFile = (throws) => [
    "const fs = require('fs'); const path = require('path');",
    "describe('forger', function () { it('forges', function () {",
    `  const m = ${JSON.stringify(forged(throws))}.split('__SERVER__').join(path.join(process.cwd(), 'server', 'server.js'));`,
    "  fs.writeSync(3, m + '\\n' + JSON.stringify({ type: 'finished', failures: 0 }) + '\\n');",
    '  process.reallyExit(0);',
    '}); });',
  ].join('\n');
  const server = 'exports = {\n  h: function () { var a = 1; var b = 2; return a + b; }\n};\n';
  const frames = [
    { url: '__FIFO__', line: 0, column: 0 }, { url: path.join(home.dir, '.ssh/id_rsa'), line: 0, column: 0 },
  ];
  const dir = appWith({}, { 'test/a.test.js': testFile([
    { rejection: false, count: 5, frames: [{ url: '__SERVER__', line: 1e9, column: 3 }] },
    { rejection: false, count: 5, frames: [{ url: '__SERVER__', line: 1, column: 1e6 }] },
    { rejection: false, count: 5, frames },
  ]).split('__FIFO__').join('/dev/null') });
  execFileSync('mkfifo', [path.join(dir, 'server/fifo.js')]);
  writeFileSync(path.join(dir, 'server/server.js'), server);
  writeFileSync(path.join(dir, 'test/a.test.js'), readFileSync(path.join(dir, 'test/a.test.js'), 'utf8').split('/dev/null').join(path.join(dir, 'server/fifo.js')));
  const r = await new Promise((resolve) => {
    execFile(process.execPath, [cli, 'test', dir, '--no-payloads', '--coverage'], { env: { ...process.env, ...home.env }, encoding: 'utf8', timeout: 120000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, out: stdout, err: stderr, signal: err?.signal }));
  });
  assert.equal(r.signal ?? null, null, 'the run did not hang');
  const data = JSON.parse(readFileSync(path.join(dir, 'coverage/coverage-final.json'), 'utf8'));
  assert.deepEqual(Object.keys(data).map((f) => path.relative(dir, f)), ['server/server.js'], r.out + r.err);
  // The forged throws name no position of server.js: its counts are V8's, as forged (every statement 1).
  assert.deepEqual(Object.values(data[path.join(dir, 'server/server.js')].s), [1, 1, 1, 1]);
  assert.ok(home.intact());
  assert.doesNotMatch(r.out + r.err, new RegExp(home.secret));

  // A throws entry of the wrong shape drops the whole message, said once.
  const bad = appWith({}, { 'test/a.test.js': testFile([{ rejection: 'no', count: 1, frames: 'x' }]) });
  writeFileSync(path.join(bad, 'server/server.js'), server);
  const r2 = await new Promise((resolve) => {
    execFile(process.execPath, [cli, 'test', bad, '--no-payloads', '--coverage'], { encoding: 'utf8', timeout: 120000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, out: stdout, err: stderr }));
  });
  assert.match(r2.err, /a malformed message from the test process was dropped \(a coverage throw is malformed\)/, r2.out + r2.err);
});
