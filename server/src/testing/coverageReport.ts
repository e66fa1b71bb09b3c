// Coverage of the app's server/ files, as fdk keeps it: accumulated across runs in coverage/ (HTML report,
// lcov.info, coverage-final.json, coverage-summary.json) and summarised against the Marketplace's 80 %.
// V8 block coverage comes from the test child (or a simulation); core/coverageMap.ts turns it into Istanbul's
// format; istanbul-lib-coverage merges and istanbul-reports writes the reports. A file whose text changed
// since its counts were stored starts over (old offsets would land on the wrong code).
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { createCoverageMap, type CoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { createContext } from 'istanbul-lib-report';
import { linkOutOnPath } from '../appLinks';
import { outsideApp, readRegularFile } from '../appFiles';
import { MAX_PAUSES } from '../simulate/ipc';
import { throwExits, toIstanbulCoverage, type IstanbulFileCoverage, type ThrowExit } from '../core/coverageMap';
import type { ScriptCoverage } from './types';

export const COVERAGE_DIR = 'coverage';
export const FDK_RECOMMENDATION = 'We recommend a coverage of 80% for apps that are to be published in the public marketplace.';
export const MARKETPLACE_MIN = 80;
const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;
export type Metric = typeof METRICS[number];

/** One source file of the app: larger ones get no coverage. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
/** coverage/coverage-final.json: a larger one is refused (a large app's is a few MB). */
export const MAX_STORED_BYTES = 64 * 1024 * 1024;
const FINAL_JSON = `${COVERAGE_DIR}/coverage-final.json`;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** coverage/coverage-final.json cannot be used: the tests' verdict stands, the coverage part reports this. */
export class CoverageDataError extends Error {}

/**
 * The text of a regular file inside the app (links resolved), at most `max` bytes; undefined for anything
 * else (outside the app, a FIFO, a device such as /dev/zero, a folder, too large, unreadable). A FIFO is opened
 * without blocking and refused, so no path in the coverage data can make this wait or read without end.
 */
export function readRegularAppFile(appDir: string, file: string, max: number): string | undefined {
  if (!path.isAbsolute(file) || outsideApp(appDir, file) !== undefined) return undefined;
  const rel = path.relative(appDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const r = readRegularFile(file, max);
  return 'text' in r ? r.text : undefined;
}

/** Istanbul data of the scripts: regular files inside the app (others are skipped; files that do not parse, with a note). */
export function convert(scripts: ScriptCoverage[], appDir: string, notes: string[] = []): CoverageMapData {
  const data: CoverageMapData = {};
  const sources = new Map<string, string | undefined>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) sources.set(file, readRegularAppFile(appDir, file, MAX_SOURCE_BYTES));
    return sources.get(file);
  };
  // Where the app's code threw: what followed a throw in its block did not run (V8 counts it with the block).
  let exits = new Map<string, ThrowExit[]>();
  try { exits = throwExits(scripts.flatMap((s) => s.throws ?? []), sourceOf); } catch (e) { notes.push(`Throws not taken into the coverage: ${(e as Error).message}`); }
  if (scripts.some((s) => s.throwsCut)) {
    notes.push(`More than ${MAX_PAUSES} exceptions were thrown in the test process: the app's later throws were not followed, and statements after them in their block may count as run.`);
  }
  for (const script of scripts) {
    const source = sourceOf(script.url);
    if (source === undefined) continue;
    try {
      const fc: IstanbulFileCoverage = toIstanbulCoverage(script.url, source, script.functions, exits.get(script.url));
      fc.hash = sha1(source);
      data[script.url] = fc as unknown as CoverageMapData[string];
    } catch (e) {
      notes.push(`No coverage for ${script.url}: ${(e as Error).message}`);
    }
  }
  return data;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isLoc = (v: unknown) => isObj(v) && isObj(v.start) && isObj(v.end) && [v.start.line, v.start.column, v.end.line, v.end.column].every((n) => n === null || typeof n === 'number');

/** Why one file's entry of coverage-final.json is not Istanbul's shape, or undefined when it is. */
function fileCoverageProblem(key: string, fc: unknown): string | undefined {
  if (!isObj(fc)) return 'is not an object';
  if (fc.path !== key) return 'names another path';
  for (const k of ['statementMap', 'fnMap', 'branchMap', 's', 'f', 'b']) if (!isObj(fc[k])) return `has no ${k} object`;
  const { statementMap, fnMap, branchMap, s, f, b } = fc as Record<string, Record<string, unknown>>;
  if (!Object.values(s).every(isCount) || !Object.values(f).every(isCount)) return 'has a count that is not a number';
  if (!Object.values(b).every((v) => Array.isArray(v) && v.every(isCount))) return 'has a branch count that is not a list of numbers';
  if (!Object.keys(s).every((k) => isLoc(statementMap[k]))) return 'has a statement without a location';
  if (!Object.keys(f).every((k) => isObj(fnMap[k]) && isLoc(fnMap[k].loc))) return 'has a function without a location';
  if (!Object.keys(b).every((k) => isObj(branchMap[k]) && Array.isArray(branchMap[k].locations)
    && (branchMap[k].locations as unknown[]).length === (b[k] as unknown[]).length)) return 'has a branch without locations';
  return undefined;
}

/**
 * The stored coverage, without files that changed since (or disappeared), or are not regular files inside
 * the app. A coverage-final.json that is not Istanbul's data throws CoverageDataError (it is not overwritten).
 */
function stored(appDir: string): CoverageMap {
  const map = createCoverageMap({});
  const file = path.join(appDir, COVERAGE_DIR, 'coverage-final.json');
  if (!existsSync(file)) return map;
  const text = readRegularAppFile(appDir, file, MAX_STORED_BYTES);
  const fix = `nothing was written; \`fsdev coverage --reset\` clears coverage/`;
  if (text === undefined) throw new CoverageDataError(`${FINAL_JSON} is not valid coverage data (not a regular file of the app up to ${MAX_STORED_BYTES / 1024 / 1024} MB): ${fix}.`);
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) { throw new CoverageDataError(`${FINAL_JSON} is not valid coverage data (${(e as Error).message}): ${fix}.`); }
  if (!isObj(data)) throw new CoverageDataError(`${FINAL_JSON} is not valid coverage data (not an object of files): ${fix}.`);
  for (const [key, fc] of Object.entries(data)) {
    const problem = fileCoverageProblem(key, fc);
    if (problem) throw new CoverageDataError(`${FINAL_JSON} is not valid coverage data (its entry for ${key.slice(0, 200)} ${problem}): ${fix}.`);
    const source = readRegularAppFile(appDir, key, MAX_SOURCE_BYTES);
    if (source !== undefined && (fc as { hash?: string }).hash === sha1(source)) map.addFileCoverage(fc as unknown as CoverageMapData[string]);
  }
  return map;
}

