// Request templates read more of the app (config/requests.json, config/iparams.json, app/**.js) and show its text
// in hovers: a committed link out of the app is not read, odd or huge files do not hang or crash the check, and a
// template's text never renders as a link or HTML. Every case builds its app in a temp folder and removes it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundle, makeApp } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';
import { loadTs } from '../helpers/loadCore.mjs';

const cli = bundle('server/src/cli.ts', 'cli');
const home = baitHome();
const cleanup = [home.dir];
const track = (dir) => { cleanup.push(dir); return dir; };
after(() => { for (const d of cleanup) rmSync(d, { recursive: true, force: true }); });

const MANIFEST = {
  'platform-version': '3.0',
  modules: { common: { requests: { getDeals: {} }, events: { onAppInstall: { handler: 'h' } } }, deal: { events: { onDealCreate: { handler: 'h' } } } },
  engines: { node: '18.20.8', fdk: '9.6.0' },
};
const SERVER = "exports = { h: function () { renderData(); } };\n";
const REQUESTS = { getDeals: { schema: { method: 'GET', host: 'api.example.com', path: '/deals' } } };

function fsdev(args, timeout = 60000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout, env: { ...process.env, ...home.env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, signal: r.signal };
}

test('an app/ script linked to a file outside the app is not read: its invokeTemplate names never reach the report', () => {
  const outside = track(mkdtempSync(path.join(tmpdir(), 'fsdev-outside-')));
  // A file outside the app whose text a report would echo if it were read: the secret as a template name.
  writeFileSync(path.join(outside, 'stolen.js'), `client.request.invokeTemplate('${home.secret}', {});\n`);
  const dir = track(makeApp(SERVER, { manifest: MANIFEST, files: { 'config/requests.json': REQUESTS, 'app/scripts/app.js': "client.request.invokeTemplate('getDeal', {});\n" } }));
  symlinkSync(path.join(outside, 'stolen.js'), path.join(dir, 'app/scripts/linked.js'));
  symlinkSync(path.join(home.dir, '.ssh/id_rsa'), path.join(dir, 'app/scripts/key.js'));
  const r = fsdev(['check', dir]);
  assert.match(r.out, /app\/scripts\/app\.js:1:31 error request-template-unknown .*'getDeal'/, 'the app\'s own script is checked');
  assert.ok(!r.out.includes(home.secret), `the linked file's text reached the report:\n${r.out}`);
  assert.ok(home.intact());
});

test('config/requests.json linked to the bait home\'s key is refused, not parsed into a report', () => {
  const dir = track(makeApp(SERVER, { manifest: MANIFEST }));
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  symlinkSync(path.join(home.dir, '.ssh/id_rsa'), path.join(dir, 'config/requests.json'));
  const r = fsdev(['check', dir]);
  assert.ok(!r.out.includes(home.secret), r.out);
  assert.match(r.out, /request-template-not-defined/, 'the link is not a requests.json: the declared template is still missing');
});

test('a FIFO, a 5 MB script and binary bytes under app/ neither hang nor crash the check', { skip: process.platform === 'win32' ? 'no FIFOs on Windows' : false }, () => {
  const dir = track(makeApp(SERVER, { manifest: MANIFEST, files: { 'config/requests.json': REQUESTS, 'config/iparams.json': '{}' } }));
  mkdirSync(path.join(dir, 'app/scripts'), { recursive: true });
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'app/scripts/pipe.js')]).status, 0);
  writeFileSync(path.join(dir, 'app/scripts/huge.js'), `client.request.invokeTemplate('fromHuge', {});\n${'// padding\n'.repeat(500_000)}`);
  writeFileSync(path.join(dir, 'app/scripts/bin.js'), Buffer.from([0, 1, 2, 0, 255, 0, 39, 0]));
  const started = Date.now();
  const r = fsdev(['check', dir], 20000);
  assert.equal(r.signal, null, 'the check hung');
  assert.ok(Date.now() - started < 20000);
  assert.equal(r.code, 0, r.out);
  assert.ok(!r.out.includes('fromHuge'), 'a 5 MB script is not parsed');
});

test('requests.json and an app/ script nested 200,000 deep are checked up to the nesting limit, not a stack overflow', () => {
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const dir = track(makeApp(SERVER, { manifest: MANIFEST, files: {
    'config/requests.json': `{"getDeals": {"schema": {"method": "GET", "host": "a.com", "path": "/", "headers": {"x": ${deep(200_000)}}}}}`,
    'app/scripts/app.js': `client.request.invokeTemplate('getDeal', ${deep(200_000)});\n`,
  } }));
  const r = fsdev(['check', dir]);
  assert.equal(r.code, 1, r.out);
  assert.doesNotMatch(r.out, /could not finish|RangeError/);
  assert.match(r.out, /config\/requests\.json:1:\d+ warning nesting-too-deep/);
  assert.match(r.out, /app\/scripts\/app\.js:1:\d+ warning nesting-too-deep/);
  assert.match(r.out, /app\/scripts\/app\.js:1:31 error request-template-unknown .*Did you mean 'getDeals'/);
});

test('hover on invokeTemplate shows the template\'s host and path as code: a link or HTML in them does not render', async () => {
  const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');
  const { templateHover } = await loadTs('server/src/core/requestTemplatesAssist.ts');
  const requests = JSON.stringify({ getDeals: { schema: { method: 'GET', host: 'a.com`[click](command:workbench.action.terminal.new)<img src=x onerror=alert(1)>', path: '/`x`' } } });
  const script = "exports = { h: async function () { await $request.invokeTemplate('getDeals', {}); } };";
  const { app } = diagnoseApp({
    manifest: { path: 'manifest.json', text: JSON.stringify(MANIFEST) }, serverScript: { path: 'server/server.js', text: script }, testData: [],
    config: [{ path: 'config/requests.json', text: requests }],
  }, () => undefined);
  const hover = templateHover(app, 'server/server.js', { line: 0, character: 68 });
  const [, code] = /^\*\*getDeals\*\* — `([^`]*)`\n/.exec(hover.contents.value) ?? [];
  assert.ok(code, `the host and path are one code span: ${hover.contents.value}`);
  assert.match(code, /\[click\]\(command:/, 'the text is kept, inside the code span');
  assert.equal(hover.contents.value.split('`').length, 3, 'exactly one code span: the template\'s backticks cannot close it');
});
