// fdk's lint (issue 16 item 1): the custom rules of eslint-plugin/ (ESLint's RuleTester), fdk's rule set and
// thresholds as lintText applies them, fdk's minified-file test, the bounds (parse error, size, binary, cap,
// deadline) and the registry entries of the lint rules.
import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const require = createRequire(import.meta.url);
const { RuleTester } = require('eslint');
const plugin = require(path.join(repoRoot, 'eslint-plugin/index.js'));
const { lintText } = await loadTs('server/src/lint/lintText.ts', { mainFields: ['main'] });
const { LintPool } = await loadTs('server/src/lint/lintPool.ts');
const { looksMinified, lintRules } = await loadTs('server/src/core/lintRules.ts');

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;
const tester = new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'script' } });
const settings = (file, manifest = {}, more = {}) => ({ fdk: { file, manifest, ...more } });
const inApp = (code, manifest) => ({ code, filename: 'app/scripts/app.js', settings: settings('app/scripts/app.js', manifest) });
const inServer = (code, manifest, more) => ({ code, filename: 'server/server.js', settings: settings('server/server.js', manifest, more) });

tester.run('no-unhandled-promise', plugin.rules['no-unhandled-promise'], {
  valid: [
    inApp('p.then(a, b);'), inApp('p.catch(e => handle(e));'), inApp('$db.get("k").fail(function (e) { x(e); });'),
    inApp('client.request.get(u).then(ok, bad);'), inApp('const r = client.request.get(u);'), inServer('async function f() { await $db.get("k"); }'),
  ],
  invalid: [
    { ...inApp('p.then(a);'), errors: [{ message: 'Expected rejection to be handled.', line: 1, column: 1 }] },
    { ...inApp('client.request.get(u);'), errors: [{ messageId: 'unhandled' }] },
    { ...inServer('$db.set("k", v).done(function () {});'), errors: [{ messageId: 'unhandled' }] },
    { ...inApp('p.then(a).catch(b, c);'), errors: [{ messageId: 'unhandled' }] },
  ],
});

tester.run('no-logging-rejections', plugin.rules['no-logging-rejections'], {
  valid: [inApp('p.catch(function (e) { notify(e); });'), inApp('p.catch(function (e) { console.log(e); retry(); });'), inApp('p.then(a, e => reject(e));')],
  invalid: [
    { ...inApp('p.catch(function (e) { console.error(e); });'), errors: [{ message: 'refrain from simply logging errors.', column: 9 }] },
    { ...inApp('p.then(ok, e => console.log(e));'), errors: [{ messageId: 'onlyLogs', column: 12 }] },
    { ...inApp('p.fail(e => logger.warn(e));'), errors: [{ messageId: 'onlyLogs' }] },
  ],
});

const v22 = { 'platform-version': '2.2', 'whitelisted-domains': ['https://*.freshsales.io', 'https://api.example.com'] };
tester.run('no-unlisted-url', plugin.rules['no-unlisted-url'], {
  valid: [
    inApp('var u = "https://acme.freshsales.io/api/contacts";', v22), inApp('var u = "https://api.example.com/v1";', v22),
    inApp('var u = "not a url"; var p = "/relative/path"; var h = "localhost:3000";', v22),
    inApp('var u = "https://other.com/x";', { 'platform-version': '3.0' }),
    inServer('var u = "https://other.com/x";', v22),
  ],
  invalid: [{ ...inApp('var u = "https://other.com/x";', v22), errors: [{ message: '"https://other.com/x" is not whitelisted in manifest.' }] },
    { ...inApp('var m = "mailto:someone@mail.example.org";', v22), errors: 1 }],
});

tester.run('no-non-client-request-model', plugin.rules['no-non-client-request-model'], {
  valid: [inApp('client.request.get(u);'), inServer('fetch(u); axios.get(u);'), inApp('obj.get(u); $.each(a, f);')],
  invalid: [
    { ...inApp('fetch(u);'), errors: [{ message: 'Use client.request when making API requests' }] },
    { ...inApp('axios.post(u, b);'), errors: 1 },
    { ...inApp('$.ajax({ url: u });'), errors: 1 },
    { ...inApp('var x = new XMLHttpRequest();'), errors: 1 },
  ],
});

