// The largest manifest or payload the language server analyses as it is typed. Above it the editor gets one
// information saying so, and fast empty answers, instead of a parse of megabytes on every request.
import { MANIFEST } from './appLayout';
import { kb, PAYLOAD_LIMITS, utf8Length } from './payloadValidation';
import { defineRule } from './rules';
import { START } from './textPositions';
import type { Diagnostic } from './types';

/**
 * 1 MB, in bytes. The platform takes a product-event payload of at most 256 KB (external: 100 KB), so a payload
 * over 1 MB is four times anything an event can carry. It documents no limit for manifest.json; real ones are a
 * few KB, and fdk refuses to pack an app whose whole package is over 5 MB.
 */
export const LIVE_SIZE_LIMIT = 1024 * 1024;

export const tooLargeToAnalyse = defineRule<{ size: number; limit: number }>({
  code: 'too-large-to-analyse', severity: 'information', source: 'ours',
  short: 'Editor only: a manifest or payload over 1 MB is not analysed as you type.',
  full: 'Checks, completion, hover, code lenses and quick fixes are off for a manifest or payload over 1 MB (four times the largest payload a product event can carry) until it is smaller, instead of a parse of megabytes on every keystroke; `fsdev check` still checks it.',
});

/** The information for a manifest or payload too large to analyse as it is typed; undefined for any other. */
export function liveSizeLimit(file: string, text: string, limit = LIVE_SIZE_LIMIT): Diagnostic | undefined {
  // UTF-8 takes at most three bytes per UTF-16 unit: the exact count only when it may matter.
  if (text.length <= limit / 3) return undefined;
  const size = utf8Length(text);
  if (size <= limit) return undefined;
  const manifest = file === MANIFEST;
  const what = manifest ? 'manifest.json' : 'This payload';
  const platform = manifest ? '' : `; the platform accepts at most ${kb(PAYLOAD_LIMITS.product)} for a product event`;
  const off = manifest ? 'for every file of this app' : 'for this file';
  return tooLargeToAnalyse.at(file, START,
    `${what} is ${mb(size)}: too large to analyse as you type (the limit is ${mb(limit)}${platform}). Checks, completion, hover, `
    + `code lenses and quick fixes are off ${off} until it is smaller; \`fsdev check\` still checks it.`, { size, limit });
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 104857.6) / 10} MB` : kb(bytes);
}
