// `fsdev check` end to end: spawns the bundled CLI (server/dist/cli.js, as `npm test` builds it) on the
// fixture apps. Output formats, 1-based positions, and exit codes 0 / 1 / 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { repoRoot } from '../helpers/loadCore.mjs';

const CLI = path.join(repoRoot, 'server/dist/cli.js');
const apps = path.join(repoRoot, 'test/fixtures/apps');
let tmp;

before(() => {
  // `npm test` builds first; when run alone without a build, bundle just the CLI (esbuild.mjs's settings).
  if (!existsSync(CLI)) {
    buildSync({
      entryPoints: [path.join(repoRoot, 'server/src/cli.ts')], outfile: CLI, bundle: true, platform: 'node', target: 'node18',
      format: 'cjs', mainFields: ['module', 'main'], sourcemap: 'linked', banner: { js: '#!/usr/bin/env node' }, logLevel: 'silent',
    });
  }
  tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-cli-test-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function fsdev(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LINE = /^(?<file>[^\s:]+):(?<line>\d+):(?<column>\d+) (?<severity>error|warning|information) (?<code>[a-z0-9-]+) (?<message>.+)$/;

test('text format: file:line:col severity code message, 1-based, then a summary; exit 1 on errors', () => {
  const r = fsdev('check', 'test/fixtures/apps/broken-app');
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const out = r.stdout.trimEnd().split('\n');
  const summary = out.pop();
  assert.equal(out.pop(), '', 'a blank line before the summary');
  assert.equal(summary, 'test/fixtures/apps/broken-app: 9 error(s), 4 warning(s), 3 information, 1 hint(s).');
  // Hints come after the problems, one line per code.
  assert.equal(out.pop(), '1 hint payload-not-registered: server/test_data/onTaskCreate.json: onTaskCreate is not registered in manifest.json, so this payload is never used.');
  for (const l of out) assert.match(l, LINE);
  assert.ok(out.includes("manifest.json:6:9 error unknown-event Invalid event: 'onDealCreat' for product: freshworks_crm. Did you mean 'onDealCreate'?"));
  assert.ok(out.includes("manifest.json:8:38 error handler-not-defined Event callback 'onLeadCreateHandler' is not defined for product: freshworks_crm."));
  assert.ok(out.some((l) => l.startsWith('manifest.json:9:30 error handler-key-typo ')));
  assert.ok(out.some((l) => l.startsWith('server/server.js:7:3 error handler-not-visible ')));
  assert.ok(out.includes('server/test_data/onContactUpdate.json:6:1 error json-syntax Closing brace expected.'));
  assert.ok(out.some((l) => l.startsWith('server/test_data/onDealCreate.json:') && l.includes(' warning payload-event-mismatch ')));
  // every code broken-app is meant to show
  const codes = new Set(out.map((l) => LINE.exec(l).groups.code));
  for (const c of ['unknown-event', 'duplicate-event', 'event-not-in-scope', 'handler-not-defined', 'handler-key-typo', 'handler-not-visible',
    'unknown-event-key', 'handler-missing', 'no-test-data', 'events-block-ignored', 'json-syntax', 'payload-event-mismatch']) {
    assert.ok(codes.has(c), c);
  }
  // sorted: manifest first, then server.js, then payloads; by line within a file
  const files = out.map((l) => LINE.exec(l).groups.file);
  assert.equal(files[0], 'manifest.json');
  assert.ok(files.indexOf('server/server.js') > files.lastIndexOf('manifest.json'));
  const manifestLines = out.filter((l) => l.startsWith('manifest.json:')).map((l) => Number(LINE.exec(l).groups.line));
  assert.deepEqual(manifestLines, [...manifestLines].sort((a, b) => a - b));
});

test('--json: an array of { file, line, column, endLine, endColumn, severity, code, message }, 1-based', () => {
  const r = fsdev('check', '--json', 'test/fixtures/apps/broken-app');
  assert.equal(r.code, 1);
  const rows = JSON.parse(r.stdout);
  assert.ok(Array.isArray(rows));
  assert.equal(rows.length, 17);
  for (const row of rows) {
    assert.deepEqual(Object.keys(row), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(row[k]) && row[k] >= 1, `${k} ${row[k]}`);
    assert.ok(['error', 'warning', 'information', 'hint'].includes(row.severity));
  }
  assert.deepEqual(rows.find((x) => x.code === 'unknown-event'), {
    file: 'manifest.json', line: 6, column: 9, endLine: 6, endColumn: 22, severity: 'error', code: 'unknown-event',
    message: "Invalid event: 'onDealCreat' for product: freshworks_crm. Did you mean 'onDealCreate'?",
  });
  const arrow = rows.find((x) => x.code === 'handler-not-visible' && x.file === 'server/server.js');
  assert.deepEqual([arrow.line, arrow.column, arrow.endLine, arrow.endColumn], [7, 3, 7, 25]);
});

for (const name of ['v23-app', 'omni-app', 'v30-app']) {
  test(`clean fixture ${name}: exit 0, no diagnostics`, () => {
    const r = fsdev('check', path.join(apps, name));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `test/fixtures/apps/${name}: 0 error(s), 0 warning(s), 0 information.\n`);
    const j = fsdev('check', path.join(apps, name), '--json');
    assert.equal(j.code, 0);
    assert.deepEqual(JSON.parse(j.stdout), []);
  });
}

test('clean fixture v20-app: exit 0, only the warning that platform-version 2.0 is deprecated', () => {
  const j = fsdev('check', path.join(apps, 'v20-app'), '--json');
  assert.equal(j.code, 0, j.stdout);
  assert.deepEqual(JSON.parse(j.stdout).map((x) => [x.severity, x.code, x.line]), [['warning', 'platform-version-deprecated', 2]]);
});

test('information only (the example app) still exits 0', () => {
  const r = fsdev('check', 'examples/crm-app');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /information no-test-data /);
  assert.match(r.stdout, /examples\/crm-app: 0 error\(s\), 0 warning\(s\), 2 information\.\n$/);
});

test('warnings without errors exit 0', () => {
  const dir = path.join(tmp, 'warn-app');
  mkdirSync(path.join(dir, 'server'), { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    'platform-version': '2.3',
    product: { freshworks_crm: { events: { onDealCreate: { handler: 'onDeal', note: 'x' } } } },
  }, null, 2));
  writeFileSync(path.join(dir, 'server/server.js'), 'exports = { onDeal: function () {} };\n');
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'config/iparams.json'), '{}\n');
  const r = fsdev('check', dir, '--json');
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout).map((x) => [x.severity, x.code]), [['information', 'no-test-data'], ['warning', 'unknown-event-key']]);
});

