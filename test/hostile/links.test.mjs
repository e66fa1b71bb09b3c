// Links and odd files in the app folder (issue 19, items 1, 12, 18): Node's permission model follows links, so a
// link committed in the app that leads out of it would let the confined child read any file; a .fsdev/ or
// coverage/ that links out would make runs write outside the app; a FIFO at manifest.json or server.js would
// hang the tools, and a manifest.json folder read as "no manifest.json". Every case builds its app in a temp
// folder (with a bait home beside it) and removes it afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { bundle, makeApp, newRunner } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';
import { loadTs } from '../helpers/loadCore.mjs';

// The CLI, the runner child and the test child built from the current sources, side by side as in server/dist.
const cli = bundle('server/src/cli.ts', 'cli');
bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });
bundle('server/src/simulate/child.ts', 'runner');

const home = baitHome();
const cleanup = [home.dir];
const track = (dir) => { cleanup.push(dir); return dir; };
const outsideDir = () => track(mkdtempSync(path.join(tmpdir(), 'fsdev-outside-')));
const app = (...args) => track(makeApp(...args));

let runner;
before(async () => { runner = await newRunner(); });
after(() => {
  runner.dispose();
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** `fsdev <args>` with the bait home as HOME; `timeout` ends a hung CLI (status null). */
function fsdev(args, timeout = 60000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout, env: { ...process.env, ...home.env } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

const mkfifo = (file) => {
  mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync('mkfifo', [file]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
};
const fifoSkip = process.platform === 'win32' ? 'no FIFOs on Windows' : false;

/** A handler that gets the real `fs` and reads the bait home's key and /etc/passwd through `<app>/server/lib/up`. */
function linkThief(dir) {
  writeFileSync(path.join(dir, 'server/server.js'), `exports = { h: function () {
  var P = Buffer.constructor('return process')();
  var fs = P.getBuiltinModule ? P.getBuiltinModule('fs') : P.mainModule.require('fs');
  var up = ${JSON.stringify(path.join(dir, 'server/lib/up'))};
  var key = fs.readFileSync(up + ${JSON.stringify(home.dir)} + '/.ssh/id_rsa', 'utf8');
  console.log('stolen: ' + key);
  return { key: key, passwd: fs.readFileSync(up + '/etc/passwd', 'utf8').slice(0, 64) };
} };
`);
}

test('manifest.json that is a folder: check, simulate and test say it is not a file', async () => {
  const dir = app(undefined, { manifest: {} });
  rmSync(path.join(dir, 'manifest.json'));
  mkdirSync(path.join(dir, 'manifest.json'));
  const c = fsdev(['check', dir]);
  assert.equal(c.code, 2);
  assert.match(c.err, /its manifest\.json is a folder, not a file/);
  const t = fsdev(['test', dir]);
  assert.equal(t.code, 2);
  assert.match(t.err, /its manifest\.json is a folder, not a file/);
  const r = await runner.run({ appDir: dir, event: 'onContactCreate' });
  assert.equal(r.status, 'not-runnable');
  assert.match(r.notRunnableReason, /its manifest\.json is a folder, not a file/);
});

test('a FIFO at manifest.json: fsdev check, simulate and test answer at once', { skip: fifoSkip }, () => {
  const dir = app('exports = { h: function () { return {}; } };\n', { files: { 'test/ok.test.js': "it('passes', () => {});\n" } });
  rmSync(path.join(dir, 'manifest.json'));
  mkfifo(path.join(dir, 'manifest.json'));
  for (const args of [['check', dir], ['simulate', 'onContactCreate', dir], ['test', dir]]) {
    const t = Date.now();
    const r = fsdev(args, 20000);
    assert.equal(r.signal, null, `fsdev ${args[0]} hung on the FIFO`);
    assert.match(r.err + r.out, /manifest\.json is a FIFO \(named pipe\), not a file/, args[0]);
    assert.ok(Date.now() - t < 15000);
  }
});

test('a FIFO at server/server.js or at a payload: check reports it on the file, simulate refuses, neither hangs', { skip: fifoSkip }, () => {
  const dir = app(undefined);
  mkfifo(path.join(dir, 'server/server.js'));
  const c = fsdev(['check', dir, '--format', 'json'], 20000);
  assert.equal(c.signal, null, 'fsdev check hung on the FIFO');
  assert.equal(c.code, 1, c.err);
  const row = JSON.parse(c.out).find((x) => x.code === 'file-unreadable');
  assert.equal(row.file, 'server/server.js');
  assert.match(row.message, /server\/server\.js is a FIFO \(named pipe\), not a file: only regular files are read/);
  const s = fsdev(['simulate', 'onContactCreate', dir], 20000);
  assert.equal(s.signal, null, 'fsdev simulate hung on the FIFO');
  assert.match(s.out + s.err, /server\/server\.js is a FIFO \(named pipe\), not a file/);

  const payload = app('exports = { h: function () { return {}; } };\n');
  mkfifo(path.join(payload, 'server/test_data/onContactCreate.json'));
  const p = fsdev(['simulate', 'onContactCreate', payload], 20000);
  assert.equal(p.signal, null, 'fsdev simulate hung on the payload FIFO');
  assert.match(p.out + p.err, /server\/test_data\/onContactCreate\.json is a FIFO \(named pipe\), not a file/);
  const pc = fsdev(['check', payload], 20000);
  assert.equal(pc.signal, null, 'fsdev check hung on the payload FIFO');
  assert.match(pc.out, /onContactCreate\.json:1:1 error file-unreadable .*is a FIFO/);
  assert.ok(existsSync(path.join(payload, 'manifest.json')));
});
