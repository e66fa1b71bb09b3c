// `fsdev check`: the editor's diagnostics, printed. Positions are 1-based here, as compilers print them.
import * as path from 'node:path';
import { loadAppFiles, notAnAppReason, readAppFile } from './appFiles';
import { diagnoseApp, sortDiagnostics } from './core/diagnoseApp';

export async function checkCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const appDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.');
  const notApp = await notAnAppReason(appDir);
  if (notApp) {
    process.stderr.write(`fsdev check: ${notApp}\n`);
    return 2;
  }
  const files = await loadAppFiles(appDir);
  // A payload that cannot be read (permissions, a link out of the app) is a diagnostic on it, not a crash.
  const { diagnostics } = diagnoseApp(files, (p) => readAppFile(appDir, p));
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
