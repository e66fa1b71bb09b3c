// Offset <-> LSP position conversion over a cached table of line starts.
// Positions are 0-based line and UTF-16 character (JS string indices are UTF-16 code units already).
import type { Position, Range } from './types';

/** The file's first position, an empty range: where a finding about a file as a whole goes, and where a new file's text is inserted. */
export const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

let lastText: string | undefined;
let lastStarts: number[] | undefined;

/** Offsets at which each line starts. `\r\n`, `\n` and `\r` all end a line. Cached for the last text seen. */
export function lineStarts(text: string): number[] {
  if (text === lastText && lastStarts) return lastStarts;
  const starts = [0];
  if (!hasLoneCr(text)) {
    // Only `\n` and `\r\n` end lines (nearly every file): jump from `\n` to `\n`, several times faster than
    // looking at each character of a large payload on every keystroke.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
  }
  lastText = text;
  lastStarts = starts;
  return starts;
}

/** A `\r` not followed by `\n` (an old Mac line end) anywhere in the text. */
function hasLoneCr(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/** LSP position of `offset` in `text` (clamped to the text). */
export function positionAt(text: string, offset: number): Position {
  const starts = lineStarts(text);
  const o = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo] };
}

/** Offset of an LSP position in `text` (line and character clamped; never past the line's end). */
export function offsetAt(text: string, pos: Position): number {
  const starts = lineStarts(text);
  if (pos.line < 0) return 0;
  if (pos.line >= starts.length) return text.length;
  const start = starts[pos.line];
  let end = pos.line + 1 < starts.length ? starts[pos.line + 1] : text.length;
  // exclude the line terminator
  while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return Math.min(start + Math.max(0, pos.character), end);
}

/** Range from offset `start` to offset `end` (exclusive). */
export function rangeOf(text: string, start: number, end: number): Range {
  return { start: positionAt(text, start), end: positionAt(text, end) };
}

/** True when `pos` lies in `range`, both ends included (a cursor right after a token still touches it). */
export function rangeContains(range: Range, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}
