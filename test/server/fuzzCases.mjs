// Robustness fuzz of the language server, shared by test/server/fuzz.test.mjs (a few thousand cases in `npm test`)
// and scripts/fuzz.mjs (`npm run fuzz`, 10,000). Deterministic: a seeded PRNG drives every choice, so a failing
// seed + case index reproduces. Cases mutate manifests, payloads and server.js and drive them through
// didOpen/didChange/didClose, completion, hover, codeLens, codeAction and definition at random positions on ONE server.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startServer, uriOf } from './lspClient.mjs';

export const APPS = ['v20-app', 'v23-app', 'v30-app', 'omni-app', 'broken-app'];

/** mulberry32: small, fast, deterministic. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (arr) => arr[int(arr.length)], chance: (p) => next() < p };
}

const NASTY = ['\u0000', '\uFFFF', '\uD800', '\uDC00', '😀', '\u202E', '\u2028', '\r', '\r\n', '\t', '"', '\\', '\\u', '{', '}', '[', ']', ',', ':', '/*', '//', '*/',
  'exports', '=', '=>', 'function', '(', ')', '`', '${', "'", 'ä', 'null', 'true', '-0', '1e999', 'NaN', '__proto__', 'constructor', 'hasOwnProperty'];
const WRONG = [0, -1, 1.5, 1e308, '', 'x', true, false, null, [], [1, 'a'], {}, { handler: 1 }, { events: null }, { __proto__: null }, [[[]]], '\u0000'];

function randomString(r, len) {
  let s = '';
  for (let i = 0; i < len; i++) s += r.chance(0.5) ? r.pick(NASTY) : String.fromCharCode(r.int(0x3000));
  return s;
}

/** Replace random values of a JSON document with values of the wrong type (numbers, arrays, null, objects). */
function wrongTypes(r, text) {
  let v;
  try { v = JSON.parse(text); } catch { return text + r.pick(NASTY); }
  const walk = (node, depth) => {
    if (!node || typeof node !== 'object' || depth > 12) return node;
    for (const k of Object.keys(node)) {
      if (r.chance(0.15)) node[k] = structuredClone(r.pick(WRONG));
      else node[k] = walk(node[k], depth + 1);
    }
    return node;
  };
  v = r.chance(0.05) ? r.pick(WRONG) : walk(v, 0);
  return JSON.stringify(v, null, r.pick([0, 2, '\t']));
}

function duplicateKeys(r, text) {
  const lines = text.split('\n');
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) { const at = r.int(lines.length); lines.splice(at, 0, lines[at]); }
  return lines.join('\n');
}

