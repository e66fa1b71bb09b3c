// The hostile suite: the local store (`.fsdev/db.json`, `history.json` and their `.lock` files) as the app's
// folder can leave it. A lock that is a folder, a link or a FIFO is refused at once (never followed, never spun
// on) and every wait on a lock has a deadline and a message; `fsdev test` writes $db under the same lock as
// `fsdev simulate`; a store over its bound is never read, and its reset costs no memory.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync,
  truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';
import { startServer, uriOf } from '../server/lspClient.mjs';
import { bundle, makeApp } from '../simulate/helpers.mjs';
import { baitHome } from './bait.mjs';

// The CLI, the language server and both children, built from the current sources side by side (as in server/dist).
const cli = bundle('server/src/cli.ts', 'cli');
const lspServer = bundle('server/src/main.ts', 'server');
bundle('server/src/simulate/child.ts', 'runner');
bundle('server/src/testing/testChild.ts', 'testRunner', { alias: { sinon: 'sinon/lib/sinon.js' } });

/** The limit the README documents for the local store. */
const STORE_LIMIT = 16 * 1024 * 1024;
const MB = 1024 * 1024;

const temps = [];
const tracked = (dir) => { temps.push(dir); return dir; };
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** An app whose onContactCreate handler sets one $db key. */
const setOneKey = () => tracked(makeApp('exports = { h: async function () { await $db.set("k", { v: 1 }); return "ok"; } };\n'));

/** Preloaded into a CLI process: prints its peak resident memory on stderr as it exits. */
const peakProbe = path.join(tracked(mkdtempSync(path.join(tmpdir(), 'fsdev-peak-'))), 'peak.cjs');
writeFileSync(peakProbe, "process.on('exit', () => { require('fs').writeSync(2, `\\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\\n`); });\n");
const peakMb = (stderr) => Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1]) / 1024;

/** `fsdev …` in its own process; killed (and reported as timed out) after `timeoutMs`. */
function fsdev(args, { timeoutMs = 60_000, env, nodeArgs = [] } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [...nodeArgs, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; c.kill('SIGKILL'); }, timeoutMs);
    c.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err, timedOut, ms: performance.now() - t0 }); });
  });
}

const simulateJson = async (app, extra = [], opts) => {
  const r = await fsdev(['simulate', 'onContactCreate', app, '--offline', '--json', ...extra], opts);
  assert.equal(r.timedOut, false, `fsdev simulate did not end within ${opts?.timeoutMs ?? 60_000} ms (stderr: ${r.err.slice(-500)})`);
  return { ...r, result: JSON.parse(r.out) };
};

