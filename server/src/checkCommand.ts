// `fsdev check`: the editor's diagnostics, printed. Positions are 1-based here, as compilers print them.
// Formats: text (file:line:col severity code message, for people and the `$fsdev` problem matcher), json,
// sarif (code scanning) and github (workflow annotations); see checkFormats.ts.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadAppFiles, notAnAppReason } from './appFiles';
import { FORMATS, toGithubAnnotations, toSarif, type CheckFormat, type CheckRow } from './checkFormats';
import { diagnoseApp, sortDiagnostics } from './core/diagnoseApp';

/** `[appDir] [--json] [--format f | --format=f]`; a string is the usage error. */
function parseArgs(args: string[]): { appDir: string; format: CheckFormat } | string {
  let format: string = 'text';
  let appDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') format = 'json';
    else if (a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-')) return `unknown option '${a}'.`;
    else if (appDir === undefined) appDir = a;
    else return `one app folder at a time ('${appDir}', then '${a}').`;
  }
  if (!(FORMATS as readonly string[]).includes(format)) return `--format must be one of ${FORMATS.join(', ')}${format ? `, not '${format}'` : ''}.`;
  return { appDir: path.resolve(appDir ?? '.'), format: format as CheckFormat };
}

export async function checkCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`fsdev check: ${parsed}\n`);
    return 2;
  }
  const { appDir, format } = parsed;
  const notApp = await notAnAppReason(appDir);
  if (notApp) {
    process.stderr.write(`fsdev check: ${notApp}\n`);
    return 2;
  }
  const files = await loadAppFiles(appDir);
  const { diagnostics } = diagnoseApp(files, (p) => readFileSync(path.join(appDir, p), 'utf8'));
  const rows: CheckRow[] = sortDiagnostics(diagnostics).map((d) => ({
    file: d.file, line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: d.severity === 'hint' ? 'information' : d.severity,
    code: d.code, message: d.message,
  }));
  const count = (s: string) => rows.filter((r) => r.severity === s).length;
  const summary = `${path.relative(process.cwd(), appDir) || '.'}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information.\n`;
  if (format === 'json') {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (format === 'sarif') {
    process.stdout.write(JSON.stringify(toSarif(rows, appDir, process.cwd()), null, 2) + '\n');
  } else if (format === 'github') {
    process.stdout.write(toGithubAnnotations(rows, appDir, process.cwd()) + summary);
  } else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
    process.stdout.write(`${rows.length ? '\n' : ''}${summary}`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}
