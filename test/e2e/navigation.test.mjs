// Language-server features as a user meets them in the editor: Go to Definition from the manifest, hover on an
// event, enum completion in a test payload, and the quick fixes for a typo'd event, an arrow-function handler
// and a top-level "events" block. One window; the tests run in order and each leaves the app valid again.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, waitFor, sleep } from './harness.mjs';

/** 1-based number of the first line of `text` containing `needle` (0 if none). */
const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('navigation, hover, payload completion and manifest quick fixes', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'navigation' });

  /** F12 at the cursor; wait until the tab `base` is active (F12 again once, if the server was not ready). */
  async function goToDefinition(e, base) {
    await e.key('F12');
    try {
      await e.waitForActiveTab(base, 5000);
    } catch {
      await e.focusEditor();
      await e.key('F12');
      await e.waitForActiveTab(base, 10_000).catch(async (err) => {
        throw new Error(`F12 did not open ${base}; active tab: ${JSON.stringify(await e.activeTab())} (${err.message})`);
      });
    }
  }

  ed.it('F12 on the handler value "onContactCreateHandler" opens server/server.js on the callback\'s line', async (e) => {
    await e.openFile('manifest.json');
    await e.cursorAt('"onContactCreateHandler"', 4);
    await goToDefinition(e, 'server.js');
    const expected = lineOf(e.readAppFile('server/server.js'), 'onContactCreateHandler');
    let pos = null;
    await waitFor(async () => (pos = await e.cursorPosition())?.line === expected, {
      timeout: 5000, message: () => `the cursor on server.js line ${expected} (onContactCreateHandler: function ...); status bar shows ${JSON.stringify(pos)}`,
    });
  });

  ed.it('F12 on the event key "onContactCreate" opens server/test_data/onContactCreate.json', async (e) => {
    await e.openFile('manifest.json');
    await e.cursorAt('"onContactCreate"', 4);
    await goToDefinition(e, 'onContactCreate.json');
    let text = '';
    await waitFor(async () => /"event":\s*"onContactCreate"/.test(text = await e.editorText()), {
      timeout: 5000, message: async () => `the onContactCreate test payload in the editor; active tab ${JSON.stringify(await e.activeTab())} shows:\n${text}`,
    });
  });

  ed.it('hovering the event key "onContactCreate" in the manifest shows its description and its 20 s time limit', async (e) => {
    await e.openFile('manifest.json');
    await e.cursorAt('"onContactCreate"', 4);
    const text = await e.hoverAtCursor({ expect: 'When a contact is created' });
    assert.match(text, /20 s/, `expected the time limit "20 s" in the hover; hover shows: ${JSON.stringify(text)}`);
    await e.key('Escape');
  });

  ed.it('Control+Space inside "region": "" of onContactCreate.json lists US, EU, EUC, AUS, IND', async (e) => {
    await e.openFile('server/test_data/onContactCreate.json');
    await e.replaceText('"US"', '""');
    await e.cursorAt('"region": ""', -1); // between the two quotes
    try {
      const labels = await e.suggest({ expect: 'EUC' });
      // Rows are aria-labels like `"EU"` (the JSON literal) possibly followed by details: compare the value.
      const values = labels.map((l) => /^"?([^",\s]*)"?/.exec(l.trim())?.[1]);
      const missing = ['US', 'EU', 'EUC', 'AUS', 'IND'].filter((v) => !values.includes(v));
      assert.deepEqual(missing, [], `expected the regions US, EU, EUC, AUS, IND among the suggestions; missing ${missing.join(', ')}; the suggest widget lists: ${labels.join(' | ')}`);
    } finally {
      await e.key('Escape');
      await e.runCommand('File: Revert File'); // the payload back as on disk, for the tests below
    }
  });

  ed.it('a typo\'d event key "onDealCreat": the problem, the quick fix "Change to \'onDealCreate\'", and the problem goes', async (e) => {
    const problem = "'onDealCreat'";
    await e.openFile('manifest.json');
    await e.replaceText('"onDealUpdate"', '"onDealCreat"');
    await e.save();
    const rows = await e.waitForProblem(problem);
    const row = rows.find((r) => r.includes(problem));
    assert.match(row, /Did you mean 'onDealCreate'/, `expected the problem to suggest 'onDealCreate'; it reads: ${row}`);
    await e.openFile('manifest.json');
    await e.cursorAt('"onDealCreat"', 3);
    const labels = await e.quickFixes({ expect: "Change to 'onDealCreate'" });
    await e.applyQuickFix("Change to 'onDealCreate'");
    const text = await e.editorText();
    assert.match(text, /"onDealCreate"\s*:\s*\{\s*"handler"\s*:\s*"onDealUpdateHandler"\s*\}/,
      `expected "onDealCreate": { "handler": "onDealUpdateHandler" } after applying "${labels.find((l) => l.includes('onDealCreate'))}"; the manifest reads:\n${text}`);
    assert.doesNotMatch(text, /onDealCreat"/, `the typo is still in the manifest:\n${text}`);
    await e.save();
    await e.waitForNoProblem(problem);
  });

  ed.it('an arrow-function handler: the manifest shows fdk cannot see it; the quick fix rewrites it to function (args) { ... }', async (e) => {
    await e.openFile('server/server.js');
    await e.replaceText('onContactCreateHandler: function (args)', 'onContactCreateHandler: (args) =>');
    const typed = await e.editorText();
    assert.match(typed, /onContactCreateHandler: \(args\) => \{\s*console\.log\('contact created: '[^]*onDealUpdateHandler: function \(args\)/,
      `expected server.js to read "onContactCreateHandler: (args) => { console.log(...) }, onDealUpdateHandler: function (args) ..." after typing; it reads:\n${typed}`);
    await e.save();
    const problem = "'onContactCreateHandler' is defined as an arrow function";
    const rows = await e.waitForProblem(problem);
    const manifestRow = rows.find((r) => r.includes(problem) && r.includes('does not see'));
    assert.ok(manifestRow, `expected a problem saying the Freshworks tooling does not see the arrow function; Problems panel shows: ${rows.join(' | ')}`);

    await e.openFile('manifest.json');
    await e.cursorAt('"onContactCreateHandler"', 4);
    const fix = "Rewrite 'onContactCreateHandler' as a function expression fdk can see";
    await e.quickFixes({ expect: fix }).catch((err) => {
      throw new Error(`Control+. on the handler in manifest.json (problem: ${manifestRow}) did not offer "${fix}": ${err.message}\nserver.js on disk:\n${e.readAppFile('server/server.js')}`);
    });
    await e.applyQuickFix(fix);
    await e.openFile('server/server.js');
    const text = await e.editorText();
    assert.match(text, /onContactCreateHandler: function \(args\) \{\s*console\.log\('contact created: ' \+ args\.data\.contact\.id\);\s*\}/,
      `expected server.js to read "onContactCreateHandler: function (args) { console.log(...) }" after the fix; it reads:\n${text}`);
    assert.doesNotMatch(text, /=>/, `an arrow is still in server.js:\n${text}`);
    await e.save();
    await e.waitForNoProblem(problem);
  });

  ed.it('a top-level "events" block (as in the docs): a warning; the quick fix moves it under product.freshworks_crm.events', async (e) => {
    await e.openFile('manifest.json');
    await e.typeAt({ after: '"platform-version": "2.3",' }, '\n"events": { "onContactUpdate": { "handler": "onContactCreateHandler" } },');
    await e.save();
    const problem = 'The platform ignores a top-level "events" block';
    const rows = await e.waitForProblem(problem);
    assert.ok(rows.some((r) => r.includes(problem) && /product\.<product>\.events/.test(r)),
      `expected the warning to point at product.<product>.events; Problems panel shows: ${rows.join(' | ')}`);

    await e.openFile('manifest.json');
    await e.cursorAt('"events": { "onContactUpdate"', 3);
    const fix = 'Move these events under "product"';
    await e.quickFixes({ expect: fix });
    await e.applyQuickFix(fix);
    await e.save();
    await sleep(200);
    const saved = e.readAppFile('manifest.json');
    let json;
    try { json = JSON.parse(saved); } catch (err) { assert.fail(`manifest.json does not parse after the fix (${err.message}):\n${saved}`); }
    assert.equal(json.events, undefined, `a top-level "events" is still there:\n${saved}`);
    const events = json.product?.freshworks_crm?.events ?? {};
    assert.deepEqual(events.onContactUpdate, { handler: 'onContactCreateHandler' }, `expected product.freshworks_crm.events.onContactUpdate = { handler: "onContactCreateHandler" }:\n${saved}`);
    assert.deepEqual(events.onContactCreate, { handler: 'onContactCreateHandler' }, `the existing onContactCreate registration was lost:\n${saved}`);
    await e.waitForNoProblem(problem);
  });
});
