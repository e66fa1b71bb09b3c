// Bench: `fsdev check` as a whole process (issue 16, speed): ≤ 3× a bare `node -e ""` on the example app, and
// ≤ 0.2× the real `fdk validate` of the same app. Standalone: `node bench/check.mjs` (needs server/dist:
// `npm run bench` builds first). Prints its own figures beside references of the same run; never a timed test.
//
// Apps, each copied into a temp folder first (fdk writes .fdk/ and .report.json into the app it validates):
// examples/crm-app, and one real Freshsales app of the corpus of public apps, mid-sized (7 files under server/,
// 574 lines, config/iparams.json): CORPUS_APP below, or FSDEV_BENCH_APP=<folder> for another; skipped when absent.
// The bare Node start and each app's `fsdev check` are timed in interleaved rounds (BENCH_ITERATIONS, default 10).
//
// fdk: with FSDEV_BENCH_FDK=<fdk 6.9.0 package folder> (e.g. /work/fdk/package), `fdk validate` is timed on a
// fresh copy of each app per run (FSDEV_BENCH_FDK_RUNS, default 3: it takes seconds), offline, as
// scripts/validate-diff.mjs runs it (its header has the recipe): scripts/fdk-validate-preload.cjs, and
// ~/.fdk/localstore holding a recent last_updated (checked here, never written). Without it fdk is skipped, and
// the bench says why.
//
// A whole corpus: with FSDEV_BENCH_CORPUS=<folder whose subfolders are apps> as well (and fdk), every app there is
// copied and timed too: `fsdev check` three times (median), `fdk validate` once on a fresh copy. It prints how many
// apps meet 0.2x, by the lines of JavaScript fdk lints, and the farthest ones. Minutes: not in `npm run bench`'s
// run (the README's figures came from 171 public apps, kept outside the repository).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadTs } from '../test/helpers/loadCore.mjs';
import { median, ms, p95, peakRssKb, printTable } from './lib/stats.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(repoRoot, 'server/dist/cli.js');
const PRELOAD = path.join(repoRoot, 'scripts/fdk-validate-preload.cjs');
const CORPUS_APP = '/work/corpus/apps/kaustavdm+freshsales-airtable';
const ROUNDS = Number(process.env.BENCH_ITERATIONS ?? 10);
const FDK_RUNS = Number(process.env.FSDEV_BENCH_FDK_RUNS ?? 3);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

if (!existsSync(CLI)) throw new Error('server/dist/cli.js is missing: run `npm run build` first');
console.log(`machine: ${cpus().length} CPU(s), load average ${load()} (figures are noisy under load: read the ratios)`);

const work = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-check-'));
// fsdev's own code cache in a folder of this run's own: under ~/.cache, a build of another checkout run meanwhile
// replaces it (one cache per bundle name and Node), and every run would pay for compiling and writing it.
process.env.XDG_CACHE_HOME = path.join(work, 'cache');
/** A copy of an app (no .git, no node_modules), as validate-diff.mjs makes them. */
function copyApp(src, name) {
  const dest = mkdtempSync(path.join(work, `${name}-`));
  cpSync(realpathSync(src), dest, { recursive: true, verbatimSymlinks: true, filter: (s) => !/[\\/](node_modules|\.git)$/.test(s) });
  return dest;
}

const corpusApp = process.env.FSDEV_BENCH_APP ?? CORPUS_APP;
const apps = [{ label: 'examples/crm-app', src: path.join(repoRoot, 'examples/crm-app') }];
if (existsSync(path.join(corpusApp, 'manifest.json'))) apps.push({ label: path.basename(corpusApp), src: corpusApp });
else console.log(`corpus app skipped: ${corpusApp} has no manifest.json (set FSDEV_BENCH_APP=<app folder>)`);
for (const a of apps) a.copy = copyApp(a.src, 'app');

