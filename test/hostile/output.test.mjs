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

// ── Output: app text with control characters and lines that fake a problem or a workflow command ──────────

/** OSC 52 (write the clipboard), CSI 2J (clear the screen), a C1 CSI, and three lines that fake ours. */
const EVIL = '\u001b]52;c;cHduZWQ=\u0007clip\u001b[2J\u009b2J\r\n::error file=server/server.js,line=1::pwned\n'
  + '  ##[error]old-style command\nserver/server.js:1:1 error fake-code injected problem';
const js = (s) => JSON.stringify(s);
const { pattern: { regexp: MATCHER } } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes.problemMatchers
  .find((m) => m.name === 'fsdev');
const matcher = new RegExp(MATCHER);

/** `fsdev …` on the repository's build (the cache off: these cases are about output). */
function fsdev(args, env = {}) {
  const r = spawnSync(process.execPath, [path.join(CLI_DIR, 'cli.js'), ...args],
    { encoding: 'utf8', timeout: 60000, env: { ...process.env, FSDEV_NO_CODE_CACHE: '1', NO_COLOR: '1', ...env } });
  assert.ok(!r.error, String(r.error));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Terminal text that holds app text: no control character but newline and tab, no line GitHub reads as a
 * workflow command, and no line the `$fsdev` problem matcher reads beyond the `ours` first ones.
 */
function assertInert(text, what, ours = 0) {
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text);
  assert.equal(raw, null, `${what}: a raw control character U+${raw?.[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal`);
  for (const line of text.split('\n')) {
    assert.doesNotMatch(line, /^\s*(::|##\[)/, `${what}: a line GitHub would run as a workflow command`);
  }
  const matched = text.split('\n').filter((l) => matcher.test(l));
  assert.equal(matched.length, ours, `${what}: lines the $fsdev problem matcher reads:\n${matched.join('\n')}`);
}

function evilCheckApp() {
  return app('exports = { h: function () {} };\n', {
    manifest: {
      'platform-version': '2.3',
      product: { freshworks_crm: { events: { [`on${EVIL}`]: { handler: 'h' }, onContactCreate: { handler: `h${EVIL}` } } } },
      engines: { node: '18.20.8', fdk: '9.6.0' },
    },
    files: { [`server/test_data/x${EVIL.replace(/\//g, '-')}.json`]: '{}' },
  });
}

test('fsdev check, text: app text is escaped visibly and starts no line; each problem is one matcher line', () => {
  const dir = evilCheckApp();
  const rows = JSON.parse(fsdev(['check', dir, '--json']).stdout);
  assert.ok(rows.some((r) => r.message.includes('\u001b]52')), 'the JSON output keeps the app text as it is (escaped by JSON)');
  assert.ok(rows.some((r) => r.file.includes('\u001b[2J')), 'the payload with control characters in its name was checked');
  const r = fsdev(['check', dir]);
  assert.equal(r.code, 1, r.stderr);
  assertInert(r.stdout, 'check text', rows.length);
  assert.ok(r.stdout.includes('\\x1b]52;c;cHduZWQ=\\x07clip\\x1b[2J\\x9b2J\\x0d\\x0a::error'), `visible escapes:\n${r.stdout}`);
});

test('fsdev check --format github: one workflow command per problem, app text inside it; sarif and json stay valid', () => {
  const dir = evilCheckApp();
  const rows = JSON.parse(fsdev(['check', dir, '--format', 'json']).stdout);
  const r = fsdev(['check', dir, '--format', 'github']);
  assert.equal(r.code, 1, r.stderr);
  const commands = r.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l));
  assert.equal(commands.length, rows.length, r.stdout);
  for (const c of commands) assert.match(c, /^::(error|warning|notice) file=[^:]*,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=[a-z-]+::/, c);
  assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stdout), false, 'no raw control character');
  assert.ok(r.stdout.includes('\\x1b]52;c;cHduZWQ=\\x07clip\\x1b[2J\\x9b2J%0D%0A::error'), r.stdout);
  const sarif = JSON.parse(fsdev(['check', dir, '--format', 'sarif']).stdout);
  assert.equal(sarif.runs[0].results.length, rows.length);
  assert.ok(sarif.runs[0].results.some((x) => x.message.text.includes(EVIL)), 'SARIF carries the text exactly, as JSON');
});

test('fsdev simulate: handler logs and its error message are escaped and start no line', () => {
  const dir = app(`exports = { h: function () { console.log(${js(EVIL)}); console.error(${js(`second ${EVIL}`)}); throw new Error(${js(EVIL)}); } };\n`);
  const r = fsdev(['simulate', 'onContactCreate', dir, '--offline']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^✘ onContactCreate \(freshworks_crm\) → h: failed/);
  assertInert(r.stdout + r.stderr, 'simulate text');
  assert.ok(r.stdout.includes('\\x1b]52;c;cHduZWQ=\\x07clip'), r.stdout);
  assert.match(r.stdout, /^\s*\\x3a:error file=server\/server\.js,line=1::pwned$/m, 'the fake command is shown, defused');
  const json = JSON.parse(fsdev(['simulate', 'onContactCreate', dir, '--offline', '--json']).stdout);
  assert.ok(json.logs.some((l) => l.message === EVIL), '--json keeps the log as it is');
});

