// Whether a file's text is binary data rather than source. Pure, and its own module: the lint thread uses it
// without loading the loose JavaScript parser of serverScript.ts.

/** Binary content (an image saved as server.js, a compiled file): NUL bytes or many control characters. */
export function looksBinary(text: string): boolean {
  let control = 0;
  const n = Math.min(text.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) control++;
  }
  return control > 8 && control > n / 100;
}