tester.run('no-cross-scope-assign', plugin.rules['no-cross-scope-assign'], {
  valid: [inApp('function f(a) { a = 1; var b; b = 2; }'), inApp('var t; t = 1;'), inServer('var t; function f() { t = 1; }')],
  invalid: [
    { ...inApp('var total = 0; function f() { client.request.get(u).then(function (r) { total = r; }, g); }'),
      errors: [{ message: "'total' declared and assigned in different scopes. Possible asynchronous race condition." }] },
    { ...inApp('function f() { x = 1; var x; }'), errors: 1 },
  ],
});

const deps = { 'platform-version': '2.2', dependencies: { axios: '1.6.0', lodash: '4.17.21' } };
tester.run('no-dependency-mismatch', plugin.rules['no-dependency-mismatch'], {
  valid: [
    { ...inServer('const a = require("axios"); const f = require("lodash/fp"); const l = require("./lib");', deps), options: [['require']] },
    { ...inServer('const a = require("axios");', deps, { reportUnused: true, requiredElsewhere: ['lodash'] }), options: [['require']] },
    { ...inApp('const m = require("moment");', deps), options: [['require']] },
  ],
  invalid: [
    { ...inServer('const m = require("moment");\nconst fs = require("fs");', deps), options: [['require']],
      errors: [{ message: "'moment' is not listed in manifest.", line: 1 }, { message: "'fs' is not listed in manifest.", line: 2 }] },
    { ...inServer('const a = require("axios");', deps, { reportUnused: true }), options: [['require']],
      errors: [{ message: 'The following dependencies are not used: lodash', line: 1 }] },
  ],
});

