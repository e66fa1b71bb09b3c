// `fsdev simulate <event> [appDir] [--payload file] [--product p | --module m] [--timeout ms] [--offline] [--fresh] [--json]`
// Runs one event's handler in a child process and prints the result. This is the cold path: the child is
// forked first thing, so its start-up overlaps reading and planning the app. Exit 0 on success, 1 otherwise,
// 2 on a usage error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeControl, neutralizeLine, safeTerminalText } from '../core/safeText';
import { HandlerRunner, MAX_TIMEOUT_MS } from './runner';
import { describeCleared, KEPT_NOTE, resetLocalState } from './state';
import type { LogEntry, SimulationRequest, SimulationResult } from './types';

const USAGE = 'usage: fsdev simulate <event> [appDir] [--payload file] [--product p | --module m] [--timeout ms] [--offline] [--fresh] [--json]\n'
  + '  --fresh  first clear the state earlier runs left in .fsdev/db.json ($db values, schedules)\n';

interface Parsed { request?: SimulationRequest; json: boolean; fresh?: boolean; error?: string }

export function parseSimulateArgs(argv: string[], cwd = process.cwd()): Parsed {
  const positional: string[] = [];
  let json = false;
  let fresh = false;
  const req: Partial<SimulationRequest> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      // `--node ""` (an unset variable in a script) is a usage error, not a spawn of '' that throws.
      if (v.trim() === '') throw new Error(`${flag} needs a value, not an empty string`);
      return v;
    };
    try {
      switch (flag) {
        case '--json': json = true; break;
        case '--fresh': fresh = true; break;
        case '--offline': req.offline = true; break;
        case '--payload': req.payloadFile = path.resolve(cwd, value()); break;
        case '--product': req.scope = { kind: 'product', name: value() }; break;
        case '--module': req.scope = { kind: 'module', name: value() }; break;
        case '--timeout': {
          const ms = Number(value());
          if (!Number.isFinite(ms) || ms <= 0) return { json, error: '--timeout needs a positive number of milliseconds' };
          // Node's timers hold at most 2^31 - 1 ms; a longer one would fire at once.
          if (ms > MAX_TIMEOUT_MS) return { json, error: `--timeout must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days)` };
          req.timeoutMs = ms;
          break;
        }
        case '--node': req.nodePath = value(); break;
        default:
          if (a.startsWith('-')) return { json, error: `unknown option ${a}` };
          positional.push(a);
      }
    } catch (e) {
      return { json, error: (e as Error).message };
    }
  }
  if (positional.length === 0) return { json, error: 'missing <event>' };
  if (positional.length > 2) return { json, error: `unexpected argument ${positional[2]}` };
  return { json, ...(fresh ? { fresh } : {}), request: { ...req, event: positional[0], appDir: path.resolve(cwd, positional[1] ?? '.') } };
}

/** The `--json` shape: one object. A not-runnable reason is reported as the error message. */
export function toJsonOutput(r: SimulationResult): Record<string, unknown> {
  const error = r.error
    ? { message: r.error.message, stack: r.error.stack, file: r.error.file, line: r.error.line, column: r.error.column }
    : r.notRunnableReason ? { message: r.notRunnableReason } : undefined;
  return {
    status: r.status,
    durationMs: r.durationMs,
    logs: r.logs.map((l) => ({ level: l.level, message: l.message })),
    value: r.value,
    renderData: r.renderData,
    error,
    effects: r.effects,
  };
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = t(JSON.stringify(v, null, 2) ?? String(v));
  return text.length > 4000 ? `${text.slice(0, 4000)}… (${text.length} characters)` : text;
}

/** App text (names, logs, messages, values): control characters written out visibly, newlines kept. */
const t = (s: string | undefined): string => escapeControl(s ?? '', '\n\t');

function indent(text: string, by = '    '): string { return text.split('\n').map((l) => by + l).join('\n'); }

/**
 * The human report. Every piece of app text goes through `t` (or `show`), and no line of the result is one the
 * `$fsdev` problem matcher or GitHub would read (a log line `::error …` is printed as `\x3a:error …`).
 */
