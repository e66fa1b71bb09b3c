#!/usr/bin/env node
// `node scripts/test-diff.mjs <fdk package dir> <folder of apps> [--json] [--node-path dir]`  (not part of CI)
//
// Runs fdk 6.9.0's `fdk test` and `fsdev test` side by side on every app under <folder of apps> (a folder that
// holds a manifest.json and a test/ folder with .js files, searched two levels down, links followed) and prints,
// per app and per test, fdk's outcome and ours, then Istanbul's totals per file (statements, branches, functions,
// lines: covered/total) from both. Each tool runs in its own copy of the app (both write into it).
// fdk runs as it runs on the Node it was made for (`--unhandled-rejections=warn`), with the manifest's events
// loaded and offline (scripts/test-diff-preload.cjs). Test helpers (chai, chai-as-promised) come from
// `--node-path` (default: fdk's own node_modules), for both tools alike; fsdev runs with --no-payloads (fdk has
// no payload tests). Exit 0 when every test and every total agrees, 1 when something differs, 2 on misuse.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const valued = new Set(['--node-path']);
const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const json = args.includes('--json');
if (positional.length !== 2) {
  process.stderr.write('usage: node scripts/test-diff.mjs <fdk package dir> <folder of apps> [--json] [--node-path dir]\n');
  process.exit(2);
}
const fdkPkg = path.resolve(positional[0]);
const appsDir = path.resolve(positional[1]);
const nodePathArg = args.indexOf('--node-path');
const nodePath = nodePathArg >= 0 ? path.resolve(args[nodePathArg + 1]) : path.join(fdkPkg, 'node_modules');
const cli = path.join(repoRoot, 'server/dist/cli.js');
for (const [p, what] of [[path.join(fdkPkg, 'index.js'), 'fdk package (index.js)'], [cli, 'server/dist/cli.js (npm run build)'], [appsDir, 'folder of apps']]) {
  if (!existsSync(p)) { process.stderr.write(`test-diff: no ${what} at ${p}\n`); process.exit(2); }
}

const isDir = (p) => { try { return statSync(p).isDirectory(); } catch { return false; } };
const hasTests = (d) => isDir(path.join(d, 'test')) && existsSync(path.join(d, 'manifest.json'))
  && readdirSync(path.join(d, 'test'), { recursive: true }).some((f) => String(f).endsWith('.js') && !String(f).includes('node_modules'));
function findApps(dir, depth = 0) {
  if (hasTests(dir)) return [dir];
  if (depth >= 2) return [];
  return readdirSync(dir).filter((n) => n !== 'node_modules' && !n.startsWith('.')).map((n) => path.join(dir, n))
    .filter(isDir).flatMap((d) => findApps(d, depth + 1));
}

function copyOf(app, tag) {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `test-diff-${tag}-`)), path.basename(app));
  cpSync(realpathSync(app), dir, { recursive: true, filter: (src) => !/[\\/](coverage|\.fsdev|\.report\.json)$/.test(src) });
  return dir;
}

/** Istanbul totals of one file's coverage data (lines: per line the largest count of the statements starting there). */
function totals(fc) {
  const s = Object.values(fc.s ?? {});
  const f = Object.values(fc.f ?? {});
  const b = Object.values(fc.b ?? {}).flat();
  const lines = new Map();
  for (const [k, loc] of Object.entries(fc.statementMap ?? {})) {
    const n = fc.s[k] ?? 0;
    lines.set(loc.start.line, Math.max(lines.get(loc.start.line) ?? 0, n));
  }
  const l = [...lines.values()];
  const t = (xs) => `${xs.filter((x) => x > 0).length}/${xs.length}`;
  return { statements: t(s), branches: t(b), functions: t(f), lines: t(l) };
}
function coverageOf(data, appDir) {
  const out = {};
  for (const [file, fc] of Object.entries(data ?? {})) {
    out[path.isAbsolute(file) ? path.relative(appDir, file).split(path.sep).join('/') : file] = totals(fc);
  }
  return out;
}
const readJson = (p) => { try { return JSON.parse(readFileSync(p, 'utf8')); } catch { return undefined; } };

