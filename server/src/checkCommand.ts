// `fsdev check`: the editor's diagnostics, printed. Positions are 1-based here, as compilers print them.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadAppFiles, notAnAppReason } from './appFiles';
import { diagnoseApp, sortDiagnostics } from './core/diagnoseApp';

export async function checkCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const appDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.');
  // --json prints one array on stdout whatever happens: a script parsing it never meets an empty stdout.
  const fail = (code: string, message: string) => {
    process.stderr.write(`fsdev check: ${message}\n`);
    if (json) process.stdout.write(JSON.stringify([{ file: 'manifest.json', line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code, message }], null, 2) + '\n');
    return 2;
  };
  try {
    const notApp = await notAnAppReason(appDir);
    if (notApp) return fail('not-an-app', notApp);
    return await checkApp(appDir, json);
  } catch (e) {
    return fail('internal-error', `the check could not finish: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
}

async function checkApp(appDir: string, json: boolean): Promise<number> {
  const files = await loadAppFiles(appDir);
  const { diagnostics } = diagnoseApp(files, (p) => readFileSync(path.join(appDir, p), 'utf8'));
  const rows = sortDiagnostics(diagnostics).map((d) => ({
    file: d.file, line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: d.severity === 'hint' ? 'information' : d.severity,
    code: d.code, message: d.message,
  }));
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
    const count = (s: string) => rows.filter((r) => r.severity === s).length;
    process.stdout.write(`${rows.length ? '\n' : ''}${path.relative(process.cwd(), appDir) || '.'}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information.\n`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}
