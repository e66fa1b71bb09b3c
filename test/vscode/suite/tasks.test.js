// Extension-host tests of the `fsdev` task type: the provider offers `check` and `test`; while the language
// server runs (it shows every problem `check` prints) they have no problem matcher, so running `check` adds no
// second copy (source "fsdev") of the server's problems.
'use strict';
const assert = require('node:assert/strict');
const { waitFor } = require('./runner');
const { requireActive } = require('./extension.test');

/** The language server's problems on manifest.json, once it has published them. */
async function serverProblems(vscode, uri) {
  let diags = [];
  await waitFor(() => {
    diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'freshsales');
    return diags.some((d) => /No test payload for onDealUpdate/.test(d.message));
  }, { timeout: 20_000, message: () => `the language server's problem for onDealUpdate on manifest.json; all: ${vscode.languages.getDiagnostics(uri).map((d) => `${d.source}: ${d.message}`).join(' | ') || '(none)'}` });
  return diags;
}

module.exports = function register(test) {
  test('the fsdev task provider offers check and test, without a problem matcher while the language server runs', async ({ vscode, root }) => {
    await requireActive(vscode);
    await serverProblems(vscode, vscode.Uri.joinPath(root, 'manifest.json'));
    const tasks = await vscode.tasks.fetchTasks({ type: 'fsdev' });
    assert.deepEqual(tasks.map((t) => `${t.source}: ${t.name}`).sort(), ['fsdev: check', 'fsdev: test']);
    for (const t of tasks) assert.deepEqual(t.problemMatchers, [], `${t.name}: ${t.problemMatchers}`);
  });

  test('running "fsdev: check" lists each problem once: the language server\'s, no copy from the task', async ({ vscode, root }) => {
    await requireActive(vscode);
    // The fixture has no payload for onDealUpdate: `information no-test-data` on manifest.json.
    const uri = vscode.Uri.joinPath(root, 'manifest.json');
    const before = await serverProblems(vscode, uri);
    const [check] = (await vscode.tasks.fetchTasks({ type: 'fsdev' })).filter((t) => t.name === 'check');
    let exitCode;
    const ended = new Promise((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type === 'fsdev') { exitCode = e.exitCode; sub.dispose(); resolve(); }
      });
    });
    await vscode.tasks.executeTask(check);
    await ended;
    assert.ok(exitCode === 0 || exitCode === 1, `fsdev check exit code ${exitCode}`);
    await new Promise((r) => setTimeout(r, 2000)); // a matcher would have reported by now: the process has ended
    const all = vscode.languages.getDiagnostics(uri);
    assert.deepEqual(all.filter((d) => d.source === 'fsdev').map((d) => d.message), [], 'no copies from the task');
    assert.equal(all.filter((d) => /No test payload for onDealUpdate/.test(d.message)).length, 1, all.map((d) => `${d.source}: ${d.message}`).join(' | '));
    const d = before.find((x) => /No test payload for onDealUpdate/.test(x.message));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(typeof d.code === 'object' ? d.code.value : d.code, 'no-test-data');
  }, { timeout: 60_000 });

  test('a tasks.json task of type fsdev resolves through the provider and runs', async ({ vscode, root }) => {
    await requireActive(vscode);
    const file = vscode.Uri.joinPath(root, '.vscode', 'tasks.json');
    const tasksJson = { version: '2.0.0', tasks: [{ type: 'fsdev', command: 'check', args: ['--format', 'json'], label: 'app check (json)', problemMatcher: [] }] };
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(tasksJson, null, 2)));
    try {
      let mine;
      await waitFor(async () => {
        mine = (await vscode.tasks.fetchTasks({ type: 'fsdev' })).find((t) => t.name === 'app check (json)');
        return mine;
      }, { timeout: 20_000, message: 'the tasks.json task among the fsdev tasks' });
      let exitCode;
      const ended = new Promise((resolve) => {
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === 'app check (json)') { exitCode = e.exitCode; sub.dispose(); resolve(); }
        });
      });
      await vscode.tasks.executeTask(mine);
      await ended;
      assert.equal(exitCode, 0, 'the fixture app has no errors: fsdev check --format json exits 0');
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, '.vscode'), { recursive: true });
    }
  }, { timeout: 60_000 });
};