test('a db.json.lock that is a folder, a dangling link, a link to a file or a FIFO: refused at once, named, never followed', async () => {
  const home = baitHome();
  tracked(home.dir);
  // Links that stay inside the app: one that leaves it is refused before the run (test/hostile/links.test.mjs),
  // so only a link made during a run reaches the lock; the lock refuses every link the same way.
  const kinds = [
    ['a directory', (lock) => mkdirSync(lock)],
    ['a symbolic link', (lock, app) => symlinkSync(path.join(app, 'not-there'), lock)],
    ['a symbolic link', (lock, app) => symlinkSync(path.join(app, 'manifest.json'), lock)],
    ...(process.platform === 'win32' ? [] : [['a named pipe (FIFO)', (lock) => execFileSync('mkfifo', [lock])]]),
  ];
  for (const [what, make] of kinds) {
    const app = setOneKey();
    const manifest = readFileSync(path.join(app, 'manifest.json'), 'utf8');
    const lock = path.join(app, '.fsdev/db.json.lock');
    mkdirSync(path.dirname(lock), { recursive: true });
    make(lock, app);
    // Before: fsdev spun at 100 % CPU here forever (a FIFO: blocked in a read forever).
    const { result, code, ms } = await simulateJson(app, [], { timeoutMs: 40_000, env: home.env });
    assert.equal(code, 1);
    assert.equal(result.status, 'failed');
    assert.equal(result.effects.db[0].error, `${lock} is ${what}, not a lock file: fsdev does not follow, wait on or remove it. Remove it and try again.`);
    assert.ok(result.error.message.includes(lock), result.error.message);
    // At once: not after the 15 s a held lock is waited for.
    assert.ok(ms < 12_000, `${what}: ${Math.round(ms)} ms`);
    assert.ok(lstatSync(lock, { throwIfNoEntry: false }), `${what}: the lock's path is left as it was`);
    assert.equal(existsSync(path.join(app, '.fsdev/db.json')), false, `${what}: nothing written without the lock`);
    assert.equal(existsSync(path.join(app, 'not-there')), false, 'the dangling link was not followed');
    assert.equal(readFileSync(path.join(app, 'manifest.json'), 'utf8'), manifest, 'the file a link pointed at is untouched');
  }
  // A lock linked out of the app: the run never starts, and the file outside is untouched.
  const app = setOneKey();
  mkdirSync(path.join(app, '.fsdev'));
  symlinkSync(path.join(home.dir, '.bashrc'), path.join(app, '.fsdev/db.json.lock'));
  const { result } = await simulateJson(app, [], { timeoutMs: 40_000, env: home.env });
  assert.equal(result.status, 'not-runnable');
  assert.match(result.error.message, /\.fsdev\/db\.json\.lock is a link to .*outside the app/);
  assert.ok(home.intact(), 'the file a link pointed at is untouched');
});

test('a history.json.lock that is a folder: the run\'s result is printed and fsdev says, naming the lock, that it was not recorded', async () => {
  const app = setOneKey();
  const lock = path.join(app, '.fsdev/history.json.lock');
  mkdirSync(lock, { recursive: true });
  const { result, code, err, ms } = await simulateJson(app, [], { timeoutMs: 40_000 });
  assert.equal(code, 0);
  assert.equal(result.status, 'success');
  assert.match(err, new RegExp(`fsdev: The run was not added to ${path.join(app, '.fsdev/history.json')}: ${lock} is a directory, not a lock file`));
  assert.ok(ms < 12_000, `${Math.round(ms)} ms`);
  assert.deepEqual(readdirSync(lock), [], 'the folder is left as it was');
  assert.equal(existsSync(path.join(app, '.fsdev/history.json')), false);
});

test('the language server: a simulation against a folder lock answers with the lock named, and hovers are still answered', async () => {
  const app = setOneKey();
  mkdirSync(path.join(app, '.fsdev/db.json.lock'), { recursive: true });
  const client = await startServer({ args: [lspServer, '--stdio'], rootDir: app });
  const bounded = (p, ms, what) => Promise.race([p, new Promise((_, reject) => { setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref(); })]);
  try {
    const manifest = path.join(app, 'manifest.json');
    const text = readFileSync(manifest, 'utf8');
    await client.open(manifest, text);
    const at = text.slice(0, text.indexOf('onContactCreate')).split('\n');
    const hover = () => client.request('textDocument/hover', { textDocument: { uri: uriOf(manifest) }, position: { line: at.length - 1, character: at.at(-1).length + 3 } });
    assert.match(JSON.stringify(await bounded(hover(), 20_000, 'hover before the run')), /onContactCreate/);
    // Before: the server spun inside this request and never answered anything again.
    const run = await bounded(client.request('freshsales/simulate', { appDir: app, event: 'onContactCreate', runId: 'lock-dir' }), 40_000, 'simulate');
    assert.equal(run.status, 'failed');
    assert.match(run.error.message, /db\.json\.lock is a directory, not a lock file/);
    assert.match(JSON.stringify(await bounded(hover(), 20_000, 'hover after the run')), /onContactCreate/);
  } finally {
    client.proc.kill('SIGKILL');
  }
});