function runFdk(app) {
  const dir = copyOf(app, 'fdk');
  const outcomes = path.join(path.dirname(dir), 'outcomes.jsonl');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--unhandled-rejections=warn', '-r', path.join(repoRoot, 'scripts/test-diff-preload.cjs'), path.join(fdkPkg, 'index.js'), 'test'], {
    cwd: dir, encoding: 'utf8', timeout: 300000, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_PATH: nodePath, FDK_PACKAGE_DIR: fdkPkg, FDK_OUTCOMES: outcomes, NODE_OPTIONS: '' },
  });
  const tests = existsSync(outcomes) ? readFileSync(outcomes, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const coverage = coverageOf(readJson(path.join(dir, '.report.json'))?.coverage, dir);
  rmSync(path.dirname(dir), { recursive: true, force: true });
  return { tests, coverage, ms: Date.now() - t0, status: r.status, tail: `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-5).join('\n') };
}

function runOurs(app) {
  const dir = copyOf(app, 'fsdev');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, 'test', dir, '--no-payloads', '--coverage', '--reporter', 'tap'], {
    cwd: dir, encoding: 'utf8', timeout: 300000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_PATH: nodePath, NODE_OPTIONS: '' },
  });
  const tests = [];
  let last;
  for (const line of r.stdout.split('\n')) {
    const m = /^(not ok|ok) \d+ (.*?)( # SKIP.*)?$/.exec(line);
    if (m) { tests.push(last = { title: m[2], outcome: m[3] ? 'skipped' : m[1] === 'ok' ? 'passed' : 'failed' }); continue; }
    if (last?.outcome === 'failed' && !last.message && line.trim() && !/^\s*(---|\.\.\.)?\s*$/.test(line)) last.message = line.trim().replace(/^(error|message): ?/, '').slice(0, 300);
  }
  const coverage = coverageOf(readJson(path.join(dir, 'coverage/coverage-final.json')), dir);
  rmSync(path.dirname(dir), { recursive: true, force: true });
  return { tests, coverage, ms: Date.now() - t0, status: r.status, tail: r.stderr.trim().split('\n').slice(-5).join('\n') };
}

const report = [];
let differences = 0;
for (const app of findApps(appsDir)) {
  const fdk = runFdk(app);
  const ours = runOurs(app);
  // mocha's TAP reporter drops '#' from titles (TAP's comment mark): compared without it.
  for (const t of [...fdk.tests, ...ours.tests]) t.title = t.title.replace(/#/g, '');
  const titles = [...new Set([...fdk.tests.map((t) => t.title), ...ours.tests.map((t) => t.title)])];
  const tests = titles.map((title) => {
    const a = fdk.tests.find((t) => t.title === title);
    const b = ours.tests.find((t) => t.title === title);
    const same = a?.outcome === b?.outcome;
    if (!same) differences++;
    return { title, fdk: a?.outcome ?? '-', fsdev: b?.outcome ?? '-', same, ...(!same ? { fdkMessage: a?.message, fsdevMessage: b?.message } : {}) };
  });
  const files = [...new Set([...Object.keys(fdk.coverage), ...Object.keys(ours.coverage)])].sort();
  const coverage = files.map((file) => {
    const a = fdk.coverage[file];
    const b = ours.coverage[file];
    const same = JSON.stringify(a) === JSON.stringify(b);
    if (!same) differences++;
    return { file, fdk: a, fsdev: b, same };
  });
  report.push({ app: path.relative(appsDir, app) || path.basename(app), fdkMs: fdk.ms, fsdevMs: ours.ms, tests, coverage,
    ...(fdk.tests.length === 0 ? { fdkTail: fdk.tail } : {}), ...(ours.tests.length === 0 ? { fsdevTail: ours.tail } : {}) });
}

if (json) process.stdout.write(`${JSON.stringify({ differences, apps: report }, null, 2)}\n`);
else {
  const metrics = ['statements', 'branches', 'functions', 'lines'];
  for (const a of report) {
    console.log(`\n${a.app}   (fdk ${(a.fdkMs / 1000).toFixed(1)} s, fsdev ${(a.fsdevMs / 1000).toFixed(1)} s)`);
    if (a.fdkTail) console.log(`  fdk reported no test:\n    ${a.fdkTail.split('\n').join('\n    ')}`);
    if (a.fsdevTail) console.log(`  fsdev reported no test:\n    ${a.fsdevTail.split('\n').join('\n    ')}`);
    for (const t of a.tests) {
      console.log(`  ${t.same ? ' ' : '≠'} fdk ${t.fdk.padEnd(7)} fsdev ${t.fsdev.padEnd(7)} ${t.title}`);
      if (!t.same) for (const k of ['fdkMessage', 'fsdevMessage']) if (t[k]) console.log(`        ${k.replace('Message', '')}: ${t[k]}`);
    }
    for (const c of a.coverage) {
      const cell = (x) => (x ? metrics.map((m) => x[m].padStart(7)).join(' ') : '   (no coverage)   ');
      console.log(`  ${c.same ? ' ' : '≠'} ${c.file}\n        fdk   ${cell(c.fdk)}   (statements branches functions lines)\n        fsdev ${cell(c.fsdev)}`);
    }
  }
  console.log(`\n${report.length} app(s), ${report.reduce((n, a) => n + a.tests.length, 0)} test(s), ${differences} difference(s).`);
}
process.exitCode = differences ? 1 : 0;
