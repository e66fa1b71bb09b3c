// `fsdev test [appDir] [--coverage] [--min <pct>] [--reporter spec|tap|junit] [--grep <re>] [--payloads | --no-payloads]`
// Runs the app's mocha tests (and one smoke test per registered event's test payload) as `fdk test` does.
// Exit 0: all passed; 1: a test failed or the run broke; 2: usage error or not an app; 3: coverage under --min or not computable.
import * as path from 'node:path';
import { SafeLineWriter, safeTerminalText } from '../core/safeText';
import { MAX_RUN_TIMEOUT_MS, MAX_TEST_TIMEOUT_MS, planTests, processOutput, runTests, type PlanOptions } from './testRun';
import type { TestRunResult } from './types';

const USAGE = 'usage: fsdev test [appDir] [--coverage] [--min <pct>] [--reporter spec|tap|junit] [--grep <re>] [--payloads | --no-payloads] [--timeout ms] [--run-timeout ms] [--online]\n';
/** Coverage under --min, or coverage that could not be computed (a malformed coverage/coverage-final.json). */
export const EXIT_COVERAGE = 3;

interface Parsed { appDir: string; plan: PlanOptions; min?: number; runTimeoutMs?: number }

export function parseTestArgs(argv: string[], cwd = process.cwd()): Parsed | { error: string } {
  const positional: string[] = [];
  const plan: PlanOptions = {};
  let min: number | undefined;
  let runTimeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    const takesValue = ['--min', '--reporter', '--grep', '--timeout'].includes(flag);
    if (takesValue && (inline ?? argv[i + 1] ?? '').trim() === '') {
      return { error: `${flag} needs a value${(inline ?? argv[i + 1]) === undefined ? '' : ', not an empty string'}` };
    }
    switch (flag) {
      case '--coverage': plan.coverage = true; break;
      case '--payloads': plan.payloads = 'only'; break;
      case '--no-payloads': plan.payloads = 'none'; break;
      case '--online': plan.offline = false; break;
      case '--min': {
        const v = numberArg(value(), 0, 100);
        if (v === undefined) return { error: '--min needs a percentage between 0 and 100' };
        min = v;
        plan.coverage = true;
        break;
      }
      case '--reporter': {
        const v = value();
        if (v !== 'spec' && v !== 'tap' && v !== 'junit') return { error: '--reporter must be spec, tap or junit' };
        plan.reporter = v;
        break;
      }
      case '--grep': {
        const v = value();
        if (!v) return { error: '--grep needs a pattern' };
        try { new RegExp(v); } catch (e) { return { error: `--grep: ${(e as Error).message}` }; }
        plan.grep = v;
        break;
      }
      case '--timeout': {
        const v = numberArg(value(), 1, MAX_TEST_TIMEOUT_MS, true);
        if (v === undefined) return { error: `--timeout needs a whole number of milliseconds from 1 to ${MAX_TEST_TIMEOUT_MS}` };
        plan.timeoutMs = v;
        break;
      }
      case '--run-timeout': {
        const v = numberArg(value(), 1000, MAX_RUN_TIMEOUT_MS, true);
        if (v === undefined) return { error: `--run-timeout needs a whole number of milliseconds from 1000 to ${MAX_RUN_TIMEOUT_MS}` };
        runTimeoutMs = v;
        break;
      }
      default:
        if (a.startsWith('-')) return { error: `unknown option ${a}` };
        positional.push(a);
    }
  }
  if (positional.length > 1) return { error: `unexpected argument ${positional[1]}` };
  return { appDir: path.resolve(cwd, positional[0] ?? '.'), plan, ...(min !== undefined ? { min } : {}), ...(runTimeoutMs !== undefined ? { runTimeoutMs } : {}) };
}

