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

/** The innermost (shortest) range containing an offset; undefined when no range does (the script never ran). */
function rangeFinder(functions: V8Function[]): (offset: number) => V8Range | undefined {
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  return (offset) => {
    let best: V8Range | undefined;
    for (const r of ranges) {
      if (r.startOffset > offset) break;
      if (offset < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
    }
    return best;
  };
}

/**
 * Control left a function by a throw at `offset`, `count` times: what follows it in that function (the one
 * starting at `fnStart`, -1 for the script's top level) up to `end` (the end of the try block that catches it,
 * or of the function) did not run those times.
 */
export interface ThrowExit { offset: number; end: number; fnStart: number; count: number }

/**
 * Count at an offset, as Istanbul counts a statement there: V8's count of the innermost range containing it,
 * less the throws before `cut` (the offset itself unless given) in the same function and the same range. V8
 * has a counter per block and after each statement that jumps (if, loops, try, return, throw, await...), not
 * after a call that throws: a throw in the middle of a block leaves what follows it with the block's count.
 */
function counter(functions: V8Function[], ast: Node, exits: ThrowExit[]): (offset: number, cut?: number) => number {
  const rangeAt = rangeFinder(functions);
  const fnAt = exits.length ? functionFinder(ast) : () => -1;
  return (offset, cut = offset) => {
    const r = rangeAt(offset);
    if (!r) return 0;
    let n = r.count;
    if (!exits.length) return n;
    const fn = fnAt(offset);
    for (const e of exits) {
      if (e.fnStart === fn && e.offset < cut && cut < e.end && r.startOffset <= e.offset && e.offset < r.endOffset) n -= e.count;
    }
    return Math.max(0, n);
  };
}

const parse = (source: string): AnyNode => Parser.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true, locations: false }) as unknown as AnyNode;

/** The start of the innermost function containing an offset (-1: the top level). */
function functionFinder(ast: Node): (offset: number) => number {
  const fns: AnyNode[] = [];
  ancestor(ast, { Function(n) { fns.push(n as unknown as AnyNode); } });
  return (offset) => {
    let best: AnyNode | undefined;
    for (const f of fns) if (f.start <= offset && offset < f.end && (!best || f.end - f.start < best.end - best.start)) best = f;
    return best ? best.start : -1;
  };
}

/** The nodes from the root down to the innermost one containing `offset`. */
function pathTo(root: AnyNode, offset: number): AnyNode[] {
  const out = [root];
  for (let n: AnyNode | undefined = root; n;) {
    let next: AnyNode | undefined;
    for (const v of Object.values(n)) {
      for (const c of Array.isArray(v) ? v : [v]) {
        if (c && typeof c === 'object' && typeof (c as AnyNode).type === 'string' && (c as AnyNode).start <= offset && offset < (c as AnyNode).end) next = c as AnyNode;
      }
    }
    if (next) out.push(next);
    n = next;
  }
  return out;
}

/** A return, throw, break or continue in a block (not in a function inside it): a finally that has one can end the throw. */
function jumps(block: AnyNode): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const node = n as AnyNode;
    if (typeof node.type !== 'string') return;
    if (FUNCTIONS.has(node.type)) return;
    if (['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement'].includes(node.type)) { found = true; return; }
    for (const [k, v] of Object.entries(node)) if (k !== 'type') visit(v);
  };
  visit(block);
  return found;
}

const isExecutor = (fn: AnyNode | undefined, parent: AnyNode | undefined): boolean => parent?.type === 'NewExpression'
  && (parent.callee as AnyNode).type === 'Identifier' && (parent.callee as AnyNode).name === 'Promise' && (parent.arguments as AnyNode[])[0] === fn;

/**
 * V8 reports a promise rejection at a call as it reports a throw there: a call at `offset` that rejects a promise
 * rather than throwing: `Promise.reject(...)`, `x.reject(...)`, a function named reject, or the second parameter of
 * an enclosing promise executor (whatever its name). Such a call returns and control goes on.
 */
