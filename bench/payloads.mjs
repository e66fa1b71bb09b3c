#!/usr/bin/env node
// Speed on real data (issue 11), every figure beside its reference from the same run, in one table:
//  - our language server vs VS Code's JSON language server (vscode-json-language-server, given the same payload
//    schema) on a ~250 KB payload, in both states: valid, and with one type error left in it. Diagnostics after
//    open and after an edit (pull mode for both: the JSON server delays pushed ones by 500 ms), completion,
//    hover, peak memory; and our cross-file re-check after a server.js edit.
//  - `fsdev check` on an app with every default payload of both products in server/test_data, beside a bare
//    `node -e ""` start and the check of the same app without the payloads.
// Repetitions are interleaved (round by round, alternating who goes first) so that load drifting on a shared
// machine hits all alike; read the ratios, not the times. Standalone: `node bench/payloads.mjs` after a build.
// BENCH_ROUNDS (LSP, default 3), BENCH_EDITS (30), BENCH_REQUESTS (100 per round), BENCH_RUNS (check, 15).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { repoRoot, serverPath } from '../test/server/lspClient.mjs';
import { generateAllPayloadsApp } from './lib/allPayloadsApp.mjs';
import { benchDocuments, ensureJsonServer, median, p95, runOnce } from './lib/lspRun.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EDITS = Number(process.env.BENCH_EDITS ?? 30);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI = path.join(repoRoot, 'server/dist/cli.js');
if (!existsSync(serverPath) || !existsSync(CLI)) { console.error('build first: npm run build'); process.exit(1); }
ensureJsonServer();
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const loadBefore = load();

// ── language servers: rounds × states × servers, each run a fresh server process ───────────────────────────
const doc = benchDocuments();
const runs = { valid: { ours: [], theirs: [] }, error: { ours: [], theirs: [] } };
for (let round = 0; round < ROUNDS; round++) {
  for (const state of round % 2 ? ['error', 'valid'] : ['valid', 'error']) {
    for (const server of round % 2 ? ['theirs', 'ours'] : ['ours', 'theirs']) {
      runs[state][server].push(await runOnce(server, state, doc, { edits: EDITS, requests: REQUESTS }));
    }
  }
}
const pooled = (list, key) => list.flatMap((r) => r[key]);
const summary = (list) => ({
  open: median(list.map((r) => r.openMs)), edit: median(pooled(list, 'editTimes')), editP95: p95(pooled(list, 'editTimes')),
  completion: p95(pooled(list, 'completion')), hover: p95(pooled(list, 'hover')), memory: median(list.map((r) => r.memory)),
  recheck: list[0].recheck.length ? median(pooled(list, 'recheck')) : NaN,
});

// ── fsdev check: the app with every default payload, the same app without them, a bare node start ─────────
const apps = generateAllPayloadsApp(repoRoot);
const commands = {
  bare: ['-e', ''],
  without: [CLI, 'check', apps.withoutPayloads],
  with: [CLI, 'check', apps.withPayloads],
};
// The payloads are really checked: the app with them has none of the "no test payload" notes, and no error.
const out = (dir) => JSON.parse(spawnSync(process.execPath, [CLI, 'check', dir, '--json'], { encoding: 'utf8' }).stdout);
const notes = (rows) => rows.filter((r) => r.code === 'no-test-data').length;
const withRows = out(apps.withPayloads);
if (notes(withRows) || notes(out(apps.withoutPayloads)) !== apps.payloads || withRows.some((r) => r.severity === 'error')) {
  throw new Error(`the all-payloads app is not what the bench means: ${JSON.stringify(withRows).slice(0, 400)}`);
}
const times = { bare: [], without: [], with: [] };
const order = Object.keys(times);
for (const k of order) spawnSync(process.execPath, commands[k], { stdio: 'ignore' }); // file cache
for (let i = 0; i < RUNS; i++) {
  for (const k of [...order.slice(i % 3), ...order.slice(0, i % 3)]) {
    const t = performance.now();
    const r = spawnSync(process.execPath, commands[k], { stdio: 'ignore' });
    times[k].push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${k}: exit ${r.status}`);
  }
}
rmSync(apps.base, { recursive: true, force: true });
const check = Object.fromEntries(order.map((k) => [k, median(times[k])]));

// ── one table ────────────────────────────────────────────────────────────────────────────────────────────────
const f = (x) => (Number.isNaN(x) ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rows = [];
const row = (label, ours, ref, goal, refLabel = 'JSON LS') => rows.push({ label, ours, ref, goal, refLabel });
for (const state of ['valid', 'error']) {
  const o = summary(runs[state].ours);
  const t = summary(runs[state].theirs);
  const s = state === 'valid' ? 'valid payload' : 'one error present';
  row(`${s}: diagnostics after open, ms`, o.open, t.open, 0.5);
  row(`${s}: diagnostics after an edit, median ms`, o.edit, t.edit, 0.5);
  row(`${s}: diagnostics after an edit, p95 ms`, o.editP95, t.editP95);
  row(`${s}: completion p95, ms`, o.completion, t.completion, 1);
  row(`${s}: hover p95, ms`, o.hover, t.hover, 1);
  row(`${s}: peak memory (VmHWM), MB`, o.memory, t.memory, 1);
  row(`${s}: re-check after a server.js edit, median ms`, o.recheck, NaN);
}
row(`fsdev check, ${apps.payloads} default payloads, ms`, check.with, check.bare, 2, 'node -e ""');
row(`fsdev check, ${apps.payloads} default payloads, ms`, check.with, check.without, 1.2, 'no payloads');

console.log(`\nPayload speed: ${(doc.texts.valid.length / 1024).toFixed(0)} KB payload (${doc.lines.length} lines), ${ROUNDS} interleaved rounds × (${EDITS} edits, ${REQUESTS} completions, ${REQUESTS} hovers) per server and state;`);
console.log(`fsdev check: ${RUNS} interleaved runs each. node ${process.version}, ${cpus().length} CPUs, load average ${loadBefore} before, ${load()} after.`);
console.log('Re-check: server.js edited in an open editor until every file of the app is re-published (includes the 60 ms debounce).\n');
const w = Math.max(...rows.map((r) => r.label.length));
console.log(`${'measure'.padEnd(w)} | ${'ours'.padStart(8)} | ${'reference'.padStart(22)} | ${'ratio'.padStart(5)} | goal`);
console.log(`${'-'.repeat(w)}-|-${'-'.repeat(8)}-|-${'-'.repeat(22)}-|-${'-'.repeat(5)}-|------------`);
let missed = 0;
for (const r of rows) {
  const ratio = r.ours / r.ref;
  const verdict = r.goal === undefined ? '' : ratio <= r.goal ? `≤ ${r.goal}×  met` : `≤ ${r.goal}×  MISSED`;
  if (verdict.endsWith('MISSED')) missed++;
  const ref = Number.isNaN(r.ref) ? '' : `${r.refLabel} ${f(r.ref)}`;
  console.log(`${r.label.padEnd(w)} | ${f(r.ours).padStart(8)} | ${ref.padStart(22)} | ${(Number.isNaN(ratio) ? '' : ratio.toFixed(2)).padStart(5)} | ${verdict}`);
}
console.log(`\n${rows.filter((r) => r.goal !== undefined).length - missed} goals met, ${missed} missed.`);
