// Line tables and the nesting guard take shortcuts for speed (jumping from `\n` to `\n`, from bracket to
// bracket); checked here against the plain character-by-character definitions on varied texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const { lineStarts, positionAt, offsetAt } = await loadTs('server/src/core/textPositions.ts');
const { flattenDeepNesting } = await loadTs('server/src/core/nesting.ts');

/** The definition: `\r\n`, `\n` and a lone `\r` each end a line. */
function referenceStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r') { if (text[i + 1] === '\n') i++; starts.push(i + 1); } else if (text[i] === '\n') starts.push(i + 1);
  }
  return starts;
}

let seed = 7;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const texts = ['', 'x', '\n', '\r', '\r\n', '\n\r', 'a\r\nb\nc\rd', '\r\r\n\n', '{\r\n  "a": 1\r\n}\r\n', 'no line end at all'];
for (let n = 0; n < 200; n++) texts.push(Array.from({ length: Math.floor(random() * 40) }, () => 'ab\r\n{}'[Math.floor(random() * 7)]).join(''));

test('lineStarts: LF, CRLF, a lone CR and mixes give the same table as the definition; positions round-trip', () => {
  for (const text of texts) {
    assert.deepEqual(lineStarts(text), referenceStarts(text), JSON.stringify(text));
    for (let o = 0; o <= text.length; o++) {
      const p = positionAt(text, o);
      const lineStart = referenceStarts(text)[p.line];
      assert.equal(lineStart + p.character, o, `${JSON.stringify(text)} @${o}`);
      // Offsets inside a CRLF pair map back to the line's end; every other offset round-trips.
      if (!(text[o - 1] === '\r' && text[o] === '\n')) assert.equal(offsetAt(text, p), o, `${JSON.stringify(text)} @${o} back`);
    }
  }
});

/** The definition: the deepest bracket nesting, counting { [ ( everywhere (strings included). */
function referenceDepth(text) {
  let depth = 0; let max = 0;
  for (const c of text) {
    if ('{[('.includes(c)) max = Math.max(max, ++depth);
    else if ('}])'.includes(c) && depth > 0) depth--;
  }
  return max;
}

test('flattenDeepNesting: nothing to do exactly when nothing nests deeper than the limit; otherwise length and line breaks kept', () => {
  const samples = [...texts, '{[(', ')]}{{', '"{{{"', `${'['.repeat(5)}1${']'.repeat(5)}`, `${'{"a":'.repeat(4)}\n1${'}'.repeat(4)}`];
  for (let n = 0; n < 200; n++) samples.push(Array.from({ length: Math.floor(random() * 30) }, () => '{[(}])x\n'[Math.floor(random() * 8)]).join(''));
  for (const text of samples) {
    for (const max of [1, 2, 3]) {
      const f = flattenDeepNesting(text, max);
      assert.equal(f !== undefined, referenceDepth(text) > max, `${JSON.stringify(text)} max ${max}`);
      if (f) {
        assert.equal(f.text.length, text.length);
        assert.deepEqual(referenceStarts(f.text), referenceStarts(text));
        assert.ok(referenceDepth(f.text) <= max + 1, `${JSON.stringify(f.text)} is flattened`);
      }
    }
  }
});