function rejectCall(nodes: AnyNode[], offset: number): boolean {
  const call = [...nodes].reverse().find((n) => (n.type === 'CallExpression' || n.type === 'NewExpression')
    && [n.callee as AnyNode, (n.callee as AnyNode).property as AnyNode | undefined].some((c) => c?.start === offset));
  if (!call) return false;
  const callee = call.callee as AnyNode;
  const name = callee.type === 'Identifier' ? callee.name as string
    : callee.type === 'MemberExpression' && (callee.property as AnyNode).type === 'Identifier' ? (callee.property as AnyNode).name as string : undefined;
  if (name === undefined || /^rej|reject/i.test(name)) return true;
  if (callee.type !== 'Identifier') return false;
  for (let i = nodes.length - 1; i > 0; i--) {
    const fn = nodes[i];
    if (!FUNCTIONS.has(fn.type)) continue;
    const params = fn.params as AnyNode[];
    const at = params.findIndex((p) => p.type === 'Identifier' && p.name === name);
    if (at >= 0) return at === 1 && isExecutor(fn, nodes[i - 1]);
  }
  return false;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const JUMPS = new Set(['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement']);

/** The end of the first `await` or `yield` in a node that starts after `after` (not in a function inside it). */
function suspendAfter(node: AnyNode | null | undefined, after: number): number | undefined {
  let found: number | undefined;
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const x = n as AnyNode;
    if (typeof x.type !== 'string' || FUNCTIONS.has(x.type) || x.end <= after) return;
    if ((x.type === 'AwaitExpression' || x.type === 'YieldExpression') && x.start >= after) { found = Math.min(found ?? Infinity, x.end); return; }
    for (const [k, v] of Object.entries(x)) if (k !== 'type') visit(v);
  };
  visit(node);
  return found;
}

/**
 * Where V8's next counter starts in a statement run after `after` (undefined: none in it, the next statement
 * goes on with the same counter): V8 counts the inside of an if, a loop, a switch and a catch on their own, what
 * follows an if, loop, try, switch, return, throw, break, continue or await on its own, and nothing else (a
 * plain block, a try block and an expression share their surroundings' counter).
 */
function counterIn(st: AnyNode, after: number): number | undefined {
  const suspend = (n: AnyNode | null | undefined) => suspendAfter(n, after);
  switch (st.type) {
    case 'IfStatement': return suspend(st.test as AnyNode) ?? (st.consequent as AnyNode).start;
    case 'SwitchStatement': return suspend(st.discriminant as AnyNode) ?? ((st.cases as AnyNode[])[0]?.start ?? st.end);
    case 'TryStatement': return counterInList((st.block as AnyNode).body as AnyNode[], after) ?? (st.block as AnyNode).end;
    case 'BlockStatement': return counterInList(st.body as AnyNode[], after);
    case 'LabeledStatement': return counterIn(st.body as AnyNode, after);
    case 'FunctionDeclaration': case 'ClassDeclaration': case 'EmptyStatement': return undefined;
    default:
      if (LOOPS.has(st.type)) return suspend(st.type === 'ForStatement' ? st.init as AnyNode : st.type === 'DoWhileStatement' ? null : (st.right ?? st.test) as AnyNode) ?? (st.body as AnyNode).start;
      if (JUMPS.has(st.type)) return suspend(st) ?? st.end;
      return suspend(st);
  }
}

function counterInList(list: AnyNode[], after: number): number | undefined {
  for (const st of list) {
    if (st.end <= after) continue;
    const at = counterIn(st, after);
    if (at !== undefined) return at;
  }
  return undefined;
}

/**
 * How far a throw at `offset` leaves V8's counter as it was: from the throw to where V8 starts its next counter
 * in the function (nodes[f]; 0: the top level). The code in between ran as often as V8 says, less the throws.
 */
function counterAfter(nodes: AnyNode[], f: number, offset: number): number {
  const isStatement = (n: AnyNode) => /Statement$|Declaration$/.test(n.type);
  let k = nodes.length - 1;
  while (k > f && !isStatement(nodes[k])) k--;
  if (k > f) {
    // The statement holding the throw, after it: an if's branches follow its test, an await its argument.
    const at = counterIn(nodes[k], offset);
    if (at !== undefined && at > offset) return at;
  }
  for (let i = k; i > f; i--) {
    const n = nodes[i];
    const parent = nodes[i - 1];
    const list = parent.type === 'BlockStatement' || parent.type === 'Program' ? parent.body as AnyNode[]
      : parent.type === 'SwitchCase' ? parent.consequent as AnyNode[] : undefined;
    if (!list || !list.includes(n)) continue;
    const at = counterInList(list.slice(list.indexOf(n) + 1), offset);
    if (at !== undefined) return at;
    // The end of this list: a plain block goes on into what follows it; anything else has a counter after it.
    const owner = nodes[i - 2];
    if (parent.type === 'BlockStatement' && owner && ['BlockStatement', 'Program', 'SwitchCase', 'LabeledStatement'].includes(owner.type)) continue;
    return parent.end;
  }
  return (f > 0 ? nodes[f].body as AnyNode : nodes[0]).end;
}

