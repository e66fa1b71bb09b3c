// The editor title's ▶ Simulate inside a handler that serves several events: it asks which event (only that
// handler's), runs the one picked, and lists the one run last first.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, sleep, waitFor } from './harness.mjs';

// Two events, one handler: the title ▶ inside it asks which event to run, the one run last first.
const SHARED_HANDLER_MANIFEST = `{
  "platform-version": "2.3",
  "product": {
    "freshworks_crm": {
      "events": {
        "onContactCreate": { "handler": "onContactCreateHandler" },
        "onDealCreate": { "handler": "onDealUpdateHandler" },
        "onDealUpdate": { "handler": "onDealUpdateHandler" }
      }
    }
  },
  "engines": { "node": "18.20.8", "fdk": "9.6.0" }
}
`;

describe('the title ▶ in a handler that serves several events', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'tasks-shared', files: { 'manifest.json': SHARED_HANDLER_MANIFEST } });

  /** The picker's event rows (separators and their labels left out), in order. */
  const eventRows = async (e) => (await e.quickPickLabels()).map((l) => /^(on[A-Za-z]+)/.exec(l)?.[1]).filter(Boolean);

  ed.it('asks which event (only that handler\'s), runs the one picked, and lists it first the next time', async (e) => {
    // The window's first file: while the extensions still activate on a loaded machine, quick open can time out.
    for (let attempt = 1; ; attempt++) {
      try { await e.openFile('server/server.js'); break; } catch (err) { if (attempt >= 3) throw err; await sleep(5000); }
    }
    await e.cursorAt("throw new Error('boom')", 2);
    await sleep(500);
    await e.page.click('.editor-group-container.active .editor-actions [aria-label^="Simulate"]');
    let rows = [];
    await waitFor(async () => { rows = await eventRows(e); return rows.length >= 2; },
      { timeout: 20_000, message: () => `a picker of onDealCreate and onDealUpdate; it shows: ${rows.join(' | ') || '(nothing)'}` });
    assert.deepEqual([...rows].sort(), ['onDealCreate', 'onDealUpdate'], `only the handler's events: ${rows.join(' | ')}`);
    await e.type('onDealUpdate');
    await e.key('Enter');
    await e.webviewFrame(['onDealUpdate', 'boom'], { timeout: 30_000 });
    await e.openFile('server/server.js');
    await e.cursorAt("throw new Error('boom')", 2);
    await sleep(500);
    await e.page.click('.editor-group-container.active .editor-actions [aria-label^="Simulate"]');
    await waitFor(async () => { rows = await eventRows(e); return rows.length >= 2; },
      { timeout: 20_000, message: () => `the picker again; it shows: ${rows.join(' | ') || '(nothing)'}` });
    assert.equal(rows[0], 'onDealUpdate', `the event run last comes first: ${rows.join(' | ')}`);
    await e.key('Escape');
  }, { timeout: 120_000 });
});
