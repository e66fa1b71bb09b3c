// Extension-host tests of the `fsdev` task type: the provider offers `check` and `test` with the `$fsdev`
// matcher, and running `check` puts its problems (source "fsdev") on the files it names.
'use strict';
const assert = require('node:assert/strict');
const { waitFor } = require('./runner');
const { requireActive } = require('./extension.test');

module.exports = function register(test) {
  test('the fsdev task provider offers check and test with the $fsdev problem matcher', async ({ vscode }) => {
    await requireActive(vscode);
    const tasks = await vscode.tasks.fetchTasks({ type: 'fsdev' });
    assert.deepEqual(tasks.map((t) => `${t.source}: ${t.name}`).sort(), ['fsdev: check', 'fsdev: test']);
    for (const t of tasks) assert.deepEqual(t.problemMatchers, ['$fsdev'], `${t.name}: ${t.problemMatchers}`);
  });

  test('running "fsdev: check" reports its problems through the $fsdev matcher', async ({ vscode, root }) => {
    await requireActive(vscode);
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
    // The fixture has no payload for onDealUpdate: `information no-test-data` on manifest.json.
    const uri = vscode.Uri.joinPath(root, 'manifest.json');
    let diags = [];
    await waitFor(() => {
      diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'fsdev');
      return diags.some((d) => /No test payload for onDealUpdate/.test(d.message));
    }, { timeout: 20_000, message: () => `an fsdev problem for onDealUpdate on manifest.json; all: ${vscode.languages.getDiagnostics(uri).map((d) => `${d.source}: ${d.message}`).join(' | ') || '(none)'}` });
    const d = diags.find((x) => /No test payload for onDealUpdate/.test(x.message));
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