const codes = (r) => r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}:${d.severity}`);
const server = (text, manifest = {}) => lintText('server/server.js', text, { manifest });
// Indented, as people write code: fdk's not-minified rules apply.
const fn = (body) => `exports = {\n  handler: function (args) {\n${body}\n    return args;\n  }\n};\n`;

test("fdk's thresholds: complexity over 7 and callbacks nested over 4 are warnings, not 7 and 4", () => {
  const branches = (n) => Array.from({ length: n }, (_, i) => `    if (args.a${i}) args.b = ${i};`).join('\n');
  assert.deepEqual(codes(server(fn(branches(6)))), [], 'complexity 7: no finding');
  assert.deepEqual(codes(server(fn(branches(7)))), ['2:eslint/complexity:warning']);
  const nest = (n) => `${'    f(function () {\n'.repeat(n)}    g();\n${'    });\n'.repeat(n)}`;
  assert.deepEqual(codes(server(fn(nest(4)))), []);
  assert.deepEqual(codes(server(fn(nest(5)))).filter((c) => c.includes('nested')), ['7:eslint/max-nested-callbacks:warning']);
});

test("fdk's severities: the errors and warnings it configures, each under its eslint/ code", () => {
  const r = server(fn([
    '    var unused = 1;', '    debugger;', '    eval("1");', '    alert("x");', '    var c = arguments.callee;', '    var e = process.env.X;',
    '    f(function (err, data) { return data; });', '    c(e);', '    function empty() {}', '    empty();',
  ].join('\n')));
  assert.deepEqual(codes(r), ['3:eslint/no-unused-vars:error', '4:eslint/no-debugger:error', '5:eslint/no-eval:error', '6:eslint/no-alert:error',
    '7:eslint/no-caller:warning', '8:eslint/no-process-env:warning', '9:eslint/handle-callback-err:warning', '11:eslint/no-empty-function:error']);
  assert.deepEqual(codes(server('function f() {\n  return 1;\n  f();\n}\nf();\n')), ['3:eslint/no-unreachable:error']);
  assert.deepEqual(codes(server('debugger; // eslint-disable-line no-debugger\n/* eslint-disable */\neval("1");\n')), [], 'eslint-disable comments are honoured, as fdk honours them');
});

test('no-unused-vars as fdk configures it: locals only (not top-level script variables), caught errors not reported', () => {
  assert.deepEqual(codes(server('var topLevel = 1;\nfunction g() {\n  try { g(); } catch (e) { return 1; }\n}\n')), []);
  assert.deepEqual(codes(server('function g(a, b) {\n  var local = 1;\n  return a;\n}\n')), ['1:eslint/no-unused-vars:error', '2:eslint/no-unused-vars:error'],
    'b: an argument after the last used one (ESLint\'s args: after-used, as in fdk)');
});

test("fdk's minified-file test: fewer than 20 % of lines indented (comments removed first) keeps off the not-minified rules", () => {
  assert.equal(looksMinified('function a(){var b=1}function c(){}\n'), true);
  assert.equal(looksMinified('function a() {\n  var b = 1;\n}\n'), false);
  assert.equal(looksMinified('/*\n  a\n  b\n  c\n*/\nx();\ny();\n'), true, 'indented comment lines do not count');
  const minified = 'function a(){var unused=1}function c(){}a();c();\n';
  assert.deepEqual(codes(lintText('app/lib/vendor.min.js', minified, { manifest: {} })), []);
  // fdk counts the empty line after the last line break: 1 indented line of 6 is 16.7 %, minified; 2 of 7 are not.
  assert.equal(looksMinified('function a() {\n  return 2;\n}\nfunction c() {}\na(c);\n'), true);
  const readable = 'function a() {\n  var unused = 1;\n  return 2;\n}\nfunction c() {}\na(c);\n';
  assert.equal(looksMinified(readable), false);
  assert.deepEqual(codes(lintText('app/lib/readable.js', readable, { manifest: {} })), ['2:eslint/no-unused-vars:error', '5:eslint/no-empty-function:error']);
});

test('current JavaScript parses (async, ?., spread, class fields); a parse error is one diagnostic at its place', () => {
  assert.deepEqual(codes(server('exports = {\n  h: async function (a) {\n    const x = { ...a, y: a?.b ?? 1 };\n    await x;\n  }\n};\nclass K { #p = 1; get() { return this.#p; } }\nnew K().get();\n')), []);
  const r = server('exports = {\n  h: function (a) {\n    return a +;\n  }\n};\nvar x = ;\n');
  assert.equal(r.diagnostics.length, 1);
  const [d] = r.diagnostics;
  assert.equal(d.code, 'eslint/parse-error');
  assert.equal(d.severity, 'error');
  assert.match(d.message, /^Parsing error: Unexpected token ;/);
  assert.deepEqual(d.range.start, { line: 2, character: 14 });
});

test('app/ files get the app rules (no-cross-scope-assign), server/ files the server ones (no-dependency-mismatch)', () => {
  const code = 'var t;\nfunction f() {\n  t = require("moment");\n}\nf();\n';
  assert.deepEqual(codes(lintText('app/app.js', code, { manifest: {} })), ['3:fdk/no-cross-scope-assign:warning']);
  assert.deepEqual(codes(lintText('server/lib/a.js', code, { manifest: {} })), ['3:fdk/no-dependency-mismatch:error']);
});

test('bounds: a binary or over-5 MB file is skipped with one information; findings over 100 are cut with a summary', () => {
  const bin = lintText('server/server.js', 'abc\u0000\u0001\u0002def', { manifest: {} });
  assert.deepEqual(codes(bin), ['1:eslint/skipped:information']);
  assert.match(bin.diagnostics[0].message, /binary/);
  const big = lintText('app/big.js', `var a = 1;\n${'x'.repeat(5 * 1024 * 1024)}`, { manifest: {} });
  assert.deepEqual(codes(big), ['1:eslint/skipped:information']);
  assert.match(big.diagnostics[0].message, /over 5 MB/);
  const many = lintText('server/server.js', Array.from({ length: 150 }, (_, i) => `debugger; // ${i}`).join('\n'), { manifest: {} });
  assert.equal(many.diagnostics.length, 101);
  assert.equal(many.diagnostics[100].code, 'eslint/too-many');
  assert.match(many.diagnostics[100].message, /150 in this file, only the first 100 are listed/);
  assert.equal(many.diagnostics[100].range.start.line, 100);
});

