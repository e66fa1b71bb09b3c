// The files fdk lints and the facts its rules read, for `fsdev check` and the language server: every `.js` file
// under app/ and, when server/server.js exists, under server/ (node_modules skipped, as fdk does; folder links
// not followed; a link out of the app not read).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { outsideApp, readRegularFile } from '../appFiles';
import { comparePaths } from '../core/appLayout';
import { lintRules, MAX_LINT_BYTES } from '../core/lintRules';
import type { Diagnostic } from '../core/types';
import type { LintPool } from './lintPool';
import type { LintFacts, LintResult } from './lintText';

export const SERVER_JS = 'server/server.js';
/** A bound on the walk: past it, the rest of the app is not linted (and a line says so). */
const MAX_FILES = 5000;

/** True for a path (relative, forward slashes) fdk lints, given whether server/server.js exists. */
export function isLintedPath(rel: string, hasServerScript = true): boolean {
  if (!rel.endsWith('.js') || rel.split('/').includes('node_modules')) return false;
  return rel.startsWith('app/') || (hasServerScript && rel.startsWith('server/'));
}

/** The app's lintable files, relative, server.js last (its unused-dependency report needs the others). */
export function listLintFiles(appDir: string): { files: string[]; truncated: boolean } {
  const out: string[] = [];
  let truncated = false;
  const walk = (rel: string) => {
    let entries;
    try { entries = readdirSync(path.join(appDir, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => comparePaths(a.name, b.name))) {
      if (out.length >= MAX_FILES) { truncated = true; return; }
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) { if (e.name !== 'node_modules') walk(child); } else if (e.name.endsWith('.js')) out.push(child);
    }
  };
  walk('app');
  const hasServer = readRegularFile(path.join(appDir, SERVER_JS), 0);
  if (!('missing' in hasServer)) walk('server');
  const files = out.filter((f) => f !== SERVER_JS);
  if (out.includes(SERVER_JS)) files.push(SERVER_JS);
  return { files, truncated };
}

/** What the rules read from the manifest's text (nothing when it does not parse). */
export function lintFacts(manifestText: string | undefined, requiredElsewhere?: string[]): LintFacts {
  let doc: unknown;
  try { doc = JSON.parse(manifestText ?? ''); } catch { doc = undefined; }
  const m = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc as Record<string, unknown> : {};
  return { manifest: { 'platform-version': m['platform-version'], 'whitelisted-domains': m['whitelisted-domains'], dependencies: m.dependencies }, requiredElsewhere };
}

/** A lintable file's text from disk, or the one diagnostic that says why it is not linted. */
export function readLintFile(appDir: string, rel: string): string | Diagnostic | undefined {
  const abs = path.join(appDir, rel);
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const outside = outsideApp(appDir, abs);
  if (outside) return lintRules.skipped.at(rel, at, `${rel} is a link to ${outside}, outside the app: not read, not linted.`);
  const r = readRegularFile(abs, MAX_LINT_BYTES);
  if ('text' in r) return r.text;
  if ('tooLarge' in r) return lintRules.skipped.at(rel, at, `${rel} is over 5 MB (${(r.tooLarge / 1024 / 1024).toFixed(1)} MB): not linted.`);
  return undefined;
}

/** `fsdev check`'s lint: every lintable file of the app, through the pool (each file under its deadline). */
export async function lintApp(appDir: string, manifestText: string | undefined, pool: LintPool): Promise<Diagnostic[]> {
  const { files, truncated } = listLintFiles(appDir);
  const out: Diagnostic[] = [];
  const requires = new Set<string>();
  const lintOne = async (rel: string, facts: LintFacts): Promise<LintResult | undefined> => {
    const text = readLintFile(appDir, rel);
    if (text === undefined) return undefined;
    if (typeof text !== 'string') { out.push(text); return undefined; }
    const r = await pool.lint(rel, text, facts);
    out.push(...r.diagnostics);
    return r;
  };
  const others = files.filter((f) => f !== SERVER_JS);
  const results = await Promise.all(others.map((f) => lintOne(f, lintFacts(manifestText))));
  others.forEach((f, i) => { if (f.startsWith('server/')) results[i]?.requires.forEach((x) => requires.add(x)); });
  if (files.includes(SERVER_JS)) await lintOne(SERVER_JS, lintFacts(manifestText, [...requires]));
  if (truncated) out.push(lintRules.skipped.at(files[files.length - 1], { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, `the app has over ${MAX_FILES} JavaScript files: only the first ${MAX_FILES} are linted.`));
  return out;
}
