// The "no lost work" rule for saving from the simulator panel, and the run diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { loadTs } from '../helpers/loadCore.mjs';

// panelPayloadSave.ts imports vscode for its I/O half; the pure rule under test never touches it.
const realLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? {} : realLoad.call(this, request, ...rest);
};
const { decidePayloadSave } = await loadTs('client/src/panelPayloadSave.ts');
Module._load = realLoad;
const { diffRunResults, previousRunOf } = await loadTs('client/src/panelDiff.ts');

const rules = [
  [{ exists: false, open: false, dirty: false }, 'create'],
  [{ exists: true, open: false, dirty: false }, 'replace-and-save'],
  [{ exists: true, open: true, dirty: false }, 'replace-and-save'],
  [{ exists: true, open: true, dirty: true }, 'ask'],
  [{ exists: false, open: true, dirty: true }, 'ask'],
  [{ exists: true, open: true, dirty: true, confirmed: true }, 'replace-unsaved'],
  [{ exists: true, open: true, dirty: true, confirmed: false }, 'cancel'],
  // an answer never matters when there is nothing unsaved to lose
  [{ exists: true, open: true, dirty: false, confirmed: false }, 'replace-and-save'],
];
for (const [state, expected] of rules) {
  test(`decidePayloadSave ${JSON.stringify(state)} → ${expected}`, () => assert.equal(decidePayloadSave(state), expected));
}

test('a dirty editor is never saved over: no decision for a dirty document ends in a save', () => {
  for (const confirmed of [undefined, true, false]) {
    const d = decidePayloadSave({ exists: true, open: true, dirty: true, confirmed });
    assert.ok(!['replace-and-save', 'create'].includes(d), d);
  }
});

const base = {
  id: 'a', event: 'onContactCreate', status: 'success', durationMs: 5, startedAt: '2026-01-01T00:00:00Z',
  logs: [{ level: 'log', message: 'hi', time: 1 }], value: { ok: true },
  effects: { db: [], requests: [], schedules: [], targetUrls: [] }, payload: { data: {} },
};

test('diffRunResults (shared/resultDiff.ts diffResults, as text): identical runs differ in nothing; changes name the field', () => {
  assert.deepEqual(diffRunResults(base, { ...base, id: 'b', durationMs: 9 }), []);
  const b = {
    ...base, id: 'b', status: 'failed', value: undefined,
    logs: [{ level: 'log', message: 'hi', time: 2 }, { level: 'error', message: 'boom', time: 3 }],
    error: { message: 'boom', file: 'server/server.js', line: 3, column: 9, frames: [] },
    effects: { ...base.effects, db: [{ op: 'set', key: 'k', ok: true }] },
  };
  const fields = diffRunResults(base, b).map((c) => c.field);
  assert.deepEqual(fields, ['status', 'value', 'logs', 'error', 'effects']);
  const logs = diffRunResults(base, b).find((c) => c.field === 'logs');
  assert.equal(logs.before, '[log] hi');
  assert.equal(logs.after, '[log] hi\n[error] boom');
  assert.match(diffRunResults(base, b).find((c) => c.field === 'error').after, /"message": "boom"/);
});

test('previousRunOf finds the older run of the same event and scope', () => {
  const h = [
    { ...base, id: '3' },
    { ...base, id: '2', event: 'onDealCreate' },
    { ...base, id: '1' },
  ];
  assert.equal(previousRunOf(h, '3')?.id, '1');
  assert.equal(previousRunOf(h, '2'), undefined);
  assert.equal(previousRunOf(h, 'missing'), undefined);
});
