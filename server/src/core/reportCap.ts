// A cap on findings of one kind in one file. Past the first few, a broken JSON file repeats itself: a lone quote
// in a 1 MB document turns every later string inside out, and jsonc-parser then reports tens of thousands of
// errors; a pasted block can repeat a key thousands of times. Each finding costs time to build and to send.
import { rangeOf } from './textPositions';
import type { Diagnostic } from './types';

export const MAX_REPORTED = 100;

/** The finding that ends a capped list: where the next one would have been, and how many the file has in all. */
export function reportCut(first: Diagnostic & { code: string }, text: string, offset: number, total: number, what: string): Diagnostic {
  return { ...first, range: rangeOf(text, offset, Math.min(text.length, offset + 1)), data: { total, listed: MAX_REPORTED },
    message: `${what}: ${total.toLocaleString('en')} in this file, only the first ${MAX_REPORTED} are listed (the rest usually follow from them).` };
}
