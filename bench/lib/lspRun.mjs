// One measured life of a language server on the bench's ~250 KB payload: start, open (pull diagnostics),
// edits of a custom field in the middle (pull after each), completions, hovers, and for our server the
// cross-file re-check after a server.js edit. Used by bench/payloads.mjs for both servers and both states.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, serverPath, startServer, uriOf } from '../../test/server/lspClient.mjs';
import { loadTs } from '../../test/helpers/loadCore.mjs';
import { median, p95 } from './stats.mjs';

const { SERVER_EXEC_ARGV } = await loadTs('server/src/shared/serverExecArgv.ts');

const JSON_LS_VERSION = '4.10.0';
const cacheDir = path.join(homedir(), '.cache/freshsales-devtools-bench');
const jsonMain = path.join(cacheDir, 'node_modules/vscode-langservers-extracted/lib/json-language-server/node/jsonServerMain.js');

/** Installs VS Code's JSON language server (vscode-langservers-extracted) into a cache outside the repo, once. */
export function ensureJsonServer() {
  if (existsSync(jsonMain)) return;
  console.log(`installing vscode-langservers-extracted@${JSON_LS_VERSION} into ${cacheDir} ...`);
  mkdirSync(cacheDir, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cacheDir, `vscode-langservers-extracted@${JSON_LS_VERSION}`], { stdio: 'inherit' });
}

/**
 * The bench document in two states, the same size: `valid`, and `error` with one type error (a field's label
 * is a number) left in it, as a payload looks while someone edits it. The bundled onContactCreate default,
 * padded to ~250 KB the way real accounts grow: custom fields of the contact, each a field object.
 */
export function benchDocuments() {
  const payload = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults/freshworks_crm/onContactCreate.json'), 'utf8'));
  payload.event = 'onContactCreate';
  for (let i = 0; JSON.stringify(payload, null, 2).length < 250 * 1024; i++) {
    payload.data.contact[`cf_field_${i}`] = { label: `Custom field ${i}`, type: i % 3 ? 'text' : 'dropdown', value: `value ${i}` };
  }
  const valid = JSON.stringify(payload, null, 2) + '\n';
  payload.data.contact.first_name.label = 4711;
  const error = JSON.stringify(payload, null, 2) + '\n';
  const lines = valid.split('\n');
  const middle = lines.findIndex((l, i) => i > lines.length / 2 && /"value": "value \d+"/.test(l));
  const pos = (needle, delta = 1) => { const i = lines.findIndex((l) => l.includes(needle)); return { line: i, character: lines[i].indexOf(needle) + delta }; };
  const editStart = { line: middle, character: lines[middle].indexOf('"value": ') };
  return {
    texts: { valid, error }, lines, middle, editStart,
    errorLine: error.split('\n').findIndex((l) => l.includes('4711')),
    positions: {
      completion: [pos('"region"', 1), pos('"US"', 1), pos('"first_name"', 1), pos('"actor"', 1)],
      hover: [pos('"region"', 2), pos('"timestamp"', 2), pos('"first_name"', 3), { line: middle, character: editStart.character + 2 }],
    },
  };
}

/** A fresh copy of the v23 fixture app, the payload file the bench edits, and the schema the JSON server gets. */
export function benchApp() {
  const app = path.join(mkdtempSync(path.join(tmpdir(), 'fs-bench-')), 'v23-app');
  cpSync(path.join(repoRoot, 'test/fixtures/apps/v23-app'), app, { recursive: true });
  return { app, payloadFile: path.join(app, 'server/test_data/onContactCreate.json'), schemaFile: path.join(repoRoot, 'schemas/payloads/freshworks_crm/onContactCreate.schema.json') };
}

