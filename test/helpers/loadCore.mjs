// Load a TypeScript module of the project from a node:test file: bundle it with esbuild
// (same settings as esbuild.mjs: cjs, node, mainFields module/main so jsonc-parser bundles)
// into a temp file and require it. Cached per entry path for the life of the test process.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = new Map();
let outDir;

/**
 * Bundle and load a TS entry (absolute, or relative to the repo root, e.g. 'server/src/core/catalogue.ts').
 * Returns the module's exports (CommonJS object). `mainFields: ['main']` for code that bundles ESLint (esquery's
 * `module` entry lacks what ESLint requires; esbuild.mjs builds the lint worker the same way).
 */
export async function loadTs(entry, { mainFields = ['module', 'main'] } = {}) {
  const abs = path.isAbsolute(entry) ? entry : path.join(repoRoot, entry);
  if (cache.has(abs)) return cache.get(abs);
  const result = buildSync({
    entryPoints: [abs],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields,
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
    external: ['vscode'],
  });
  outDir ??= mkdtempSync(path.join(tmpdir(), 'fsdev-test-'));
  const rel = path.relative(repoRoot, abs).replace(/[\\/]/g, '_').replace(/\.[cm]?tsx?$/, '');
  const file = path.join(outDir, `${rel}.cjs`);
  writeFileSync(file, result.outputFiles[0].text);
  const mod = require(file);
  cache.set(abs, mod);
  return mod;
}
