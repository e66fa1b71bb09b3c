// The lint of one JavaScript file of an app, as `fdk validate` runs it: ESLint's Linter (in-process, no file
// read) with fdk's rule set (eslint-plugin/: its custom rules and `ruleSets`), the not-minified rules only where
// fdk applies them, current JavaScript parsed as a script. Given the text, it does no I/O; the caller bounds its
// time (lintWorker.ts runs it in a worker thread with a deadline).
import type { Linter as LinterType, Rule as EslintRule } from 'eslint';
import { lintRuleOf, lintRules, looksMinified, MAX_LINT_BYTES } from '../core/lintRules';
import { MAX_REPORTED, reportCut } from '../core/reportCap';
import { looksBinary } from '../core/binaryText';
import type { Diagnostic } from '../core/types';
import plugin from '../../../eslint-plugin/index.js';

// eslint/universal: the Linter alone (no file search, no config loading); the build keeps only fdk's core rules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Linter } = require('eslint/universal') as typeof import('eslint');

/** What the fdk rules read from the manifest, and which packages other server files require. */
export interface LintFacts {
  manifest: { 'platform-version'?: unknown; 'whitelisted-domains'?: unknown; dependencies?: unknown };
  /** For server/server.js: the packages the other server files require (the unused-dependency report). */
  requiredElsewhere?: string[];
}

export interface LintResult {
  diagnostics: Diagnostic[];
  /** Packages this file requires (for the unused-dependency report on server.js). */
  requires: string[];
}

let collected: string[] = [];

/** Records the packages a file requires, during the same traversal as the rules. */
const collectRequires: EslintRule.RuleModule = {
  meta: { type: 'problem', schema: [] },
  create: () => ({
    'CallExpression[callee.name="require"]'(node: { arguments: { type: string; value?: unknown }[] }) {
      const a = node.arguments[0];
      if (a?.type === 'Literal' && typeof a.value === 'string' && !a.value.startsWith('.')) collected.push(a.value);
    },
  }),
};
const fsdev = { rules: { 'collect-requires': collectRequires } };

/** fdk's rules for a file: app/ or server/, and the not-minified ones unless fdk thinks the file minified. */
export function fdkRulesFor(file: string, text: string): LinterType.RulesRecord {
  const sets = plugin.ruleSets;
  return { ...sets.common, ...(file.startsWith('app/') ? sets.app : sets.server), ...(looksMinified(text) ? {} : sets.notMinified) };
}

/** The lint findings of one file (`file` relative to the app, forward slashes), capped, as diagnostics. */
export function lintText(file: string, text: string, facts: LintFacts): LintResult {
  if (text.length > MAX_LINT_BYTES) return skipped(file, `${file} is over 5 MB (${(text.length / 1024 / 1024).toFixed(1)} MB): not linted.`);
  if (looksBinary(text)) return skipped(file, `${file} looks like binary data, not JavaScript: not linted.`);
  // A Linter per lint, dropped with it: a Linter keeps the last file's SourceCode (its AST, tokens, scopes: ~20 MB
  // for a 1,000-line file) until its next lint, so every scavenge during that lint found the last one alive and
  // copied and promoted it. (It holds nothing else worth keeping: the rules and the parser are the module's.)
  const linter: LinterType = new Linter({ configType: 'flat' });
  collected = [];
  const config: LinterType.Config = {
    plugins: { fdk: plugin, fsdev },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'script' },
    linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
    settings: { fdk: { file, manifest: facts.manifest, reportUnused: file === 'server/server.js', requiredElsewhere: facts.requiredElsewhere ?? [] } },
    rules: { ...fdkRulesFor(file, text), 'fsdev/collect-requires': 'error' },
  };
  const messages = linter.verify(text, config, { filename: file });
  const lines = text.split('\n');
  const found: Diagnostic[] = [];
  for (const m of messages) {
    const rule = lintRuleOf(m.fatal ? null : m.ruleId);
    if (!rule) continue;
    const start = { line: m.line - 1, character: Math.max(0, m.column - 1) };
    const end = m.endLine === undefined ? { line: start.line, character: Math.min(start.character + 1, (lines[start.line] ?? '').length) }
      : { line: m.endLine - 1, character: Math.max(0, (m.endColumn ?? m.column) - 1) };
    found.push(rule.at(file, { start, end }, m.message, undefined, m.severity === 2 ? 'error' : 'warning'));
  }
  const requires = [...new Set(collected)];
  if (found.length <= MAX_REPORTED) return { diagnostics: found, requires };
  const cut = reportCut(lintRules.cut.at(file, found[MAX_REPORTED].range, ''), text, offsetOf(lines, found[MAX_REPORTED].range.start), found.length, 'Lint findings');
  return { diagnostics: [...found.slice(0, MAX_REPORTED), { ...cut, severity: 'information' }], requires };
}

function skipped(file: string, message: string): LintResult {
  return { diagnostics: [lintRules.skipped.at(file, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message)], requires: [] };
}

function offsetOf(lines: string[], pos: { line: number; character: number }): number {
  let offset = 0;
  for (let i = 0; i < pos.line && i < lines.length; i++) offset += lines[i].length + 1;
  return offset + pos.character;
}
