// LSP: a request before `initialize` is answered with error -32002 (ServerNotInitialized), not served.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { serverPath } from './lspClient.mjs';

test('requests before initialize get -32002; after initialize they are served', async () => {
  const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  conn.listen();
  try {
    const hover = { textDocument: { uri: 'file:///nowhere/manifest.json' }, position: { line: 0, character: 0 } };
    await assert.rejects(conn.sendRequest('textDocument/hover', hover), (e) => e.code === -32002);
    await assert.rejects(conn.sendRequest('textDocument/completion', hover), (e) => e.code === -32002);
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(await conn.sendRequest('textDocument/hover', hover), null);
  } finally {
    conn.dispose();
    proc.kill('SIGKILL');
  }
});
