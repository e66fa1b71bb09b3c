// `fsdev check`: the editor's diagnostics, printed. Positions are 1-based here, as compilers print them.
// Formats: text (file:line:col severity code message, for people and the `$fsdev` problem matcher), json,
// sarif (code scanning) and github (workflow annotations); see checkFormats.ts.
import * as path from 'node:path';
import { loadAppFiles, notAFile, notAnAppReason, readAppFile } from './appFiles';
import { FORMATS, hintLines, toGithubAnnotations, toSarif, toText, type CheckFormat, type CheckRow } from './checkFormats';
import { SERVER_SCRIPT } from './core/appLayout';
import { escapeControl, safeTerminalText } from './core/safeText';
import { checkUsage, diagnoseApp, internalError, notAnApp, sortDiagnostics, unreadableFile } from './core/diagnoseApp';
import type { Rule } from './core/rules';
import { lintApp } from './lint/appLint';
import { LintPool } from './lint/lintPool';

/** `[appDir] [--json] [--format f | --format=f]`; `error` is a usage error (format is then the one asked, if valid). */
function parseArgs(args: string[]): { appDir: string; format: CheckFormat; error?: string } {
  let format = 'text';
  let appDir: string | undefined;
  let error: string | undefined;
  for (let i = 0; i < args.length && !error; i++) {
    const a = args[i];
    if (a === '--json') format = 'json';
    else if (a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-')) error = `unknown option '${a}'.`;
    else if (appDir === undefined) appDir = a;
    else error = `one app folder at a time ('${appDir}', then '${a}').`;
  }
  const known = (FORMATS as readonly string[]).includes(format);
  if (!known) error ??= `--format must be one of ${FORMATS.join(', ')}${format ? `, not '${format}'` : ''}.`;
  return { appDir: path.resolve(appDir ?? '.'), format: known ? format as CheckFormat : 'text', error };
}

export async function checkCommand(args: string[]): Promise<number> {
  const { appDir, format, error } = parseArgs(args);
  // A machine format prints its document whatever happens, exit 2 included: a script parsing stdout never
  // meets an empty one. The reason also goes to stderr for people.
  const fail = ({ code }: Rule, message: string) => {
    process.stderr.write(`fsdev check: ${safeTerminalText(message)}\n`);
    if (format !== 'text') {
      print([{ file: 'manifest.json', line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code, message }], appDir, format, '');
    }
    return 2;
  };
  if (error) return fail(checkUsage, error);
  try {
    const notApp = await notAnAppReason(appDir);
    if (notApp) return fail(notAnApp, notApp);
    return await checkApp(appDir, format);
  } catch (e) {
    return fail(internalError, `the check could not finish: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
}

async function checkApp(appDir: string, format: CheckFormat): Promise<number> {
  // fdk's lint of app/ and server/ JavaScript runs in a worker thread (each file under a deadline), started first:
  // it loads ESLint on the other core while the app is read and checked here.
  const lint = new LintPool();
  lint.prestart();
  try {
    return await checkAndPrint(appDir, format, lint);
  } finally {
    lint.dispose();
  }
}

async function checkAndPrint(appDir: string, format: CheckFormat, lint: LintPool): Promise<number> {
  const files = await loadAppFiles(appDir);
  // A payload that cannot be read (permissions, a link out of the app) is a diagnostic on it, not a crash.
  const { diagnostics } = diagnoseApp(files, (p) => readAppFile(appDir, p));
  // A server.js that is a folder or a FIFO is not read (it would hang the check): said on it.
  const script = notAFile(appDir, SERVER_SCRIPT);
  if (script) diagnostics.push(unreadableFile(SERVER_SCRIPT, script));
  diagnostics.push(...await lintApp(appDir, files.manifest.text, lint));
  const rows: CheckRow[] = sortDiagnostics(diagnostics).map((d) => ({
    file: d.file, line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: d.severity,
    code: d.code, message: d.message,
  }));
  const count = (s: string) => rows.filter((r) => r.severity === s).length;
  // The app as seen from here; run in the app's own folder (the editor's task), its folder's name, not '.'.
  const name = escapeControl(path.relative(process.cwd(), appDir) || path.basename(appDir));
  const hints = count('hint') ? `, ${count('hint')} hint(s)` : '';
  print(rows, appDir, format, `${name}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information${hints}.\n`);
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

function print(rows: CheckRow[], appDir: string, format: CheckFormat, summary: string): void {
  if (format === 'json') {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (format === 'sarif') {
    process.stdout.write(JSON.stringify(toSarif(rows, appDir, process.cwd()), null, 2) + '\n');
  } else if (format === 'github') {
    process.stdout.write(toGithubAnnotations(rows, appDir, process.cwd()) + hintLines(rows).map((l) => `${l}\n`).join('') + summary);
  } else {
    // Hints (the Problems panel lists none) are folded into one line per code, after the problems.
    const problems = rows.filter((r) => r.severity !== 'hint');
    process.stdout.write(`${toText(problems)}${hintLines(rows).map((l) => `${l}\n`).join('')}${rows.length ? '\n' : ''}${summary}`);
  }
}
