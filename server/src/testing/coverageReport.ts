// Coverage of the app's server/ files, as fdk keeps it: accumulated across runs in coverage/ (HTML report,
// lcov.info, coverage-final.json, coverage-summary.json) and summarised against the Marketplace's 80 %.
// V8 block coverage comes from the test child (or a simulation); core/coverageMap.ts turns it into Istanbul's
// format; istanbul-lib-coverage merges and istanbul-reports writes the reports. A file whose text changed
// since its counts were stored starts over (old offsets would land on the wrong code).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { createCoverageMap, type CoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { createContext } from 'istanbul-lib-report';
import { linkOutOnPath } from '../appLinks';
import { toIstanbulCoverage, type IstanbulFileCoverage } from '../core/coverageMap';
import type { ScriptCoverage } from './types';

export const COVERAGE_DIR = 'coverage';
export const FDK_RECOMMENDATION = 'We recommend a coverage of 80% for apps that are to be published in the public marketplace.';
export const MARKETPLACE_MIN = 80;
const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;
export type Metric = typeof METRICS[number];

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Istanbul data of the scripts (files that cannot be read or parsed are skipped, with a note). */
export function convert(scripts: ScriptCoverage[], notes: string[] = []): CoverageMapData {
  const data: CoverageMapData = {};
  for (const script of scripts) {
    let source: string;
    try { source = readFileSync(script.url, 'utf8'); } catch { continue; }
    try {
      const fc: IstanbulFileCoverage = toIstanbulCoverage(script.url, source, script.functions);
      fc.hash = sha1(source);
      data[script.url] = fc as unknown as CoverageMapData[string];
    } catch (e) {
      notes.push(`No coverage for ${script.url}: ${(e as Error).message}`);
    }
  }
  return data;
}

/** The stored coverage, without files that changed since (or disappeared). */
function stored(appDir: string): CoverageMap {
  const map = createCoverageMap({});
  let data: CoverageMapData;
  try { data = JSON.parse(readFileSync(path.join(appDir, COVERAGE_DIR, 'coverage-final.json'), 'utf8')) as CoverageMapData; } catch { return map; }
  for (const [file, fc] of Object.entries(data)) {
    let text: string | undefined;
    try { text = readFileSync(file, 'utf8'); } catch { /* gone */ }
    if (text !== undefined && (fc as { hash?: string }).hash === sha1(text)) map.addFileCoverage(fc);
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
  map.merge(convert(scripts, notes));
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
    return `${label(m)} : ${pct[m]}% ( ${t.covered}/${t.total} )${pct[m] < MARKETPLACE_MIN ? `   ✖ under ${MARKETPLACE_MIN} %` : ''}`;
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
