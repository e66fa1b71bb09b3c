// The pure core, bundled with esbuild exactly as the language server and CLI bundle it, loaded in-process.
import { buildSync } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** Bundles the given core entry points (relative to the repo) into one module and returns its exports. */
export function loadCore() {
  const entry = [
    "export * from './server/src/core/appModel';",
    "export * from './server/src/core/checks';",
    "export * from './server/src/core/payloadChecks';",
    "export * from './server/src/core/diagnoseApp';",
    "export { defaultPayload, catalogue } from './server/src/core/catalogue';",
  ].join('\n');
  const result = buildSync({
    stdin: { contents: entry, resolveDir: repoRoot, sourcefile: 'bench-core.ts', loader: 'ts' },
    bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'],
    write: false, logLevel: 'silent',
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-bench-core-')), 'core.cjs');
  writeFileSync(file, result.outputFiles[0].text);
  return require(file);
}
