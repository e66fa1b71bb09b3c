// `fsdev fuzz` end to end through the built CLI (server/dist/cli.js; `npm run build` first): exit 0 / 1 / 2,
// the --json object, the human report with the error's location and the saved payload, a seed that replays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

const CLI = path.join(repoRoot, 'server/dist/cli.js');
let tmp;
before(() => {
  for (const f of ['server/dist/cli.js', 'server/dist/cli-main.js', 'server/dist/runner.js']) assert.ok(existsSync(path.join(repoRoot, f)), `${f}: run \`npm run build\` first`);
  tmp = mkdtempSync(path.join(tmpdir(), 'fsdev-fuzz-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function fsdev(args, cwd) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A copy of the example app, its onContactCreate handler replaced when `handler` is given. */
function exampleApp(name, handler) {
  const dir = path.join(tmp, name);
  // Without the example's own .fsdev/ (`npm start` simulates it there): the tests look at what fuzz writes.
  cpSync(path.join(repoRoot, 'examples/crm-app'), dir, { recursive: true, filter: (src) => path.basename(src) !== '.fsdev' });
  if (handler) {
    const file = path.join(dir, 'server/server.js');
    const src = readFileSync(file, 'utf8').replace(/onContactCreateHandler: async function \(args\) \{/, `onContactCreateHandler: async function (args) {\n    ${handler}`);
    writeFileSync(file, src);
  }
  return dir;
}

test('exit 0 and one JSON object when nothing fails (the example app\'s onContactCreate)', async () => {
  const dir = exampleApp('ok');
  const r = await fsdev(['fuzz', 'onContactCreate', '--runs', '40', '--seed', '4', '--json'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'passed');
  assert.equal(out.runs, 40);
  assert.equal(out.seed, 4);
  assert.equal(out.fromSchema, true);
  assert.ok(Number.isInteger(out.durationMs) && out.durationMs > 0);
  assert.equal(out.failure, undefined);
  assert.ok(!existsSync(path.join(dir, '.fsdev')), 'no state written');
});

test('exit 1: the failure with its error location, the shrunk payload and where it was saved; the seed replays', async () => {
  const dir = exampleApp('bad', "var label = args.data.contact.job_title.value.toUpperCase();");
  const r = await fsdev(['fuzz', 'onContactCreate', dir, '--seed', '12', '--json'], tmp);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'failed');
  assert.deepEqual(Object.keys(out).sort(), ['durationMs', 'failure', 'fromSchema', 'runs', 'seed', 'status']);
  const { error, payload, savedTo } = out.failure;
  assert.match(error.message, /TypeError: Cannot read properties of (null|undefined) \(reading '(value|toUpperCase)'\)/);
  assert.equal(error.file, 'server/server.js');
  assert.equal(error.line, 12);
  assert.match(savedTo, /^server\/test_data\/fuzz\/onContactCreate-[0-9a-f]{10}\.json$/);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, savedTo), 'utf8')), payload);
  // The saved file reproduces it with a plain simulation.
  const sim = await fsdev(['simulate', 'onContactCreate', '--payload', savedTo, '--offline', '--json'], dir);
  assert.equal(sim.code, 1);
  const s = JSON.parse(sim.stdout);
  assert.equal(s.error.message, error.message);
  assert.equal(s.error.line, 12);
  // The same seed: the same runs and payload; the human report names the location and the file.
  const again = await fsdev(['fuzz', 'onContactCreate', dir, '--seed', '12'], tmp);
  assert.equal(again.code, 1);
  assert.match(again.stdout, new RegExp(`✘ failed after ${out.runs} runs: TypeError.* at server/server\\.js:12:\\d+`));
  assert.ok(again.stdout.includes(`saved to ${savedTo}; reproduce: fsdev simulate onContactCreate --payload ${savedTo}`), again.stdout);
});

test('exit 2: an event the app does not register, a folder that is not an app, bad options', async () => {
  const dir = exampleApp('usage');
  const unregistered = await fsdev(['fuzz', 'onTaskCreate', '--json'], dir);
  assert.equal(unregistered.code, 2);
  assert.match(unregistered.stderr, /fsdev fuzz: onTaskCreate is not registered in manifest\.json/);
  assert.equal(JSON.parse(unregistered.stdout).status, 'not-runnable');
  const notApp = await fsdev(['fuzz', 'onContactCreate', tmp], tmp);
  assert.equal(notApp.code, 2);
  assert.match(notApp.stderr, /is not a Freshworks app \(no manifest\.json\)/);
  for (const [args, message] of [
    [['fuzz'], /missing <event>/],
    [['fuzz', 'onContactCreate', '--runs', '0'], /--runs needs a positive whole number/],
    [['fuzz', 'onContactCreate', '--seed', 'x'], /--seed needs an integer/],
    [['fuzz', 'onContactCreate', '--timeout'], /--timeout needs a value/],
    [['fuzz', 'onContactCreate', '--bogus'], /unknown option --bogus/],
    [['fuzz', 'onContactCreate', '--node', ''], /--node needs a value, not an empty string/],
    [['fuzz', 'onContactCreate', '--payload='], /--payload needs a value, not an empty string/],
    [['fuzz', 'onContactCreate', '--runs', '1e9'], /--runs needs a positive whole number/],
    [['fuzz', 'onContactCreate', '--runs', '2000000'], /--runs must be at most 1000000/],
  ]) {
    const r = await fsdev(args, dir);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: fsdev fuzz <event>/);
  }
});
