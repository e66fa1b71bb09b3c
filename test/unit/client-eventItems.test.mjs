// The Events tree's context values against package.json's menus, and the events a handler serves. No vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const m = await loadTs('client/src/eventItems.ts');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** The commands `view/item/context` offers a tree item with this context value, inline or in its context menu. */
function offered(contextValue, inline) {
  return pkg.contributes.menus['view/item/context'].filter((item) => {
    if (item.group.startsWith('inline') !== inline) return false;
    const eq = /viewItem == (\S+)/.exec(item.when);
    if (eq) return eq[1] === contextValue;
    const re = /viewItem =~ \/(.+)\/$/.exec(item.when);
    return !!re && new RegExp(re[1]).test(contextValue);
  }).map((i) => i.command);
}

const loc = { file: 'server/server.js', line: 3, character: 2, endLine: 6 };

for (const inline of [true, false]) {
  test(`Events view ${inline ? 'inline actions' : 'context menu'}: Open Payload with a payload, Create with none, Go to Handler with one`, () => {
    const withBoth = offered(m.eventContextValue({ payloadFile: 'server/test_data/onDealCreate.json', handlerLocation: loc }), inline);
    assert.ok(withBoth.includes('freshsales.openPayload'), withBoth.join(', '));
    assert.ok(withBoth.includes('freshsales.goToHandler'), withBoth.join(', '));
    assert.ok(!withBoth.includes('freshsales.createTestPayload'), withBoth.join(', '));
    const withNone = offered(m.eventContextValue({}), inline);
    assert.ok(withNone.includes('freshsales.createTestPayload'), withNone.join(', '));
    assert.ok(!withNone.includes('freshsales.openPayload') && !withNone.includes('freshsales.goToHandler'), withNone.join(', '));
    const payloadOnly = offered(m.eventContextValue({ payloadFile: 'server/test_data/onDealCreate.json' }), inline);
    assert.ok(payloadOnly.includes('freshsales.openPayload') && !payloadOnly.includes('freshsales.goToHandler'), payloadOnly.join(', '));
  });
}

test('eventsAtLine: every registered event a shared handler serves, none outside handlers', () => {
  const ev = (event, handlerLocation, registered = true) => ({ event, registered, handlerLocation, scope: { kind: 'product', name: 'freshworks_crm' } });
  const app = { appDir: '/a', events: [
    ev('onDealCreate', loc), ev('onDealUpdate', loc), ev('onContactCreate', { ...loc, line: 8, endLine: 10 }), ev('onDealDelete', loc, false),
  ] };
  assert.deepEqual(m.eventsAtLine(app, 4).map((e) => e.event), ['onDealCreate', 'onDealUpdate']);
  assert.deepEqual(m.eventsAtLine(app, 9).map((e) => e.event), ['onContactCreate']);
  assert.deepEqual(m.eventsAtLine(app, 7), []);
});

test('an event row has at most three inline buttons (Simulate, its payload, its handler): its name keeps its room', () => {
  const inline = offered(m.eventContextValue({ payloadFile: 'server/test_data/onDealCreate.json', handlerLocation: loc }), true);
  assert.deepEqual(inline.sort(), ['freshsales.goToHandler', 'freshsales.openPayload', 'freshsales.simulate']);
  assert.equal(offered(m.eventContextValue({}), true).length, 2);
});
