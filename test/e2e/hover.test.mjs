// Hover documentation in a test payload (server/test_data/<event>.json).
import { describe } from 'node:test';
import { useEditor } from './harness.mjs';

describe('payload hover', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'hover' });

  ed.it('hovering "region" in onContactCreate.json shows "Region where the app is installed"', async (e) => {
    await e.openFile('server/test_data/onContactCreate.json');
    await e.cursorAt('"region"', 3);
    await e.hoverAtCursor({ expect: 'Region where the app is installed' });
    await e.docScreenshot('hover');
  });
});
