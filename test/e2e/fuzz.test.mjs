// "Fuzz" beside Simulate: the CodeLens fuzzes the handler in the language server, the failure (a list a
// payload may lack) opens in the simulator panel on its shrunk payload, and "Save as test payload" writes
// it as the event's test payload.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { useEditor, waitFor } from './harness.mjs';

const SERVER = `exports = {
  onContactCreateHandler: function (args) {
    var tags = args.data.contact.tags.value;
    return { vip: tags.filter(function (t) { return t === 'vip'; }).length };
  },

  onDealUpdateHandler: function (args) {
    throw new Error('boom');
  }
};
`;
// The fixture's payload, with the tags field object the handler reads (a list, as the bundled default has it).
const PAYLOAD = JSON.stringify({ event: 'onContactCreate', data: { actor: { id: 1 }, contact: { id: 1, tags: { label: 'Tags', type: 'auto_complete', value: [] }, first_name: { label: 'First name', type: 'text', value: 'Ada' } }, associations: {} } }, null, 2);

describe('fuzz from CodeLens', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'fuzz', files: { 'server/server.js': SERVER, 'server/test_data/onContactCreate.json': PAYLOAD } });

  ed.it('Fuzz finds the failure, opens it in the panel, and "Save as test payload" writes the file', async (e) => {
    await e.openFile('server/server.js');
    await e.waitForCodeLens('onContactCreateHandler', 'Fuzz');
    await e.clickCodeLens('onContactCreateHandler', 'Fuzz');
    // The panel runs the shrunk payload: the error of the handler's line 3.
    await e.webviewFrame([/reading '(value|filter)'/, /Fail/i], { timeout: 120_000 });
    const save = e.page.locator('.notification-toast .monaco-button', { hasText: 'Save as test payload' }).first();
    await save.waitFor({ timeout: 60_000 });
    await save.click();
    // The event has a test payload already: a modal asks before replacing it.
    const replace = e.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Replace' }).first();
    await replace.waitFor({ timeout: 15_000 });
    await replace.click();
    let saved;
    await waitFor(() => {
      try { saved = JSON.parse(e.readAppFile('server/test_data/onContactCreate.json')); } catch { return false; }
      return !saved.data.contact.tags || saved.data.contact.tags.value === null;
    }, { timeout: 15_000, message: () => `the shrunk payload in server/test_data/onContactCreate.json; it holds ${JSON.stringify(saved?.data?.contact)}` });
    assert.equal(saved.event, 'onContactCreate');
    assert.equal(saved.data.contact.id, 1);
    // The fuzz also kept it under server/test_data/fuzz/ for `fsdev simulate --payload`.
    assert.ok(readdirSync(path.join(e.appDir, 'server/test_data/fuzz')).some((f) => /^onContactCreate-[0-9a-f]{10}\.json$/.test(f)));
  });
});
