#!/usr/bin/env node
// `npm run fuzz`: 10,000 seeded robustness cases against the built language server (server/dist/server.js),
// every request timed on its own (any answer over 1 s fails the run); then the simulator's child → parent
// messages: 20,000 fuzzed messages through the parent's check and live runs whose package floods the message
// pipe with them. Options: --count N, --seed S.
// Generators and drivers: test/server/fuzzCases.mjs and test/simulate/fuzzMessages.mjs (shared with `npm test`).
import { runFuzz } from '../test/server/fuzzCases.mjs';
import { fuzzChildMessages } from '../test/simulate/fuzzMessages.mjs';

const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : def; };
const count = arg('count', 10000);
const seed = arg('seed', 1);
console.log(`fuzzing the language server: ${count} cases, seed ${seed}`);
try {
  const res = await runFuzz({ count, seed, log: (m) => console.log(`  ${m}`) });
  const { latency } = res;
  console.log(`${res.cases} cases, ${res.requests} requests in ${(res.ms / 1000).toFixed(1)} s (${(res.ms / res.cases).toFixed(2)} ms/case); peak server RSS ${(res.rssPeakKb / 1024).toFixed(0)} MB`);
  console.log(`every request timed from send to answer: median ${latency.medianMs.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(0)} ms, slowest ${latency.maxMs.toFixed(0)} ms (${latency.slowest?.what ?? '-'}); ${res.slow.length} over ${res.latencyBoundMs} ms`);
  if (res.slow.length) {
    console.log(`answers slower than ${res.latencyBoundMs} ms:`);
    for (const s of res.slow.slice(0, 30)) console.log(`  ${s.ms.toFixed(0)} ms: ${s.what}`);
    if (res.slow.length > 30) console.log(`  … and ${res.slow.length - 30} more`);
    process.exitCode = 1;
  }
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