export function formatHuman(r: SimulationResult): string {
  const out: string[] = [];
  const mark = r.status === 'success' ? paint('32', '✔') : paint('31', '✘');
  const scope = r.scope ? ` (${t(r.scope.name)})` : '';
  const handler = r.handler ? ` → ${t(r.handler)}` : '';
  out.push(`${mark} ${t(r.event)}${scope}${handler}: ${paint(r.status === 'success' ? '32' : '31', r.status)} in ${r.durationMs} ms`);
  if (r.notRunnableReason) out.push(`  ${t(r.notRunnableReason)}`);
  if (r.payloadSource) out.push(`  payload: ${t(r.payloadFile)}${r.payloadFile ? ' ' : ''}(${r.payloadSource})`);
  if (r.logs.length) {
    out.push('  logs:');
    for (const l of r.logs) out.push(formatLog(l));
    if (r.truncatedLogs) out.push('    … (output limit reached: later logs were not captured)');
  }
  if (r.value !== undefined) out.push(`  value: ${show(r.value).split('\n').join('\n  ')}`);
  if (r.renderData) {
    out.push(`  renderData: ${r.renderData.called ? `called${r.renderData.error !== undefined ? ` with error ${show(r.renderData.error)}` : ''}`
      + `${r.renderData.data !== undefined ? ` with data ${show(r.renderData.data)}` : ''}` : 'not called'}`);
  }
  if (r.error) {
    const where = r.error.file ? ` at ${t(r.error.file)}${r.error.line ? `:${r.error.line}${r.error.column ? `:${r.error.column}` : ''}` : ''}` : '';
    // The first line is the error; later lines (a hint, the state that caused it) go below it.
    const [headline, ...more] = t(r.error.message).split('\n');
    out.push(`  error: ${paint('31', headline)}${where}`);
    for (const line of more) out.push(`    ${line}`);
    const frames = r.error.frames.slice(0, 8);
    for (const f of frames) out.push(`    at ${f.functionName ? `${t(f.functionName)} ` : ''}${t(f.file)}:${f.line}:${f.column}`);
  }
  const e = r.effects;
  if (e.db.length + e.requests.length + e.schedules.length + e.targetUrls.length > 0) {
    out.push('  effects:');
    for (const d of e.db) out.push(`    $db.${d.op} ${t(d.key)}${d.ok ? '' : ` ✘ ${t(d.error)}`}`);
    for (const q of e.requests) {
      out.push(`    $request ${q.template ? `${t(q.template)}: ` : ''}${t(q.method)} ${t(q.url)} → ${q.status || 'no response'}`
        + `${q.stubbed ? ' (stub)' : ''} ${q.durationMs} ms${q.error ? ` ✘ ${t(q.error)}` : ''}`);
    }
    for (const s of e.schedules) out.push(`    $schedule.${s.op}${s.name ? ` ${t(s.name)}` : ''}${s.ok ? '' : ` ✘ ${t(s.error)}`}`);
    for (const u of e.targetUrls) out.push(`    generateTargetUrl → ${t(u.url)}`);
  }
  return `${out.join('\n').split('\n').map(neutralizeLine).join('\n')}\n`;
}

function formatLog(l: LogEntry): string {
  const level = l.level.padEnd(6);
  const tint = l.level === 'error' ? '31' : l.level === 'warn' ? '33' : l.level === 'system' ? '36' : '0';
  const flag = l.unsupported ? paint('33', ' (not available on the platform)') : '';
  const lines = t(l.message).split('\n');
  return `    ${paint(tint, `[${level}+${l.time}ms]`)} ${lines[0]}${flag}${lines.length > 1 ? `\n${indent(lines.slice(1).join('\n'), '      ')}` : ''}`;
}

/** --fresh only touches a folder that holds a manifest.json (a wrong path must not get a .fsdev/ written). */
function isFreshworksApp(appDir: string): boolean {
  return fs.existsSync(path.join(appDir, 'manifest.json'));
}

export async function simulateCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { process.stdout.write(USAGE); return 0; }
  const parsed = parseSimulateArgs(argv);
  if (!parsed.request) {
    process.stderr.write(`fsdev simulate: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const runner = new HandlerRunner({ warm: false, onHistoryError: (m) => { process.stderr.write(`fsdev: ${m}\n`); } });
  runner.prestart(parsed.request.nodePath, parsed.request.appDir);
  try {
    if (parsed.fresh && isFreshworksApp(parsed.request.appDir)) {
      let cleared;
      try { cleared = await resetLocalState(parsed.request.appDir); } catch (e) { process.stderr.write(`fsdev: --fresh: ${(e as Error).message}\n`); return 1; }
      process.stderr.write(`fsdev: --fresh: ${describeCleared(cleared)}. ${KEPT_NOTE}\n`);
    }
    // Progress of installing the manifest's dependencies goes to stderr: stdout stays the result (--json).
    const note = (m: string) => { process.stderr.write(`fsdev: ${safeTerminalText(m)}\n`); };
    const result = await runner.run(parsed.request, undefined, { install: { begin: note, report: (m) => note(`  ${m}`), end: note } });
    process.stdout.write(parsed.json ? `${JSON.stringify(toJsonOutput(result))}\n` : formatHuman(result));
    await runner.idle();
    return result.status === 'success' ? 0 : 1;
  } finally {
    runner.dispose();
  }
}
