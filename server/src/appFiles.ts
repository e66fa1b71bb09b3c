// The one place that reads an app from disk (CLI and simulation engine); the core only sees text.
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST, notAnAppReason as notAnAppReasonFor, SERVER_SCRIPT } from './core/appLayout';
import { TEST_DATA_DIR } from './core/testDataLayout';
import type { AppFiles } from './core/types';

export { MANIFEST };

/** Why a folder is not a Freshworks app, or undefined when it is one. */
export async function notAnAppReason(appDir: string): Promise<string | undefined> {
  return notAnAppReasonFor(appDir, await fs.readFile(path.join(appDir, MANIFEST), 'utf8').catch(() => undefined));
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

/** `server/test_data/*.json` and one level of product or module folders, relative, sorted. */
export function listTestData(appDir: string): string[] {
  const out: string[] = [];
  const root = path.join(appDir, TEST_DATA_DIR);
  for (const entry of readDir(root)) {
    if (entry.isFile() && entry.name.endsWith('.json')) out.push(`${TEST_DATA_DIR}/${entry.name}`);
    if (entry.isDirectory()) {
      for (const f of readDir(path.join(root, entry.name))) if (f.isFile() && f.name.endsWith('.json')) out.push(`${TEST_DATA_DIR}/${entry.name}/${f.name}`);
    }
  }
  return out.sort();
}

function readDir(dir: string) {
  try { return readdirSync(dir, { withFileTypes: true }); } catch { return []; }
}
