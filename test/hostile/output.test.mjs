// Hostile inputs to what fsdev prints and what it loads at start (issue 19, items 9, 15, 17, 18):
// - the V8 code cache: corrupted, foreign (made from another source of the same length), a FIFO or /dev/zero
//   at its path — fsdev must start, print its usage and never hang or crash;
// - control characters and fake problem-matcher / GitHub workflow-command lines in manifest keys, file names,
//   handler logs, error messages and test names — none may reach the terminal raw or start a line;
// - empty option values — a usage error (exit 2), never a stack trace.
// Each case builds its app and its cache folder in a temp folder and removes them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeApp, repoRoot } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

const CLI_DIR = path.join(repoRoot, 'server/dist');
const temps = [];
const temp = (prefix) => { const d = mkdtempSync(path.join(tmpdir(), prefix)); temps.push(d); return d; };
const app = (...args) => { const d = makeApp(...args); temps.push(d); return d; };
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** A copy of the CLI's two bundles in a folder of its own (its cache is keyed by the bundle it loads). */
function install(transform = (s) => s) {
  const dir = temp('fsdev-install-');
  copyFileSync(path.join(CLI_DIR, 'cli.js'), path.join(dir, 'cli.js'));
  writeFileSync(path.join(dir, 'cli-main.js'), transform(readFileSync(path.join(CLI_DIR, 'cli-main.js'), 'utf8')));
  return dir;
}

/** `fsdev …` of an install with its own cache home; never waits more than 20 s. */
function run(installDir, cacheHome, args, env = {}) {
  const r = spawnSync(process.execPath, [path.join(installDir, 'cli.js'), ...args],
    { encoding: 'utf8', timeout: 20000, env: { ...process.env, XDG_CACHE_HOME: cacheHome, FSDEV_NO_CODE_CACHE: '', ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: r.error?.code === 'ETIMEDOUT' };
}

function cacheFiles(cacheHome) {
  const dir = path.join(cacheHome, 'freshsales-devtools');
  try { return readdirSync(dir).filter((f) => f.startsWith('fsdev-') && f.endsWith('.v8cache')).map((f) => path.join(dir, f)); } catch { return []; }
}

/** fsdev --help printed its usage and exited 0: no crash, no hang. */
function assertHelp(r, what) {
  assert.ok(!r.timedOut, `${what}: fsdev --help hung (killed after 20 s)`);
  assert.equal(r.signal, null, `${what}: fsdev --help died of ${r.signal}`);
  assert.equal(r.code, 0, `${what}: exit ${r.code}, stderr: ${r.stderr}`);
  assert.match(r.stdout, /fsdev — Freshsales DevTools on the command line/, what);
}

/** Deterministic pseudo-random numbers (the same corruptions on every run). */
function prng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('code cache: 12 random corruptions of the cache never crash fsdev; each bad cache is replaced by a good one', () => {
  const dir = install();
  const home = temp('fsdev-cache-home-');
  assertHelp(run(dir, home, ['--help']), 'first start');
  const [file] = cacheFiles(home);
  assert.ok(file, 'the first start wrote a cache');
  const pristine = readFileSync(file);
  const rand = prng(19);
  for (let i = 0; i < 12; i++) {
    const bad = Buffer.from(pristine);
    // A few bytes anywhere past the first 64 (the kind of damage a crash or a bad disk leaves), or a cut.
    if (i % 4 === 3) {
      writeFileSync(file, bad.subarray(0, Math.floor(bad.length * rand())));
    } else {
      for (let k = 0; k < 1 + (i % 3); k++) bad[64 + Math.floor(rand() * (bad.length - 64))] ^= 1 + Math.floor(rand() * 255);
      writeFileSync(file, bad);
    }
    const corrupted = readFileSync(file);
    assertHelp(run(dir, home, ['--help']), `corruption ${i + 1}`);
    assert.ok(!readFileSync(file).equals(corrupted), `corruption ${i + 1}: the bad cache was replaced`);
    if (i % 4 === 0) {
      // The replacement is accepted as it is: the next start leaves it alone.
      const replaced = readFileSync(file);
      assertHelp(run(dir, home, ['--help']), `after corruption ${i + 1}`);
      assert.ok(readFileSync(file).equals(replaced), `after corruption ${i + 1}: the new cache was used, not rewritten`);
    }
  }
});

test('code cache: a cache made from another bundle of the same length is not used; its code never runs', () => {
  const TITLE = 'Freshsales DevTools on the command line';
  const FOREIGN = 'FOREIGN CODE RAN FROM ANOTHER BUNDLE!!!';
  assert.equal(FOREIGN.length, TITLE.length);
  const genuine = install();
  const foreign = install((s) => s.replace(TITLE, FOREIGN));
  assert.equal(readFileSync(path.join(foreign, 'cli-main.js')).length, readFileSync(path.join(genuine, 'cli-main.js')).length);
  const home = temp('fsdev-cache-home-');
  const foreignHome = temp('fsdev-cache-home-');
  assertHelp(run(genuine, home, ['--help']), 'genuine, first start');
  assert.match(run(foreign, foreignHome, ['--help']).stdout, /FOREIGN CODE RAN/, 'the foreign bundle prints its own title');
  const [file] = cacheFiles(home);
  const [foreignFile] = cacheFiles(foreignHome);
  // The foreign cache under the genuine cache's name (what a stale or planted file amounts to).
  writeFileSync(file, readFileSync(foreignFile));
  const r = run(genuine, home, ['--help']);
  assertHelp(r, 'genuine with the foreign cache');
  assert.doesNotMatch(r.stdout, /FOREIGN/, 'code compiled from another source ran');
});

for (const [what, plant] of [
  ['a FIFO', (file) => { unlinkSync(file); assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo'); }],
  ['a link to /dev/zero', (file) => { unlinkSync(file); symlinkSync('/dev/zero', file); }],
]) {
  test(`code cache: ${what} at the cache's path does not hang fsdev, and is replaced by a cache`, { skip: process.platform === 'win32' }, () => {
    const dir = install();
    const home = temp('fsdev-cache-home-');
    assertHelp(run(dir, home, ['--help']), 'first start');
    const [file] = cacheFiles(home);
    plant(file);
    assertHelp(run(dir, home, ['--help']), what);
    assert.ok(readFileSync(file).length > 10000, 'a regular cache file took its place');
  });
}