test('a db.json that links outside the app, or is a FIFO, is not read; a FIFO history.json is set aside and a new history starts', async () => {
  const home = baitHome();
  tracked(home.dir);
  const linked = setOneKey();
  mkdirSync(path.join(linked, '.fsdev'));
  symlinkSync(path.join(home.dir, '.bashrc'), path.join(linked, '.fsdev/db.json'));
  // Before: the runner read through the link, and JSON.parse's message quoted the file's first characters.
  const viaLink = await simulateJson(linked, [], { timeoutMs: 40_000, env: home.env });
  assert.notEqual(viaLink.result.status, 'success');
  assert.doesNotMatch(viaLink.out + viaLink.err, /BAIT/);
  assert.ok(home.intact());
  if (process.platform === 'win32') return;

  const piped = setOneKey();
  mkdirSync(path.join(piped, '.fsdev'));
  execFileSync('mkfifo', [path.join(piped, '.fsdev/db.json'), path.join(piped, '.fsdev/history.json')]);
  // Before: the runner blocked for ever in a read of the FIFO.
  const { result, ms } = await simulateJson(piped, [], { timeoutMs: 40_000 });
  assert.equal(result.effects.db[0].error, `${path.join(piped, '.fsdev/db.json')} is a named pipe (FIFO), not a file: it was not read `
    + 'and nothing was written to it. Remove it to start an empty store');
  assert.ok(ms < 12_000, `${Math.round(ms)} ms`);
  const files = readdirSync(path.join(piped, '.fsdev'));
  assert.ok(files.some((f) => f.startsWith('history.json.unreadable-')), files.join(' '));
  assert.deepEqual(JSON.parse(readFileSync(path.join(piped, '.fsdev/history.json'), 'utf8')).runs.map((r) => r.status), ['failed']);
});

/** `fn(file, pid, withFileLock)` with `<file>.lock` holding the pid of a live process (killed afterwards). */
async function withLiveHolder(fn) {
  const { withFileLock } = await loadTs('server/src/simulate/lock.ts');
  const file = path.join(tracked(mkdtempSync(path.join(tmpdir(), 'fsdev-held-'))), 'db.json');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    writeFileSync(`${file}.lock`, String(holder.pid));
    await fn(file, holder.pid, withFileLock);
  } finally {
    holder.kill('SIGKILL');
  }
}

test('a lock a live process keeps holding: the wait ends at its deadline with a message naming the lock and what to do', () =>
  withLiveHolder(async (file, pid, withFileLock) => {
    const t0 = performance.now();
    let ran = false;
    await assert.rejects(withFileLock(file, () => { ran = true; }, 400), (e) => {
      assert.equal(e.message, `${file}.lock is still held by process ${pid} after 0.4 s of waiting. If no fsdev run of this app is going on `
        + `(the language server or fsdev in a terminal), remove ${file}.lock and try again.`);
      return true;
    });
    assert.ok(performance.now() - t0 < 5_000, 'the deadline given, not the default 15 s');
    assert.equal(ran, false);
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(pid), 'a live holder\'s lock is left alone');
  }));

test('a lock planted with a live pid and a date far in the future is no lock fsdev made: taken over at once', () =>
  withLiveHolder(async (file, _pid, withFileLock) => {
    utimesSync(`${file}.lock`, new Date('2099-01-01'), new Date('2099-01-01'));
    // Before: never stale by age, its pid alive: waited on for 15 s, then the store call failed.
    const t0 = performance.now();
    assert.equal(await withFileLock(file, () => 'ran'), 'ran');
    assert.ok(performance.now() - t0 < 5_000, `${Math.round(performance.now() - t0)} ms`);
    assert.equal(existsSync(`${file}.lock`), false, 'released');
  }));

