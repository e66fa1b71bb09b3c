// The extension activates in a real editor: its commands are in the palette or its output channel exists.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, waitFor } from './harness.mjs';

describe('activation', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'activation' });

  ed.it('opens the fixture app and lists "Freshsales:" commands or the "Freshsales DevTools" output channel', async (e) => {
    await e.openFile('manifest.json'); // workspaceContains:manifest.json, and a manifest editor for good measure
    let commands = [];
    let channels = [];
    await waitFor(async () => {
      commands = (await e.searchCommands('Freshsales:')).filter((l) => /Freshsales:/i.test(l));
      if (commands.length) return true;
      channels = await e.searchCommands('Output: Show Output Channels').then(async (rows) => {
        if (!rows.some((r) => /Show Output Channels/i.test(r))) return [];
        await e.key('Enter');
        await new Promise((r) => setTimeout(r, 500));
        return e.quickPickLabels();
      });
      await e.key('Escape');
      return channels.some((c) => c.includes('Freshsales DevTools'));
    }, {
      timeout: 30_000, interval: 1000,
      message: () => `"Freshsales:" commands in the palette or a "Freshsales DevTools" output channel; `
        + `palette had none; output channels: ${channels.join(', ') || '(none)'}`,
    });
    assert.ok(commands.length || channels.some((c) => c.includes('Freshsales DevTools')));
  });
});