export const MUTATIONS = {
  truncate: (r, t) => t.slice(0, r.int(t.length + 1)),
  randomBytes: (r, t) => { const at = r.int(t.length + 1); return t.slice(0, at) + randomString(r, 1 + r.int(20)) + t.slice(at + r.int(10)); },
  deleteRange: (r, t) => { const a = r.int(t.length + 1); return t.slice(0, a) + t.slice(a + r.int(200)); },
  deepNesting: (r, t, file) => {
    const n = 10000 + r.int(2000);
    const open = file.endsWith('.js') ? r.pick(['(', '[', '{', 'a(', '{a:']) : r.pick(['[', '{"a":', '{"events":']);
    const at = r.chance(0.5) ? 0 : r.int(t.length + 1);
    return t.slice(0, at) + open.repeat(n) + (r.chance(0.5) ? '' : (open === '[' ? ']' : '}').repeat(n)) + t.slice(at);
  },
  wrongTypes: (r, t, file) => (file.endsWith('.json') ? wrongTypes(r, t) : t.replace(/(['"])on\w+\1/g, () => r.pick(['1', 'null', '[]', '{}', '`x`', "'onDealCreate'"]))),
  duplicateKeys: (r, t) => duplicateKeys(r, t),
  unicode: (r, t) => t.replace(/[a-z]/g, (c) => (r.chance(0.05) ? r.pick(['é', '😀', '\u0301', 'ß', '\u200B', 'İ']) : c)),
  crlf: (r, t) => (r.chance(0.5) ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, '\r')),
  empty: () => '',
  valid: (_r, t) => t,
};
const WEIGHTED = [['truncate', 20], ['randomBytes', 25], ['deleteRange', 10], ['deepNesting', 2], ['wrongTypes', 15], ['duplicateKeys', 8], ['unicode', 6], ['crlf', 6], ['empty', 2], ['valid', 6]];
const TOTAL = WEIGHTED.reduce((s, [, w]) => s + w, 0);
function pickMutation(r) { let x = r.int(TOTAL); for (const [m, w] of WEIGHTED) { if ((x -= w) < 0) return m; } return 'valid'; }

/** A 5 MB variant of a file: a huge payload (a long array of records) or a long server.js. */
function huge(r, t, file) {
  const target = 5 * 1024 * 1024;
  if (file.endsWith('.js')) {
    const fn = (i) => `  f${i}: function (args) { console.log(${JSON.stringify('x'.repeat(60))}, args.data); },\n`;
    let body = '';
    for (let i = 0; body.length < target; i++) body += fn(i);
    return `exports = {\n${body}  events: [],\n};\n`;
  }
  let v;
  try { v = JSON.parse(t); } catch { v = {}; }
  if (!v || typeof v !== 'object' || Array.isArray(v)) v = {};
  const filler = [];
  const item = { label: 'Field', type: 'text', value: 'v'.repeat(200) };
  for (let size = 0; size < target; size += 260) filler.push(item);
  v[r.pick(['padding', 'data', 'events', 'product'])] = filler;
  return JSON.stringify(v);
}

/** Texts of the fixture apps: base files per app (manifest, server.js, test payloads). */
export function loadBases(fixturesRoot = path.join(repoRoot, 'test/fixtures/apps')) {
  const bases = [];
  for (const app of APPS) {
    const dir = path.join(fixturesRoot, app);
    const files = ['manifest.json', 'server/server.js'];
    const td = path.join(dir, 'server/test_data');
    for (const e of readdirSync(td, { withFileTypes: true })) {
      if (e.isFile()) files.push(`server/test_data/${e.name}`);
      else for (const f of readdirSync(path.join(td, e.name))) files.push(`server/test_data/${e.name}/${f}`);
    }
    for (const f of files) bases.push({ app, file: f, text: readFileSync(path.join(dir, f), 'utf8') });
  }
  return bases;
}

const REQUESTS = ['completion', 'hover', 'codeLens', 'codeAction', 'definition', 'diagnostic'];

/**
 * The i-th case of a seed: { app, file, mutations, text, requests: [{ method, line, character }], close }.
 * Pure function of (seed, i), so any case can be replayed on its own.
 */
export function makeCase(seed, i, bases, { hugeEvery = 500 } = {}) {
  const r = prng((seed * 1000003 + i * 7919) >>> 0);
  const base = r.pick(bases);
  let text = base.text;
  const mutations = [];
  if (hugeEvery && i % hugeEvery === hugeEvery - 1) { text = huge(r, text, base.file); mutations.push('huge'); }
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) { const m = pickMutation(r); mutations.push(m); text = MUTATIONS[m](r, text, base.file); }
  const lines = text.split(/\r\n|\r|\n/);
  const requests = [];
  for (let k = 0, m = 1 + r.int(4); k < m; k++) {
    const line = r.chance(0.05) ? lines.length + r.int(5) : r.int(lines.length);
    const len = lines[Math.min(line, lines.length - 1)]?.length ?? 0;
    requests.push({ method: r.pick(REQUESTS), line, character: r.chance(0.05) ? len + r.int(50) : r.int(len + 1) });
  }
  return { seed, index: i, app: base.app, file: base.file, mutations, text, requests, close: r.chance(0.1) };
}

function lspRequest(client, method, uri, { line, character }) {
  const at = { textDocument: { uri }, position: { line, character } };
  const range = { start: { line: Math.max(0, line - 2), character: 0 }, end: { line, character } };
  switch (method) {
    case 'completion': return client.request('textDocument/completion', at);
    case 'hover': return client.request('textDocument/hover', at);
    case 'definition': return client.request('textDocument/definition', at);
    case 'codeLens': return client.request('textDocument/codeLens', { textDocument: { uri } });
    case 'codeAction': return client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
    case 'diagnostic': return client.request('textDocument/diagnostic', { textDocument: { uri } });
    default: throw new Error(method);
  }
}

const withTimeout = (p, ms, what) => {
  let timer;
  return Promise.race([p.finally(() => clearTimeout(timer)), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); })]);
};

