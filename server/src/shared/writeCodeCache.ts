// Build time only: `node <this, bundled> <bundle>` writes <bundle>.v8cache (codeCache.ts, writeShippedCodeCache)
// with the Node that runs the build. esbuild.mjs runs it for the lint worker; nothing ships this script.
import * as path from 'node:path';
import { writeShippedCodeCache } from './codeCache';

if (!process.argv[2]) throw new Error('usage: writeCodeCache <bundle.js>');
const bundle = path.resolve(process.argv[2]);
const bytes = writeShippedCodeCache(bundle);
process.stdout.write(`${path.relative(process.cwd(), bundle)}.v8cache: ${Math.round(bytes / 1024)} KB\n`);
// The bundle may leave handles open (a worker's bundle outside its thread): the cache is written, so stop here.
process.exit(0);
