// Istanbul data of one file (from the test child's V8 coverage) → VS Code's test coverage: statements with
// their branches, functions as declarations. Istanbul lines are 1-based, columns 0-based.
import * as vscode from 'vscode';
import type { FileCoverageData } from '../../server/src/shared/protocol';

type Loc = FileCoverageData['statementMap'][string];
const range = (l: Loc) => new vscode.Range(l.start.line - 1, l.start.column, l.end.line - 1, l.end.column);
const contains = (outer: Loc, inner: Loc) =>
  (outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.column <= inner.start.column))
  && (outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.column >= inner.end.column));

const LABELS: Record<string, (i: number) => string> = {
  if: (i) => (i === 0 ? 'then' : 'else'),
  'cond-expr': (i) => (i === 0 ? 'true' : 'false'),
  'binary-expr': (i) => `operand ${i + 1}`,
  switch: (i) => `case ${i + 1}`,
};

export function coverageDetails(fc: FileCoverageData & { fnNames?: Record<string, string> }): vscode.FileCoverageDetail[] {
  const statements = Object.keys(fc.statementMap).map((k) => ({ loc: fc.statementMap[k], count: fc.s[k] ?? 0, branches: [] as vscode.BranchCoverage[] }));
  for (const [k, b] of Object.entries(fc.branchMap)) {
    const counts = fc.b[k] ?? [];
    const branches = b.locations.map((l, i) => new vscode.BranchCoverage(counts[i] ?? 0, range(l), (LABELS[b.type] ?? ((j: number) => `branch ${j + 1}`))(i)));
    // Each branch point goes with the smallest statement that holds it (the if, the declaration, the return...).
    const owner = statements.filter((s) => contains(s.loc, b.loc))
      .sort((x, y) => (x.loc.end.line - x.loc.start.line) - (y.loc.end.line - y.loc.start.line) || y.loc.start.column - x.loc.start.column)[0];
    if (owner) owner.branches.push(...branches);
    else statements.push({ loc: b.loc, count: Math.max(0, ...counts), branches });
  }
  const details: vscode.FileCoverageDetail[] = statements.map((s) => new vscode.StatementCoverage(s.count, range(s.loc), s.branches));
  for (const [k, f] of Object.entries(fc.fnMap)) details.push(new vscode.DeclarationCoverage(fc.fnNames?.[k] ?? f.name, fc.f[k] ?? 0, range(f.loc)));
  return details;
}
