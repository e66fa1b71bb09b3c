// mocha's describe/it blocks of a test file, found by reading it (never running it), for the Testing view.
// Tolerant (acorn-loose): a file being edited still lists its tests. Titles must be string literals or
// templates without expressions; a computed title (a loop over cases) is found only when the test runs.
import type { Node } from 'acorn';
import { LooseParser } from 'acorn-loose';

export interface DiscoveredTest {
  kind: 'suite' | 'test';
  title: string;
  /** 0-based, as in LSP. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  skipped?: boolean;
  children?: DiscoveredTest[];
}

const SUITES = new Set(['describe', 'context', 'suite', 'xdescribe', 'xcontext']);
const TESTS = new Set(['it', 'specify', 'test', 'xit', 'xspecify']);

type AnyNode = Node & Record<string, unknown>;

function callName(callee: AnyNode): { name: string; modifier?: string } | undefined {
  if (callee.type === 'Identifier') return { name: callee.name as string };
  if (callee.type === 'MemberExpression' && !callee.computed) {
    const obj = callee.object as AnyNode;
    const prop = callee.property as AnyNode;
    if (obj.type === 'Identifier') return { name: obj.name as string, modifier: prop.name as string };
  }
  return undefined;
}

function titleOf(arg: AnyNode | undefined): string | undefined {
  if (!arg) return undefined;
  if (arg.type === 'Literal' && typeof arg.value === 'string') return arg.value;
  if (arg.type === 'TemplateLiteral' && (arg.expressions as unknown[]).length === 0) {
    return ((arg.quasis as AnyNode[])[0]?.value as { cooked?: string } | undefined)?.cooked ?? undefined;
  }
  return undefined;
}

export function discoverTests(text: string): DiscoveredTest[] {
  let ast: AnyNode;
  try {
    ast = LooseParser.parse(text, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true }) as unknown as AnyNode;
  } catch {
    return [];
  }
  const root: DiscoveredTest[] = [];
  const visit = (node: unknown, into: DiscoveredTest[], skipped: boolean): void => {
    if (Array.isArray(node)) { for (const n of node) visit(n, into, skipped); return; }
    if (!node || typeof node !== 'object' || typeof (node as AnyNode).type !== 'string') return;
    const n = node as AnyNode;
    if (n.type === 'CallExpression') {
      const c = callName(n.callee as AnyNode);
      const args = n.arguments as AnyNode[];
      const title = titleOf(args[0]);
      const isSuite = c && SUITES.has(c.name);
      const isTest = c && TESTS.has(c.name);
      if ((isSuite || isTest) && title !== undefined && (c.modifier === undefined || c.modifier === 'only' || c.modifier === 'skip')) {
        const loc = n.loc as { start: { line: number; column: number }; end: { line: number; column: number } };
        const item: DiscoveredTest = {
          kind: isSuite ? 'suite' : 'test', title,
          range: { start: { line: loc.start.line - 1, character: loc.start.column }, end: { line: loc.end.line - 1, character: loc.end.column } },
        };
        const skip = skipped || c.modifier === 'skip' || c.name.startsWith('x');
        if (skip) item.skipped = true;
        into.push(item);
        if (isSuite) {
          item.children = [];
          visit(args.slice(1), item.children, skip);
        }
        return;
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
      visit(value, into, skipped);
    }
  };
  visit(ast, root, false);
  return root;
}
