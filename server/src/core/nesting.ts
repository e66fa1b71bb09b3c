// Guards the parsers against pathological nesting: jsonc-parser and acorn(-loose) recurse once per level.
import { defineRule } from './rules';
import { rangeOf } from './textPositions';
import type { Diagnostic } from './types';

/**
 * Deepest bracket nesting the parsers are given. jsonc-parser and acorn-loose recurse once per level and
 * overflow the stack at roughly 1,100 (acorn-loose) to 3,600 (jsonc) levels; real files nest a few dozen.
 */
export const MAX_NESTING = 256;

/**
 * The text with everything inside a bracket nested deeper than `max` replaced by spaces (the bracket pair
 * itself kept, so valid JSON stays valid; line breaks kept, so length, offsets and positions are unchanged). Brackets are counted everywhere, strings
 * included: counting too many only blanks more, never lets a deep structure through. `cut` is the first
 * blanked offset; undefined when nothing is that deep.
 */
export function flattenDeepNesting(text: string, max = MAX_NESTING): { text: string; cut: number } | undefined {
  if (!nestsDeeperThan(text, max)) return undefined; // the usual case, found without building anything
  let depth = 0;
  let cut = -1;
  let from = 0;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91 || c === 40) { // { [ (
      if (++depth === max + 1) { if (cut < 0) cut = i; parts.push(text.slice(from, i)); from = i; }
    } else if ((c === 125 || c === 93 || c === 41) && depth > 0) { // } ] )
      // Keep the outermost cut brackets: `{ ... }` becomes `{     }`, so deep but valid JSON stays valid.
      if (depth-- === max + 1) { parts.push(text[from] + blank(text.slice(from + 1, i)) + text[i]); from = i + 1; }
    }
  }
  if (cut < 0) return undefined;
  parts.push(depth > max ? blank(text.slice(from)) : text.slice(from));
  return { text: parts.join(''), cut };
}
function blank(s: string): string { return s.replace(/[^\r\n]/g, ' '); }

/** Whether brackets nest deeper than `max` anywhere (counted as above). The regex jumps from bracket to bracket:
 *  several times faster than looking at every character of a 250 KB payload on each keystroke. */
function nestsDeeperThan(text: string, max: number): boolean {
  const brackets = /[{}[\]()]/g;
  let depth = 0;
  for (let m = brackets.exec(text); m; m = brackets.exec(text)) {
    const c = text.charCodeAt(m.index);
    if (c === 123 || c === 91 || c === 40) { if (++depth > max) return true; } else if (depth > 0) depth--;
  }
  return false;
}

export const nestingTooDeep = defineRule({
  code: 'nesting-too-deep', severity: 'warning', source: 'ours',
  short: 'Brackets nested over 256 levels (manifest.json, server.js, a payload or a config/*.json): that part of the file is not checked.',
  full: 'The parsers recurse once per level and would overflow the stack on pathological nesting; everything deeper than 256 levels is blanked before parsing (deep but valid JSON stays valid) and left unchecked. Real files nest a few dozen levels.',
});

/** The text the parsers may be given, and the warning that says which part was left out. */
export function guardNesting(file: string, text: string): { text: string; diagnostics: Diagnostic[] } {
  const f = flattenDeepNesting(text);
  if (!f) return { text, diagnostics: [] };
  return { text: f.text, diagnostics: [nestingTooDeep.at(file, rangeOf(text, f.cut, f.cut + 1),
    `Brackets nested more than ${MAX_NESTING} levels deep: this part of the file is not checked.`)] };
}
