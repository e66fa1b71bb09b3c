// `fsdev check --format sarif | github`: the same rows as the text and JSON output, in the two formats CI
// understands. Pure: rows in, text out. Paths are made relative to the working directory (the repository root
// in CI), which is what GitHub code scanning and workflow annotations resolve against.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRules } from './core/allRules';
import type { AnyRule } from './core/rules';
import { escapeControl } from './core/safeText';

export interface CheckRow {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint'; code: string; message: string;
}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type CheckFormat = (typeof FORMATS)[number];

const HOMEPAGE = 'https://github.com/freshsales-devtools/freshsales-devtools#checks';

/** A row's file as seen from cwd, with forward slashes (absolute when the app is outside cwd). */
function fromCwd(appDir: string, file: string, cwd: string): string {
  const abs = path.join(appDir, file);
  const rel = path.relative(cwd, abs);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'none' } as const;

/** A rule as SARIF describes it (a reportingDescriptor): its metadata from the registry. */
function sarifRule(rule: AnyRule): object {
  return {
    id: rule.code,
    name: rule.code.split(/[-/]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: rule.short },
    fullDescription: { text: rule.full },
    helpUri: rule.docUrl,
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { source: rule.source, ...(rule.fdkMessage ? { fdkMessage: rule.fdkMessage } : {}) },
  };
}

/**
 * SARIF 2.1.0, one run. Columns are UTF-16 code units (LSP positions, `columnKind`); URIs are relative to
 * %SRCROOT% (cwd), which `originalUriBaseIds` resolves to an absolute file URI for other consumers.
 * `rules` lists every rule of the registry, not only those found: the log then says what was checked (a clean
 * run included), and a rule's `ruleIndex` is the same in every log of one version.
 */
export function toSarif(rows: CheckRow[], appDir: string, cwd: string): object {
  const rules = allRules();
  // A code no rule defines (none should be) still gets a descriptor, so every result's ruleIndex resolves.
  const unknown = [...new Set(rows.map((r) => r.code))].filter((c) => !rules.some((r) => r.code === c)).sort();
  const ruleIds = [...rules.map((r) => r.code), ...unknown];
  const srcRoot = pathToFileURL(cwd).href.replace(/\/?$/, '/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'fsdev', fullName: 'Freshsales DevTools (fsdev check)', informationUri: HOMEPAGE,
          rules: [...rules.map(sarifRule), ...unknown.map((id) => ({ id, name: id, helpUri: HOMEPAGE }))],
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: srcRoot } },
      columnKind: 'utf16CodeUnits',
      results: rows.map((r) => {
        const file = fromCwd(appDir, r.file, cwd);
        return {
          ruleId: r.code, ruleIndex: ruleIds.indexOf(r.code), level: SARIF_LEVEL[r.severity], message: { text: r.message },
          locations: [{
            physicalLocation: {
              artifactLocation: path.isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
              region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
            },
          }],
        };
      }),
    }],
  };
}

// Escaping as GitHub's own toolkit does it (@actions/core): data escapes %, CR, LF; properties also : and ,.
// Other control characters (app text: an event name, a file name) are written out visibly first (`\x1b`).
const escapeData = (s: string) => escapeControl(s, '\r\n').replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const GITHUB_COMMAND = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/**
 * GitHub Actions workflow commands: one `::error file=…,line=…,col=…::message` line per problem. No app text
 * can end the line, so no line but these is a command. Hints are no annotations (the editor's Problems panel
 * does not list them either): `hintLines` says them in one line per code.
 */
export function toGithubAnnotations(rows: CheckRow[], appDir: string, cwd: string): string {
  return rows.filter((r) => r.severity !== 'hint').map((r) => {
    const props = [`file=${fromCwd(appDir, r.file, cwd)}`, `line=${r.line}`, `endLine=${r.endLine}`, `col=${r.column}`,
      `endColumn=${r.endColumn}`, `title=${r.code}`].map((p) => { const i = p.indexOf('='); return p.slice(0, i + 1) + escapeProperty(p.slice(i + 1)); });
    return `::${GITHUB_COMMAND[r.severity]} ${props.join(',')}::${escapeData(r.message)}\n`;
  }).join('');
}

/**
 * The text format, one line per problem (`file:line:col severity code message`, the `$fsdev` problem matcher's
 * pattern): the app's text in it (file names, event and handler names in messages) has every control
 * character written out visibly, newlines included, so no app text starts a line.
 */
export function toText(rows: CheckRow[]): string {
  return rows.map((r) => `${escapeControl(r.file)}:${r.line}:${r.column} ${r.severity} ${escapeControl(r.code)} ${escapeControl(r.message)}\n`).join('');
}

/**
 * The hints of a check, one line per code however many there are (fdk writes a payload for every event: a new
 * app has about 20 payload-not-registered hints): `20 hints payload-not-registered, e.g. <file>: <message>`.
 * App text in it is written out as in `toText`; the line starts with the count, never with app text.
 */
export function hintLines(rows: CheckRow[]): string[] {
  const byCode = new Map<string, CheckRow[]>();
  for (const r of rows) if (r.severity === 'hint') byCode.set(r.code, [...byCode.get(r.code) ?? [], r]);
  const example = (r: CheckRow) => `${escapeControl(r.file)}: ${escapeControl(r.message)}`;
  return [...byCode].map(([code, [first, ...more]]) => more.length
    ? `${more.length + 1} hints ${escapeControl(code)}, e.g. ${example(first)} (--format json lists them all)`
    : `1 hint ${escapeControl(code)}: ${example(first)}`);
}