export interface CoverageSummary {
  /** Percentages per metric (100 when there is nothing to cover). */
  pct: Record<Metric, number>;
  lowest: number;
  lowestMetric: Metric;
  text: string;
  /** The merged Istanbul data, per absolute file. */
  data: CoverageMapData;
}

/** Merge new coverage into coverage/ and write every report. */
export async function writeCoverage(appDir: string, scripts: ScriptCoverage[]): Promise<CoverageSummary> {
  // Nothing is read or written through a coverage/ that links out of the app.
  const blocked = linkOutOnPath(appDir, COVERAGE_DIR);
  if (blocked) throw new Error(blocked);
  const notes: string[] = [];
  const map = stored(appDir);
  map.merge(convert(scripts, appDir, notes));
  const dir = path.join(appDir, COVERAGE_DIR);
  const context = createContext({ dir, coverageMap: map, defaultSummarizer: 'nested', watermarks: { statements: [50, 80], branches: [50, 80], functions: [50, 80], lines: [50, 80] } });
  // The reporters are required one by one (istanbul-reports' create() loads them by computed path, which a bundle cannot follow).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const reports = [
    require('istanbul-reports/lib/html'), require('istanbul-reports/lib/lcovonly'),
    require('istanbul-reports/lib/json'), require('istanbul-reports/lib/json-summary'),
  ] as (new (o?: object) => { execute(c: unknown): void })[];
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const Report of reports) {
    try { new Report({}).execute(context); } catch (e) { notes.push(`A coverage report could not be written: ${(e as Error).message}`); }
  }
  return { ...summarize(map, appDir, notes), data: map.toJSON() };
}

export function summarize(map: CoverageMap, appDir: string, notes: string[] = []): Omit<CoverageSummary, 'data'> {
  const total = map.getCoverageSummary();
  const pct = Object.fromEntries(METRICS.map((m) => [m, total[m].total === 0 ? 100 : total[m].pct])) as Record<Metric, number>;
  const lowestMetric = METRICS.reduce((a, m) => (pct[m] < pct[a] ? m : a), METRICS[0]);
  const label = (m: string) => `${m[0].toUpperCase()}${m.slice(1)}`.padEnd(12);
  const lines = METRICS.map((m) => {
    const t = total[m];
    // As Istanbul's text-summary (fdk's) prints a metric with nothing to cover.
    return `${label(m)} : ${t.total === 0 ? 'Unknown' : pct[m]}% ( ${t.covered}/${t.total} )${pct[m] < MARKETPLACE_MIN ? `   ✖ under ${MARKETPLACE_MIN} %` : ''}`;
  });
  const files = map.files().map((f) => {
    const s = map.fileCoverageFor(f).toSummary();
    const low = Math.min(...METRICS.map((m) => (s[m].total === 0 ? 100 : s[m].pct)));
    return { file: path.relative(appDir, f), low };
  }).filter((x) => x.low < MARKETPLACE_MIN);
  const rule = '='.repeat(31);
  const text = [`${rule} Coverage summary ${rule}`, ...lines, '='.repeat(80),
    ...files.map((x) => `  ${x.file}: ${x.low}% on its lowest metric`), ...notes,
    FDK_RECOMMENDATION, `Report: ${path.join(COVERAGE_DIR, 'index.html')}`, ''].join('\n');
  return { pct, lowest: pct[lowestMetric], lowestMetric, text };
}

/** `fsdev coverage --reset [appDir]`. */
export function coverageCommand(argv: string[]): number {
  const reset = argv.includes('--reset');
  const rest = argv.filter((a) => a !== '--reset');
  if (!reset || rest.length > 1 || rest.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: fsdev coverage --reset [appDir]\n');
    return 2;
  }
  const appDir = path.resolve(rest[0] ?? '.');
  let cleared: boolean;
  try { cleared = resetCoverage(appDir); } catch (e) { process.stderr.write(`fsdev coverage: ${(e as Error).message}\n`); return 1; }
  process.stdout.write(cleared ? `Cleared ${path.join(appDir, COVERAGE_DIR)}.\n` : 'No coverage to clear.\n');
  return 0;
}

/** Remove coverage/ if it is ours (it holds coverage-final.json); true when something was removed. */
export function resetCoverage(appDir: string): boolean {
  const blocked = linkOutOnPath(appDir, COVERAGE_DIR);
  if (blocked) throw new Error(blocked);
  const dir = path.join(appDir, COVERAGE_DIR);
  if (!existsSync(path.join(dir, 'coverage-final.json'))) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
