// Over the real server: a run that installs the manifest's dependencies reports LSP work-done progress and a
// message; the state runs leave in .fsdev/ is named when it breaks a run, and freshsales/resetSimulationState
// says what it would clear (dryRun) and clears it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startRegistry } from '../helpers/npmRegistry.mjs';
import { cleanupTemps, copyFixture, repoRoot, startServer } from './helpers.mjs';

let registry;
const clients = [];
before(async () => {
  registry = await startRegistry({ packages: ['fsdev-fixture-greet', 'fsdev-fixture-shout'].map((p) => path.join(repoRoot, 'test/fixtures/packages', p)) });
  // The server's npm inherits the environment: the fixture registry, a throw-away cache; never the network.
  process.env.npm_config_registry = registry.url;
  process.env.npm_config_cache = mkdtempSync(path.join(tmpdir(), 'fsdev-npm-cache-'));
});
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); await registry.close(); });

async function server(app) {
  const client = await startServer({ rootDir: app, capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true } } });
  clients.push(client);
  // vscode-jsonrpc hands $/progress to progress handlers, not to the catch-all notification handler.
  client.progress = [];
  client.conn.onUnhandledProgress((p) => client.progress.push(p.value));
  return client;
}
const simulate = (client, appDir, event) => client.request('freshsales/simulate', { appDir, event, runId: `t-${Math.random()}` });

test('a run that installs dependencies reports work-done progress, then a message, and succeeds', async () => {
  const app = copyFixture('sim-deps');
  const client = await server(app);
  const r = await simulate(client, app, 'onContactCreate');
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  const progress = client.progress;
  assert.equal(progress[0].kind, 'begin');
  assert.equal(progress[0].title, 'Freshsales: installing app dependencies');
  assert.match(progress[0].message, /fsdev-fixture-greet@1\.0\.0/);
  assert.ok(progress.some((v) => v.kind === 'report' && /fetched/.test(v.message)), JSON.stringify(progress));
  assert.equal(progress.at(-1).kind, 'end');
  const shown = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params.message);
  assert.ok(shown.some((m) => /^Installed fsdev-fixture-greet@1\.0\.0 into server\/node_modules/.test(m)), JSON.stringify(shown));
  // Satisfied now: a second run installs nothing.
  const before = client.progress.length;
  assert.equal((await simulate(client, app, 'onContactCreate')).status, 'success');
  assert.equal(client.progress.length, before);
});

test('state from an earlier run is named in the failure; the reset says what it clears, then clears it', async () => {
  const app = copyFixture('sim-schedule');
  const client = await server(app);
  assert.equal((await simulate(client, app, 'onAppInstall')).status, 'success');
  const second = await simulate(client, app, 'onAppInstall');
  assert.equal(second.status, 'failed');
  assert.match(second.error.message, /Caused by local state: the schedule 'hourly-sync' exists in \.fsdev\/db\.json/);
  const dry = await client.request('freshsales/resetSimulationState', { appDir: app, dryRun: true });
  assert.deepEqual(dry, { file: '.fsdev/db.json', dbKeys: 0, schedules: 1, cleared: false });
  assert.equal((await simulate(client, app, 'onAppInstall')).status, 'failed', 'a dry run clears nothing');
  const done = await client.request('freshsales/resetSimulationState', { appDir: app });
  assert.deepEqual(done, { file: '.fsdev/db.json', dbKeys: 0, schedules: 1, cleared: true });
  assert.equal((await simulate(client, app, 'onAppInstall')).status, 'success');
  await assert.rejects(client.request('freshsales/resetSimulationState', { appDir: tmpdir() }), /not a Freshworks app of this workspace/);
});

test('a store that does not parse: the dry run says why; the reset keeps it aside byte for byte and starts empty', async () => {
  const { readFileSync, readdirSync, writeFileSync, mkdirSync } = await import('node:fs');
  const app = copyFixture('sim-schedule');
  const client = await server(app);
  mkdirSync(path.join(app, '.fsdev'), { recursive: true });
  const broken = '{ "version": 1, "db": { "k": 1, }, "schedules": {} }';
  writeFileSync(path.join(app, '.fsdev/db.json'), broken);
  const dry = await client.request('freshsales/resetSimulationState', { appDir: app, dryRun: true });
  assert.equal(dry.cleared, false);
  assert.match(dry.unreadable, /not valid JSON/);
  assert.equal(readFileSync(path.join(app, '.fsdev/db.json'), 'utf8'), broken, 'a dry run touches nothing');
  const done = await client.request('freshsales/resetSimulationState', { appDir: app });
  assert.match(done.keptAside, /^\.fsdev\/db\.json\.unreadable-/);
  assert.equal(readFileSync(path.join(app, done.keptAside), 'utf8'), broken);
  assert.deepEqual(JSON.parse(readFileSync(path.join(app, '.fsdev/db.json'), 'utf8')).db, {});
  assert.ok(!readdirSync(path.join(app, '.fsdev')).some((f) => f.endsWith('.lock')), 'the store lock is released');
  assert.equal((await simulate(client, app, 'onAppInstall')).status, 'success');
});