test('fsdev test and fsdev simulate at once (four processes) lose no $db key: fsdev test writes under the store\'s lock', async () => {
  const keys = 60;
  const app = tracked(makeApp(`exports = { h: async function () {
    var p = Math.random().toString(36).slice(2) + '-';
    for (var i = 0; i < ${keys}; i++) await $db.set(p + i, i);
    return p;
  } };\n`, { files: { 'test/keys.test.js': "describe('keys', function () { it('sets keys', async function () { this.timeout(120000); await this.invoke('onContactCreate', {}); }); });\n" } }));
  // Before: fsdev test read and rewrote db.json without the lock, so writes of the other runs were lost (146 of 200).
  const runs = await Promise.all([
    fsdev(['test', app, '--no-payloads'], { timeoutMs: 120_000 }),
    fsdev(['simulate', 'onContactCreate', app, '--offline'], { timeoutMs: 120_000 }),
    fsdev(['test', app, '--no-payloads'], { timeoutMs: 120_000 }),
    fsdev(['simulate', 'onContactCreate', app, '--offline'], { timeoutMs: 120_000 }),
  ]);
  for (const r of runs) assert.equal(r.code, 0, r.out + r.err);
  const store = JSON.parse(readFileSync(path.join(app, '.fsdev/db.json'), 'utf8'));
  assert.equal(Object.keys(store.db).length, 4 * keys);
});

test('a 500 MB db.json is not read: $db.set fails at once naming the file, its size, the limit and the reset; the file is untouched', async () => {
  const app = setOneKey();
  const file = path.join(app, '.fsdev/db.json');
  mkdirSync(path.dirname(file), { recursive: true });
  closeSync(openSync(file, 'w'));
  truncateSync(file, 500 * MB); // sparse: the size without the disk
  // Before: the runner read all 500 MB (1 GB resident) and failed only after parsing began.
  const { result, err } = await simulateJson(app, [], { timeoutMs: 60_000, nodeArgs: ['-r', peakProbe] });
  assert.equal(result.status, 'failed');
  assert.equal(result.effects.db[0].error, `${file} is 500 MB, over fsdev's limit of 16 MB for the local store: it was not read and nothing was written to it. `
    + 'Reset it with `fsdev simulate --fresh` or the command "Freshsales: Reset Local Simulation State", which keeps the file aside, renamed, without reading it');
  assert.equal(statSync(file).size, 500 * MB);
  assert.ok(peakMb(err) < 250, `peak resident memory of fsdev: ${peakMb(err)} MB`);
});

test('--fresh with a 500 MB db.json keeps it aside unread, in little memory, and the run starts from an empty store', async () => {
  const app = setOneKey();
  const file = path.join(app, '.fsdev/db.json');
  mkdirSync(path.dirname(file), { recursive: true });
  closeSync(openSync(file, 'w'));
  truncateSync(file, 500 * MB);
  // Before: the reset read the whole file to count its keys (1 GB resident).
  const { result, err } = await simulateJson(app, ['--fresh'], { timeoutMs: 60_000, nodeArgs: ['-r', peakProbe] });
  assert.equal(result.status, 'success', JSON.stringify(result.error));
  const aside = /kept as (\.fsdev\/db\.json\.unreadable-[\w-]+)/.exec(err)?.[1];
  assert.ok(aside, err);
  assert.match(err, /fsdev: --fresh: cleared \.fsdev\/db\.json \(0 \$db keys, 0 schedules; it is 500 MB, over the 16 MB limit; it was not read and was kept as /);
  assert.equal(statSync(path.join(app, aside)).size, 500 * MB);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).db), ['k']);
  assert.ok(peakMb(err) < 250, `peak resident memory of fsdev --fresh: ${peakMb(err)} MB`);
});

