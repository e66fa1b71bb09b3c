// V8 block coverage of one script → Istanbul's file coverage (statementMap/fnMap/branchMap and counts),
// exact at Istanbul's own granularity. The maps come from the source's AST, as Istanbul's instrumenter
// (which fdk uses) builds them: statements (a `var` counts by its initialisers, a directive not at all), functions, and branches of `if` (an `if` without `else` still
// has two), `?:`, `&&`/`||`/`??` chains and `switch`. Each count is read from V8's block ranges: the count
// at a position is the count of the innermost range that contains it (V8 nests function and block ranges
// and omits a block whose count equals its parent's). v8-to-istanbul reports V8's ranges themselves as
// branches (every function body is one, an `if` that always ran is none), which is not what fdk reports.
// Offsets are UTF-16 indices into the compiled text; the sandbox only appends to the user's source, so
// they are the user's own. Pure: no I/O.
import { Parser, type Node } from 'acorn';
import { ancestor } from 'acorn-walk';

export interface V8Range { startOffset: number; endOffset: number; count: number }
export interface V8Function { functionName: string; ranges: V8Range[] }

interface Pos { line: number; column: number }
export interface Loc { start: Pos; end: Pos }
export interface IstanbulFileCoverage {
  path: string;
  statementMap: Record<string, Loc>;
  fnMap: Record<string, { name: string; decl: Loc; loc: Loc; line: number }>;
  branchMap: Record<string, { loc: Loc; type: string; locations: Loc[]; line: number }>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
  /** Hash of the source the maps were made from (a changed file's old counts are dropped, not merged). */
  hash?: string;
}

type AnyNode = Node & Record<string, unknown>;

const STATEMENTS = new Set(['ExpressionStatement', 'BreakStatement', 'ContinueStatement', 'DebuggerStatement', 'ReturnStatement',
  'ThrowStatement', 'TryStatement', 'IfStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement',
  'WhileStatement', 'DoWhileStatement', 'SwitchStatement', 'WithStatement', 'LabeledStatement']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Line starts of a text, for offset → 1-based line / 0-based column (Istanbul's convention). */
function locator(text: string): (offset: number) => Pos {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] };
  };
}

