// The files the config/ and manifest rules read beyond manifest.json and server.js (issue 16): config/*.json,
// config/assets/iparams.js, the root actions.json and the first bytes of every image under app/ (icon sizes).
// A link committed in the app that leads out of it is never read through (its size or content would leak into a
// message), and a FIFO at any of them never hangs `fsdev check`. Each case builds its app in a temp folder
// beside a bait home and removes both afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundle, makeApp } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

const cli = bundle('server/src/cli.ts', 'cli');
const home = baitHome();
const cleanup = [home.dir];
after(() => { for (const d of cleanup) rmSync(d, { recursive: true, force: true }); });

const SCRIPT = 'exports = {\n  h: function (args) {},\n  act: function (args) {}\n};\n';
const manifest = (location) => ({ 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } }, location } }, engines: { node: '18.20.8', fdk: '9.6.0' } });

/** `fsdev check --format json` with the bait home as HOME; status null when the timeout ended a hung CLI. */
function check(dir) {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', dir], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...home.env } });
  return { code: r.status, rows: r.status === null ? [] : JSON.parse(r.stdout), out: r.stdout + r.stderr };
}

/** A PNG header of the given size. */
function png(w, h) {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8); b.write('IHDR', 12); b.writeUInt32BE(w, 16); b.writeUInt32BE(h, 20);
  return b;
}

test('links out of the app at an icon, config/assets/iparams.js and actions.json are not read through', () => {
  const outside = mkdtempSync(path.join(tmpdir(), 'fsdev-outside-'));
  cleanup.push(outside);
  // Outside the app: an icon whose size would show in a message, the iparams.js that would define the change
  // function, an actions.json whose action would be checked.
  writeFileSync(path.join(outside, 'icon.png'), png(32, 32));
  writeFileSync(path.join(outside, 'iparams.js'), 'function onRegion() {}\n');
  writeFileSync(path.join(outside, 'actions.json'), JSON.stringify({ leaked: { display_name: 'x' } }));
  const loc = (icon) => ({ url: 'index.html', icon });
  const dir = makeApp(SCRIPT, {
    manifest: manifest({ contact_entity_menu: loc('inside.png'), deal_entity_menu: loc('outside.png'), full_page_app: loc('home.png') }),
    files: {
      'app/index.html': '<html></html>', 'app/inside.png': png(32, 32).toString('latin1'),
      'config/iparams.json': { region: { display_name: 'R', type: 'text', events: [{ change: 'onRegion' }] } },
    },
  });
  cleanup.push(dir);
  writeFileSync(path.join(dir, 'app/inside.png'), png(32, 32));
  symlinkSync(path.join(outside, 'icon.png'), path.join(dir, 'app/outside.png'));
  symlinkSync(path.join(home.dir, '.ssh/id_rsa'), path.join(dir, 'app/home.png'));
  mkdirSync(path.join(dir, 'config/assets'));
  symlinkSync(path.join(outside, 'iparams.js'), path.join(dir, 'config/assets/iparams.js'));
  symlinkSync(path.join(outside, 'actions.json'), path.join(dir, 'actions.json'));

  const r = check(dir);
  assert.notEqual(r.code, null, 'check finished');
  const sizes = r.rows.filter((x) => x.code === 'location-file').map((x) => x.message);
  // The icon inside the app is measured; the one behind the link is not (its 32x32 would say what it is).
  assert.deepEqual(sizes, ["Invalid dimension of icon 'inside.png' for freshworks_crm/contact_entity_menu (32x32; it must be 64x64)"]);
  // iparams.js behind a link is not read: its function is not seen.
  assert.ok(r.rows.some((x) => x.code === 'iparams-events' && /The onRegion function does not exist/.test(x.message)), r.out);
  // actions.json behind a link is not read: its action is not checked.
  assert.deepEqual(r.rows.filter((x) => x.code === 'actions-invalid'), []);
  assert.ok(!r.out.includes(home.secret), 'the bait secret never appears');
  assert.ok(home.intact());
});

test('a FIFO at an icon, config/assets/iparams.js, config/iparams.json or actions.json never hangs fsdev check', (t) => {
  if (process.platform === 'win32') return t.skip('no FIFOs');
  const dir = makeApp(SCRIPT, { manifest: manifest({ contact_entity_menu: { url: 'index.html', icon: 'icon.png' } }), files: { 'app/index.html': '<html></html>' } });
  cleanup.push(dir);
  mkdirSync(path.join(dir, 'config/assets'), { recursive: true });
  for (const rel of ['app/icon.png', 'config/assets/iparams.js', 'config/iparams.json', 'actions.json']) {
    const made = spawnSync('mkfifo', [path.join(dir, rel)]);
    if (made.status !== 0) return t.skip('mkfifo unavailable');
  }
  const started = Date.now();
  const r = check(dir);
  assert.notEqual(r.code, null, `check hung: ${r.out}`);
  assert.ok(Date.now() - started < 30000);
  // config/iparams.json exists (as a FIFO): it is not said to be missing, and nothing was read from it.
  assert.deepEqual(r.rows.filter((x) => x.code === 'iparams-missing'), []);
});
