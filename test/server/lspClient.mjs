// A real LSP client for tests and benchmarks: starts a server process and talks JSON-RPC over stdio.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const serverPath = path.join(repoRoot, 'server/dist/server.js');
export const uriOf = (p) => pathToFileURL(p).href;

export async function startServer({ command = process.execPath, args = [serverPath, '--stdio'], rootDir, capabilities, initializationOptions } = {}) {
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const diagnostics = new Map();
  const waiters = [];
  const notifications = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) if (w.uri === p.uri && w.test(p.diagnostics)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(p.diagnostics); }
  });
  conn.onNotification((method, params) => notifications.push({ method, params }));
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.listen();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: rootDir ? uriOf(rootDir) : null,
    workspaceFolders: rootDir ? [{ uri: uriOf(rootDir), name: path.basename(rootDir) }] : null,
    capabilities: capabilities ?? {
      textDocument: {
        completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
        hover: { contentFormat: ['markdown'] }, publishDiagnostics: {}, diagnostic: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
      workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] }, configuration: true },
    },
    initializationOptions,
  });
  await conn.sendNotification('initialized', {});
  const versions = new Map();
  const client = {
    proc, conn, init, diagnostics, notifications, get stderr() { return stderr; },
    open(file, text = readFileSync(file, 'utf8'), languageId = file.endsWith('.js') ? 'javascript' : 'json') {
      versions.set(file, 1);
      return conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version: 1, text } });
    },
    change(file, text) {
      const v = (versions.get(file) ?? 1) + 1;
      versions.set(file, v);
      return conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version: v }, contentChanges: [{ text }] });
    },
    /** Incremental change: replace `range` (LSP positions) with `text`. */
    edit(file, range, text) {
      const v = (versions.get(file) ?? 1) + 1;
      versions.set(file, v);
      return conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version: v }, contentChanges: [{ range, text }] });
    },
    close(file) { return conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(file) } }); },
    watched(changes) { return conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map(([file, type]) => ({ uri: uriOf(file), type })) }); },
    request(method, params) { return conn.sendRequest(method, params); },
    at(file, line, character) { return { textDocument: { uri: uriOf(file) }, position: { line, character } }; },
    /** Resolves with the first published diagnostics of `file` that pass `test`. */
    waitForDiagnostics(file, test = () => true, timeoutMs = 5000) {
      const uri = uriOf(file);
      const now = diagnostics.get(uri);
      if (now && test(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        // The deadline is cleared once met: a pending one kept the test file's process alive for its whole length.
        const timer = setTimeout(() => { const i = waiters.indexOf(w); if (i >= 0) { waiters.splice(i, 1); reject(new Error(`no matching diagnostics for ${file} within ${timeoutMs} ms; last: ${JSON.stringify(diagnostics.get(uri))}`)); } }, timeoutMs);
        const w = { uri, test, resolve: (v) => { clearTimeout(timer); resolve(v); } };
        waiters.push(w);
      });
    },
    /** True while the server process runs. */
    get alive() { return proc.exitCode === null && proc.signalCode === null; },
    async stop() {
      const exited = new Promise((r) => { if (proc.exitCode !== null || proc.signalCode !== null) r(); else proc.once('exit', r); });
      try {
        let late;
        await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => { late = setTimeout(r, 1000); })]).finally(() => clearTimeout(late));
        await conn.sendNotification('exit').catch(() => { /* stream already closed */ });
      } catch { /* gone */ }
      const kill = setTimeout(() => proc.kill('SIGKILL'), 500);
      await exited;
      clearTimeout(kill);
      conn.dispose();
    },
  };
  return client;
}