/** Count at an offset: the innermost (shortest) range containing it; 0 when no range does (the script never ran). */
function counter(functions: V8Function[]): (offset: number) => number {
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  return (offset) => {
    let best: V8Range | undefined;
    for (const r of ranges) {
      if (r.startOffset > offset) break;
      if (offset < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
    }
    return best?.count ?? 0;
  };
}

/** Operands of a `a && b || c` chain, flattened as Istanbul does. */
function logicalLeaves(n: AnyNode, out: AnyNode[] = []): AnyNode[] {
  if (n.type === 'LogicalExpression') {
    logicalLeaves(n.left as AnyNode, out);
    logicalLeaves(n.right as AnyNode, out);
  } else out.push(n);
  return out;
}

export function toIstanbulCoverage(filePath: string, source: string, functions: V8Function[]): IstanbulFileCoverage {
  const ast = Parser.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true, locations: false });
  const at = locator(source);
  const count = counter(functions);
  const loc = (n: { start: number; end: number }): Loc => ({ start: at(n.start), end: at(n.end) });
  const fc: IstanbulFileCoverage = { path: filePath, statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} };
  // The walk visits children first; Istanbul numbers in source order (outer before inner): collect, then sort.
  type Item<T> = { start: number; end: number; map: T; hits: T extends { locations: unknown } ? number[] : number };
  const statements: Item<Loc>[] = [];
  const fns: Item<IstanbulFileCoverage['fnMap'][string]>[] = [];
  const branches: Item<IstanbulFileCoverage['branchMap'][string]>[] = [];
  const statement = (n: AnyNode): void => { statements.push({ start: n.start, end: n.end, map: loc(n), hits: count(n.start) }); };
  const branch = (n: AnyNode, type: string, locations: { start: number; end: number }[], counts: number[]): void => {
    branches.push({ start: n.start, end: n.end, map: { loc: loc(n), type, locations: locations.map(loc), line: at(n.start).line }, hits: counts });
  };
  ancestor(ast, {
    Statement(node) {
      const n = node as unknown as AnyNode;
      // A directive ('use strict') is no statement for Istanbul (Babel parses it as a Directive).
      if (STATEMENTS.has(n.type) && !(n.type === 'ExpressionStatement' && typeof n.directive === 'string')) statement(n);
    },
    VariableDeclarator(node) {
      const init = (node as unknown as AnyNode).init as AnyNode | null;
      if (init) statement(init);
    },
    Function(node) {
      const n = node as unknown as AnyNode;
      if (!FUNCTIONS.has(n.type)) return;
      const body = n.body as AnyNode;
      const id = n.id as AnyNode | null;
      const name = (id?.name as string | undefined) ?? `(anonymous_${fns.length})`;
      const decl = id ?? { start: n.start, end: (n.params as AnyNode[])[0]?.start ?? body.start };
      fns.push({ start: n.start, end: n.end, map: { name, decl: loc(decl), loc: loc(n), line: at(n.start).line }, hits: count(body.start) });
      if (n.type === 'ArrowFunctionExpression' && body.type !== 'BlockStatement') statement(body);
    },
    IfStatement(node) {
      const n = node as unknown as AnyNode;
      const total = count(n.start);
      const then = n.consequent as AnyNode;
      const alt = n.alternate as AnyNode | null;
      const thenCount = count(then.start);
      // No `else`: Istanbul's second location is the if statement itself, taken when the test is false.
      branch(n, 'if', [then, alt ?? n], [thenCount, alt ? count(alt.start) : Math.max(0, total - thenCount)]);
    },
    ConditionalExpression(node) {
      const n = node as unknown as AnyNode;
      const [c, a] = [n.consequent as AnyNode, n.alternate as AnyNode];
      branch(n, 'cond-expr', [c, a], [count(c.start), count(a.start)]);
    },
    LogicalExpression(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2] as AnyNode | undefined;
      if (parent?.type === 'LogicalExpression') return; // counted with the outermost operator of the chain
      const leaves = logicalLeaves(node as unknown as AnyNode);
      branch(node as unknown as AnyNode, 'binary-expr', leaves, leaves.map((l) => count(l.start)));
    },
    SwitchStatement(node) {
      const n = node as unknown as AnyNode;
      const cases = n.cases as AnyNode[];
      branch(n, 'switch', cases, cases.map((c) => count(((c.consequent as AnyNode[])[0] ?? c).start)));
    },
  });
  const order = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start - b.start || b.end - a.end;
  statements.sort(order).forEach((x, i) => { fc.statementMap[i] = x.map; fc.s[i] = x.hits; });
  fns.sort(order).forEach((x, i) => { fc.fnMap[i] = x.map; fc.f[i] = x.hits; });
  branches.sort(order).forEach((x, i) => { fc.branchMap[i] = x.map; fc.b[i] = x.hits; });
  return fc;
}

/** The name a function goes by in the editor: its property key, method, variable or `exports.x`; else its own. */
function nameInEditor(fn: AnyNode, parent: AnyNode | undefined): string | undefined {
  const keyName = (k: AnyNode | undefined) => (k?.type === 'Identifier' ? k.name as string
    : k?.type === 'Literal' && typeof k.value === 'string' ? k.value : undefined);
  if (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.value === fn) {
    return keyName(parent.key as AnyNode);
  }
  if (parent?.type === 'VariableDeclarator' && parent.init === fn) return keyName(parent.id as AnyNode);
  if (parent?.type === 'AssignmentExpression' && parent.right === fn) {
    const left = parent.left as AnyNode;
    return left.type === 'MemberExpression' && !left.computed ? keyName(left.property as AnyNode) : keyName(left);
  }
  return keyName(fn.id as AnyNode | undefined);
}

/**
 * For the editor's Test Coverage view: each function of `fnMap` by the name the outline gives it (the property key,
 * `onContactCreateHandler`), where Istanbul says `(anonymous_0)`. The Istanbul files keep Istanbul's names.
 */
export function functionNamesInEditor(source: string, fnMap: IstanbulFileCoverage['fnMap']): Record<string, string> {
  const ast = Parser.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true, locations: false });
  const at = locator(source);
  const byStart = new Map<string, string>();
  ancestor(ast, {
    Function(node, _state, ancestors) {
      const n = node as unknown as AnyNode;
      const name = nameInEditor(n, ancestors[ancestors.length - 2] as AnyNode | undefined);
      const p = at(n.start);
      if (name) byStart.set(`${p.line}:${p.column}`, name);
    },
  });
  const out: Record<string, string> = {};
  for (const [k, f] of Object.entries(fnMap)) out[k] = byStart.get(`${f.loc.start.line}:${f.loc.start.column}`) ?? f.name;
  return out;
}
