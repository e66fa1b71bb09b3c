// VS Code loads the extension here (client/dist/extension.js, the package's "main"): it runs the extension's
// bundle (client/dist/extension-main.js, from extension.ts) through a V8 code cache (server/src/codeCache.ts),
// so every activation after the first skips parsing and compiling most of it, the language client included:
// about half of load + activate() (npm run bench). The cache is written ten seconds after loading, when
// activation's own functions have been compiled too.
import * as path from 'node:path';
import { loadWithCodeCache } from '../../server/src/shared/codeCache';

const bundle = path.join(__dirname, 'extension-main.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = loadWithCodeCache(bundle, { name: 'extension', saveAfter: 10_000 }) ?? require(bundle);
