// Bench: the pure core on a large app, and the whole `fsdev check` process. Standalone: `node bench/model.mjs`
// (needs server/dist/cli.js: `npm run bench` builds first). Prints its own figures; never a timed test.
import { rmSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { loadCore, repoRoot } from './lib/core.mjs';
import { generateLargeApp } from './lib/largeApp.mjs';
import { measure, measureProcess, ms, peakRssKb, printTable } from './lib/stats.mjs';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CLI = path.join(repoRoot, 'server/dist/cli.js');

const core = loadCore();
const app = generateLargeApp(core);
console.log(`large app: omni 2.3, ${app.registrations} registrations, server.js ${app.scriptLines} lines / ${app.callbacks}+ callbacks,`
  + ` ${app.files.testData.length} payloads, ${(app.payloadBytes / app.files.testData.length / 1024).toFixed(0)} KB each (${app.dir})`);
console.log(`machine: ${cpus().length} CPU(s), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (figures are noisy under load)`);

const payloadText = (p) => app.payloads.get(p);

// cold: the first full check in a fresh core, incl. loading the 50 payload schemas
const t0 = performance.now();
const first = core.diagnoseApp(app.files, payloadText);
const cold = performance.now() - t0;
const counts = {};
for (const d of first.diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;

const model = measure(() => core.buildAppModel(app.files), { warmup: 5, iterations: ITERATIONS });
const checks = measure(() => {
  const a = core.buildAppModel(app.files);
  const out = core.checkApp(a);
  for (const p of app.files.testData) out.push(...core.checkPayloadFile(a, p, payloadText(p)));
  return out;
}, { warmup: 3, iterations: ITERATIONS });
const onePayloadPath = app.files.testData[0];
const builtApp = core.buildAppModel(app.files);
const onePayload = measure(() => core.checkPayloadFile(builtApp, onePayloadPath, payloadText(onePayloadPath)), { warmup: 5, iterations: ITERATIONS });

const bare = measureProcess(process.execPath, ['-e', ''], { runs: RUNS });
const cli = measureProcess(process.execPath, [CLI, 'check', 'examples/crm-app'], { runs: RUNS, cwd: repoRoot });
const cliLarge = measureProcess(process.execPath, [CLI, 'check', app.dir], { runs: Math.max(3, RUNS >> 1), cwd: repoRoot });
const rss = peakRssKb(process.execPath, [CLI, 'check', 'examples/crm-app'], { cwd: repoRoot });
const rssLarge = peakRssKb(process.execPath, [CLI, 'check', app.dir], { cwd: repoRoot });
const rssBare = peakRssKb(process.execPath, ['-e', '']);

console.log('');
printTable(['measure', 'median', 'p95', 'n', 'goal'], [
  ['build app model (large app)', ms(model.median), ms(model.p95), model.n, '< 50 ms'],
  ['all checks incl. 50 payloads', ms(checks.median), ms(checks.p95), checks.n, '< 500 ms'],
  ['  one 250 KB payload check', ms(onePayload.median), ms(onePayload.p95), onePayload.n, ''],
  ['  first full check (cold)', ms(cold), '', 1, ''],
  ['node -e "" (reference)', ms(bare.median), ms(bare.p95), bare.n, ''],
  ['fsdev check examples/crm-app', ms(cli.median), ms(cli.p95), cli.n, `${(cli.median / bare.median).toFixed(2)}x bare node`],
  ['fsdev check <large app>', ms(cliLarge.median), ms(cliLarge.p95), cliLarge.n, `${(cliLarge.median / bare.median).toFixed(2)}x bare node`],
]);
console.log('');
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
printTable(['peak RSS', 'value', 'via'], [
  ['node -e ""', mb(rssBare.kb), rssBare.how],
  ['fsdev check examples/crm-app', mb(rss.kb), rss.how],
  ['fsdev check <large app>', mb(rssLarge.kb), rssLarge.how],
]);
console.log(`\nfsdev check exit codes: crm-app ${cli.status}, large app ${cliLarge.status}; large-app diagnostics: ${JSON.stringify(counts)}`);
console.log('context (not measured here): the real `fdk validate` takes about 1.7 s and 125 MB for a two-event app on this machine.');
const verdict = (m, goal) => (m <= goal ? 'met' : 'MISSED');
console.log(`goals: model ${verdict(model.median, 50)}, checks ${verdict(checks.median, 500)}`);

rmSync(app.dir, { recursive: true, force: true });
