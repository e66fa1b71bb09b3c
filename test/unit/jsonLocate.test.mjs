// jsonLocate.ts finds values by JSON pointer without a tree: it must find exactly what a jsonc-parser tree
// finds (value span, key span, last duplicate key wins) on every pointer of real payloads, in every layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTree } from 'jsonc-parser';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const { locateAll, attributePath } = await loadTs('server/src/core/jsonLocate.ts');

const escape = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
/** What a jsonc tree says for every value: pointer -> { offset, end, key?, keys? } (last duplicate wins). */
function fromTree(text) {
  const out = new Map();
  const walk = (node, pointer, key) => {
    const span = { offset: node.offset, end: node.offset + node.length, key };
    if (node.type === 'object') {
      span.keys = new Map();
      for (const prop of node.children ?? []) span.keys.set(prop.children[0].value, prop.children[0]);
      // the last of duplicate keys is the member, as JSON.parse sees it
      for (const [name, k] of span.keys) {
        const v = node.children.findLast((prop) => prop.children[0] === k).children[1];
        span.keys.set(name, { offset: k.offset, end: k.offset + k.length });
        if (v) walk(v, `${pointer}/${escape(name)}`, span.keys.get(name));
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((c, i) => walk(c, `${pointer}/${i}`));
    }
    out.set(pointer, span);
  };
  walk(parseTree(text), '');
  return out;
}

function agree(text, label) {
  const expected = fromTree(text);
  const pointers = [...expected.keys()];
  const found = locateAll(text, pointers, pointers);
  for (const p of pointers) {
    const e = expected.get(p);
    const f = found.get(p);
    assert.ok(f, `${label}: ${p} not found`);
    assert.deepEqual({ offset: f.offset, end: f.end, key: f.key }, { offset: e.offset, end: e.end, key: e.key }, `${label}: ${p}`);
    if (e.keys) assert.deepEqual(f.keys, e.keys, `${label}: keys of ${p}`);
  }
  // one pointer at a time, and pointers that lead nowhere
  for (const p of pointers.filter((_, i) => i % 7 === 0)) assert.deepEqual(locateAll(text, [p]).get(p).offset, expected.get(p).offset, `${label}: alone ${p}`);
  assert.equal(locateAll(text, ['/no such member', '/0/1/2']).size, 0, label);
}

test('locateAll finds what a jsonc tree finds, on every default payload, pretty-printed, minified and tab-indented', () => {
  let n = 0;
  for (const product of readdirSync(path.join(repoRoot, 'schemas/defaults'))) {
    for (const f of readdirSync(path.join(repoRoot, 'schemas/defaults', product))) {
      const text = readFileSync(path.join(repoRoot, 'schemas/defaults', product, f), 'utf8');
      const value = JSON.parse(text);
      for (const [layout, t] of [['file', text], ['minified', JSON.stringify(value)], ['tabs', JSON.stringify(value, null, '\t')], ['crlf', JSON.stringify(value, null, 2).replace(/\n/g, '\r\n')]]) {
        agree(t, `${product}/${f} ${layout}`);
        n++;
      }
    }
  }
  assert.ok(n > 100);
});

test('locateAll: escapes in keys and strings, duplicate keys, nesting, empty containers, a BOM', () => {
  const docs = [
    '{"a\\"b": {"c\\\\": [1, {"d": "x\\\\"}, "}]{["]}, "e/f~g": null, "h\\u0041": true}',
    '{"a": {"x": 1, "y": [2]}, "b": 2, "a": {"x": "last"}}',
    '{"a": {"x": {"deep": 1}}, "a": {"y": 1}}',
    '[[], {}, [[[]]], {"": {"": ""}}, -1.5e+10, "\\\\\\""]',
    '\ufeff{"event": "onContactCreate", "data": {}}',
    ' \n\t{ "a" : [ 1 , 2 ] , "b" : { } } \n',
    '"just a string"',
    '42',
  ];
  for (const d of docs) agree(d, JSON.stringify(d));
  // a pointer into a duplicate that the last occurrence lacks leads nowhere, as JSON.parse would see it
  assert.equal(locateAll(docs[2], ['/a/x/deep']).size, 0);
  assert.deepEqual(locateAll(docs[1], ['/a/x']).get('/a/x'), { offset: docs[1].indexOf('"last"'), end: docs[1].indexOf('"last"') + 6, key: { offset: docs[1].lastIndexOf('"x"'), end: docs[1].lastIndexOf('"x"') + 3 } });
});

test('locateAll stops early only when no later duplicate can win: every pointer asked alone, with duplicates far after, escaped duplicates, look-alike keys and strings', () => {
  const padding = `"pad": [${Array.from({ length: 50 }, (_, i) => `{"label": ${i}}`).join(', ')}]`;
  const docs = [
    `{"a": {"x": 1}, ${padding}, "a": {"x": 2}}`,
    `{"x": 1, ${padding}, "\\u0078": 2}`,
    `{"x": 1, ${padding}, "x": {"y": [3]}}`,
    `{"data": {"contact": {"first_name": {"label": 4711}}, ${padding}}, "data\\/": 0}`,
    `{"data": {"contact": {"first_name": {"label": 4711}, ${padding}}}}`,
    `{"a": {"b": {"c": 1}}, "z": {"a": 5, "b": "\\"a\\""}, "note": "a"}`,
    `{"x": 1, "note": "\\"x\\" again", "y": {"x": 0}, "x": "last"}`,
    `[{"a": 1}, {"a": 2}, ${padding.slice(6)}]`,
  ];
  for (const d of docs) {
    JSON.parse(d);
    for (const [p, e] of fromTree(d)) {
      const f = locateAll(d, [p]).get(p);
      assert.deepEqual(f && { offset: f.offset, end: f.end, key: f.key }, { offset: e.offset, end: e.end, key: e.key }, `${d.slice(0, 60)}…: ${p}`);
    }
  }
});

test('attributePath: a pointer as people write the attribute (dots, [index], quoted odd keys)', () => {
  assert.equal(attributePath('/data/contact/is_active'), 'data.contact.is_active');
  assert.equal(attributePath('/data/contacts/0/emails/1'), 'data.contacts[0].emails[1]');
  assert.equal(attributePath('/data/custom_field/cf~1x y'), 'data.custom_field["cf/x y"]');
  assert.equal(attributePath(''), '');
});
