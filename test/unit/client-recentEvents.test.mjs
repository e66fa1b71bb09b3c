// Recently used events: ordering for the Simulate Event quick pick. No vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const r = await loadTs('client/src/recentEvents.ts');

test('pushRecent moves to front, dedupes, bounds', () => {
  let list = [];
  for (const k of ['a', 'b', 'c', 'a']) list = r.pushRecent(list, k, 3);
  assert.deepEqual(list, ['a', 'c', 'b']);
  list = r.pushRecent(list, 'd', 3);
  assert.deepEqual(list, ['d', 'a', 'c']);
});

test('orderByRecent: recent first in recency order, the rest stable', () => {
  const items = ['e1', 'e2', 'e3', 'e4', 'e5'];
  assert.deepEqual(r.orderByRecent(items, ['e4', 'gone', 'e2'], (x) => x), ['e4', 'e2', 'e1', 'e3', 'e5']);
  assert.deepEqual(r.orderByRecent(items, [], (x) => x), items);
});

test('recentKey separates apps and scopes', () => {
  const a = r.recentKey({ appDir: '/a', event: 'onDealCreate', scope: { kind: 'product', name: 'freshsales' } });
  const b = r.recentKey({ appDir: '/a', event: 'onDealCreate', scope: { kind: 'product', name: 'freshworks_crm' } });
  const c = r.recentKey({ appDir: '/b', event: 'onDealCreate' });
  assert.equal(new Set([a, b, c]).size, 3);
});
