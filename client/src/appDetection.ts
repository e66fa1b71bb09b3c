// Is this workspace a Freshworks app? Looks only at `<folder>/manifest.json` and `<folder>/*/manifest.json`
// (the same two globs as activationEvents), and requires a `platform-version` key: many projects have
// some other manifest.json. Bounded work on the activation path: one readDirectory per workspace folder.
import * as vscode from 'vscode';
import { parse } from 'jsonc-parser';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'coverage', '.fdk']);
const MAX_CHILD_DIRS = 200;

export async function isFreshworksManifest(uri: vscode.Uri): Promise<boolean> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const json: unknown = parse(new TextDecoder().decode(bytes));
    return typeof json === 'object' && json !== null && 'platform-version' in json;
  } catch {
    return false;
  }
}

/** Manifest URIs of the Freshworks apps at the root of each folder or one level below. */
export async function findAppManifests(folders: readonly vscode.WorkspaceFolder[] = vscode.workspace.workspaceFolders ?? []): Promise<vscode.Uri[]> {
  const found: vscode.Uri[] = [];
  for (const folder of folders) {
    const candidates = [vscode.Uri.joinPath(folder.uri, 'manifest.json')];
    try {
      const entries = await vscode.workspace.fs.readDirectory(folder.uri);
      for (const [name, type] of entries.slice(0, MAX_CHILD_DIRS)) {
        if ((type & vscode.FileType.Directory) !== 0 && !name.startsWith('.') && !SKIP_DIRS.has(name)) {
          candidates.push(vscode.Uri.joinPath(folder.uri, name, 'manifest.json'));
        }
      }
    } catch { /* unreadable folder: only the root candidate */ }
    const checks = await Promise.all(candidates.map(isFreshworksManifest));
    found.push(...candidates.filter((_, i) => checks[i]));
  }
  return found;
}