export const SERVERS = {
  // Started as the VS Code client starts it (client/src/languageClient.ts, SERVER_EXEC_ARGV).
  ours: { start: (app) => startServer({ rootDir: app, args: [...SERVER_EXEC_ARGV, serverPath, '--stdio'] }) },
  theirs: {
    start: (app) => startServer({ rootDir: app, command: process.execPath, args: [jsonMain, '--stdio'], initializationOptions: { handledSchemaProtocols: ['file'], provideFormatter: false } }),
    configure: (client, schemaFile) => client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { json: {
      validate: { enable: true }, schemas: [{ fileMatch: ['*/server/test_data/onContactCreate.json'], url: uriOf(schemaFile) }],
    } } }),
  },
};

const vmHwmMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
async function timed(fn) { const t = performance.now(); const r = await fn(); return [performance.now() - t, r]; }

/** One run of `server` ('ours' | 'theirs') on the document in `state` ('valid' | 'error'). */
export async function runOnce(server, state, doc, { edits = 30, requests = 100 } = {}) {
  const { app, payloadFile, schemaFile } = benchApp();
  const [startup, client] = await timed(() => SERVERS[server].start(app));
  await SERVERS[server].configure?.(client, schemaFile);
  const uri = uriOf(payloadFile);
  const pull = () => client.request('textDocument/diagnostic', { textDocument: { uri } });
  const text = doc.texts[state];
  const [openMs, first] = await timed(async () => { await client.open(payloadFile, text); return pull(); });
  // The error must be reported, and only in the error state: otherwise the run measures nothing real.
  const reportsError = first.items.some((d) => d.range.start.line === doc.errorLine);
  if (reportsError !== (state === 'error')) throw new Error(`${server}/${state}: error at line ${doc.errorLine} reported: ${reportsError} (${JSON.stringify(first.items).slice(0, 300)})`);
  const editTimes = [];
  let current = doc.lines[doc.middle].slice(doc.editStart.character);
  for (let i = 0; i < edits; i++) {
    const next = `"value": "edited ${i}"${current.endsWith(',') ? ',' : ''}`;
    const range = { start: doc.editStart, end: { line: doc.middle, character: doc.editStart.character + current.length } };
    const [ms, res] = await timed(async () => { await client.edit(payloadFile, range, next); return pull(); });
    if (res.kind !== 'full') throw new Error(`${server}: diagnostic answer ${JSON.stringify(res).slice(0, 200)}`);
    if (res.items.some((d) => d.range.start.line === doc.errorLine) !== (state === 'error')) throw new Error(`${server}/${state}: the error changed during edits`);
    editTimes.push(ms);
    current = next;
  }
  const latency = async (method, list) => {
    const times = [];
    for (let i = 0; i < requests; i++) times.push((await timed(() => client.request(method, { textDocument: { uri }, position: list[i % list.length] })))[0]);
    return times;
  };
  const completion = await latency('textDocument/completion', doc.positions.completion);
  const hover = await latency('textDocument/hover', doc.positions.hover);
  const recheck = server === 'ours' ? await recheckTimes(client, app) : [];
  const memory = vmHwmMb(client.proc.pid);
  await client.stop();
  rmSync(path.dirname(app), { recursive: true, force: true });
  return { startup, openMs, editTimes, completion, hover, recheck, memory };
}

/** server.js edited (open editor) → every file of the app re-checked and published (incl. the 60 ms debounce). */
async function recheckTimes(client, app) {
  const script = path.join(app, 'server/server.js');
  const source = readFileSync(script, 'utf8');
  const nextPublish = () => new Promise((resolve) => { const d = client.conn.onNotification('freshsales/appChanged', () => { d.dispose(); resolve(); }); });
  let published = nextPublish();
  await client.open(script, source, 'javascript'); // opening schedules a publish too: let it pass first
  await published;
  const times = [];
  for (let i = 0; i < 6; i++) {
    published = nextPublish();
    const t = performance.now();
    await client.change(script, i % 2 ? source : `${source}\n// edit ${i}\n`);
    await published;
    times.push(performance.now() - t);
  }
  return times;
}

export { median, p95 };
