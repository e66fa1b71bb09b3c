// Completion and hover in config/iparams.json over the real server process (stdio), on a copy of a fixture app:
// the keys of an iparam, its types (with what each needs) and the hover on a type.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupTemps, posOf, serverOn } from './helpers.mjs';

const clients = [];
after(async () => { await Promise.all(clients.map((c) => c.stop())); cleanupTemps(); });
const list = (items) => (Array.isArray(items) ? items : items?.items ?? []);
const labels = (items) => list(items).map((i) => i.label);

test('config/iparams.json: keys of an iparam (not those present), then its types, then hover on a type', async () => {
  const s = await serverOn('v23-app');
  clients.push(s.client);
  const { client, f } = s;
  const file = f('config/iparams.json');
  const text = '{\n  "region": {\n    "display_name": "Region",\n    ""\n  }\n}\n';
  await client.open(file, text);
  const key = posOf(text, '""', 1);
  const keys = await client.request('textDocument/completion', client.at(file, key.line, key.character));
  const got = labels(keys);
  for (const k of ['type', 'description', 'required', 'secure', 'options', 'default_value', 'type_attributes', 'regex']) assert.ok(got.includes(k), `${k} offered: ${got.join()}`);
  assert.ok(!got.includes('display_name'), 'display_name is present already');
  const type = list(keys).find((i) => i.label === 'type');
  assert.equal(type.textEdit.newText, '"type": ""');

  const typed = text.replace('""\n', '"type": "d"\n');
  await client.change(file, typed);
  const value = posOf(typed, '"d"', 2);
  const types = await client.request('textDocument/completion', client.at(file, value.line, value.character));
  const names = labels(types);
  for (const t of ['"text"', '"dropdown"', '"multiselect"', '"domain"', '"api_key"', '"checkbox"']) assert.ok(names.includes(t), `${t} offered: ${names.join()}`);
  assert.equal(names.length, 13);
  const dropdown = list(types).find((i) => i.label === '"dropdown"');
  assert.match(dropdown.documentation.value, /needs `options`/);

  const done = typed.replace('"type": "d"', '"type": "dropdown"');
  await client.change(file, done);
  const on = posOf(done, '"dropdown"', 3);
  const hover = await client.request('textDocument/hover', client.at(file, on.line, on.character));
  assert.match(hover.contents.value, /^\*\*dropdown\*\* \(iparam type\)/);
  assert.match(hover.contents.value, /needs `options` \(an array\) and a `default_value` among them/);
  const onKey = posOf(done, '"type"', 2);
  const keyHover = await client.request('textDocument/hover', client.at(file, onKey.line, onKey.character));
  assert.match(keyHover.contents.value, /The kind of field\. Mandatory\./);
});
