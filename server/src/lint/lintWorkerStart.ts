// The lint worker thread starts here (server/dist/lintWorker.js): it runs the worker's bundle
// (server/dist/lintWorker-main.js: lintWorker.ts and ESLint, 1.9 MB) through the V8 code cache the build wrote
// beside it (shared/codeCache.ts), so a new thread neither parses and compiles ESLint nor compiles the rules its
// warm-up runs: the largest part of the lint's start, which `fsdev check` waits for. Read-only; under another
// runtime than the build's (VS Code's, another Node) the bundle is compiled as `require` would.
import * as path from 'node:path';
import { loadWithShippedCodeCache } from '../shared/codeCache';

const bundle = path.join(__dirname, 'lintWorker-main.js');
// Its exports pass through: test/unit/lintSpeed.test.mjs calls lintText from this bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = loadWithShippedCodeCache(bundle) ?? require(bundle);
