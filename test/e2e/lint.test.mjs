// fdk's lint as you type in the real editor (issue 16 item 1): a promise chain typed into a handler of
// server.js becomes a warning in the Problems panel on its line (fdk's no-unhandled-promise), and goes when the
// rejection is handled.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor } from './harness.mjs';

const MESSAGE = 'Expected rejection to be handled.';

describe('lint as you type', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'lint' });

  ed.it('an unhandled $db promise typed into server.js is a warning on its line; handling the rejection clears it', async (e) => {
    await e.openFile('server/server.js');
    const line = (await e.editorText()).split('\n').findIndex((l) => l.includes("console.log('contact created: '")) + 1;
    assert.ok(line > 0, 'the fixture handler logs the contact');
    await e.typeAt({ after: "console.log('contact created: ' + args.data.contact.id);" }, "\n$db.get('seen').then(function (d) { return d; });");
    const rows = await e.waitForProblem(MESSAGE);
    const row = rows.find((r) => r.includes(MESSAGE));
    assert.match(row, /^Warning:/, row);
    assert.match(row, new RegExp(`\\b${line + 1}\\b`), `the warning is on line ${line + 1}: ${row}`);
    // Back to the editor (waiting for the problem left the Problems panel focused: Find would open its filter).
    await e.openFile('server/server.js');
    await e.replaceText('return d; });', 'return d; }, function (err) { throw err; });');
    await e.waitForNoProblem(MESSAGE);
  });
});
