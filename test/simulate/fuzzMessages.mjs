// Fuzzing the child → parent messages (shared by `npm run fuzz` and test/simulate/fuzz.test.mjs): mutated
// well-formed messages, wrong types, huge and deep values, raw garbage lines. Two layers:
// - pure: `checkChildMessage` never throws, and whatever it accepts is bounded and well-typed;
// - live: a package in the app writes the fuzzed lines to the parent's message pipe during real runs; every
//   run still ends with a valid SimulationResult and the runner keeps working.
import { loadTs } from '../helpers/loadCore.mjs';
import { makeApp, newRunner } from './helpers.mjs';

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

const TEMPLATES = [
  { type: 'ready' },
  { type: 'log', entry: { level: 'log', message: 'hi', time: 3 } },
  { type: 'exit-called', code: 0 },
  { type: 'output-limit', bytes: 1, lines: 1 },
  { type: 'debug-waiting' },
  { type: 'effect', kind: 'db', effect: { op: 'set', key: 'k', value: { a: 1 }, ok: true } },
  { type: 'effect', kind: 'requests', effect: { method: 'GET', url: 'https://x', status: 200, durationMs: 1, stubbed: false } },
  { type: 'effect', kind: 'schedules', effect: { op: 'create', name: 'n', options: {}, ok: true } },
  { type: 'effect', kind: 'targetUrls', effect: { url: 'http://127.0.0.1/x' } },
  { type: 'store', id: 1, op: 'db.get', args: ['k'] },
  { type: 'done', outcome: { status: 'success', value: 1 } },
  { type: 'done', outcome: { status: 'failed', error: { message: 'm', frames: [{ file: 'f', line: 1, column: 1 }] } } },
];

function randomValue(r, depth = 0) {
  const k = Math.floor(r() * 12);
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1);
    case 3: return [NaN, Infinity, -0, 1e308, 0.5][Math.floor(r() * 5)];
    case 4: return 'x'.repeat(Math.floor(r() * 100));
    case 5: return 'y'.repeat(r() < 0.1 ? 300000 : 70000);
    case 6: return ['__proto__', 'constructor', 'zzz', 'weird-status', 'db', 'set', 'done', ''][Math.floor(r() * 8)];
    case 7: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}`, randomValue(r, depth + 1)]));
    case 8: return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 9: { let v = 1; for (let i = 0; i < 2000; i++) v = [v]; return v; }
    case 10: return { __proto__: { polluted: true }, a: 1 };
    default: return undefined;
  }
}

/** One fuzzed line: a mutated template (as JSON) or raw garbage. */
export function fuzzLine(r) {
  if (r() < 0.1) return ['', '{', 'null', '[]', '"str"', '{"type":', '\u0000\u0001', '{}'.repeat(50)][Math.floor(r() * 8)];
  const m = structuredClone(TEMPLATES[Math.floor(r() * TEMPLATES.length)]);
  const mutations = 1 + Math.floor(r() * 3);
  for (let i = 0; i < mutations; i++) {
    // Pick a path into the message and replace, delete or add there.
    let target = m;
    for (let d = 0; d < 3; d++) {
      const keys = Object.keys(target).filter((key) => target[key] !== null && typeof target[key] === 'object');
      if (!keys.length || r() < 0.4) break;
      target = target[keys[Math.floor(r() * keys.length)]];
    }
    const keys = Object.keys(target);
    const key = r() < 0.8 && keys.length ? keys[Math.floor(r() * keys.length)] : `extra${i}`;
    if (r() < 0.15) delete target[key]; else target[key] = randomValue(r);
  }
  try { return JSON.stringify(m); } catch { return '{"type":"log"}'; }
}

const STATUSES = new Set(['success', 'failed', 'timeout', 'crashed', 'not-runnable']);

export async function fuzzChildMessages({ count = 5000, seed = 1, liveRuns = 6, log = () => undefined } = {}) {
  const { checkChildMessage, BOUNDS } = await loadTs('server/src/simulate/ipc.ts');
  const r = rng(seed);
  const t0 = Date.now();
  let accepted = 0;
  for (let i = 0; i < count; i++) {
    const line = fuzzLine(r);
    let parsed;
    try { parsed = JSON.parse(line); } catch { continue; }
    const out = checkChildMessage(parsed); // must not throw
    if ('invalid' in out) continue;
    accepted++;
    const text = JSON.stringify(out);
    if (text.length > BOUNDS.messageBytes) throw new Error(`accepted message over the bound (${text.length}): ${line.slice(0, 200)}`);
    if (out.type === 'done' && !['success', 'failed', 'not-runnable'].includes(out.outcome.status)) throw new Error(`accepted status ${out.outcome.status}`);
    if (out.type === 'effect' && !['db', 'requests', 'schedules', 'targetUrls'].includes(out.kind)) throw new Error(`accepted kind ${out.kind}`);
    if ({}.polluted !== undefined) throw new Error('Object.prototype polluted');
  }
  log(`checkChildMessage: ${count} fuzzed messages, ${accepted} accepted, none threw (${Date.now() - t0} ms)`);

  // Live: a package writes fuzzed lines to the real pipe (fd 3) before the handler returns.
  const runner = await newRunner({ recordHistory: false });
  try {
    for (let run = 0; run < liveRuns; run++) {
      const lines = Array.from({ length: 200 }, () => fuzzLine(r)).filter((l) => !l.includes('"type":"done"') || r() < 0.3);
      const pkg = `var P = Buffer.constructor('return process')(); var fs = P.mainModule.require('fs');
        exports.flood = function (lines) { for (var i = 0; i < lines.length; i++) { var b = Buffer.from(lines[i] + '\\n'); var o = 0;
          while (o < b.length) { try { o += fs.writeSync(3, b, o); } catch (e) { if (e.code !== 'EAGAIN') throw e; } } } };`;
      const dir = makeApp(`var f = require('flood');\nexports = { h: function () { f.flood(${JSON.stringify(lines)}); return 'survived'; } };\n`,
        { files: { 'server/node_modules/flood/index.js': pkg, 'server/node_modules/flood/package.json': { name: 'flood', main: 'index.js' } } });
      const res = await runner.run({ appDir: dir, event: 'onContactCreate', timeoutMs: 20000 });
      if (!STATUSES.has(res.status)) throw new Error(`run ${run}: status ${res.status}`);
      if (res.logs.some((l) => typeof l.message !== 'string' || l.message.length > BOUNDS.logChars + 200)) throw new Error(`run ${run}: an unbounded log`);
      const effects = Object.values(res.effects).reduce((n, list) => n + list.length, 0);
      if (effects > BOUNDS.effects) throw new Error(`run ${run}: ${effects} effects`);
      log(`live run ${run + 1}/${liveRuns}: ${lines.length} fuzzed lines → ${res.status}${res.value === 'survived' ? ' (the handler\'s own result)' : ''}`);
    }
    const last = await runner.run({ appDir: makeApp('exports = { h: function () { return 42; } };\n'), event: 'onContactCreate' });
    if (last.status !== 'success' || last.value !== 42) throw new Error('the runner does not work after the fuzzing');
  } finally {
    runner.dispose();
  }
  return { count, accepted, ms: Date.now() - t0 };
}
