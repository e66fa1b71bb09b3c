// `fsdev check` lints app/ and server/ JavaScript as fdk validate does (issue 16 item 1), in every format, through
// the built CLI (server/dist/cli.js and the lint worker beside it; `npm run build` first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

const CLI = path.join(repoRoot, 'server/dist/cli.js');
let tmp; let app;
before(() => {
  for (const f of ['server/dist/cli.js', 'server/dist/cli-main.js', 'server/dist/lintWorker.js']) assert.ok(existsSync(path.join(repoRoot, f)), `${f}: run \`npm run build\` first`);
  tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-lint-cli-'));
  app = path.join(tmp, 'crm');
  cpSync(path.join(repoRoot, 'examples/crm-app'), app, { recursive: true, filter: (src) => path.basename(src) !== '.fsdev' });
  const script = path.join(app, 'server/server.js');
  writeFileSync(script, readFileSync(script, 'utf8').replace(/onContactCreateHandler: async function \(args\) \{/, 'onContactCreateHandler: async function (args) {\n    debugger;'));
  mkdirSync(path.join(app, 'app/scripts'), { recursive: true });
  writeFileSync(path.join(app, 'app/scripts/app.js'), 'function load() {\n  client.request.get("https://x.example.com/a").then(function (r) {\n    render(r);\n  });\n}\nload();\n');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const fsdev = (...args) => spawnSync(process.execPath, [CLI, 'check', app, ...args], { encoding: 'utf8', timeout: 60_000 });
const debuggerLine = () => readFileSync(path.join(app, 'server/server.js'), 'utf8').split('\n').findIndex((l) => l.trim() === 'debugger;') + 1;

test('text: one line per finding with its eslint/ or fdk/ code; a lint error fails the check', () => {
  const r = fsdev();
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^server/server\\.js:${debuggerLine()}:5 error eslint/no-debugger Unexpected 'debugger' statement\\.$`, 'm'));
  assert.match(r.stdout, /^app\/scripts\/app\.js:2:3 warning fdk\/no-unhandled-promise Expected rejection to be handled\.$/m);
});

test('json, sarif and github carry the same findings', () => {
  const rows = JSON.parse(fsdev('--format', 'json').stdout);
  assert.ok(rows.some((x) => x.code === 'eslint/no-debugger' && x.file === 'server/server.js' && x.line === debuggerLine() && x.severity === 'error'));
  assert.ok(rows.some((x) => x.code === 'fdk/no-unhandled-promise' && x.file === 'app/scripts/app.js' && x.line === 2));
  const sarif = JSON.parse(fsdev('--format', 'sarif').stdout);
  const results = sarif.runs[0].results;
  assert.ok(results.some((x) => x.ruleId === 'eslint/no-debugger' && x.level === 'error'));
  assert.ok(sarif.runs[0].tool.driver.rules.some((x) => x.id === 'fdk/no-unhandled-promise'));
  const gh = fsdev('--format', 'github').stdout;
  assert.match(gh, /^::error file=.*server\/server\.js,line=\d+,.*title=eslint\/no-debugger::Unexpected 'debugger' statement\.$/m);
  assert.match(gh, /^::warning file=.*app\/scripts\/app\.js,line=2,.*title=fdk\/no-unhandled-promise::/m);
});

test('the example app as shipped has no lint finding', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', path.join(repoRoot, 'examples/crm-app'), '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
  assert.deepEqual(JSON.parse(r.stdout).filter((x) => /^(eslint|fdk)\//.test(x.code)), []);
});