/** What a report says about a case: where it is, how big and how it was made. */
const describeCase = (c) => `case ${c.index} (${c.app}/${c.file}, ${c.text.length.toLocaleString('en')} chars, ${c.mutations.join('+')})`;

/**
 * Runs `count` cases on one server process over a temp copy of every fixture app. Each case's document is
 * opened or changed, then its requests are sent one at a time, each awaited and timed from send to answer:
 * a request that blocks the server is charged to itself (and whatever the server did just before it, such
 * as a debounced diagnostics run), never to the requests queued behind it.
 * Returns { cases, requests, ms, latency: { maxMs, p99Ms, slowest }, slow: [answers over latencyBoundMs],
 * guarded: [server-logged errors], rssPeakKb }; throws on a crash, a hang (no answer within requestTimeoutMs)
 * or an uncaught exception, naming the seed and the case.
 */
export async function runFuzz({ count, seed = 1, batch = 20, latencyBoundMs = 1000, requestTimeoutMs = 60000, hugeEvery = 500, log = () => {}, serverArgs } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), 'fs-fuzz-'));
  for (const app of APPS) cpSync(path.join(repoRoot, 'test/fixtures/apps', app), path.join(root, app), { recursive: true });
  const bases = loadBases();
  const client = await startServer({ rootDir: root, ...(serverArgs ? { args: serverArgs } : {}) });
  const guarded = [];
  client.conn.onNotification('window/logMessage', (p) => { if (p.type === 1) guarded.push(p.message); });
  const opened = new Set();
  const start = performance.now();
  const times = [];
  const slow = [];
  let slowest;
  let done = 0;
  try {
    for (let b = 0; done < count; b++) {
      const first = done;
      for (let k = 0; k < batch && done < count; k++, done++) {
        const c = makeCase(seed, done, bases, { hugeEvery });
        const abs = path.join(root, c.app, c.file);
        const uri = uriOf(abs);
        if (opened.has(abs)) await client.change(abs, c.text); else { await client.open(abs, c.text); opened.add(abs); }
        for (const q of c.requests) {
          const what = `seed ${seed}, ${describeCase(c)}: ${q.method} at ${q.line}:${q.character}`;
          const t0 = performance.now();
          const e = await withTimeout(lspRequest(client, q.method, uri, q).then(() => null, (err) => err ?? new Error('rejected')), requestTimeoutMs, what);
          const ms = performance.now() - t0;
          // A request may fail only with a JSON-RPC error the server chose (e.g. cancelled); never a dead connection.
          if (e && !(typeof e.code === 'number' && e.code !== -32097)) throw new Error(`${what} failed: ${e.message ?? e}`);
          times.push(ms);
          const answer = { ms, seed, index: c.index, app: c.app, file: c.file, chars: c.text.length, mutations: c.mutations, method: q.method, what };
          if (!slowest || ms > slowest.ms) slowest = answer;
          if (ms > latencyBoundMs) slow.push(answer);
        }
        if (c.close) { await client.close(abs); opened.delete(abs); }
      }
      const what = () => `seed ${seed}, cases ${first}..${done - 1}`;
      if (!client.alive) throw new Error(`server exited (${client.proc.exitCode ?? client.proc.signalCode}) during ${what()}\n${client.stderr}`);
      if (/uncaught|unhandled|FATAL|RangeError|Maximum call stack/i.test(client.stderr)) throw new Error(`server stderr after ${what()}:\n${client.stderr.slice(-4000)}`);
      if ((b + 1) % 25 === 0) log(`${done} cases, ${((performance.now() - start) / 1000).toFixed(1)} s, slowest answer so far ${slowest ? `${slowest.ms.toFixed(0)} ms` : '-'}, ${slow.length} over ${latencyBoundMs} ms`);
    }
    const ms = performance.now() - start;
    if (!client.alive) throw new Error(`server exited at the end\n${client.stderr}`);
    const sorted = [...times].sort((x, y) => x - y);
    const latency = { maxMs: slowest?.ms ?? 0, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, slowest };
    return { cases: done, requests: times.length, ms, latency, latencyBoundMs, slow, guarded, rssPeakKb: peakRss(client.proc.pid) };
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

function peakRss(pid) {
  try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]); } catch { return undefined; }
}
