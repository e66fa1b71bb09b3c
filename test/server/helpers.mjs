// Shared helpers of the server tests: fixture copies in a temp dir, positions by needle, applying edits.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, startServer, uriOf } from './lspClient.mjs';

export { repoRoot, startServer, uriOf };
export const fixturesDir = path.join(repoRoot, 'test/fixtures/apps');
const temps = [];

/** A fresh copy of a fixture app in a temp folder; returns its absolute folder. */
export function copyFixture(name) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fs-lsp-'));
  temps.push(dir);
  const app = path.join(dir, name);
  cpSync(path.join(fixturesDir, name), app, { recursive: true });
  return app;
}
export function cleanupTemps() { for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true }); }

/** Starts the real server on a fresh copy of a fixture. */
export async function serverOn(name) {
  const app = copyFixture(name);
  const client = await startServer({ rootDir: app });
  const f = (rel) => path.join(app, rel);
  return { app, client, f, read: (rel) => readFileSync(f(rel), 'utf8') };
}

export function offsetToPosition(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
export function positionToOffset(text, { line, character }) {
  let off = 0;
  for (let i = 0; i < line; i++) { const n = text.indexOf('\n', off); if (n < 0) return text.length; off = n + 1; }
  return Math.min(off + character, text.length);
}
/** Position of `needle` (its `nth` occurrence) in text, plus `delta` characters. */
export function posOf(text, needle, delta = 0, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) { at = text.indexOf(needle, at + 1); if (at < 0) throw new Error(`needle ${JSON.stringify(needle)} not found`); }
  return offsetToPosition(text, at + delta);
}

/** Applies LSP TextEdits to text (edits may come in any order; they must not overlap). */
export function applyTextEdits(text, edits) {
  const sorted = edits.map((e) => ({ s: positionToOffset(text, e.range.start), e: positionToOffset(text, e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s || b.e - a.e);
  for (const { s, e, t } of sorted) text = text.slice(0, s) + t + text.slice(e);
  return text;
}

/**
 * Applies a WorkspaceEdit (documentChanges with create + text edits, or changes) to a map of uri → text.
 * Returns { files: Map(uri → text), created: [uri] }. `readText(uri)` gives the current text of existing files.
 */
export function applyWorkspaceEdit(edit, readText) {
  const files = new Map();
  const created = [];
  const get = (uri) => (files.has(uri) ? files.get(uri) : readText(uri));
  for (const ch of edit.documentChanges ?? []) {
    if (ch.kind === 'create') { created.push(ch.uri); if (!files.has(ch.uri)) files.set(ch.uri, ''); continue; }
    if (ch.kind) throw new Error(`unexpected resource operation ${ch.kind}`);
    files.set(ch.textDocument.uri, applyTextEdits(get(ch.textDocument.uri) ?? '', ch.edits));
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) files.set(uri, applyTextEdits(get(uri) ?? '', edits));
  return { files, created };
}

export const readUri = (uri) => { try { return readFileSync(fileURLToPath(uri), 'utf8'); } catch { return undefined; } };
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `fn()` returns a truthy value (polling), or throws after timeoutMs. */
export async function until(fn, timeoutMs = 5000, what = 'condition') {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
