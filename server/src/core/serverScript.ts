// Finds the callbacks server/server.js exports, applying the real tool's discovery rule: only
// function-expression properties of the first top-level `exports = {...}` are seen. Everything else
// that would run (arrows, quoted keys, `exports.x = ...`, `module.exports`) is recorded and flagged.
import { Parser, type Options } from 'acorn';
import { LooseParser } from 'acorn-loose';
import { looksBinary } from './binaryText';
import { rangeOf } from './textPositions';
import type { CallbackForm, EventRegistration, ExportedCallback, Range, Scope, ServerScript } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any -- ESTree nodes are walked structurally */
type AnyNode = any;

const options: Options = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true };

export interface ParsedScript extends ServerScript {
  /** The 2.0 `events: [{ event, callback }]` items, with ranges. */
  eventsArrayItems: { event?: string; callback?: string; eventRange: Range; callbackRange?: Range; entryRange: Range; extraKeys: string[] }[];
}

/** Larger scripts are not parsed (a real server.js is a few hundred KB at most; bundles belong in packages). */
export const SCRIPT_MAX_CHARS = 2 * 1024 * 1024;
/**
 * Time the error-tolerant parser may take on a script that does not parse. It recovers half-typed code in
 * milliseconds, but on garbage it is quadratic (64 KB of random bytes: 6 s), and the language server must
 * keep answering. Past the budget the callbacks after the first syntax error are not recovered.
 */
export const LOOSE_PARSE_BUDGET_MS = 250;

class OverBudget extends Error {}
/** acorn-loose with a time budget, checked at every token. */
class BoundedLooseParser extends (LooseParser as unknown as new (input: string, options: Options) => { next(): void; parse(): AnyNode }) {
  private readonly deadline = Date.now() + LOOSE_PARSE_BUDGET_MS;
  override next(): void {
    if (Date.now() > this.deadline) throw new OverBudget();
    super.next();
  }
}


const unparsed = (text: string, message: string): ParsedScript =>
  ({ hasExportsObject: false, callbacks: [], eventsArrayItems: [], syntaxError: { message, range: rangeOf(text, 0, 0) } });

/** The ESTree program of each parsed server.js, for checks that walk its code (request templates). */
const programs = new WeakMap<ParsedScript, AnyNode>();
export function programOf(script: ParsedScript): AnyNode | undefined {
  return programs.get(script);
}

/**
 * A script's ESTree program: acorn's strict parse, or, when the text does not parse, acorn-loose's recovery
 * within LOOSE_PARSE_BUDGET_MS (an empty program past it). Size and binary limits are the caller's.
 */
export function parseProgram(text: string): { program: AnyNode; syntaxError?: ServerScript['syntaxError'] } {
  try {
    return { program: Parser.parse(text, options) };
  } catch (e) {
    const err = e as SyntaxError & { pos?: number; raisedAt?: number };
    const pos = typeof err.pos === 'number' ? err.pos : 0;
    const syntaxError = { message: err.message.replace(/\s*\(\d+:\d+\)$/, ''), range: rangeOf(text, pos, Math.min(text.length, Math.max(pos + 1, err.raisedAt ?? pos))) };
    try {
      return { program: new BoundedLooseParser(text, options).parse(), syntaxError };
    } catch (x) {
      if (!(x instanceof OverBudget)) throw x;
      syntaxError.message += '; the file is too damaged to recover its callbacks';
      return { program: { body: [] }, syntaxError };
    }
  }
}

export function parseServerScript(text: string): ParsedScript {
  if (text.length > SCRIPT_MAX_CHARS) return unparsed(text, `the file has ${text.length} characters; files over ${SCRIPT_MAX_CHARS / 1024 / 1024} MB are not checked`);
  if (looksBinary(text)) return unparsed(text, 'the file looks like binary data (NUL bytes or control characters), not JavaScript');
  const { program, syntaxError } = parseProgram(text);
  const result: ParsedScript = { hasExportsObject: false, callbacks: [], syntaxError, eventsArrayItems: [] };
  programs.set(result, program);
  for (const statement of program.body ?? []) {
    const expr = statement.type === 'ExpressionStatement' ? statement.expression : undefined;
    if (expr?.type !== 'AssignmentExpression' || expr.operator !== '=') continue;
    const target = expr.left;
    if (target.type === 'Identifier' && target.name === 'exports' && expr.right.type === 'ObjectExpression') {
      if (result.hasExportsObject) continue; // the real tool reads the first one only
      result.hasExportsObject = true;
      readExportsObject(text, expr.right, result, true);
    } else if (isMember(target, 'exports') || isMember(target, 'module', 'exports')) {
      // exports.name = ... / module.exports.name = ...
      const name = propertyName(target);
      if (name) result.callbacks.push(callback(text, name, isMember(target, 'exports') ? 'exports-assignment' : 'module-exports', target, statement, expr.right));
    } else if (isModuleExports(target) && expr.right.type === 'ObjectExpression') {
      readExportsObject(text, expr.right, result, false);
    }
  }
  return result;
}

