// Turn a V8 error (thrown in the handler's vm context) into a SimulationError whose frames point at the
// user's files. server.js is compiled with its real absolute path and no wrapper lines in front of it
// (vm.compileFunction), so V8 positions are already the user's own lines: we only parse, filter and
// make paths relative to the app.
import * as path from 'node:path';
import type { SimulationError, StackFrame } from './types';

const FRAME_WITH_NAME = /^\s*at (?:async )?(.*?) \((.*):(\d+):(\d+)\)$/;
const FRAME_BARE = /^\s*at (?:async )?(.*):(\d+):(\d+)$/;

function rel(appDir: string, file: string): string {
  if (file.startsWith('file://')) file = file.slice(7);
  const r = path.relative(appDir, file);
  if (!r.startsWith('..') && !path.isAbsolute(r)) return r.split(path.sep).join('/');
  return file;
}

/** Frames of a V8 stack string, without node internals and without the runner's own frames. */
export function parseFrames(stack: string, appDir: string, hideFiles: string[] = []): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    let m = FRAME_WITH_NAME.exec(line);
    let fn: string | undefined;
    let file: string;
    let ln: number;
    let col: number;
    if (m) {
      fn = m[1];
      file = m[2];
      ln = Number(m[3]);
      col = Number(m[4]);
      // `at fn (eval at x (file:1:2), <anonymous>:3:4)`: keep the outer location.
      const ev = /^eval at .* \((.*):(\d+):(\d+)\)/.exec(file);
      if (ev) { file = ev[1]; ln = Number(ev[2]); col = Number(ev[3]); }
    } else {
      m = FRAME_BARE.exec(line);
      if (!m) continue;
      file = m[1];
      ln = Number(m[2]);
      col = Number(m[3]);
    }
    if (file.startsWith('node:') || file.startsWith('internal/') || hideFiles.includes(file)) continue;
    const frame: StackFrame = { file: rel(appDir, file), line: ln, column: col };
    if (fn && fn !== '<anonymous>') frame.functionName = fn;
    frames.push(frame);
  }
  return frames;
}

function isInServer(frame: StackFrame): boolean {
  return frame.file.startsWith('server/') && !frame.file.includes('/node_modules/');
}

/** A SyntaxError's stack starts with `file:line`, the source line and a caret line: read the position. */
function syntaxPosition(stack: string, appDir: string): { file: string; line: number; column: number } | undefined {
  const lines = stack.split('\n');
  const head = /^(.*):(\d+)$/.exec(lines[0] ?? '');
  if (!head) return undefined;
  const caret = lines[2] ?? '';
  const c = caret.indexOf('^');
  return { file: rel(appDir, head[1]), line: Number(head[2]), column: c >= 0 ? c + 1 : 1 };
}

/** Build the error of a result from anything thrown or rejected. */
export function toSimulationError(thrown: unknown, appDir: string, hideFiles: string[] = []): SimulationError {
  let message: string;
  let stack: string | undefined;
  if (thrown !== null && typeof thrown === 'object') {
    const o = thrown as { name?: unknown; message?: unknown; stack?: unknown };
    const name = typeof o.name === 'string' ? o.name : undefined;
    if (typeof o.message === 'string') message = name && name !== 'Error' ? `${name}: ${o.message}` : o.message;
    else {
      try { message = JSON.stringify(thrown); } catch { message = String(thrown); }
    }
    if (typeof o.stack === 'string') stack = o.stack;
  } else {
    message = thrown === undefined ? 'undefined' : String(thrown);
  }
  const error: SimulationError = { message, frames: [] };
  if (stack === undefined) return error;
  error.frames = parseFrames(stack, appDir, hideFiles);
  // Drop the runner's own lines from the stack text as well: the user sees their frames only.
  error.stack = stack.split('\n')
    .filter((l) => !/^\s*at /.test(l) || parseFrames(l, appDir, hideFiles).length > 0)
    .join('\n');
  const first = error.frames.find(isInServer);
  if (first) {
    error.file = first.file;
    error.line = first.line;
    error.column = first.column;
  } else if ((thrown as { name?: unknown }).name === 'SyntaxError') {
    const pos = syntaxPosition(stack, appDir);
    if (pos) Object.assign(error, pos);
  }
  return error;
}
