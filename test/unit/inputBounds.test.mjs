// Bad input gets a clear message, fast, and the same answer in check, the language server and simulate
// (issue 13: D3, D8, D12, D14, D15 and the smaller items). `fsdev check` runs as a process (the bundled CLI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const CLI = path.join(repoRoot, 'server/dist/cli.js');
if (!existsSync(CLI)) {
  buildSync({ entryPoints: [path.join(repoRoot, 'server/src/cli.ts')], outfile: CLI, bundle: true, platform: 'node', target: 'node18',
    format: 'cjs', mainFields: ['module', 'main'], logLevel: 'silent' });
}
const check = (dir) => {
  const r = spawnSync(process.execPath, [CLI, 'check', dir, '--json'], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, rows: r.stdout ? JSON.parse(r.stdout) : [], stderr: r.stderr };
};
const MANIFEST = { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } }, engines: { node: '18.20.8', fdk: '9.6.0' } };
function app(files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-bounds-'));
  for (const [rel, content] of Object.entries({ 'manifest.json': MANIFEST, 'server/server.js': 'exports = {\n  h: function (args) { return args.data; }\n};\n', 'config/iparams.json': '{}\n', ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

test('D3: a binary server.js is said to be binary at once; a garbage one is parsed within the budget', async () => {
  const { parseServerScript, LOOSE_PARSE_BUDGET_MS } = await loadTs('server/src/core/serverScript.ts');
  const binary = parseServerScript(randomBytes(256 * 1024).toString('latin1'));
  assert.match(binary.syntaxError.message, /looks like binary data/);
  // Punctuation soup (no control characters): before the bound, 64 KB took 6 s and 256 KB 71 s.
  const garbage = Array.from({ length: 256 * 1024 }, (_, i) => '}{)(=>;,.'[(i * 7919) % 9]).join('');
  const t = Date.now();
  const r = parseServerScript(garbage);
  const ms = Date.now() - t;
  assert.ok(r.syntaxError);
  // Generous for a loaded machine: the budget is LOOSE_PARSE_BUDGET_MS, the unbounded parse took over a minute.
  assert.ok(ms < 40 * LOOSE_PARSE_BUDGET_MS, `took ${ms} ms`);
  const huge = parseServerScript(`exports = {};\n${' '.repeat(3 * 1024 * 1024)}`);
  assert.match(huge.syntaxError.message, /over 2 MB are not checked/);
  // A binary server.js in check: one clear error, exit 1.
  const c = check(app({ 'server/server.js': randomBytes(64 * 1024) }));
  assert.equal(c.code, 1, c.stderr);
  assert.ok(c.rows.some((d) => d.code === 'server-script-unparsable' && /binary data/.test(d.message)));
});

test('D8: a payload that cannot be read is a diagnostic on that file; check exits 1, not 2 with a stack trace', () => {
  const dir = app({});
  mkdirSync(path.join(dir, 'server/test_data/folder'), { recursive: true });
  symlinkSync(path.join(dir, 'server/test_data/folder'), path.join(dir, 'server/test_data/onContactCreate.json'));
  const c = check(dir);
  assert.equal(c.code, 1, c.stderr);
  assert.equal(c.stderr, '');
  const d = c.rows.find((x) => x.code === 'file-unreadable');
  assert.equal(d.file, 'server/test_data/onContactCreate.json');
  assert.match(d.message, /could not be read: EISDIR/);
});

test('D12: check reports a payload linked out of the app, as simulate refuses it (one rule)', () => {
  const secret = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-secret-')), 'shadow');
  writeFileSync(secret, 'root:SECRETHASH\n');
  const dir = app({});
  mkdirSync(path.join(dir, 'server/test_data'), { recursive: true });
  symlinkSync(secret, path.join(dir, 'server/test_data/onContactCreate.json'));
  const c = check(dir);
  const d = c.rows.find((x) => x.code === 'file-unreadable');
  assert.match(d.message, /is a link to .*outside the app/);
  assert.doesNotMatch(JSON.stringify(c.rows), /SECRETHASH/);
});

test('D14: duplicated platform-version and product keys get a diagnostic; the last one counts, as in JSON.parse', () => {
  const text = `{
  "platform-version": "3.0",
  "platform-version": "2.3",
  "product": { "freshsales": { "events": {} } },
  "product": { "freshworks_crm": { "events": { "onContactCreate": { "handler": "h" } } } },
  "engines": { "node": "18.20.8", "fdk": "9.6.0" }
}
`;
  const c = check(app({ 'manifest.json': text }));
  const dups = c.rows.filter((d) => d.code === 'duplicate-key');
  assert.deepEqual(dups.map((d) => d.line), [2, 4]);
  assert.match(dups[0].message, /given again on line 3: JSON.parse .* keeps the last one/);
  // The last platform-version (2.3) and product (freshworks_crm) were read: nothing else is wrong.
  assert.deepEqual(c.rows.filter((d) => d.severity === 'error'), []);
});

test('D14: for an event registered twice, the simulator plans the last registration, as the platform keeps', async () => {
  const { planRun } = await loadTs('server/src/simulate/plan.ts');
  const text = '{ "platform-version": "2.3", "product": { "freshworks_crm": { "events": {\n'
    + '  "onContactCreate": { "handler": "first" },\n  "onContactCreate": { "handler": "second" } } } } }';
  const p = await planRun({ appDir: app({ 'manifest.json': text }), event: 'onContactCreate' });
  assert.equal(p.ok, true, p.reason);
  assert.equal(p.plan.handler, 'second');
});

test('D15: a manifest nested 10,000 levels deep but valid: no false json-syntax in check, no stack overflow in simulate', async () => {
  const deep = `${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}`;
  const text = JSON.stringify(MANIFEST).replace(/}$/, `, "x": ${deep} }`);
  JSON.parse(text); // valid
  const dir = app({ 'manifest.json': text });
  const c = check(dir);
  assert.deepEqual(c.rows.filter((d) => d.code === 'json-syntax'), []);
  assert.ok(c.rows.some((d) => d.code === 'nesting-too-deep'));
  const { planRun } = await loadTs('server/src/simulate/plan.ts');
  const p = await planRun({ appDir: dir, event: 'onContactCreate' });
  assert.equal(p.ok, true, p.reason);
  assert.equal(p.plan.handler, 'h');
});

test('a UTF-8 BOM in manifest.json: an error in check and not runnable in simulate (JSON.parse, which fdk uses, rejects it)', async () => {
  const dir = app({ 'manifest.json': `\ufeff${JSON.stringify(MANIFEST)}` });
  const c = check(dir);
  assert.equal(c.code, 1);
  assert.ok(c.rows.some((d) => d.severity === 'error' && d.file === 'manifest.json'), JSON.stringify(c.rows));
  const { planRun } = await loadTs('server/src/simulate/plan.ts');
  const p = await planRun({ appDir: dir, event: 'onContactCreate' });
  assert.equal(p.ok, false);
  assert.match(p.reason, /byte order mark/);
});

test('odd manifests: a top-level array, "product": [] and a null product are errors, not silence', () => {
  const arr = check(app({ 'manifest.json': `[${JSON.stringify(MANIFEST)}]` }));
  assert.equal(arr.code, 1);
  assert.ok(arr.rows.some((d) => d.code === 'manifest-not-object' && /must be a JSON object .* not an array/.test(d.message)), JSON.stringify(arr.rows));
  const empty = check(app({ 'manifest.json': { ...MANIFEST, product: [] } }));
  assert.ok(empty.rows.some((d) => d.code === 'manifest-shape' && /"product" must be an object .* not an array/.test(d.message)), JSON.stringify(empty.rows));
  const nul = check(app({ 'manifest.json': { ...MANIFEST, product: null } }));
  assert.ok(nul.rows.some((d) => d.code === 'manifest-shape' && /not null/.test(d.message)));
  const nulScope = check(app({ 'manifest.json': { ...MANIFEST, product: { freshworks_crm: null } } }));
  assert.ok(nulScope.rows.some((d) => d.code === 'manifest-shape' && /"product.freshworks_crm" must be an object/.test(d.message)));
});