test('the store\'s bound, to the byte: a db.json one byte over 16 MB is refused; a write that would take it over is refused, the file unchanged', async () => {
  const { LocalDb, STORE_MAX_BYTES } = await loadTs('server/src/simulate/db.ts');
  const dir = tracked(mkdtempSync(path.join(tmpdir(), 'fsdev-bound-')));
  const file = path.join(dir, 'db.json');
  // Valid JSON of exactly limit + 1 bytes (whitespace after the value is allowed).
  const body = JSON.stringify({ version: 1, db: { a: { value: 1 } }, schedules: {} });
  writeFileSync(file, body + ' '.repeat(STORE_LIMIT + 1 - body.length));
  assert.throws(() => new LocalDb(file).set('k', 1), (e) => e.status === 500 && /is 16 MB, over fsdev's limit of 16 MB/.test(e.message));
  writeFileSync(file, body + ' '.repeat(STORE_LIMIT - body.length));
  assert.deepEqual(new LocalDb(file).get('a'), 1, 'at the limit, it is read');

  // Just under the limit once written as fsdev writes it; then a 39 KB value would take it over.
  const filler = 'x'.repeat(STORE_LIMIT - 30 * 1024);
  writeFileSync(file, JSON.stringify({ version: 1, db: { big: { value: filler } }, schedules: {} }, null, 2));
  const before = readFileSync(file);
  assert.throws(() => new LocalDb(file).set('more', 'y'.repeat(39 * 1024)), (e) => e.status === 500
    && e.message.startsWith(`This write would make ${file} 16 MB, over fsdev's limit of 16 MB for the local store; nothing was written.`));
  assert.ok(readFileSync(file).equals(before), 'the store is unchanged');
  assert.deepEqual(new LocalDb(file).set('small', 1), { Created: true }, 'a write that fits still works');
  assert.equal(STORE_MAX_BYTES, STORE_LIMIT, 'the limit the README documents');
});

test('a history.json over its bound is not read: kept aside byte for byte, and a new history starts', async () => {
  const history = await loadTs('server/src/simulate/history.ts');
  const app = tracked(mkdtempSync(path.join(tmpdir(), 'fsdev-history-')));
  const file = path.join(app, '.fsdev/history.json');
  mkdirSync(path.dirname(file), { recursive: true });
  // A valid history of 9 MB (over the 8 MB read bound, twice what fsdev writes): before, it was read and kept.
  const old = { id: 'old', status: 'success', logs: [], effects: { db: [], requests: [], schedules: [], targetUrls: [] } };
  const body = JSON.stringify({ version: 1, runs: [old] });
  writeFileSync(file, body + ' '.repeat(9 * MB - body.length));
  assert.deepEqual(await history.list(app), [], 'list() does not read it');
  assert.equal(await history.add(app, { ...old, id: 'new' }), undefined);
  assert.deepEqual((await history.list(app)).map((r) => r.id), ['new']);
  const aside = readdirSync(path.dirname(file)).filter((f) => f.startsWith('history.json.unreadable-'));
  assert.equal(aside.length, 1);
  assert.equal(statSync(path.join(path.dirname(file), aside[0])).size, 9 * MB);
});

test('secure iparams (secure: true, password, api_key) never land in history.json; the run itself gets the real values', async () => {
  const secret = 'sk_live_SECRET_VALUE_42';
  const app = tracked(makeApp('exports = { h: function (args) { return args.iparams.apiKey.length + ":" + args.iparams.region; } };\n', {
    files: {
      'config/iparams.json': {
        apiKey: { display_name: 'API key', type: 'text', secure: true, required: true },
        password: { display_name: 'Password', type: 'password' },
        region: { display_name: 'Region', type: 'dropdown', options: ['US', 'EU'], default_value: 'EU' },
      },
      'config/iparam_test_data.json': { apiKey: secret, password: `${secret}-pw`, region: 'US' },
    },
  }));
  const { result, code } = await simulateJson(app);
  assert.equal(code, 0, JSON.stringify(result.error));
  assert.equal(result.value, `${secret.length}:US`, 'the handler saw the real values');
  const history = readFileSync(path.join(app, '.fsdev/history.json'), 'utf8');
  assert.ok(!history.includes(secret), 'no secure value in history.json');
  const stored = JSON.parse(history);
  const entry = (Array.isArray(stored) ? stored : stored.runs ?? Object.values(stored).find(Array.isArray))[0];
  assert.deepEqual(entry.payload.iparams, { apiKey: '••••••••', password: '••••••••', region: 'US' });
});