test('exit 2 with a clear message: a folder with no manifest.json', () => {
  const dir = path.join(tmp, 'empty');
  mkdirSync(dir);
  const r = fsdev('check', dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `fsdev check: ${dir} is not a Freshworks app: it has no manifest.json.\n`);
});

test('exit 2 with a clear message: a browser-extension manifest.json', () => {
  const dir = path.join(tmp, 'chrome-ext');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'My extension', version: '1.0', background: { service_worker: 'bg.js' } }, null, 2));
  const r = fsdev('check', dir, '--json');
  assert.equal(r.code, 2);
  const message = `${dir} is not a Freshworks app: its manifest.json has no "platform-version".`;
  assert.equal(r.stderr, `fsdev check: ${message}\n`);
  // --json: stdout is a JSON array in every case, exit 2 included.
  assert.deepEqual(JSON.parse(r.stdout), [{ file: 'manifest.json', line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'not-an-app', message }]);
});

test('--json prints an array for a folder without manifest.json too (exit 2)', () => {
  const r = fsdev('check', path.join(tmp, 'missing-folder'), '--json');
  assert.equal(r.code, 2);
  const rows = JSON.parse(r.stdout);
  assert.ok(Array.isArray(rows));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].code, 'not-an-app');
});

test('apps of other products and real-app patterns exit 0 (no false errors)', () => {
  for (const app of ['freshdesk-app', 'global-v30-app', 'classic-newer-app', 'old-fdk-payloads-app', 'functions-app', 'events-array-v22-app']) {
    const r = fsdev('check', `test/fixtures/apps/${app}`, '--json');
    assert.equal(r.code, 0, `${app}: ${r.stdout}${r.stderr}`);
    const rows = JSON.parse(r.stdout);
    assert.deepEqual(rows.filter((x) => x.severity === 'error'), [], app);
  }
});

