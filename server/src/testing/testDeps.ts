// Before a test run, as `fdk test` does (lib/cli/test.js): the manifest's `dependencies` into
// server/node_modules and its `devDependencies` (test helpers such as chai) into test/node_modules, each with
// the simulator's installer (dependencies.ts: exact versions only, npm with scripts off, moved in checked).
// A failed install is reported and the run goes on, as fdk's does: a test file that needs the package then
// fails to load, naming it.
import * as path from 'node:path';
import { readRegularFile } from '../appFiles';
import { MANIFEST } from '../core/appLayout';
import { ensureDependencies, manifestDependencies, type InstallProgress } from '../simulate/dependencies';

/** Install what the manifest lists for the tests; resolves with the failures (empty when all is in place). */
export async function installTestDependencies(appDir: string, progress?: InstallProgress): Promise<string[]> {
  const read = readRegularFile(path.join(appDir, MANIFEST));
  if (!('text' in read)) return [];
  let raw: unknown;
  try { raw = JSON.parse(read.text); } catch { return []; }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const failures: string[] = [];
  for (const [key, folder] of [['dependencies', 'server'], ['devDependencies', 'test']] as const) {
    const deps = manifestDependencies(raw as Record<string, unknown>, key);
    const failure = deps ? await ensureDependencies(appDir, deps, progress, folder) : undefined;
    if (failure) failures.push(failure);
  }
  return failures;
}
