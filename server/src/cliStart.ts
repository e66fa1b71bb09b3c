// `fsdev` starts here (server/dist/cli.js): it runs the CLI bundle (server/dist/cli-main.js) through a V8 code
// cache (codeCache.ts), so every run after the first skips parsing and compiling most of the 1.2 MB bundle (a
// third of a `fsdev check` beyond a bare Node start).
import * as path from 'node:path';
import { startEarlyLintWorker } from './lint/earlyLintWorker';
import { loadWithCodeCache } from './shared/codeCache';

// `fsdev check` lints in a worker thread: started now, it loads on the other core while the CLI bundle loads.
if (process.argv[2] === 'check') startEarlyLintWorker(path.join(__dirname, 'lintWorker.js'));

const bundle = path.join(__dirname, 'cli-main.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (loadWithCodeCache(bundle, { name: 'fsdev', saveAfter: 'exit' }) === undefined) require(bundle);
