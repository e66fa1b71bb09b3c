// The one place that reads an app from disk (CLI and simulation engine); the core only sees text.
import { promises as fs, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST, notAnAppReason as notAnAppReasonFor, SERVER_SCRIPT } from './core/appLayout';
import { TEST_DATA_DIR } from './core/testDataLayout';
import type { AppFiles } from './core/types';

export { MANIFEST };

/** Why a path cannot be an app folder at all (it does not exist, or it is a file), else undefined. */
export function folderProblem(appDir: string): string | undefined {
  try {
    return statSync(appDir).isDirectory() ? undefined
      : `${appDir} is a file, not a folder: give the app's folder (the one that holds manifest.json).`;
  } catch {
    return `${appDir} does not exist.`;
  }
}

/** Why a folder is not a Freshworks app, or undefined when it is one. */
export async function notAnAppReason(appDir: string): Promise<string | undefined> {
  return folderProblem(appDir) ?? notAnAppReasonFor(appDir, await fs.readFile(path.join(appDir, MANIFEST), 'utf8').catch(() => undefined));
}

export async function loadAppFiles(appDir: string): Promise<AppFiles> {
  const [manifest, script] = await Promise.all([
    fs.readFile(path.join(appDir, MANIFEST), 'utf8'),
    fs.readFile(path.join(appDir, SERVER_SCRIPT), 'utf8').catch(() => undefined),
  ]);
  const testData = listTestData(appDir);
  return {
    manifest: { path: MANIFEST, text: manifest },
    serverScript: script === undefined ? undefined : { path: SERVER_SCRIPT, text: script },
    testData,
  };
}

/**
 * `server/test_data/*.json` and one level of product or module folders, relative, sorted. Links are listed
 * too (so a link out of the app is reported, not silently skipped: see `readAppFile`).
 */
export function listTestData(appDir: string): string[] {
  const out: string[] = [];
  const root = path.join(appDir, TEST_DATA_DIR);
  const fileLike = (e: { isFile(): boolean; isSymbolicLink(): boolean; name: string }) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json');
  for (const entry of readDir(root)) {
    if (fileLike(entry)) out.push(`${TEST_DATA_DIR}/${entry.name}`);
    if (entry.isDirectory()) {
      for (const f of readDir(path.join(root, entry.name))) if (fileLike(f)) out.push(`${TEST_DATA_DIR}/${entry.name}/${f.name}`);
    }
  }
  return out.sort();
}

/**
 * Where a file of the app really is, when a link takes it outside the app folder (undefined: inside, or absent).
 * One rule for check, the language server and simulate: such files are not read (a hostile app could link its
 * test payload to ~/.ssh/id_rsa and have its first bytes printed in a JSON error).
 */
export function outsideApp(appDir: string, file: string): string | undefined {
  let real: string; let root: string;
  try { real = realpathSync.native(file); } catch { return undefined; }
  try { root = realpathSync.native(appDir); } catch { root = appDir; }
  const r = path.relative(root, real);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r)) ? undefined : real;
}

/** A file of the app as text, or why it cannot be read (outside the app, permissions, a folder...). */
export function readAppFile(appDir: string, rel: string): string | { unreadable: string } {
  const file = path.join(appDir, rel);
  const outside = outsideApp(appDir, file);
  if (outside) return { unreadable: `${rel} is a link to ${outside}, outside the app: only files inside the app folder are read.` };
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return { unreadable: `${rel} could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.` };
  }
}

function readDir(dir: string) {
  try { return readdirSync(dir, { withFileTypes: true }); } catch { return []; }
}
