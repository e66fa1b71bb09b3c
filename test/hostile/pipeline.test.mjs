// The app model that checks, simulation and tests share (core/appSource.ts, core/diagnoseApp.ts), against
// hostile files: config/ JSON nested far beyond what a recursive parser's stack takes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadTs } from '../helpers/loadCore.mjs';
import { makeApp } from '../simulate/helpers.mjs';

const { loadAppFiles, readAppFile } = await loadTs('server/src/appFiles.ts');
const { diagnoseApp } = await loadTs('server/src/core/diagnoseApp.ts');
const { planTests } = await loadTs('server/src/testing/testRun.ts');
const { planRun } = await loadTs('server/src/simulate/plan.ts');

const temps = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });
const app = (...a) => { const dir = makeApp(...a); temps.push(dir); return dir; };

const SCRIPT = 'exports = { h: function (args) { console.log(args.iparams.region); } };\n';
const DEEP = `{ "region": { "display_name": "Region", "type": "text", "default_value": "EU" }, "x": ${'['.repeat(100000)}${']'.repeat(100000)} }`;

test('config/*.json nested 100,000 deep: check warns on the file, fsdev test and the Testing view plan their run, a simulation gets the iparams; no stack overflow', async () => {
  const dir = app(SCRIPT, { files: { 'config/iparams.json': DEEP, 'config/requests.json': DEEP, 'test/a.test.js': "it('a', () => {});\n",
    'server/test_data/onContactCreate.json': { data: {} } } });
  const { diagnostics } = diagnoseApp(await loadAppFiles(dir), (p) => readAppFile(dir, p));
  assert.deepEqual(diagnostics.filter((d) => d.code === 'nesting-too-deep').map((d) => d.file), ['config/iparams.json', 'config/requests.json']);
  const planned = await planTests(dir, { payloads: 'both' });
  assert.ok('plan' in planned, JSON.stringify(planned));
  assert.deepEqual(planned.plan.payloadTests.map((t) => t.file), ['server/test_data/onContactCreate.json']);
  const run = await planRun({ appDir: dir, event: 'onContactCreate' });
  assert.ok(run.ok, run.reason);
  assert.deepEqual(run.plan.iparams, { region: 'EU' }, 'the default_value before the deep part is read');
});
