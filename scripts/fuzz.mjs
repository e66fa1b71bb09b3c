#!/usr/bin/env node
// `npm run fuzz`: 10,000 seeded robustness cases against the built language server (server/dist/server.js),
// then the simulator's child → parent messages: 20,000 fuzzed messages through the parent's check and
// live runs whose package floods the message pipe with them. Options: --count N, --seed S.
// Generators and drivers: test/server/fuzzCases.mjs and test/simulate/fuzzMessages.mjs (shared with `npm test`).
import { runFuzz } from '../test/server/fuzzCases.mjs';
import { fuzzChildMessages } from '../test/simulate/fuzzMessages.mjs';

const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : def; };
const count = arg('count', 10000);
const seed = arg('seed', 1);
console.log(`fuzzing the language server: ${count} cases, seed ${seed}`);
try {
  const res = await runFuzz({ count, seed, log: (m) => console.log(`  ${m}`) });
  console.log(`${res.cases} cases in ${(res.ms / 1000).toFixed(1)} s (${(res.ms / res.cases).toFixed(2)} ms/case); slowest ping ${res.pingMaxMs.toFixed(0)} ms; peak server RSS ${(res.rssPeakKb / 1024).toFixed(0)} MB`);
  if (res.guarded.length) {
    console.log(`${res.guarded.length} request(s) threw inside the server (caught by its guard):`);
    for (const g of [...new Set(res.guarded.map((x) => x.split('\n').slice(0, 2).join(' | ')))].slice(0, 20)) console.log(`  ${g}`);
    process.exitCode = 1;
  }
} catch (e) {
  console.error(`FAILED: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}
console.log(`fuzzing the simulator's child → parent messages: ${count * 2} messages, seed ${seed}`);
try {
  const res = await fuzzChildMessages({ count: count * 2, seed, liveRuns: 12, log: (m) => console.log(`  ${m}`) });
  console.log(`${res.count} messages (${res.accepted} accepted after checking) and 12 live runs in ${(res.ms / 1000).toFixed(1)} s: the parent held`);
} catch (e) {
  console.error(`FAILED: ${e instanceof Error ? e.stack : e}`);
  process.exitCode = 1;
}
