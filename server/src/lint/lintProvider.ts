// The language server's lint: a provider beside the app's other diagnostics. `diagnostics(state)` answers at once
// with the findings of the texts linted so far and queues the files whose text changed (open documents first);
// each result arrives from the worker thread (lintPool.ts) and calls `changed(state)` so the server publishes
// again. The server's thread never runs ESLint: completion and hover do not wait behind a lint.
import { MANIFEST } from '../core/appLayout';
import type { Diagnostic } from '../core/types';
import type { AppState } from '../workspace';
import { isLintedPath, lintFacts, listLintFiles, readLintFile, SERVER_JS } from './appLint';
import { LintPool } from './lintPool';
import type { LintFacts } from './lintText';

interface Entry { key: string; diagnostics: Diagnostic[]; requires: string[] }
interface Next { key: string; text: string; facts: LintFacts }
/** Per file: the last result, the lint running (at most one) and the text to lint after it (only the newest). */
interface AppLint { files?: string[]; results: Map<string, Entry>; running: Set<string>; next: Map<string, Next> }

export class LintProvider {
  private apps = new Map<AppState, AppLint>();

  constructor(private readonly changed: (state: AppState) => void, private readonly pool = new LintPool()) {}

  /** The lint findings of the app by file (the last ones computed); queues the files whose text or facts changed. */
  diagnostics(state: AppState, openPaths: string[]): Map<string, Diagnostic[]> {
    const app = this.appOf(state);
    const open = openPaths.map((p) => state.rel(p)).filter((r) => isLintedPath(r));
    const files = [...new Set([...open, ...(app.files ??= listLintFiles(state.appDir).files)])];
    const hasServer = files.includes(SERVER_JS) || state.text(SERVER_JS) !== undefined;
    const manifest = state.text(MANIFEST);
    const out = new Map<string, Diagnostic[]>();
    // Open documents first, server.js after the other server files (it needs what they require).
    const order = [...files.filter((f) => open.includes(f) && f !== SERVER_JS), ...files.filter((f) => !open.includes(f) && f !== SERVER_JS), SERVER_JS];
    for (const rel of order) {
      if (!isLintedPath(rel, hasServer) || (rel === SERVER_JS && !files.includes(SERVER_JS))) continue;
      const elsewhere = rel === SERVER_JS ? [...app.results].filter(([f]) => f.startsWith('server/') && f !== SERVER_JS).flatMap(([, e]) => e.requires) : undefined;
      const text = state.text(rel) ?? readLintFile(state.appDir, rel);
      if (text === undefined) continue;
      if (typeof text !== 'string') { out.set(rel, [text]); continue; }
      const facts = lintFacts(manifest, elsewhere && [...new Set(elsewhere)].sort());
      const key = `${JSON.stringify(facts)}\u0000${text}`;
      const known = app.results.get(rel);
      if (known) out.set(rel, known.diagnostics);
      if (known?.key !== key) {
        // Typing faster than the lint: only the newest text waits; the versions in between are never linted.
        app.next.set(rel, { key, text, facts });
        this.start(state, app, rel);
      }
    }
    return out;
  }

  private start(state: AppState, app: AppLint, rel: string): void {
    const next = app.next.get(rel);
    if (!next || app.running.has(rel)) return;
    app.next.delete(rel);
    app.running.add(rel);
    void this.pool.lint(rel, next.text, next.facts).then((r) => {
      app.running.delete(rel);
      app.results.set(rel, { key: next.key, ...r });
      if (app.next.get(rel)?.key === next.key) app.next.delete(rel);
      this.start(state, app, rel);
      this.changed(state);
    });
  }

  /** A file was created, changed or deleted on disk: the list of files is read again when it is a lintable one. */
  fileChanged(state: AppState, rel: string): void {
    if (isLintedPath(rel) || rel === MANIFEST) {
      const app = this.appOf(state);
      app.files = undefined;
    }
  }

  dispose(): void { this.pool.dispose(); }

  private appOf(state: AppState): AppLint {
    let a = this.apps.get(state);
    if (!a) { a = { results: new Map(), running: new Set(), next: new Map() }; this.apps.set(state, a); }
    return a;
  }
}