test('a Freshdesk app: one other-product notice, nothing about Freshsales events or schemas', () => {
  const rows = JSON.parse(fsdev('check', 'test/fixtures/apps/freshdesk-app', '--json').stdout);
  assert.deepEqual(rows.map((x) => `${x.severity} ${x.code}`), ['information other-product']);
  assert.match(rows[0].message, /^'freshdesk' is not a Freshsales product \(Freshdesk\): event names and handlers are checked/);
});

test('exit 2: a folder that does not exist, or a path that is a file, says so', () => {
  const dir = path.join(tmp, 'nope');
  const r = fsdev('check', dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `fsdev check: ${dir} does not exist.\n`);
  const file = path.join(tmp, 'a-file.json');
  writeFileSync(file, '{}');
  const f = fsdev('check', file);
  assert.equal(f.code, 2);
  assert.match(f.stderr, /is a file, not a folder: give the app's folder/);
});

test('code cache: the first run writes it, later runs use it with the same output; a corrupt cache is replaced, an older build\'s dropped; FSDEV_NO_CODE_CACHE=1 writes none', () => {
  const cacheHome = mkdtempSync(path.join(tmpdir(), 'fsdev-cache-test-'));
  const dir = path.join(cacheHome, 'freshsales-devtools');
  const run = (env = {}) => spawnSync(process.execPath, [CLI, 'check', 'test/fixtures/apps/broken-app', '--json'],
    { cwd: repoRoot, encoding: 'utf8', timeout: 30000, env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env } });
  const caches = () => { try { return readdirSync(dir).filter((f) => f.endsWith('.v8cache')); } catch { return []; } };
  try {
    const off = run({ FSDEV_NO_CODE_CACHE: '1' });
    assert.equal(off.status, 1, off.stderr);
    assert.deepEqual(caches(), []);
    const first = run();
    assert.equal(first.stdout, off.stdout);
    assert.equal(caches().length, 1, 'one cache file after the first run');
    const file = path.join(dir, caches()[0]);
    const size = statSync(file).size;
    assert.ok(size > 10000, `cache of ${size} bytes`);
    const second = run();
    assert.equal(second.stdout, off.stdout);
    assert.equal(second.status, 1);
    writeFileSync(file, 'not a V8 code cache');
    const older = `fsdev-${process.version}-${process.arch}-1-1.v8cache`;
    const otherRuntime = 'fsdev-v0.0.0-x64-1-1.v8cache';
    writeFileSync(path.join(dir, older), 'a cache of an older build');
    writeFileSync(path.join(dir, otherRuntime), 'a cache of another Node');
    const third = run();
    assert.equal(third.stdout, off.stdout);
    assert.deepEqual(caches().sort(), [path.basename(file), otherRuntime].sort(), 'the old build\'s cache is dropped; another runtime\'s is kept');
    assert.ok(statSync(file).size > 10000, 'the corrupt cache was rewritten');
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
});

test('the payloads fdk writes for every event: one hint line, not one line per payload; the app\'s name when run inside it', () => {
  // As after `fdk create`: a payload for every event, three of them registered.
  const app = path.join(tmp, 'fresh-app');
  cpSync(path.join(apps, 'v23-app'), app, { recursive: true });
  const defaults = path.join(repoRoot, 'schemas/defaults/freshworks_crm');
  const unregistered = readdirSync(defaults).filter((f) => !['onAppInstall.json', 'onContactCreate.json', 'onDealUpdate.json'].includes(f));
  assert.ok(unregistered.length >= 12, unregistered.join(' '));
  for (const f of unregistered) cpSync(path.join(defaults, f), path.join(app, 'server/test_data', f));
  const r = spawnSync(process.execPath, [CLI, 'check'], { cwd: app, encoding: 'utf8', timeout: 30000 });
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.includes('payload-not-registered')).length, 1, r.stdout);
  assert.match(lines[0], new RegExp(`^${unregistered.length} hints payload-not-registered, e\\.g\\. server/test_data/on\\w+\\.json: on\\w+ is not registered in manifest\\.json, so this payload is never used\\. \\(--format json lists them all\\)$`));
  assert.equal(lines.at(-1), `fresh-app: 0 error(s), 0 warning(s), 0 information, ${unregistered.length} hint(s).`);
  const rows = JSON.parse(spawnSync(process.execPath, [CLI, 'check', '--json'], { cwd: app, encoding: 'utf8' }).stdout);
  assert.deepEqual(rows.filter((x) => x.code === 'payload-not-registered').map((x) => x.severity), Array(unregistered.length).fill('hint'));
});
