// The simulator panel's webview → extension guard: every field checked, hostile input rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const m = await loadTs('client/src/panelMessages.ts');
const APP = '/work/apps/crm-app';
const MB5 = 5 * 1024 * 1024;

const valid = [
  { type: 'ready' },
  { type: 'refresh' },
  { type: 'reloadPayload' },
  { type: 'openPayloadInEditor' },
  { type: 'fuzz' },
  { type: 'selectEvent', appDir: APP, event: 'onContactCreate' },
  { type: 'selectEvent', appDir: APP, event: 'onDealUpdate', scope: { kind: 'product', name: 'freshworks_crm' } },
  { type: 'selectEvent', appDir: 'C:\\apps\\crm', event: 'onAppInstall', scope: { kind: 'module', name: 'common' } },
  { type: 'simulate', payloadText: '{"data":{}}', debug: false },
  { type: 'simulate', payloadText: '', debug: true },
  { type: 'simulate', payloadText: 'x'.repeat(MB5), debug: false },
  { type: 'validate', payloadText: '{', seq: 3 },
  { type: 'openLocation', file: 'server/server.js', line: 12, column: 5 },
  { type: 'savePayload', payloadText: '{}' },
  { type: 'rerun', runId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
  { type: 'showDiff', runId: 'run-1' },
  { type: 'saveIparams', text: '{"apiKey":"x"}' },
];

const invalid = [
  ['not an object', 'ready'],
  ['null', null],
  ['array', [{ type: 'ready' }]],
  ['unknown type', { type: 'deleteEverything' }],
  ['type not a string', { type: 1 }],
  ['prototype key as type', { type: 'toString' }],
  ['extra key', { type: 'ready', evil: true }],
  ['fuzz with a payload (the fuzz starts from the event\'s own payload file)', { type: 'fuzz', payloadText: '{}' }],
  ['fuzz with an app folder of its own', { type: 'fuzz', appDir: APP }],
  ['selectEvent missing appDir', { type: 'selectEvent', event: 'onContactCreate' }],
  ['selectEvent relative appDir', { type: 'selectEvent', appDir: 'apps/crm', event: 'onContactCreate' }],
  ['selectEvent appDir with ..', { type: 'selectEvent', appDir: '/work/../etc', event: 'onContactCreate' }],
  ['selectEvent event with digits', { type: 'selectEvent', appDir: APP, event: 'onContact2' }],
  ['selectEvent event with path', { type: 'selectEvent', appDir: APP, event: '../x' }],
  ['selectEvent bad scope kind', { type: 'selectEvent', appDir: APP, event: 'onContactCreate', scope: { kind: 'x', name: 'a' } }],
  ['selectEvent scope extra key', { type: 'selectEvent', appDir: APP, event: 'onContactCreate', scope: { kind: 'module', name: 'a', b: 1 } }],
  ['simulate payload not a string', { type: 'simulate', payloadText: { data: {} }, debug: false }],
  ['simulate missing debug', { type: 'simulate', payloadText: '{}' }],
  ['simulate debug as string', { type: 'simulate', payloadText: '{}', debug: 'true' }],
  ['simulate oversized payload', { type: 'simulate', payloadText: 'x'.repeat(MB5 + 1), debug: false }],
  ['validate missing seq', { type: 'validate', payloadText: '{}' }],
  ['validate fractional seq', { type: 'validate', payloadText: '{}', seq: 1.5 }],
  ['openLocation traversal', { type: 'openLocation', file: '../../etc/passwd', line: 1, column: 1 }],
  ['openLocation inner traversal', { type: 'openLocation', file: 'server/../../x.js', line: 1, column: 1 }],
  ['openLocation windows traversal', { type: 'openLocation', file: 'server\\..\\..\\x.js', line: 1, column: 1 }],
  ['openLocation absolute', { type: 'openLocation', file: '/etc/passwd', line: 1, column: 1 }],
  ['openLocation drive', { type: 'openLocation', file: 'C:\\Windows\\x', line: 1, column: 1 }],
  ['openLocation uri', { type: 'openLocation', file: 'file:///etc/passwd', line: 1, column: 1 }],
  ['openLocation line 0', { type: 'openLocation', file: 'server/server.js', line: 0, column: 1 }],
  ['openLocation line as string', { type: 'openLocation', file: 'server/server.js', line: '3', column: 1 }],
  ['openLocation empty file', { type: 'openLocation', file: '', line: 1, column: 1 }],
  ['savePayload oversized', { type: 'savePayload', payloadText: 'x'.repeat(MB5 + 1) }],
  ['savePayload missing text', { type: 'savePayload' }],
  ['rerun bad id', { type: 'rerun', runId: '../x' }],
  ['rerun numeric id', { type: 'rerun', runId: 7 }],
  ['saveIparams not a string', { type: 'saveIparams', text: {} }],
];

test('valid webview messages are accepted', () => {
  for (const msg of valid) assert.equal(m.isFromPanelMessage(msg), true, JSON.stringify(msg).slice(0, 120));
});

for (const [name, msg] of invalid) {
  test(`rejected: ${name}`, () => assert.equal(m.isFromPanelMessage(msg), false));
}

test('persisted state: a valid selection is restored, anything else is dropped', () => {
  assert.deepEqual(m.selectionFromState({ selection: { appDir: APP, event: 'onDealCreate', scope: { kind: 'module', name: 'deal' } } }),
    { appDir: APP, event: 'onDealCreate', scope: { kind: 'module', name: 'deal' } });
  assert.equal(m.selectionFromState({ selection: { appDir: 'rel', event: 'onDealCreate' } }), undefined);
  assert.equal(m.selectionFromState(undefined), undefined);
  assert.equal(m.selectionFromState('x'), undefined);
});

test('appRelativePath: frames inside the app become links, others do not', () => {
  assert.equal(m.appRelativePath('server/server.js', APP), 'server/server.js');
  assert.equal(m.appRelativePath(`${APP}/server/server.js`, APP), 'server/server.js');
  assert.equal(m.appRelativePath(`file://${APP}/server/lib/x.js`, APP), 'server/lib/x.js');
  assert.equal(m.appRelativePath('C:\\apps\\crm\\server\\server.js', 'c:\\apps\\crm'), 'server/server.js');
  assert.equal(m.appRelativePath('node:internal/process/task_queues', APP), undefined);
  assert.equal(m.appRelativePath('/usr/lib/node/runner.js', APP), undefined);
  assert.equal(m.appRelativePath(`${APP}-other/server.js`, APP), undefined);
  assert.equal(m.appRelativePath(`${APP}/../x.js`, APP), undefined);
});
