#!/usr/bin/env node
// Language-server benchmark: OUR server vs VS Code's own JSON language server (vscode-json-language-server from
// vscode-langservers-extracted, given the same payload JSON Schema) on the same ~250 KB test payload.
// Standalone: `node bench/lsp.mjs` (needs server/dist/server.js: `node esbuild.mjs`). Not a test: prints a table.
// Diagnostics are measured in PULL mode (textDocument/diagnostic) for both: the JSON server delays pushed ones by 500 ms.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, serverPath, startServer, uriOf } from '../test/server/lspClient.mjs';

const JSON_LS_VERSION = '4.10.0';
const cacheDir = path.join(homedir(), '.cache/freshsales-devtools-bench');
const jsonMain = path.join(cacheDir, 'node_modules/vscode-langservers-extracted/lib/json-language-server/node/jsonServerMain.js');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const EDITS = Number(process.env.BENCH_EDITS ?? 30);

if (!existsSync(jsonMain)) {
  console.log(`installing vscode-langservers-extracted@${JSON_LS_VERSION} into ${cacheDir} ...`);
  mkdirSync(cacheDir, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cacheDir, `vscode-langservers-extracted@${JSON_LS_VERSION}`], { stdio: 'inherit' });
}
if (!existsSync(serverPath)) { console.error(`${serverPath} is missing: run \`node esbuild.mjs\` first`); process.exit(1); }

// ── the document: the bundled onContactCreate default, padded to ~250 KB ─────────────────────────────────────
const root = mkdtempSync(path.join(tmpdir(), 'fs-bench-'));
const app = path.join(root, 'v23-app');
cpSync(path.join(repoRoot, 'test/fixtures/apps/v23-app'), app, { recursive: true });
const payloadFile = path.join(app, 'server/test_data/onContactCreate.json');
const schemaFile = path.join(repoRoot, 'schemas/payloads/freshworks_crm/onContactCreate.schema.json');
const payload = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults/freshworks_crm/onContactCreate.json'), 'utf8'));
payload.event = 'onContactCreate';
// Padded the way real accounts grow: custom fields of the contact, each a field object like the documented ones.
for (let i = 0; JSON.stringify(payload, null, 2).length < 250 * 1024; i++) {
  payload.data.contact[`cf_field_${i}`] = { label: `Custom field ${i}`, type: i % 3 ? 'text' : 'dropdown', value: `value ${i}` };
}
const text = JSON.stringify(payload, null, 2) + '\n';
const lines = text.split('\n');
const middle = lines.findIndex((l, i) => i > lines.length / 2 && /"value": "value \d+"/.test(l));
const editRange = { start: { line: middle, character: lines[middle].indexOf('"value": ') }, end: { line: middle, character: lines[middle].length } };
const pos = (needle, delta = 1) => { const i = lines.findIndex((l) => l.includes(needle)); return { line: i, character: lines[i].indexOf(needle) + delta }; };
// completion: a property name inside data.contact (after the opening quote of a key), and the region value
const positions = {
  completion: [pos('"region"', 1), pos('"US"', 1), pos('"first_name"', 1), pos('"actor"', 1)],
  hover: [pos('"region"', 2), pos('"timestamp"', 2), pos('"first_name"', 3), { line: middle, character: editRange.start.character + 2 }],
};

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs) => quantile(xs, 0.5);
const vmHwmMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
async function timed(fn) { const t = performance.now(); const r = await fn(); return [performance.now() - t, r]; }