/** A decimal number written out in full (not "", " ", "1e300", "Infinity", "0x10") within [lo, hi], or undefined. */
function numberArg(text: string | undefined, lo: number, hi: number, whole = false): number | undefined {
  if (text === undefined || !(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(text)) return undefined;
  const v = Number(text);
  return v >= lo && v <= hi ? v : undefined;
}

export async function testCommand(argv: string[]): Promise<number> {
  const parsed = parseTestArgs(argv);
  if ('error' in parsed) {
    process.stderr.write(`fsdev test: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const planned = await planTests(parsed.appDir, parsed.plan);
  if ('error' in planned) {
    process.stderr.write(`${planned.error}\n`);
    return planned.code;
  }
  const { plan } = planned;
  if (plan.files.length === 0 && plan.payloadTests.length === 0) {
    process.stderr.write('No tests: test/ has no .js files and no registered event has a test payload.\n');
    return 1;
  }
  // As fdk test: the manifest's dependencies and devDependencies are installed first; a failure is said, the run goes on.
  const { installTestDependencies } = await import('./testDeps');
  const note = (m: string): void => { process.stderr.write(safeTerminalText(`fsdev: ${m}\n`)); };
  for (const failure of await installTestDependencies(plan.appDir, { begin: note, report: (m) => note(`  ${m}`), end: note })) note(failure);
  // Test titles, assertion messages and the handlers' logs are the app's text: the reporter's output (and the
  // test process's stderr) reach the terminal a line at a time through safeTerminalText.
  // Both keep the back-pressure of this process's streams (a full pipe pauses the reading of the child).
  const terminal = processOutput();
  const stdout = new SafeLineWriter((text) => terminal.stdout(plan.reporter === 'junit' ? xmlCharacterReferences(text) : text));
  const stderr = new SafeLineWriter((text) => terminal.stderr(text));
  const result = await runTests(plan, {
    output: { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text), whenDrained: terminal.whenDrained },
    ...(parsed.runTimeoutMs !== undefined ? { runTimeoutMs: parsed.runTimeoutMs } : {}),
  }).result;
  stdout.end();
  stderr.end();
  // The reporter's own output is already printed; what mocha cannot say (a killed run, a cut output) comes last.
  const summaryStream = plan.reporter === 'spec' ? process.stdout : process.stderr;
  if (result.error) summaryStream.write(safeTerminalText(`\n  ✖ The test run broke off: ${result.error}.\n${brokenTests(result)}`));
  else if (result.outputCutAt !== undefined) {
    summaryStream.write(safeTerminalText(`\n  ${result.passed} passing, ${result.failed} failing, ${result.skipped} pending (the output was cut).\n${brokenTests(result)}`));
  }
  let code = result.failed > 0 || result.error ? 1 : 0;
  if (plan.coverage) {
    if (!result.coverage) {
      summaryStream.write('\nNo coverage: the test process ended before it could report it.\n');
      return code || 1;
    }
    const { writeCoverage, CoverageDataError } = await import('./coverageReport');
    let summary;
    try {
      summary = await writeCoverage(plan.appDir, result.coverage);
    } catch (e) {
      // The tests' verdict stands; the coverage part could not be computed (bad data) or written (a link out).
      if (e instanceof CoverageDataError) {
        summaryStream.write(safeTerminalText(`\nNo coverage report: ${e.message}\n`));
        return code || EXIT_COVERAGE;
      }
      summaryStream.write(safeTerminalText(`\nNo coverage written: ${(e as Error).message}\n`));
      return code || 1;
    }
    summaryStream.write(safeTerminalText(`\n${summary.text}`));
    if (parsed.min !== undefined && code === 0 && summary.lowest < parsed.min) {
      summaryStream.write(`\nCoverage is under --min ${parsed.min} % (${summary.lowestMetric} ${summary.lowest.toFixed(2)} %).\n`);
      code = EXIT_COVERAGE;
    }
  }
  return code;
}

/** mocha never printed its failure list (the run was killed): print every failure here. */
function brokenTests(r: TestRunResult): string {
  return r.tests.filter((t) => t.failure).map((t, i) => {
    const where = t.failure!.file ? ` (${t.failure!.file}:${t.failure!.line})` : t.file ? ` (${t.file})` : '';
    return `\n  ${i + 1}) ${[...t.path, t.title].join(' › ')}${where}:\n     ${t.failure!.message.split('\n').join('\n     ')}\n`;
  }).join('');
}

/**
 * mocha's xunit reporter writes a control character of a test's title or message as a character reference
 * (`&#x1B;`), which XML 1.0 forbids as much as the character itself: written out visibly instead (`\x1b`).
 */
function xmlCharacterReferences(xml: string): string {
  return xml.replace(/&#(x[0-9a-f]+|[0-9]+);/gi, (ref, n: string) => {
    const code = n[0] === 'x' || n[0] === 'X' ? parseInt(n.slice(1), 16) : Number(n);
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    return allowed ? ref : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
