// `fsdev fuzz <event> [appDir] [--runs n] [--seed n] [--timeout ms] [--payload file] [--product p | --module m] [--json]`
// Runs the handler on generated payloads the platform may send; the first failure is shrunk, saved under
// server/test_data/fuzz/ and printed with the error's location. Exit 0: nothing failed; 1: a failure; 2: usage.
import * as path from 'node:path';
import { safeTerminalText } from '../core/safeText';
import { Collector, settleFuzzParent } from '../simulate/collect';
import { MAX_TIMEOUT_MS } from '../simulate/runner';
import { DEFAULT_RUNS, fuzz, type FuzzOptions, type FuzzOutcome } from './fuzz';

const USAGE = 'usage: fsdev fuzz <event> [appDir] [--runs n] [--seed n] [--timeout ms] [--payload file] [--product p | --module m] [--json]\n'
  + `  --runs     payloads to try (default ${DEFAULT_RUNS})\n`
  + '  --seed     the same seed gives the same payloads\n'
  + '  --timeout  time limit of each run in ms (default: the event\'s platform limit)\n'
  + '  --payload  start from this payload file instead of the test payload or the bundled default\n';

interface Parsed { options?: FuzzOptions; json: boolean; error?: string }

const MAX_RUNS = 1_000_000;
const positiveInt = (v: string) => (/^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

export function parseFuzzArgs(argv: string[], cwd = process.cwd()): Parsed {
  const positional: string[] = [];
  let json = false;
  const o: Partial<FuzzOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    const need = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
    switch (flag) {
      case '--json': json = true; break;
      case '--runs': case '--seed': case '--timeout': {
        const v = value();
        if (!need(v)) return { json, error: `${flag} needs a value${v === undefined ? '' : ', not an empty string'}` };
        const n = flag === '--seed' ? (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? Number(v) : undefined) : positiveInt(v);
        if (n === undefined) {
          return { json, error: flag === '--seed' ? '--seed needs an integer from 0 to 4294967295' : `${flag} needs a positive whole number` };
        }
        if (flag === '--runs' && n > MAX_RUNS) return { json, error: `--runs must be at most ${MAX_RUNS}` };
        if (flag === '--runs') o.runs = n;
        else if (flag === '--seed') o.seed = n;
        else if (n > MAX_TIMEOUT_MS) return { json, error: `--timeout must be at most ${MAX_TIMEOUT_MS} ms` };
        else o.timeoutMs = n;
        break;
      }
      case '--payload': case '--product': case '--module': case '--node': {
        const v = value();
        if (!need(v)) return { json, error: `${flag} needs a value${v === undefined ? '' : ', not an empty string'}` };
        if (flag === '--payload') o.payloadFile = path.resolve(cwd, v);
        else if (flag === '--node') o.nodePath = v;
        else o.scope = { kind: flag === '--product' ? 'product' : 'module', name: v };
        break;
      }
      default:
        if (a.startsWith('-')) return { json, error: `unknown option ${a}` };
        positional.push(a);
    }
  }
  if (positional.length === 0) return { json, error: 'missing <event>' };
  if (positional.length > 2) return { json, error: `unexpected argument ${positional[2]}` };
  return { json, options: { ...o, event: positional[0], appDir: path.resolve(cwd, positional[1] ?? '.') } };
}

/** The `--json` shape: one object. */
export function toFuzzJson(r: FuzzOutcome): Record<string, unknown> {
  return {
    status: r.status,
    runs: r.runs,
    durationMs: r.durationMs,
    seed: r.seed,
    fromSchema: r.fromSchema,
    ...(r.reason ? { error: { message: r.reason } } : {}),
    ...(r.failure ? { failure: { status: r.failure.status, error: r.failure.error, payload: r.failure.payload, savedTo: r.failure.savedTo } } : {}),
  };
}

export function formatFuzz(r: FuzzOutcome, event: string): string {
  const out: string[] = [];
  const rate = r.durationMs > 0 ? Math.round((r.runs * 1000) / r.durationMs) : r.runs;
  const shape = r.fromSchema ? 'from the event\'s documented schema' : 'from the payload\'s shape only (no documented schema for this event)';
  out.push(`fsdev fuzz ${event}${r.handler ? ` → ${r.handler}` : ''}: payloads ${shape}, starting from ${r.startedFrom ?? 'the default payload'}; seed ${r.seed}`);
  if (r.status === 'passed') out.push(`✔ ${r.runs} runs passed in ${r.durationMs} ms (${rate} runs/s)`);
  if (r.status === 'cancelled') out.push(`cancelled after ${r.runs} runs`);
  const f = r.failure;
  if (f) {
    const where = f.error.file ? ` at ${f.error.file}${f.error.line ? `:${f.error.line}${f.error.column ? `:${f.error.column}` : ''}` : ''}` : '';
    out.push(`✘ ${f.status} after ${r.runs} runs: ${f.error.message.split('\n')[0]}${where}`);
    out.push(`  shrunk in ${f.shrinkRuns} runs${f.shrinkCut ? ' (the shrinking budget ran out: the payload may shrink further)' : ''} to:`);
    const text = JSON.stringify(f.payload.data ?? f.payload, null, 2);
    out.push((text.length > 4000 ? `${text.slice(0, 4000)}…` : text).split('\n').map((l) => `    ${l}`).join('\n'));
    if (f.savedTo) out.push(`  saved to ${f.savedTo}; reproduce: fsdev simulate ${event} --payload ${f.savedTo}`);
    out.push(`  again: fsdev fuzz ${event} --seed ${r.seed}`);
  }
  // Error messages, file names and the payload are the app's text: inert in a terminal, as simulate's report.
  return safeTerminalText(`${out.join('\n')}\n`);
}

export async function fuzzCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { process.stdout.write(USAGE); return 0; }
  const parsed = parseFuzzArgs(argv);
  if (!parsed.options) {
    process.stderr.write(`fsdev fuzz: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  // Each run's payload, plan and result are garbage once it ends: a long fuzz keeps the memory of a short one
  // when this process's young generation stays small, nothing more is optimized, and the old generation is
  // collected between runs (collect.ts).
  settleFuzzParent();
  const collector = new Collector();
  const result = await fuzz({ ...parsed.options, onProgress: () => { collector.maybeCollect(); } });
  if (result.status === 'not-runnable') {
    if (parsed.json) process.stdout.write(`${JSON.stringify(toFuzzJson(result))}\n`);
    process.stderr.write(safeTerminalText(`fsdev fuzz: ${result.reason}\n`));
    return 2;
  }
  process.stdout.write(parsed.json ? `${JSON.stringify(toFuzzJson(result))}\n` : formatFuzz(result, parsed.options.event));
  return result.status === 'failed' ? 1 : 0;
}