async function bench(name, start, configure) {
  const [startup, client] = await timed(start);
  await configure?.(client);
  const uri = uriOf(payloadFile);
  const pull = () => client.request('textDocument/diagnostic', { textDocument: { uri } });
  const [openMs, first] = await timed(async () => { await client.open(payloadFile, text); return pull(); });
  // prove the schema is in use: a bad region must be reported
  await client.change(payloadFile, text.replace('"region": "US"', '"region": "MARS"'));
  const bad = await pull();
  if (process.env.BENCH_DEBUG) console.log(name, JSON.stringify(first.items).slice(0, 500), JSON.stringify(bad.items).slice(0, 800));
  const schemaInUse = bad.items.some((d) => d.range.start.line === pos('"region"').line) && !first.items.some((d) => d.range.start.line === pos('"region"').line);
  await client.change(payloadFile, text);
  await pull();
  const editTimes = [];
  let current = lines[middle].slice(editRange.start.character);
  for (let i = 0; i < EDITS; i++) {
    const next = `"value": "edited ${i}"${current.endsWith(',') ? ',' : ''}`;
    const range = { start: editRange.start, end: { line: middle, character: editRange.start.character + current.length } };
    const [ms, res] = await timed(async () => { await client.edit(payloadFile, range, next); return pull(); });
    if (res.kind !== 'full') throw new Error(`${name}: diagnostic answer ${JSON.stringify(res).slice(0, 200)}`);
    editTimes.push(ms);
    current = next;
  }
  const latency = async (method, list) => {
    const times = [];
    let answered = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const p = list[i % list.length];
      const [ms, r] = await timed(() => client.request(method, { textDocument: { uri }, position: p }));
      if (r && (Array.isArray(r) ? r.length : (r.items?.length ?? r.contents))) answered++;
      times.push(ms);
    }
    return { median: median(times), p95: quantile(times, 0.95), answered };
  };
  const completion = await latency('textDocument/completion', positions.completion);
  const hover = await latency('textDocument/hover', positions.hover);
  const memory = vmHwmMb(client.proc.pid);
  await client.stop();
  return { name, startup, openMs, firstItems: first.items.length, schemaInUse, editMedian: median(editTimes), editP95: quantile(editTimes, 0.95), completion, hover, memory };
}

// Started as the VS Code client starts it (client/src/languageClient.ts, SERVER_EXEC_ARGV).
const ours = await bench('freshsales-devtools', () => startServer({ rootDir: app, args: ['--max-semi-space-size=2', serverPath, '--stdio'] }));
const theirs = await bench('vscode-json-language-server', () => startServer({
  rootDir: app, command: process.execPath, args: [jsonMain, '--stdio'],
  initializationOptions: { handledSchemaProtocols: ['file'], provideFormatter: false },
}), async (client) => {
  await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { json: {
    validate: { enable: true },
    schemas: [{ fileMatch: ['*/server/test_data/onContactCreate.json'], url: uriOf(schemaFile) }],
  } } });
});
rmSync(root, { recursive: true, force: true });

const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rows = [
  ['startup (spawn → initialize answered), ms', ours.startup, theirs.startup],
  ['diagnostics after open (pull), ms', ours.openMs, theirs.openMs],
  ['diagnostics after an edit, median ms', ours.editMedian, theirs.editMedian, 'goal ≤ 0.5'],
  ['diagnostics after an edit, p95 ms', ours.editP95, theirs.editP95],
  ['completion median, ms', ours.completion.median, theirs.completion.median],
  ['completion p95, ms', ours.completion.p95, theirs.completion.p95, 'goal ≤ 1'],
  ['hover median, ms', ours.hover.median, theirs.hover.median],
  ['hover p95, ms', ours.hover.p95, theirs.hover.p95],
  ['peak memory (VmHWM), MB', ours.memory, theirs.memory, 'goal ≤ 1'],
];
console.log(`\nLSP benchmark: ${(text.length / 1024).toFixed(0)} KB payload (${lines.length} lines), ${EDITS} edits, ${REQUESTS} completions / hovers each; node ${process.version}`);
console.log(`schema in use (bad region reported): ours ${ours.schemaInUse}, JSON server ${theirs.schemaInUse}; problems on the padded payload: ours ${ours.firstItems}, JSON server ${theirs.firstItems}`);
console.log(`answered (non-empty): completion ours ${ours.completion.answered}/${REQUESTS}, theirs ${theirs.completion.answered}/${REQUESTS}; hover ours ${ours.hover.answered}/${REQUESTS}, theirs ${theirs.hover.answered}/${REQUESTS}\n`);
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${'measure'.padEnd(w)} | ${'ours'.padStart(9)} | ${'JSON LS'.padStart(9)} | ${'ours/theirs'.padStart(11)} | goal`);
console.log(`${'-'.repeat(w)}-|-${'-'.repeat(9)}-|-${'-'.repeat(9)}-|-${'-'.repeat(11)}-|------`);
for (const [label, a, b, goal = ''] of rows) {
  const ratio = a / b;
  const met = goal ? (ratio <= Number(goal.split(' ').pop()) ? '  met' : '  MISSED') : '';
  console.log(`${label.padEnd(w)} | ${f(a).padStart(9)} | ${f(b).padStart(9)} | ${ratio.toFixed(2).padStart(11)} | ${goal}${met}`);
}
