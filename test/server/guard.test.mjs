// Every handler of the language server is under the same guard (server/src/features/context.ts): before
// `initialize` every request, the simulation's and the Testing view's included, is answered with -32002; after
// it, a handler that throws answers with an error, and the server lives on and answers the next request.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { serverPath } from './lspClient.mjs';

const CUSTOM_REQUESTS = [
  'freshsales/appEvents', 'freshsales/defaultPayload', 'freshsales/validatePayload', 'freshsales/registerEvent',
  'freshsales/simulate', 'freshsales/simulationHistory', 'freshsales/resetSimulationState', 'freshsales/fuzz',
  'freshsales/discoverTests', 'freshsales/appTests', 'freshsales/runTests', 'freshsales/createTest', 'freshsales/resetCoverage',
];

function start() {
  const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const logs = [];
  conn.onNotification('window/logMessage', (p) => logs.push(p.message));
  conn.listen();
  return { proc, conn, logs, get stderr() { return stderr; }, stop() { conn.dispose(); proc.kill('SIGKILL'); } };
}

test('before initialize, every request (custom ones of the simulation and the Testing view included) gets -32002', async () => {
  const s = start();
  try {
    for (const method of CUSTOM_REQUESTS) {
      await assert.rejects(s.conn.sendRequest(method, { appDir: '/nowhere', text: '', event: 'onContactCreate', runId: 'r' }),
        (e) => e.code === -32002, method);
    }
  } finally {
    s.stop();
  }
});

test('a throwing handler answers with an error (logged with its stack); the server lives and answers the next request', async () => {
  const app = mkdtempSync(path.join(tmpdir(), 'fs-guard-'));
  try {
    mkdirSync(path.join(app, 'server'));
    writeFileSync(path.join(app, 'manifest.json'), JSON.stringify({ 'platform-version': '2.3', product: { freshworks_crm: { events: {} } } }));
    writeFileSync(path.join(app, 'server/server.js'), 'exports = {};\n');
    const s = start();
    try {
      const root = pathToFileURL(app).href;
      await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'app' }], capabilities: {} });
      // No text to check: the core throws reading it. Before the guard covered it, this answered [] as if the payload were fine.
      await assert.rejects(s.conn.sendRequest('freshsales/validatePayload', { text: null, event: 'onContactCreate' }), (e) => e.code === -32603);
      // A handler of the Testing view's host, under the same guard: its refusal is an error answer, logged.
      await assert.rejects(s.conn.sendRequest('freshsales/createTest', { appDir: null, event: 'onContactCreate' }),
        (e) => e.code === -32603 && /null is not a Freshworks app of this workspace/.test(e.message));
      assert.ok(s.logs.some((m) => /^validate payload failed: \w*Error/.test(m)), s.logs.join('\n'));
      assert.ok(s.logs.some((m) => /^create test failed: /.test(m)), s.logs.join('\n'));
      const { apps } = await s.conn.sendRequest('freshsales/appEvents', {});
      assert.deepEqual(apps.map((a) => a.appDir), [app]);
      assert.equal(s.proc.exitCode, null);
    } finally {
      s.stop();
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
