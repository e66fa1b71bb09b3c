// fdk's lint in the language server (issue 16 item 1): a finding appears after didChange of server/server.js and
// goes when fixed; a file that does not parse gives one lint diagnostic; app/ files are linted as they are typed,
// also before their first save; requests are answered while a lint runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cleanupTemps, serverOn } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
async function open(name) { const s = await serverOn(name); clients.push(s.client); return s; }
const lintOf = (ds) => ds.filter((d) => /^(eslint|fdk)\//.test(String(d.code)));
const has = (code) => (ds) => ds.some((d) => d.code === code);

test('a lint finding appears after didChange of server.js (at its place, with its severity) and goes when fixed', async () => {
  const s = await open('v23-app');
  const file = s.f('server/server.js');
  const text = s.read('server/server.js');
  await s.client.open(file, text);
  const withDebugger = text.replace("    console.info('Installed on ' + args.domain);", "    debugger;\n    console.info('Installed on ' + args.domain);");
  await s.client.change(file, withDebugger);
  const ds = await s.client.waitForDiagnostics(file, has('eslint/no-debugger'), 15000);
  const d = ds.find((x) => x.code === 'eslint/no-debugger');
  assert.deepEqual(d.range.start, { line: 2, character: 4 });
  assert.equal(d.severity, 1, 'an error, as fdk configures no-debugger');
  await s.client.change(file, text);
  await s.client.waitForDiagnostics(file, (x) => !has('eslint/no-debugger')(x), 15000);
});

test('a server.js that does not parse gives one lint diagnostic, at the error, and the server goes on', async () => {
  const s = await open('v23-app');
  const file = s.f('server/server.js');
  const text = s.read('server/server.js');
  await s.client.open(file, text);
  await s.client.change(file, text.replace("console.info('Installed on ' + args.domain);", "console.info('Installed on ' + );"));
  const ds = await s.client.waitForDiagnostics(file, has('eslint/parse-error'), 15000);
  const lint = lintOf(ds);
  assert.equal(lint.length, 1, JSON.stringify(lint));
  assert.match(lint[0].message, /^Parsing error: Unexpected token \)/);
  assert.deepEqual(lint[0].range.start, { line: 2, character: 35 });
  const hover = await s.client.request('textDocument/hover', s.client.at(file, 0, 0));
  assert.ok(hover === null || typeof hover === 'object', 'the server still answers');
  assert.ok(s.client.alive);
});

test('app/ JavaScript is linted as it is typed, before its first save, with the app rules; completion answers meanwhile', async () => {
  const s = await open('v23-app');
  mkdirSync(s.f('app/scripts'), { recursive: true });
  const file = s.f('app/scripts/app.js');
  await s.client.open(file, 'var total = 0;\nfunction load() {\n  fetch("/x").then(function (r) { total = r; });\n}\nload();\n');
  const ds = await s.client.waitForDiagnostics(file, (x) => has('fdk/no-non-client-request-model')(x) && has('fdk/no-cross-scope-assign')(x), 15000);
  assert.deepEqual(lintOf(ds).map((d) => `${d.range.start.line + 1}:${d.code}`).sort(),
    ['3:fdk/no-cross-scope-assign', '3:fdk/no-non-client-request-model', '3:fdk/no-unhandled-promise']);
  const manifest = s.f('manifest.json');
  await s.client.open(manifest);
  await s.client.change(file, 'debugger;\n'.repeat(2000));
  const items = await s.client.request('textDocument/completion', s.client.at(manifest, 5, 10));
  assert.ok(items !== null);
  const cut = await s.client.waitForDiagnostics(file, has('eslint/too-many'), 15000);
  assert.equal(lintOf(cut).length, 101, 'capped at 100 findings and one summary line');
  assert.equal(path.basename(file), 'app.js');
});