test('the deadline: a lint that runs past it ends its worker thread, gives one information, and the next file gets a fresh worker', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-lint-'));
  try {
    const script = path.join(dir, 'hang.js');
    // A worker that starts on the file and never answers: what a pathological input does to ESLint, which
    // cannot be interrupted.
    writeFileSync(script, "const { parentPort } = require('node:worker_threads');\nparentPort.on('message', (m) => { parentPort.postMessage({ id: m.id, started: true }); for (;;) {} });\n");
    const pool = new LintPool(script, 300);
    const started = performance.now();
    const [a, b] = await Promise.all([pool.lint('server/server.js', 'x', { manifest: {} }), pool.lint('app/app.js', 'y', { manifest: {} })]);
    assert.deepEqual(codes(a), ['1:eslint/skipped:information']);
    assert.match(a.diagnostics[0].message, /server\/server\.js was not linted: its lint took over 0\.3 s/);
    assert.match(b.diagnostics[0].message, /app\/app\.js was not linted/, 'the second file ran in a fresh worker, under its own deadline');
    assert.ok(performance.now() - started < 20_000);
    pool.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the registry: every lint rule has its code, and the short description is the ESLint rule's meta.docs.description", () => {
  const { builtinRules: builtin } = require('eslint/use-at-your-own-risk');
  for (const [name, rule] of Object.entries(lintRules)) {
    if (['parse-error', 'skipped', 'cut'].includes(name)) continue;
    const source = plugin.rules[name] ?? builtin.get(name);
    assert.ok(source, name);
    assert.equal(rule.short, `${source.meta.docs.description}.`, name);
    assert.equal(rule.code, `${plugin.rules[name] ? 'fdk' : 'eslint'}/${name}`);
  }
  const configured = Object.values(plugin.ruleSets).flatMap((s) => Object.keys(s)).map((r) => r.replace(/^fdk\//, '')).sort();
  assert.deepEqual(configured, Object.keys(lintRules).filter((n) => !['parse-error', 'skipped', 'cut'].includes(n)).sort());
});

test("configs.recommended in a user's own ESLint: the custom rules read the manifest.json nearest above the file", () => {
  const { Linter } = require('eslint');
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-lint-cfg-'));
  try {
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ 'platform-version': '2.2', dependencies: { axios: '1.6.0' } }));
    const linter = new Linter({ cwd: dir });
    const messages = linter.verify('const a = require("axios");\nconst m = require("moment");\nexports = { h: function () { return [a, m]; } };\n',
      plugin.configs.recommended, { filename: path.join(dir, 'server/server.js') });
    assert.deepEqual(messages.map((m) => `${m.line}:${m.ruleId}:${m.message}`), ["2:fdk/no-dependency-mismatch:'moment' is not listed in manifest."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lint walks an app\'s files in code-unit order, whatever the locale (localeCompare would put Zeta.js last)', async () => {
  const { listLintFiles } = await loadTs('server/src/lint/appLint.ts');
  const { sortDiagnostics } = await loadTs('server/src/core/diagnoseApp.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-lint-order-'));
  try {
    mkdirSync(path.join(dir, 'server'));
    for (const f of ['alpha.js', 'a_b.js', 'Zeta.js', 'a-b.js', 'server.js']) writeFileSync(path.join(dir, 'server', f), '');
    const expected = ['server/Zeta.js', 'server/a-b.js', 'server/a_b.js', 'server/alpha.js'];
    assert.deepEqual(listLintFiles(dir).files, [...expected, 'server/server.js'], 'server.js last, the others by code unit');
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const sorted = sortDiagnostics([...expected].reverse().map((file) => ({ file, range: at, severity: 'error', message: '', code: 'x' })));
    assert.deepEqual(sorted.map((d) => d.file), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
