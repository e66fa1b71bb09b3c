// `fsdev check --format sarif | github`, end to end through the bundled CLI: the SARIF log validated with ajv
// against the essential structure of SARIF 2.1.0 (test/fixtures/sarif, our own schema; the official one too
// when FSDEV_SARIF_SCHEMA points at a copy), its locations resolving to the real files, and GitHub workflow
// annotations with their escaping.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const CLI = path.join(repoRoot, 'server/dist/cli.js');
const BROKEN = 'test/fixtures/apps/broken-app';

function fsdev(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('uri', (s) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s) => !/[\s%](?![0-9A-Fa-f]{2})/.test(s) && URL.canParse(s, 'file:///base/'));
  return ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/sarif/sarif-2.1.0-essentials.schema.json'), 'utf8')));
}

before(() => assert.ok(existsSync(CLI), 'server/dist/cli.js: run `npm run build` first'));

test('--format sarif: a SARIF 2.1.0 log that validates, one result per diagnostic, exit code as text', () => {
  const r = fsdev('check', BROKEN, '--format', 'sarif');
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const rows = JSON.parse(fsdev('check', BROKEN, '--json').stdout);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'fsdev');
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.equal(run.results.length, rows.length);
  const levels = { error: 'error', warning: 'warning', information: 'note', hint: 'none' };
  run.results.forEach((res, i) => {
    const row = rows[i];
    assert.equal(res.ruleId, row.code);
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule of ruleId');
    assert.equal(res.level, levels[row.severity]);
    assert.equal(res.message.text, row.message);
    const { artifactLocation, region } = res.locations[0].physicalLocation;
    assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
    assert.equal(artifactLocation.uri, `${BROKEN}/${row.file}`, 'relative to the working directory (the repository root in CI)');
    assert.deepEqual(region, { startLine: row.line, startColumn: row.column, endLine: row.endLine, endColumn: row.endColumn });
    const srcRoot = fileURLToPath(run.originalUriBaseIds['%SRCROOT%'].uri);
    assert.ok(existsSync(path.join(srcRoot, artifactLocation.uri)), `${artifactLocation.uri} resolves to a real file`);
  });
  // The validator can fail: a level SARIF does not have is refused.
  const bad = structuredClone(log);
  bad.runs[0].results[0].level = 'information';
  assert.equal(validate(bad), false);
});

test('--format sarif: every rule has a short and a full description, a help URI to its row and a default level; every result resolves to its rule', async () => {
  const { loadRules } = await import('../../scripts/rule-table.mjs');
  const registry = loadRules();
  const levels = { error: 'error', warning: 'warning', information: 'note', hint: 'none' };
  for (const [app, exit] of [['examples/crm-app', 0], [BROKEN, 1]]) {
    const r = fsdev('check', app, '--format', 'sarif');
    assert.equal(r.code, exit, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.ok(sarifValidator()(log));
    const { rules } = log.runs[0].tool.driver;
    assert.deepEqual(rules.map((x) => x.id), registry.map((x) => x.code), `${app}: every rule of the registry, in its order`);
    rules.forEach((rule, i) => {
      const meta = registry[i];
      assert.equal(rule.shortDescription.text, meta.short, rule.id);
      assert.equal(rule.fullDescription.text, meta.full, rule.id);
      assert.ok(rule.fullDescription.text.length > rule.shortDescription.text.length / 2, rule.id);
      assert.equal(rule.helpUri, `https://github.com/freshsales-devtools/freshsales-devtools#rule-${rule.id.replace(/\//g, '-')}`);
      assert.equal(rule.defaultConfiguration.level, levels[meta.severity], rule.id);
      assert.equal(rule.properties.source, meta.source, rule.id);
      assert.match(rule.name, /^[A-Z][A-Za-z0-9]+$/, rule.id);
    });
    for (const res of log.runs[0].results) {
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.ok(rules[res.ruleIndex].fullDescription, `${res.ruleId}: a rule with metadata, not a bare id`);
    }
    if (exit) assert.ok(log.runs[0].results.length >= 10, 'the broken app has findings');
  }
  // The README's anchors are where helpUri points.
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  for (const meta of registry) assert.ok(readme.includes(`<a id="rule-${meta.code.replace(/\//g, '-')}"></a>`), meta.code);
});

test('--format sarif on a clean app: a valid log with no results, exit 0', () => {
  const r = fsdev('check', 'test/fixtures/apps/v23-app', '--format=sarif');
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.ok(sarifValidator()(log));
  assert.deepEqual(log.runs[0].results, []);
});

test('the SARIF log also validates against the official schema when FSDEV_SARIF_SCHEMA points at it', { skip: !process.env.FSDEV_SARIF_SCHEMA && 'FSDEV_SARIF_SCHEMA not set' }, () => {
  // The official schema is draft-04 (`id`); ajv 8 reads it once the draft marker is dropped.
  const schema = JSON.parse(readFileSync(process.env.FSDEV_SARIF_SCHEMA, 'utf8'));
  delete schema.$schema;
  if (schema.id) { schema.$id = schema.id; delete schema.id; }
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false }).compile(schema);
  const log = JSON.parse(fsdev('check', BROKEN, '--format', 'sarif').stdout);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
});

