// Runs every bench/*.mjs except this file, one after another, each as its own process (they are standalone
// and print their own figures). `npm run bench` builds first, as the .vsix and the npm package are built (minified:
// `node esbuild.mjs --production`), so the figures are those of what users run. A failing bench is reported and the
// rest still run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => !only.length || only.some((o) => f.startsWith(o))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ${'='.repeat(Math.max(0, 60 - f.length))}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(here, f)], { stdio: 'inherit', cwd: path.resolve(here, '..') });
  const took = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) { failed++; console.log(`--- bench/${f} FAILED (exit ${r.status ?? r.signal}) after ${took} s`); }
  else console.log(`--- bench/${f} done in ${took} s`);
}
console.log(`\n${files.length} bench file(s), ${failed} failed.`);
process.exitCode = failed ? 1 : 0;