function timed(args, cwd, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - t0, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Why fdk cannot run here, or undefined. */
function fdkSkipped(dir) {
  if (!dir) return 'FSDEV_BENCH_FDK is not set (an fdk 6.9.0 package folder, e.g. /work/fdk/package)';
  if (!existsSync(path.join(dir, 'index.js'))) return `${dir}/index.js does not exist`;
  let stamp;
  try { stamp = JSON.parse(readFileSync(path.join(homedir(), '.fdk', 'localstore'), 'utf8')).last_updated?.time_stamp; } catch { stamp = undefined; }
  if (!(Number(stamp) > Date.now() - 12 * 3600 * 1000)) return '~/.fdk/localstore has no recent last_updated, so fdk would try its update server and exit (see scripts/validate-diff.mjs)';
  return undefined;
}

try {
  // One untimed run each: the code caches exist and the files are in the page cache, as for every later run.
  timed(['-e', ''], repoRoot);
  for (const a of apps) {
    const r = timed([CLI, 'check', '--format', 'json', a.copy], repoRoot);
    if (r.status !== 0 && r.status !== 1) throw new Error(`fsdev check ${a.label} exited ${r.status}: ${r.stderr}`);
    a.findings = JSON.parse(r.stdout).length;
    a.times = [];
  }
  const bare = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(timed(['-e', ''], repoRoot).ms);
    for (const a of apps) a.times.push(timed([CLI, 'check', a.copy], repoRoot).ms);
  }
  const bareMedian = median(bare);
  const rows = [['node -e "" (reference)', ms(bareMedian), ms(p95(bare)), bare.length, '', '']];
  for (const a of apps) {
    a.median = median(a.times);
    const rss = peakRssKb(process.execPath, [CLI, 'check', a.copy], { cwd: repoRoot }).kb;
    const ratio = a.median / bareMedian;
    rows.push([`fsdev check ${a.label} (${a.findings} findings)`, ms(a.median), ms(p95(a.times)), a.times.length, `${Math.round(rss / 1024)} MB`,
      a === apps[0] ? `${ratio.toFixed(2)}x bare node (<= 3x: ${ratio <= 3 ? 'met' : 'MISSED'})` : `${ratio.toFixed(2)}x bare node`]);
  }

  const fdkDir = process.env.FSDEV_BENCH_FDK && path.resolve(process.env.FSDEV_BENCH_FDK);
  const skipped = fdkSkipped(fdkDir);
  if (!skipped) {
    const env = { ...process.env, FDK_PACKAGE_DIR: fdkDir };
    for (const a of apps) {
      const times = [];
      let status;
      for (let i = 0; i < FDK_RUNS; i++) {
        // A fresh copy per run: fdk leaves .fdk/ and .report.json in the app it validated.
        const copy = copyApp(a.src, 'fdk');
        const r = timed(['--unhandled-rejections=warn', '-r', PRELOAD, path.join(fdkDir, 'index.js'), 'validate'], copy, env);
        times.push(r.ms);
        status = r.status;
      }
      const copy = copyApp(a.src, 'fdk');
      const rss = peakRssKb(process.execPath, ['--unhandled-rejections=warn', '-r', PRELOAD, path.join(fdkDir, 'index.js'), 'validate'], { cwd: copy }).kb;
      const ratio = a.median / median(times);
      rows.push([`fdk validate ${a.label} (exit ${status})`, ms(median(times)), ms(p95(times)), times.length, `${Math.round(rss / 1024)} MB`,
        `fsdev check = ${ratio.toFixed(3)}x fdk (<= 0.2x: ${ratio <= 0.2 ? 'met' : 'MISSED'})`]);
    }
  }
  console.log('');
  printTable(['measure', 'median', 'p95', 'n', 'peak RSS', 'ratio (goal)'], rows);
  if (skipped) console.log(`\nfdk validate skipped: ${skipped}.`);
  else console.log(`\nfdk: ${fdkDir} (${JSON.parse(readFileSync(path.join(fdkDir, 'package.json'), 'utf8')).version}), offline through scripts/fdk-validate-preload.cjs`);
  console.log(`load average at the end: ${load()}`);
  if (process.env.FSDEV_BENCH_CORPUS) {
    if (skipped) console.log('\ncorpus skipped: it needs fdk (FSDEV_BENCH_FDK) too.');
    else await corpusRatios(path.resolve(process.env.FSDEV_BENCH_CORPUS), fdkDir);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Lines of the .js files fdk lints, as the check lists them (lint/appLint.ts). */
async function lintedLines(dir) {
  const { listLintFiles } = await loadTs('server/src/lint/appLint.ts');
  return listLintFiles(dir).files.reduce((n, f) => n + readFileSync(path.join(dir, f), 'utf8').split('\n').length, 0);
}

async function corpusRatios(corpus, fdkDir) {
  const names = readdirSync(corpus).filter((n) => existsSync(path.join(corpus, n, 'manifest.json'))).sort();
  console.log(`\ncorpus: ${names.length} apps in ${corpus}; fsdev check x3 (median) and fdk validate x1 each, load average ${load()}`);
  const env = { ...process.env, FDK_PACKAGE_DIR: fdkDir };
  const rows = [];
  for (const name of names) {
    const copy = copyApp(path.join(corpus, name), 'corpus');
    timed([CLI, 'check', copy], repoRoot);
    const ours = median([0, 1, 2].map(() => timed([CLI, 'check', copy], repoRoot).ms));
    const fdk = timed(['--unhandled-rejections=warn', '-r', PRELOAD, path.join(fdkDir, 'index.js'), 'validate'], copyApp(path.join(corpus, name), 'fdk'), env).ms;
    rows.push({ name, lines: await lintedLines(copy), ours, fdk, ratio: ours / fdk });
  }
  const buckets = [[0, 100], [100, 300], [300, 600], [600, 1500], [1500, Infinity]];
  const table = [['all apps', rows]].concat(buckets.map(([lo, hi]) => [`${lo}-${hi === Infinity ? '' : hi} lines`, rows.filter((r) => r.lines >= lo && r.lines < hi)]))
    .filter(([, rs]) => rs.length)
    .map(([label, rs]) => [label, rs.length, `${rs.filter((r) => r.ratio <= 0.2).length}`, median(rs.map((r) => r.ratio)).toFixed(3),
      Math.max(...rs.map((r) => r.ratio)).toFixed(3), ms(median(rs.map((r) => r.ours))), ms(median(rs.map((r) => r.fdk)))]);
  printTable(['apps (JavaScript fdk lints)', 'n', '<= 0.2x fdk', 'median ratio', 'max ratio', 'fsdev check median', 'fdk validate median'], table);
  console.log('farthest:');
  for (const r of [...rows].sort((a, b) => b.ratio - a.ratio).slice(0, 5)) console.log(`  ${r.ratio.toFixed(3)}x  ${ms(r.ours)} vs ${ms(r.fdk)}  ${r.lines} lines  ${r.name}`);
  console.log(`load average at the end: ${load()}`);
}
