// Tasks of type `fsdev`: `fsdev check` and `fsdev test` of each app under Run Task. While the language server
// runs, it already shows every problem `check` prints (both call diagnoseApp), live and fixed by quick fixes: the
// task then has no problem matcher, or each problem would be listed twice and the task's copies would outlive a
// fix. Otherwise the `$fsdev` matcher (package.json) reads `check`'s text output. The tasks run the CLI bundled in
// this extension with the Node that runs the extension host (Electron as Node in desktop VS Code), in the app's
// folder, so the matcher's `${cwd}` is the folder the CLI's paths are relative to.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findAppManifests } from './appDetection';

export const TASK_TYPE = 'fsdev';
const COMMANDS = ['check', 'test'] as const;

interface FsdevTaskDefinition extends vscode.TaskDefinition {
  command: (typeof COMMANDS)[number];
  /** App folder relative to the workspace folder; absent: the workspace folder. */
  app?: string;
  args?: string[];
}

function isDefinition(d: vscode.TaskDefinition): d is FsdevTaskDefinition {
  return (COMMANDS as readonly string[]).includes(d.command as string)
    && (d.app === undefined || typeof d.app === 'string')
    && (d.args === undefined || (Array.isArray(d.args) && d.args.every((a) => typeof a === 'string')));
}

/** `[]` (not undefined: VS Code would then ask which matcher to use) while the language server shows the problems. */
const matchers = (serverRunning: () => boolean) => (serverRunning() ? [] : ['$fsdev']);

function makeTask(cli: string, folder: vscode.WorkspaceFolder, def: FsdevTaskDefinition, problemMatchers: string[]): vscode.Task {
  const cwd = path.resolve(folder.uri.fsPath, def.app ?? '.');
  const exec = new vscode.ProcessExecution(process.execPath, [cli, def.command, ...(def.args ?? [])],
    { cwd, env: { ELECTRON_RUN_AS_NODE: '1' } });
  const name = def.app ? `${def.command} (${def.app})` : def.command;
  const task = new vscode.Task(def, folder, name, TASK_TYPE, exec, problemMatchers);
  task.group = def.command === 'test' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
  task.detail = def.command === 'check'
    ? 'manifest.json, server/server.js and every test payload, as the editor checks them'
    : 'the app\'s tests';
  return task;
}

export function registerTaskProvider(context: vscode.ExtensionContext, serverRunning: () => boolean): vscode.Disposable {
  const cli = context.asAbsolutePath(path.join('server', 'dist', 'cli.js'));
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    async provideTasks() {
      const tasks: vscode.Task[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        for (const manifest of await findAppManifests([folder])) {
          const rel = path.relative(folder.uri.fsPath, path.dirname(manifest.fsPath));
          for (const command of COMMANDS) tasks.push(makeTask(cli, folder, rel ? { type: TASK_TYPE, command, app: rel.split(path.sep).join('/') } : { type: TASK_TYPE, command }, matchers(serverRunning)));
        }
      }
      return tasks;
    },
    // A task from tasks.json (`{ "type": "fsdev", "command": "check" }`): give it its execution.
    resolveTask(task) {
      const folder = task.scope;
      if (!isDefinition(task.definition) || typeof folder !== 'object') return undefined;
      const resolved = makeTask(cli, folder, task.definition, matchers(serverRunning));
      // Keep the user's own problem matchers and name; VS Code merges the rest from tasks.json.
      return new vscode.Task(task.definition, folder, task.name || resolved.name, TASK_TYPE, resolved.execution,
        task.problemMatchers.length ? task.problemMatchers : resolved.problemMatchers);
    },
  });
}