/** `log`: the test itself also logs (to stdout, as under fdk: so not with --reporter junit, whose XML is there). */
function evilTestApp({ log = true } = {}) {
  return app('exports = { h: function () {} };\n', {
    files: {
      'test/evil.test.js': `describe(${js(`suite ${EVIL}`)}, function () {\n`
        + `  it(${js(`passes ${EVIL}`)}, function () { ${log ? `console.log(${js(EVIL)});` : ''} });\n`
        + `  it(${js(`fails ${EVIL}`)}, function () { throw new Error(${js(EVIL)}); });\n});\n`,
    },
  });
}

test('fsdev test: test names, logs and failure messages are escaped and start no line (spec)', () => {
  const r = fsdev(['test', evilTestApp(), '--no-payloads']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /1 passing/);
  assert.match(r.stdout, /1 failing/);
  assertInert(r.stdout + r.stderr, 'test spec');
  assert.ok(r.stdout.includes('\\x1b]52;c;cHduZWQ=\\x07clip'), r.stdout);
});

test('fsdev test --reporter junit: XML with no character XML forbids; logs on stderr escaped', () => {
  const r = fsdev(['test', evilTestApp({ log: false }), '--no-payloads', '--reporter', 'junit']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(r.stdout), false, 'only characters XML 1.0 allows');
  // mocha's xunit writes ESC as `&#x1B;`, a reference to a character XML 1.0 forbids as well.
  const ref = /&#(x0*([0-8bcef]|1[0-9a-f]|fffe|ffff)|0*([0-8]|1[124-9]|2\d|3[01]));/i.exec(r.stdout);
  assert.equal(ref, null, `a reference to a character XML 1.0 forbids: ${ref?.[0]}`);
  assert.match(r.stdout.trim(), /^<testsuite [^]*<\/testsuite>$/);
  assert.equal((r.stdout.match(/<testcase /g) ?? []).length, 2);
  assertInert(r.stdout + r.stderr, 'test junit');
});

// ── Hover: app names in markdown ──────────────────────────────────────────────────────────────────────────

test('hover: event and handler names from the app render as text — no link, image or HTML', async () => {
  const { startServer } = await import('../server/lspClient.mjs');
  const MarkdownIt = (await import('markdown-it')).default;
  const md = new MarkdownIt({ html: true, linkify: true });
  const NAME = '[click](https://evil.example/a) ![i](https://evil.example/i.png) <img src="https://evil.example/h.png"> https://evil.example/auto *x*';
  const dir = app('exports = { h: function () {} };\n', {
    manifest: {
      'platform-version': '2.3',
      product: { freshworks_crm: { events: { [`on${NAME}`]: { handler: 'h' }, onContactCreate: { handler: `h${NAME}` } } } },
      engines: { node: '18.20.8', fdk: '9.6.0' },
    },
  });
  const manifest = path.join(dir, 'manifest.json');
  const text = readFileSync(manifest, 'utf8');
  const client = await startServer({ rootDir: dir });
  try {
    await client.open(manifest, text);
    for (const needle of [`"on${NAME.slice(0, 6)}`, `"h${NAME.slice(0, 6)}`]) {
      const offset = text.indexOf(needle) + 3;
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      const h = await client.request('textDocument/hover', client.at(manifest, line, offset - (before.lastIndexOf('\n') + 1)));
      assert.ok(h?.contents?.value, `a hover at ${needle}`);
      const html = md.render(h.contents.value);
      assert.doesNotMatch(html, /<a |<img /, `rendered:\n${html}`);
      assert.ok(html.includes('https://evil.example/auto'), `the name is shown as text:\n${html}`);
      assert.ok(html.includes('&lt;img src=&quot;https://evil.example/h.png&quot;&gt;'), `the HTML is shown as text:\n${html}`);
    }
  } finally {
    await client.stop();
  }
});

// ── Empty option values ───────────────────────────────────────────────────────────────────────────────────

test('empty option values (`--node ""`, `--payload=`, `--min ""`, …): a usage error, exit 2, never a stack trace', () => {
  const dir = app('exports = { h: function () {} };\n');
  for (const args of [
    ['simulate', 'onContactCreate', dir, '--node', ''],
    ['simulate', 'onContactCreate', dir, '--node='],
    ['simulate', 'onContactCreate', dir, '--node', '  '],
    ['simulate', 'onContactCreate', dir, '--payload='],
    ['simulate', 'onContactCreate', dir, '--product', ''],
    ['test', dir, '--min', ''],
    ['test', dir, '--timeout='],
  ]) {
    const r = fsdev(args);
    const what = `fsdev ${args.map((a) => a === dir ? '<app>' : JSON.stringify(a)).join(' ')}`;
    assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    const flag = args.find((a) => a.startsWith('--')).replace(/=.*/, '');
    assert.match(r.stderr, new RegExp(`^fsdev (simulate|test): ${flag} needs a value`), `${what}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: a stack trace`);
  }
});