function readExportsObject(text: string, object: AnyNode, out: ParsedScript, platformObject: boolean): void {
  if (platformObject) {
    const first = object.properties[0];
    const last = object.properties[object.properties.length - 1];
    out.exportsObject = {
      range: rangeOf(text, object.start, object.end), open: object.start, close: object.end - 1,
      indent: first ? indentAt(text, first.start) : '  ', propertyCount: object.properties.length,
      lastPropertyEnd: last?.end,
      trailingComma: last ? /^\s*,/.test(text.slice(last.end, object.end - 1)) : false,
      blankLineBetween: object.properties.length > 1 && /\n[ \t]*\r?\n/.test(text.slice(object.properties[0].end, object.properties[1].start)),
    };
  }
  for (const prop of object.properties) {
    if (prop.type !== 'Property') continue;
    const keyName = prop.computed ? undefined : prop.key.type === 'Identifier' ? prop.key.name
      : typeof prop.key.value === 'string' ? prop.key.value : undefined;
    if (platformObject && keyName === 'events' && prop.value.type === 'ArrayExpression') {
      out.eventsArray = { range: rangeOf(text, prop.value.start, prop.value.end), open: prop.value.start, close: prop.value.end - 1 };
      readEventsArray(text, prop.value, out);
      continue;
    }
    if (!isFunction(prop.value) && prop.value.type !== 'Identifier') continue;
    // `['onDealCreateHandler']: function () {}` runs as onDealCreateHandler: name it so, so the manifest's
    // handler finds it (and is told it is invisible) instead of being reported as undefined.
    const computedName = prop.computed && prop.key.type === 'Literal' && typeof prop.key.value === 'string' ? prop.key.value
      : prop.computed ? text.slice(prop.key.start, prop.key.end) : undefined;
    const name = keyName ?? computedName;
    if (!name) continue;
    let form: CallbackForm;
    if (!platformObject) form = 'module-exports';
    else if (prop.computed) form = 'computed-key';
    else if (prop.key.type !== 'Identifier') form = 'quoted-key';
    else if (prop.value.type === 'ArrowFunctionExpression') form = 'arrow';
    else if (prop.value.type === 'Identifier') form = 'identifier';
    else form = prop.method ? 'method' : 'function';
    out.callbacks.push(callback(text, name, form, prop.key, prop, prop.value));
  }
}

function readEventsArray(text: string, array: AnyNode, out: ParsedScript): void {
  for (const item of array.elements) {
    if (item?.type !== 'ObjectExpression') continue;
    const entry: ParsedScript['eventsArrayItems'][number] = { eventRange: rangeOf(text, item.start, item.end), entryRange: rangeOf(text, item.start, item.end), extraKeys: [] };
    for (const p of item.properties) {
      if (p.type !== 'Property') continue;
      const key = p.key.type === 'Identifier' ? p.key.name : String(p.key.value);
      const value = p.value.type === 'Literal' && typeof p.value.value === 'string' ? p.value.value : undefined;
      const range = rangeOf(text, p.value.start, p.value.end);
      if (key === 'event') { entry.event = value; entry.eventRange = range; }
      else if (key === 'callback') { entry.callback = value; entry.callbackRange = range; }
      else entry.extraKeys.push(key);
    }
    out.eventsArrayItems.push(entry);
  }
}

/** The 2.0 events array as registrations, under the given product scope. */
export function eventsArrayRegistrations(script: ParsedScript, scope: Scope, file: string): EventRegistration[] {
  return script.eventsArrayItems.filter((i) => i.event !== undefined).map((i) => ({
    event: i.event!, handler: i.callback, scope, file, eventRange: i.eventRange, handlerRange: i.callbackRange,
    entryRange: i.entryRange, otherKeys: i.extraKeys.map((key) => ({ key, range: i.entryRange })),
  }));
}

function callback(text: string, name: string, form: CallbackForm, keyNode: AnyNode, whole: AnyNode, value: AnyNode): ExportedCallback {
  return {
    name, form, visibleToPlatform: form === 'function' || form === 'method',
    nameRange: rangeOf(text, keyNode.start, keyNode.end), range: rangeOf(text, whole.start, whole.end),
    valueStart: value.start, valueEnd: value.end,
  };
}

function isFunction(node: AnyNode): boolean {
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function isMember(node: AnyNode, object: string, property?: string): boolean {
  if (node.type !== 'MemberExpression') return false;
  if (property === undefined) return node.object.type === 'Identifier' && node.object.name === object;
  return isModuleExports(node.object);
}

function isModuleExports(node: AnyNode): boolean {
  return node.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.object.name === 'module'
    && node.property.type === 'Identifier' && node.property.name === 'exports';
}

function propertyName(member: AnyNode): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}
