// The test child's writer thread (bundled to server/dist/testOutput.js): writes out what the child puts in the
// shared ring (outputRing.ts), a batch every few milliseconds. It is unref'd and never ends by itself.
import { workerData } from 'node:worker_threads';
import { openRing, writeForever } from './outputRing';

writeForever(openRing((workerData as { ring: SharedArrayBuffer }).ring));
