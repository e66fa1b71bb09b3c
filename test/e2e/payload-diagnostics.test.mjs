// A schema error in a test payload, live as you type in the real editor: it shows in the Problems panel on its
// line, stays while another part of the payload is edited, and goes when the value is fixed.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor } from './harness.mjs';

describe('payload schema errors as you type', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'payload-diagnostics' });

  ed.it('a number where the schema wants a string is a problem on its line; it stays through other edits and goes when fixed', async (e) => {
    await e.openFile('server/test_data/onContactCreate.json');
    const line = (await e.editorText()).split('\n').findIndex((l) => l.includes('"label": "First name"')) + 1;
    assert.ok(line > 0, 'the fixture payload has the first_name field');
    await e.replaceText('"First name"', '4711');
    const rows = await e.waitForProblem('Incorrect type. Expected "string".');
    const row = rows.find((r) => r.includes('Incorrect type. Expected "string".'));
    assert.match(row, new RegExp(`\\b${line}\\b`), `the problem is on line ${line}: ${row}`);
    // an edit elsewhere in the payload, the error still present: still reported, nothing else appears
    await e.replaceText('"Ada"', '"Grace"');
    const after = await e.waitForProblem('Incorrect type. Expected "string".');
    assert.deepEqual(after.filter((r) => /^(Error|Warning):/.test(r) && !r.includes('Incorrect type. Expected "string".')), [], after.join(' | '));
    await e.replaceText('4711', '"First name"');
    await e.waitForNoProblem('Incorrect type. Expected "string".');
  });
});
