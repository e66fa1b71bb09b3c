// Hostile inputs to what `fsdev check` loads at start (issue 16, speed): the lint worker's code cache, which the
// build writes beside its bundle (server/dist/lintWorker-main.js.v8cache) and which is only ever read, and the lint
// thread the CLI's starter starts before the CLI bundle loads.
// - a cache made from another bundle of the same length is not used (its code never runs); a corrupted or cut
//   cache, a FIFO or a link to /dev/zero at its path never crash or hang the check, which prints what it prints
//   without any cache;
// - nothing is written at run time: not beside the bundles, not in the cache home;
// - a lint thread that fails or exits while the CLI bundle loads is replaced, or its files get the
//   `eslint/skipped` information: never a crash.
// Each case installs the CLI's bundles in a temp folder of its own, beside a bait home, and removes them.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { makeApp, repoRoot } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

const DIST = path.join(repoRoot, 'server/dist');
const BUNDLES = ['cli.js', 'cli-main.js', 'lintWorker.js', 'lintWorker-main.js'];
const CACHE = 'lintWorker-main.js.v8cache';
const temps = [];
const temp = (prefix) => { const d = mkdtempSync(path.join(tmpdir(), prefix)); temps.push(d); return d; };
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

let writer;
before(() => {
  for (const f of [...BUNDLES, CACHE]) assert.ok(statSync(path.join(DIST, f), { throwIfNoEntry: false }), `server/dist/${f}: run \`npm run build\` first`);
  // The build's cache writer, to make a cache from a bundle of our own.
  writer = path.join(temp('fsdev-cache-writer-'), 'writeCodeCache.js');
  buildSync({ entryPoints: [path.join(repoRoot, 'server/src/shared/writeCodeCache.ts')], outfile: writer, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
});

/** The CLI's bundles and the lint worker's cache in a folder of their own; `transform` rewrites one bundle. */
function install(transform, bundle = 'lintWorker-main.js') {
  const dir = temp('fsdev-install-');
  for (const f of BUNDLES) copyFileSync(path.join(DIST, f), path.join(dir, f));
  copyFileSync(path.join(DIST, CACHE), path.join(dir, CACHE));
  if (transform) {
    writeFileSync(path.join(dir, bundle), transform(readFileSync(path.join(dir, bundle), 'utf8')));
    if (bundle === 'lintWorker-main.js') unlinkSync(path.join(dir, CACHE));
  }
  return dir;
}

/** Writes the cache of an install's lintWorker-main.js as the build does, with this Node. */
function writeCache(dir) {
  const r = spawnSync(process.execPath, [writer, path.join(dir, 'lintWorker-main.js')], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(path.join(dir, CACHE));
}

/** An app whose server.js has one unused local (a lint error). */
function app() {
  const dir = makeApp('exports = {\n  h: function (args) {\n    var unused = 1;\n    console.log(args);\n  }\n};\n', { files: { 'config/iparams.json': {} } });
  temps.push(dir);
  return dir;
}

const home = baitHome();
temps.push(home.dir);

/** `fsdev check --format json` of an install, with a cache home of its own; never waits more than 60 s. */
function check(dir, appDir, cacheHome = temp('fsdev-cache-home-'), env = {}) {
  const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), 'check', appDir, '--format', 'json'],
    { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...home.env, XDG_CACHE_HOME: cacheHome, FSDEV_NO_CODE_CACHE: '', ...env } });
  assert.ok(r.error?.code !== 'ETIMEDOUT', 'fsdev check hung (killed after 60 s)');
  assert.equal(r.signal, null, `fsdev check died of ${r.signal}`);
  return { code: r.status, rows: r.status === 1 || r.status === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

/** What the check prints with no code cache at all: the reference every cached run must equal. */
let reference;
function assertSameAsWithoutCache(r, what) {
  reference ??= check(install(), app(), undefined, { FSDEV_NO_CODE_CACHE: '1' });
  assert.equal(r.code, reference.code, `${what}: exit ${r.code}, stderr: ${r.stderr}`);
  assert.deepEqual(r.rows, reference.rows, what);
}

/** Deterministic pseudo-random numbers (the same corruptions on every run). */
function prng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('lint worker cache: the check with the build\'s cache prints exactly what it prints without one, and lints (no-unused-vars)', () => {
  const r = check(install(), app());
  assertSameAsWithoutCache(r, 'with the cache');
  assert.ok(r.rows.some((row) => row.code === 'eslint/no-unused-vars' && /'unused' is assigned a value but never used/.test(row.message)), JSON.stringify(r.rows));
});

test('lint worker cache: a cache made from another bundle of the same length is not used; its code never runs', () => {
  const GENUINE = 'but never used{{additional}}.'; // no-unused-vars' message
  const FOREIGN = 'FOREIGN CODE RAN FROM A CACHE';
  assert.equal(FOREIGN.length, GENUINE.length);
  const genuine = install();
  const foreign = install((s) => { assert.ok(s.includes(GENUINE)); return s.replace(GENUINE, FOREIGN); });
  assert.equal(readFileSync(path.join(foreign, 'lintWorker-main.js')).length, readFileSync(path.join(genuine, 'lintWorker-main.js')).length);
  const foreignCache = writeCache(foreign);
  const a = app();
  assert.ok(check(foreign, a).rows.some((row) => row.message.includes(FOREIGN)), 'the foreign bundle reports with its own message');
  // The foreign cache under the genuine cache's name (what a stale or planted file amounts to).
  writeFileSync(path.join(genuine, CACHE), foreignCache);
  const r = check(genuine, a);
  assert.ok(!JSON.stringify(r.rows).includes('FOREIGN'), 'code compiled from another source ran');
  assertSameAsWithoutCache(r, 'genuine bundle, foreign cache');
});

test('lint worker cache: 8 random corruptions or cuts never crash the check, which prints what it prints without a cache; nothing rewrites the file', () => {
  const dir = install();
  const pristine = readFileSync(path.join(dir, CACHE));
  const rand = prng(16);
  for (let i = 0; i < 8; i++) {
    const bad = Buffer.from(pristine);
    if (i % 4 === 3) {
      writeFileSync(path.join(dir, CACHE), bad.subarray(0, Math.floor(bad.length * rand())));
    } else {
      // A few bytes anywhere past the header's magic (the kind of damage a bad disk leaves).
      for (let k = 0; k < 1 + (i % 3); k++) bad[16 + Math.floor(rand() * (bad.length - 16))] ^= 1 + Math.floor(rand() * 255);
      writeFileSync(path.join(dir, CACHE), bad);
    }
    const corrupted = readFileSync(path.join(dir, CACHE));
    assertSameAsWithoutCache(check(dir, app()), `corruption ${i + 1}`);
    assert.ok(readFileSync(path.join(dir, CACHE)).equals(corrupted), `corruption ${i + 1}: the file was rewritten at run time`);
  }
});

for (const [what, plant] of [
  ['a FIFO', (file) => { unlinkSync(file); assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo'); }],
  ['a link to /dev/zero', (file) => { unlinkSync(file); symlinkSync('/dev/zero', file); }],
]) {
  test(`lint worker cache: ${what} at the cache's path is never read and does not hang the check`, { skip: process.platform === 'win32' }, () => {
    const dir = install();
    plant(path.join(dir, CACHE));
    assertSameAsWithoutCache(check(dir, app()), what);
  });
}

test('lint worker cache: nothing is written at run time, beside the bundles or in the cache home', () => {
  const dir = install();
  const cacheHome = temp('fsdev-cache-home-');
  const snapshot = () => readdirSync(dir).sort().map((f) => { const st = statSync(path.join(dir, f)); return `${f} ${st.size} ${st.mtimeMs}`; });
  const before = snapshot();
  for (let i = 0; i < 2; i++) assertSameAsWithoutCache(check(dir, app(), cacheHome), `run ${i + 1}`);
  assert.deepEqual(snapshot(), before, 'the install folder changed');
  // The CLI bundle's own cache (fsdev-…, see output.test.mjs) is the only file in the cache home.
  const written = readdirSync(cacheHome, { recursive: true }).filter((f) => statSync(path.join(cacheHome, f)).isFile());
  assert.ok(written.every((f) => /^freshsales-devtools[\\/]fsdev-v[\d.]+-\w+-[0-9a-f]{16}\.v8cache$/.test(f)), written.join(', '));
  assert.ok(home.intact());
});

for (const [what, body] of [
  ['throws while it loads', 'throw new Error("lint bundle broken");\n'],
  ['exits while it loads', 'process.exit(3);\n'],
]) {
  test(`early lint thread: one that ${what}, before the CLI bundle has loaded, is no crash; the check finishes and says the files were not linted`, () => {
    // The thread's own first line fails, and the CLI bundle takes 1.5 s to load (a wait put at its top): the
    // failure comes while the thread waits for its handover to the LintPool.
    const dir = install((s) => body + s, 'lintWorker.js');
    const main = path.join(dir, 'cli-main.js');
    writeFileSync(main, `{ const t = Date.now(); while (Date.now() - t < 1500); }\n${readFileSync(main, 'utf8')}`);
    const a = app();
    const r = check(dir, a);
    // Exit 0: the unused local was the app's one error, and it went unlinted.
    assert.equal(r.code, 0, `exit ${r.code}, stderr: ${r.stderr}`);
    const skipped = r.rows.filter((row) => row.code === 'eslint/skipped');
    assert.deepEqual(skipped.map((row) => row.file), ['server/server.js'], JSON.stringify(r.rows));
    assert.ok(!r.rows.some((row) => row.code === 'eslint/no-unused-vars'));
    // The manifest's and the payloads' checks are all there: only the lint is missing.
    const withoutLint = (rows) => rows.filter((row) => !row.code.startsWith('eslint/'));
    assert.deepEqual(withoutLint(r.rows), withoutLint(check(install(), a).rows));
  });
}
