// Request templates in the real editor, on a 3.0 app written as the platform-3 documentation shows
// (fixture templates-app: getDeals and createNote declared and defined, syncAccounts defined only): completion of
// a template name in invokeTemplate, the "declare the template" quick fix, go to definition into requests.json.
// Completion runs last: under load, a cold window's first test waited out the language server's start.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, waitFor } from './harness.mjs';

const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('request templates', () => {
  const ed = useEditor({ fixture: 'templates-app', name: 'templates' });

  ed.it('F12 on invokeTemplate(\'getDeals\') opens config/requests.json on the template', async (e) => {
    await e.openFile('server/server.js');
    await e.cursorAt("'getDeals'", 3);
    await e.key('F12');
    await e.waitForActiveTab('requests.json', 10_000).catch(async () => {
      await e.focusEditor();
      await e.key('F12');
      await e.waitForActiveTab('requests.json', 10_000);
    });
    const expected = lineOf(e.readAppFile('config/requests.json'), '"getDeals"');
    let pos = null;
    await waitFor(async () => (pos = await e.cursorPosition())?.line === expected, {
      timeout: 5000, message: () => `the cursor on requests.json line ${expected} ("getDeals"); status bar shows ${JSON.stringify(pos)}`,
    });
  });

  ed.it('the undeclared "syncAccounts" is a problem; "Declare \'syncAccounts\' in manifest.json" declares it and the problem goes', async (e) => {
    await e.waitForProblem("'syncAccounts' is not declared");
    await e.openFile('config/requests.json');
    await e.cursorAt('"syncAccounts"', 3);
    const labels = await e.quickFixes({ expect: 'syncAccounts' });
    const fix = labels.find((l) => l.includes("Declare 'syncAccounts' in manifest.json"));
    assert.ok(fix, `the declare fix; offered: ${labels.join(' | ')}`);
    await e.applyQuickFix(fix);
    await e.openFile('manifest.json');
    let text = '';
    await waitFor(async () => /"syncAccounts"\s*:\s*\{\s*\}/.test(text = await e.editorText()), {
      timeout: 10_000, message: () => `manifest.json declaring "syncAccounts": {}; it shows:\n${text}`,
    });
    assert.match(text, /"getDeals"/, 'the other declarations are kept');
    await e.save();
    await e.waitForNoProblem("'syncAccounts' is not declared");
  });

  ed.it('typing $request.invokeTemplate(\' in server.js offers the templates; accepting one inserts its name', async (e) => {
    await e.openFile('server/server.js');
    await e.typeAt({ after: "console.log('deal', JSON.parse(deal.response).deal.name);" }, "\n    await $request.invokeTemplate('cre");
    const labels = await e.suggest({ expect: 'createNote' });
    assert.ok(labels.some((l) => l.includes('createNote')), `createNote among the suggestions; saw: ${labels.join(' | ')}`);
    await e.acceptSuggestion('createNote');
    const text = await e.editorText();
    assert.match(text, /\$request\.invokeTemplate\('createNote(?!\w)/, `the accepted name in server.js:\n${text}`);
    assert.doesNotMatch(text, /'crecreateNote|createNotecre/, `the typed prefix was replaced, not kept:\n${text}`);
  });
});
