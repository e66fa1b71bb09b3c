// Completion of event names inside the manifest's "events" block, and the snippet it inserts.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor } from './harness.mjs';

describe('manifest completion', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'completion' });

  ed.it('Control+Space inside "events" offers onDealCreate and inserts a handler snippet', async (e) => {
    await e.openFile('manifest.json');
    await e.typeAt({ after: '"events": {' }, '\n        "onDe');
    const labels = await e.suggest({ expect: 'onDealCreate' });
    assert.ok(labels.some((l) => l.includes('onDealCreate')), `expected onDealCreate among suggestions; saw: ${labels.join(' | ')}`);
    await e.docScreenshot('completion');
    await e.acceptSuggestion('onDealCreate');
    await e.key('Escape'); // leave snippet mode
    const text = await e.editorText();
    assert.match(text, /"onDealCreate"\s*:\s*\{\s*"handler"\s*:\s*"[A-Za-z_$][\w$]*"\s*\}/,
      `expected an inserted "onDealCreate": { "handler": "..." } entry; manifest now reads:\n${text}`);
    assert.doesNotMatch(text, /""onDealCreate|"onDealCreate""/, `quotes doubled around the inserted key:\n${text}`);
  });
});
