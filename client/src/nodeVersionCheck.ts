// Warns once (per app and Node binary) when handlers would run on a different Node major than the app's
// manifest asks for in `engines.node`: FDK 9 apps run on Node 18 in production, FDK 10 apps on Node 24.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { parse } from 'jsonc-parser';
import { nodeMismatchWarning } from './appPaths';

const warned = new Set<string>();

function versionOf(nodePath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(nodePath, ['--version'], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

async function enginesNode(appDir: string): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.Uri.file(appDir), 'manifest.json'));
    const json = parse(new TextDecoder().decode(bytes)) as { engines?: { node?: unknown } } | undefined;
    return typeof json?.engines?.node === 'string' ? json.engines.node : undefined;
  } catch {
    return undefined;
  }
}

/** Fire-and-forget: never delays a run. */
export async function warnOnNodeMismatch(appDir: string, nodePath: string | undefined): Promise<void> {
  const key = `${appDir}|${nodePath ?? ''}`;
  if (warned.has(key)) return;
  warned.add(key);
  const wanted = await enginesNode(appDir);
  if (!wanted) return;
  const actual = nodePath ? await versionOf(nodePath) : process.versions.node;
  if (!actual) {
    void vscode.window.showWarningMessage(`Could not run "${nodePath} --version" (freshsales.simulation.nodePath).`);
    return;
  }
  const label = nodePath ? `freshsales.simulation.nodePath = ${nodePath}` : "VS Code's built-in Node";
  const message = nodeMismatchWarning(wanted, actual, label);
  if (!message) return;
  const choice = await vscode.window.showWarningMessage(message, 'Open Setting');
  if (choice === 'Open Setting') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'freshsales.simulation.nodePath');
  }
}
