// The lint of app/ and server/ JavaScript on hostile apps (issue 16 item 1): a .js file that links out of the
// app (to ~/.ssh/id_rsa) is not read, so nothing of it reaches a message (a parse error quotes the text it
// fails on); a FIFO named *.js does not hang the check; a binary or over-5 MB file is skipped with one
// information; node_modules is not linted. Each case builds its app in a temp folder and removes it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundle, makeApp } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

const cli = bundle('server/src/cli.ts', 'cli');
const home = baitHome();
const cleanup = [home.dir];
after(() => { for (const d of cleanup) rmSync(d, { recursive: true, force: true }); });

function check(appDir, ...args) {
  const r = spawnSync(process.execPath, [cli, 'check', appDir, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...home.env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
const newApp = () => { const d = makeApp(); cleanup.push(d); return d; };

test('a .js file linking to ~/.ssh/id_rsa is not read or linted: one information names the link, the secret is never printed', () => {
  const app = newApp();
  for (const dir of ['app', 'server']) mkdirSync(path.join(app, dir), { recursive: true });
  writeFileSync(path.join(app, 'server/server.js'), 'exports = {};\n');
  symlinkSync(path.join(home.dir, '.ssh/id_rsa'), path.join(app, 'app/key.js'));
  symlinkSync(path.join(home.dir, '.ssh/id_rsa'), path.join(app, 'server/key.js'));
  for (const format of ['text', 'json', 'sarif', 'github']) {
    const r = check(app, '--format', format);
    assert.ok(!r.out.includes(home.secret), `${format}: the secret was printed`);
    assert.ok(!r.out.includes('OPENSSH'), `${format}: the key's text was printed`);
  }
  const rows = JSON.parse(check(app, '--format', 'json').stdout).filter((x) => x.code.startsWith('eslint/'));
  assert.deepEqual(rows.map((x) => `${x.file} ${x.code} ${x.severity}`).sort(), ['app/key.js eslint/skipped information', 'server/key.js eslint/skipped information']);
  assert.match(rows[0].message, /is a link to .*outside the app: not read, not linted/);
  assert.ok(home.intact());
});

test('a FIFO named app/x.js does not hang the check; binary and over-5 MB files get one information each; node_modules is not linted', () => {
  const app = newApp();
  mkdirSync(path.join(app, 'app/node_modules/pkg'), { recursive: true });
  writeFileSync(path.join(app, 'app/node_modules/pkg/index.js'), 'debugger;\n');
  writeFileSync(path.join(app, 'app/bin.js'), Buffer.from([0, 1, 2, 3, 0x7f, 0, 0, 9, 10]));
  writeFileSync(path.join(app, 'app/huge.js'), `debugger;\n${'// filler\n'.repeat(600_000)}`);
  const fifo = spawnSync('mkfifo', [path.join(app, 'app/x.js')]);
  const r = check(app, '--format', 'json');
  assert.notEqual(r.code, null, 'the check finished');
  const rows = JSON.parse(r.stdout).filter((x) => x.code.startsWith('eslint/') || x.code.startsWith('fdk/'));
  const got = rows.map((x) => `${x.file} ${x.code}`).sort();
  assert.deepEqual(got, ['app/bin.js eslint/skipped', 'app/huge.js eslint/skipped']);
  assert.match(rows.find((x) => x.file === 'app/huge.js').message, /over 5 MB/);
  assert.match(rows.find((x) => x.file === 'app/bin.js').message, /binary/);
  if (fifo.status !== 0) assert.fail('mkfifo is needed for this case');
});