test('--format github: one workflow command per diagnostic, paths from the working directory, then the summary', () => {
  const r = fsdev('check', BROKEN, '--format', 'github');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.pop(), `${BROKEN}: 9 error(s), 4 warning(s), 3 information, 1 hint(s).`);
  // No annotation for a hint (the editor does not list them): one line says it, as in the text format.
  assert.match(lines.pop(), /^1 hint payload-not-registered: server\/test_data\/onTaskCreate\.json: /);
  const rows = JSON.parse(fsdev('check', BROKEN, '--json').stdout).filter((row) => row.severity !== 'hint');
  assert.equal(lines.length, rows.length);
  const kinds = { error: 'error', warning: 'warning', information: 'notice' };
  lines.forEach((l, i) => {
    const row = rows[i];
    assert.equal(l, `::${kinds[row.severity]} file=${BROKEN}/${row.file},line=${row.line},endLine=${row.endLine},col=${row.column},endColumn=${row.endColumn},title=${row.code}::${row.message.replace(/%/g, '%25')}`);
  });
});

test('github annotations escape as the Actions toolkit does: %, CR, LF in data; also : and , in properties', async () => {
  const { toGithubAnnotations } = await loadTs('server/src/checkFormats.ts');
  const out = toGithubAnnotations([{ file: 'a,b:c.json', line: 1, column: 2, endLine: 1, endColumn: 3, severity: 'warning', code: 'x', message: '50% done\r\nnext: line, here' }],
    '/repo/app', '/repo');
  assert.equal(out, '::warning file=app/a%2Cb%3Ac.json,line=1,endLine=1,col=2,endColumn=3,title=x::50%25 done%0D%0Anext: line, here\n');
});

test('bad --format values and stray options: exit 2 with the choices, nothing on stdout', () => {
  for (const args of [['--format', 'xml'], ['--format'], ['--formats=sarif'], ['-f']]) {
    const r = fsdev('check', BROKEN, ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^fsdev check: (--format must be one of text, json, sarif, github|unknown option)/);
  }
  const two = fsdev('check', BROKEN, 'examples/crm-app');
  assert.equal(two.code, 2);
  assert.match(two.stderr, /one app folder at a time/);
});

test('the $fsdev problem matcher (package.json) reads every problem line of the text output, and not the summary', () => {
  const { problemMatchers } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes;
  const m = problemMatchers.find((x) => x.name === 'fsdev');
  const re = new RegExp(m.pattern.regexp);
  const out = fsdev('check', BROKEN).stdout.trimEnd().split('\n');
  const summary = out.pop();
  const rows = JSON.parse(fsdev('check', BROKEN, '--json').stdout).filter((row) => row.severity !== 'hint');
  const lines = out.filter((l) => l && !/^\d+ hints? /.test(l));
  assert.equal(lines.length, rows.length);
  lines.forEach((l, i) => {
    const g = re.exec(l);
    assert.ok(g, l);
    const row = rows[i];
    assert.deepEqual([g[m.pattern.file], +g[m.pattern.line], +g[m.pattern.column], g[m.pattern.code], g[m.pattern.message]],
      [row.file, row.line, row.column, row.code, row.message]);
    // VS Code knows error / warning / info; `information` must be captured as `info`.
    assert.equal(g[m.pattern.severity], { error: 'error', warning: 'warning', information: 'info' }[row.severity]);
  });
  assert.equal(re.exec(summary), null);
});