/**
 * One frame of a throw: where what follows stops being run (the catching try block's end, or the function's),
 * and whether the throw goes on into the calling frame. Undefined for the top frame of a promise rejection at
 * a reject call (rejectCall), after which control goes on.
 */
function frameExit(ast: AnyNode, offset: number, rejectionTop: boolean): { exit: Omit<ThrowExit, 'count'>; propagates: boolean } | undefined {
  const nodes = pathTo(ast, offset);
  let f = nodes.length - 1;
  while (f > 0 && !FUNCTIONS.has(nodes[f].type)) f--;
  const fn = f > 0 ? nodes[f] : undefined;
  if (rejectionTop && rejectCall(nodes, offset)) return undefined;
  let caught = false;
  for (let i = nodes.length - 1; i > f; i--) {
    const t = nodes[i - 1];
    if (t.type !== 'TryStatement') continue;
    const inBlock = nodes[i] === t.block;
    const finalizer = t.finalizer as AnyNode | null;
    if ((inBlock && t.handler) || ((inBlock || nodes[i] === t.handler) && finalizer && jumps(finalizer))) {
      caught = true;
      break;
    }
  }
  const end = counterAfter(nodes, f, offset);
  // Async functions and generators turn the throw into a rejection or hand it to whoever resumes them; a promise
  // executor's throw is caught by the Promise constructor: the caller on the stack goes on.
  const propagates = !caught && !!fn && !fn.async && !fn.generator && !isExecutor(fn, f > 0 ? nodes[f - 1] : undefined);
  return { exit: { offset, end, fnStart: fn ? fn.start : -1 }, propagates };
}

/** A throw as the child recorded it (simulate/coverage.ts): app frames from the throwing one outwards. */
export interface RecordedThrow { frames: { url: string; line: number; column: number }[]; rejection: boolean; count: number }

/**
 * The exits of recorded throws, per file: in the throwing frame, then in each calling frame of the app the
 * throw went through (not past a try that catches it, an async function, a generator or a promise executor).
 * A frame whose file has no source or does not parse, or whose position is not in it, ends the walk.
 */
export function throwExits(throws: RecordedThrow[], sourceOf: (file: string) => string | undefined): Map<string, ThrowExit[]> {
  const files = new Map<string, { ast: AnyNode; starts: number[]; length: number } | null>();
  const file = (url: string) => {
    if (!files.has(url)) {
      const source = sourceOf(url);
      let parsed: { ast: AnyNode; starts: number[]; length: number } | null = null;
      if (source !== undefined) {
        try {
          const starts = [0];
          for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
          parsed = { ast: parse(source), starts, length: source.length };
        } catch { parsed = null; }
      }
      files.set(url, parsed);
    }
    return files.get(url);
  };
  const out = new Map<string, ThrowExit[]>();
  for (const t of throws) {
    for (let i = 0; i < t.frames.length; i++) {
      const { url, line, column } = t.frames[i];
      const f = file(url);
      if (!f || line >= f.starts.length) break;
      const offset = f.starts[line] + column;
      if (offset >= (f.starts[line + 1] ?? f.length + 1)) break;
      const r = frameExit(f.ast, offset, i === 0 && t.rejection);
      if (!r) break;
      const list = out.get(url) ?? [];
      list.push({ ...r.exit, count: t.count });
      out.set(url, list);
      if (!r.propagates) break;
    }
  }
  return out;
}

/** Operands of a `a && b || c` chain, flattened as Istanbul does. */
function logicalLeaves(n: AnyNode, out: AnyNode[] = []): AnyNode[] {
  if (n.type === 'LogicalExpression') {
    logicalLeaves(n.left as AnyNode, out);
    logicalLeaves(n.right as AnyNode, out);
  } else out.push(n);
  return out;
}

export function toIstanbulCoverage(filePath: string, source: string, functions: V8Function[], exits: ThrowExit[] = []): IstanbulFileCoverage {
  const ast = parse(source) as unknown as Node;
  const at = locator(source);
  const count = counter(functions, ast, exits);
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
      // How often the test was evaluated to the end (a throw inside it takes neither branch).
      const total = count(n.start, (n.test as AnyNode).end);
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
