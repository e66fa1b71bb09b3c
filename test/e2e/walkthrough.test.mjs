// The "Get started with Freshsales DevTools" walkthrough in the real editor: it opens from Welcome: Open
// Walkthrough, lists its five steps, "Open or create an app" is done in an app folder, and "See a problem and
// its quick fix" / "Simulate an event" tick themselves when the user applies a quick fix / runs a simulation, and
// "Run the tests" / "Read coverage" when VS Code's testing commands run.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { useEditor, sleep, waitFor } from './harness.mjs';

const TITLE = 'Get started with Freshsales DevTools';

/** The walkthrough's steps as the Welcome editor shows them: [{ id, title, done }]. */
const steps = (e) => e.page.$$eval('.gettingStartedContainer .getting-started-step', (els) => els.map((el) => ({
  id: el.getAttribute('data-step-id') || '',
  title: (el.querySelector('.step-title')?.textContent || '').trim(),
  done: el.classList.contains('complete') || !!el.querySelector('.codicon-getting-started-step-checked'),
})));

async function openWalkthrough(e) {
  for (let attempt = 1; ; attempt++) {
    await e.runCommand('Welcome: Open Walkthrough');
    const ok = await waitFor(async () => (await e.quickPickLabels()).some((l) => l.includes(TITLE)),
      { timeout: 15_000, message: async () => `"${TITLE}" among the walkthroughs; shown: ${(await e.quickPickLabels()).join(' | ')}` })
      .then(() => true, (err) => { if (attempt >= 3) throw err; return false; });
    if (ok) break;
  }
  const labels = await e.quickPickLabels();
  const rows = await e.page.$$('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows[labels.findIndex((l) => l.includes(TITLE))].click();
  return waitFor(async () => { const s = await steps(e); return s.length ? s : null; },
    { timeout: 20_000, message: 'the walkthrough\'s steps in the Welcome editor' });
}

async function waitForStepDone(e, title) {
  let seen = [];
  await waitFor(async () => {
    seen = await steps(e);
    return seen.find((s) => s.title === title)?.done;
  }, { timeout: 30_000, message: () => `step "${title}" done; steps: ${seen.map((s) => `${s.title}=${s.done}`).join(', ')}` });
}

describe('Get started walkthrough', () => {
  const ed = useEditor({ fixture: 'crm-app', name: 'walkthrough' });

  ed.it('opens with its five steps; "Open or create an app" is already done in an app folder', async (e) => {
    const s = await openWalkthrough(e);
    assert.deepEqual(s.map((x) => x.title), ['Open or create an app', 'See a problem and its quick fix', 'Simulate an event', 'Run the tests', 'Read coverage']);
    await waitForStepDone(e, 'Open or create an app');
    // The selected step's image (packaged in media/walkthrough) is shown once the editor is wide enough. Which step
    // is selected depends on timing: VS Code moves to the first unfinished one once "Open or create an app" ticks.
    await e.key('Mod+B'); // hide the side bar
    const images = () => e.page.$$eval('.gettingStartedContainer img', (imgs) => imgs.map((i) => ({ src: i.currentSrc || i.src || i.getAttribute('srcset') || '', alt: i.alt, w: i.complete ? i.naturalWidth : 0 })));
    await waitFor(async () => (await images()).some((i) => i.w > 0 && /media\/walkthrough\/[\w-]+\.png/.test(decodeURIComponent(i.src))),
      { timeout: 15_000, message: async () => `the selected step's image (media/walkthrough/*.png) loaded; images: ${JSON.stringify(await images())}` });
    await e.docScreenshot('walkthrough');
    await e.key('Mod+B');
    const now = await steps(e);
    assert.equal(now.find((x) => x.title === 'Simulate an event').done, false, 'nothing simulated yet');
    assert.equal(now.find((x) => x.title === 'See a problem and its quick fix').done, false, 'no quick fix applied yet');
  });

  ed.it('applying a quick fix ticks "See a problem and its quick fix"', async (e) => {
    await e.openFile('manifest.json');
    await e.replaceText('onDealUpdateHandler', 'missingHandler');
    await e.save();
    await e.cursorAt('missingHandler', 2);
    const labels = await e.quickFixes({ expect: 'missingHandler' });
    await e.applyQuickFix(labels.find((l) => l.includes('missingHandler')));
    await sleep(500);
    await openWalkthrough(e);
    await waitForStepDone(e, 'See a problem and its quick fix');
  });

  ed.it('the test and coverage steps tick when their VS Code testing commands run (the steps\' own buttons)', async (e) => {
    await openWalkthrough(e);
    for (const [title, button] of [['Run the tests', 'Run All Tests'], ['Read coverage', 'Run Tests with Coverage']]) {
      await e.page.click(`.gettingStartedContainer .getting-started-step:has(.step-title:text-is("${title}"))`);
      await e.page.click(`.gettingStartedContainer .getting-started-step.expanded >> text="${button}"`, { timeout: 10_000 });
      await sleep(500);
      await e.dismissNotifications();
      await openWalkthrough(e);
      await waitForStepDone(e, title);
    }
  });

  ed.it('a finished simulation ticks "Simulate an event"', async (e) => {
    await e.openFile('server/server.js');
    await e.clickCodeLens('onContactCreateHandler', 'Simulate');
    await e.webviewFrame(['contact created: 1', /Success/i], { timeout: 30_000 });
    await openWalkthrough(e);
    await waitForStepDone(e, 'Simulate an event');
  });
});
