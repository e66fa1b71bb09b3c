#!/usr/bin/env node
// `node scripts/validate-diff.mjs <fdk package dir> <folder of apps> [--verbose] [--json <file>] [--jobs n] [--cli path/to/cli.js] [--fdk-from <json>] [--exclude <name>]...`
//
// The real `fdk validate` (fdk 6.9.0) and `fsdev check` side by side, on a copy of every app: per category, how
// many findings fdk reports, how many we do, and how many are matched; `--verbose` lists the unmatched ones,
// `--json` writes every finding and every match. Not part of CI: nothing in the test suite runs fdk.
// `--fdk-from <json>` takes fdk's findings from an earlier run's `--json` instead of running fdk again (fdk 6.9.0
// gives the same findings for the same apps; a full fdk run of 150 apps takes most of an hour): only `fsdev check`
// runs, and an app that file does not name is an error. `--exclude <name>` (repeatable) leaves out the apps whose
// folder name contains it (an app whose app/ holds vendored webpack bundles swamps fdk's counts).
//
// Apps: <folder of apps> itself when it holds a manifest.json, else every folder (links followed, node_modules
// skipped) below it that does. Each is copied into a temporary folder (fs.cpSync with verbatimSymlinks, so
// relative links stay relative; without .git and node_modules), where fdk writes its .report.json and .fdk/,
// and both tools run on the copy; the copies are removed at the end.
//
// Running fdk 6.9.0 offline (it was made for Node 10 and Freshworks' build image):
// - `npm install --omit=dev --legacy-peer-deps --ignore-scripts` in the package folder (the npm package of fdk
//   6.9.0: index.js, lib/, package.json), and `node-gyp rebuild --nodedir=/usr` in node_modules/sqlite3
//   (lib/utils/data-util.js loads a sqlite store even for `validate`).
// - Its addons in ~/.fdk/addon (addon-1.9.3 is the one used below).
// - ~/.fdk/localstore must hold a recent `last_updated`, or fdk's updater tries its update server and exits:
//     {"version_details":{"fdkCli":{"version":"6.9.0"},"addon":{"version":"1.9.3"}},"last_updated":{"time_stamp":4102444800000}}
//   (a time stamp in 2100: the update check then never runs). There is no flag or environment variable for it;
//   this script checks the file and stops with this recipe when it is missing, and never writes it itself.
// - The ajv draft-04 resolve shim: lib/validations/actions.js and schema.js require
//   /app/node_modules/ajv/lib/refs/json-schema-draft-04.json; scripts/fdk-validate-preload.cjs (loaded with
//   `node -r`) resolves /app/node_modules/<x> in fdk's own node_modules, stubs the npm registry look-ups of
//   manifest-dependency.js, refuses every network connection, and logs each ESLint message as a JSON line
//   (FDK_LINT_LOG), since fdk's printed output has no rule names and is cut short for apps with thousands.
//
// Categories: an ESLint finding of fdk is its rule id (`no-unused-vars`; a parse error is `parsing-error`) and
// has a file and a line. fdk's other messages have neither: they are sorted into a category by pattern
// (FDK_CATEGORIES) and name their subject in quotes (`Invalid event: 'onFoo' for product: ...`). Our codes map
// to fdk's categories through the rule registry (RuleMeta.fdkRule); a code without one is `ours:<code>`.
// Matched: the same app and category, and the same file and line where fdk gives them, else the same quoted
// subject where both messages have one; each finding is matched once.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** fdk's messages other than ESLint's, by pattern: the first that matches names the category. */
export const FDK_CATEGORIES = [
  [/^Invalid platform version mentioned in manifest\.json/, 'invalid-platform-version'],
  [/^Platform version 2\.0 will be deprecated/, 'platform-2.0-deprecated'],
  [/^Atleast one product must be mentioned/, 'no-product'],
  [/^Invalid product\(s\) mentioned in manifest\.json|^Invalid product '.*' configured for events/, 'invalid-product'],
  [/^Omniapps is available only/, 'omni-products'],
  [/^Invalid event: /, 'invalid-event'],
  [/^Event callback '.*' is not defined/, 'event-callback-not-defined'],
  [/is already mapped to a callback/, 'event-already-mapped'],
  [/^Invalid key in events array/, 'events-array-invalid-key'],
  [/Error while parsing file containing serverless functions/, 'serverless-parse'],
  [/^Invalid event configuration in server\.js/, 'invalid-event-configuration'],
  [/^Missing locations for product|^Invalid location\(s\)|^Url is either|^Template file|^Icon |^Invalid dimension of icon|^Invalid manifest \/ folder configuration/, 'location'],
  [/^Whitelisted domains must/, 'whitelisted-domains'],
  [/iparam_test_data\.json is deprecated/, 'iparam-test-data-deprecated'],
  [/^Mandatory folder\(s\) missing/, 'config-folder-missing'],
  [/reserved keywords/, 'iparams'],
  [/^Config directory has invalid file/, 'config-invalid-file'],
  [/^Unsupported File\(s\)\. Specify either/, 'iparams-both-kinds'],
  [/iparams?\.(json|html)|iparam|'.*' field|type_attributes|\bdefault value\b/i, 'iparams'],
  [/oauth/i, 'oauth'],
  [/actions?\.json|\baction\b|\bactions\b/i, 'actions'],
  [/dependenc|version of|\bversion\b.*\^|npm/i, 'dependencies'],
  [/request|template/i, 'requests'],
  [/custom object|entit/i, 'custom-objects'],
  [/size/i, 'package-size'],
];

/** The category of one of fdk's non-lint messages (an `Exception occured while validation:` by what it wraps). */
export function fdkCategory(message) {
  const inner = /^Exception occured while validation: (.*)$/s.exec(message);
  const text = inner ? inner[1] : message;
  for (const [re, category] of FDK_CATEGORIES) if (re.test(text)) return category;
  return inner ? 'exception' : 'other';
}

/**
 * fdk names every unexpected config/ file in one message ("Config directory has invalid file(s) - a,b"); we
 * report each on its file: the list counts as one finding per file.
 */
export function splitFdkLists(findings) {
  return findings.flatMap((f) => {
    const m = /^Config directory has invalid file\(s\) - (.*)$/.exec(f.message);
    if (!m || !m[1].includes(',')) return [f];
    return m[1].split(',').map((name) => ({ ...f, message: `Config directory has invalid file(s) - ${name}` }));
  });
}

/** The first name a message quotes ('onFoo'), which fdk's and our messages about one thing share. */
export function subjectOf(message) {
  return /'([^']*)'/.exec(message)?.[1];
}

/** fdk's printed [ERROR] / [WARN] lines that are not ESLint's (those come from the lint log, with rule ids). */
export function parseFdkOutput(text) {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\[(ERROR|WARN)\]\s+(.*)$/.exec(lines[i]) ?? /^(Exception) (occured while validation: .*)$/.exec(lines[i]);
    if (!m) continue;
    let message = m[1] === 'Exception' ? `Exception ${m[2]}` : m[2];
    // A message may go on over indented lines (Invalid location(s): "\n     freshdesk - x").
    while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !/^\s*\[(ERROR|WARN)\]/.test(lines[i + 1])) message += ` ${lines[++i].trim()}`;
    if (/^\S+::\d+: /.test(message)) continue; // an ESLint message: the lint log has it with its rule
    out.push({ severity: m[1] === 'WARN' ? 'warning' : 'error', category: fdkCategory(message), subject: subjectOf(message), message });
  }
  // fdk prints some messages once per product or per pass: each distinct message counts once.
  return out.filter((f, i) => out.findIndex((g) => g.message === f.message) === i);
}

/** fdk's lint log (JSON lines): one finding per ESLint message, with its file and line. */
export function parseLintLog(text) {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((m) => ({
    severity: m.severity === 2 ? 'error' : 'warning', category: m.ruleId ?? 'parsing-error',
    file: m.file ? m.file.split(path.sep).join('/').replace(/^\.\//, '') : undefined, line: m.line, message: m.message,
  }));
}

/** Our rows of `fsdev check --format json`, each with the fdk category of its rule. */
export function ourFindings(rows, fdkRuleOf) {
  return rows.map((r) => ({ severity: r.severity, code: r.code, category: fdkRuleOf(r.code) ?? `ours:${r.code}`, file: r.file, line: r.line,
    subject: subjectOf(r.message), message: r.message }));
}

/**
 * Pairs fdk's findings with ours, one to one, within one app: the same category, and the same file and line
 * where fdk gives a line (the same quoted name first: two unused variables on one line), else the same quoted subject where both have one, else any of the category.
 */
export function matchFindings(fdk, ours) {
  const used = new Set();
  const matched = [];
  const fdkOnly = [];
  const rank = (f, o) => {
    if (o.category !== f.category) return 0;
    if (f.line !== undefined) return o.file === f.file && o.line === f.line ? (subjectOf(f.message) === o.subject ? 4 : 3) : 0;
    if (f.subject !== undefined && o.subject !== undefined) return f.subject === o.subject ? 2 : 0;
    return 1;
  };
  for (const f of fdk) {
    let best = -1;
    let bestRank = 0;
    ours.forEach((o, i) => {
      if (used.has(i)) return;
      const r = rank(f, o);
      if (r > bestRank) { best = i; bestRank = r; }
    });
    if (best < 0) fdkOnly.push(f);
    else { used.add(best); matched.push({ fdk: f, ours: ours[best] }); }
  }
  return { matched, fdkOnly, oursOnly: ours.filter((_, i) => !used.has(i)) };
}

/** Per category: fdk's count, ours, matched; the app named on each unmatched finding. */
export function summarize(results) {
  const by = new Map();
  const row = (c) => by.get(c) ?? by.set(c, { category: c, fdk: 0, ours: 0, matched: 0, fdkOnly: [], oursOnly: [] }).get(c);
  for (const { app, fdk, ours, match } of results) {
    for (const f of fdk) row(f.category).fdk++;
    for (const o of ours) row(o.category).ours++;
    for (const m of match.matched) row(m.fdk.category).matched++;
    for (const f of match.fdkOnly) row(f.category).fdkOnly.push({ app, ...f });
    for (const o of match.oursOnly) row(o.category).oursOnly.push({ app, ...o });
  }
  return [...by.values()].sort((a, b) => b.fdk - a.fdk || b.ours - a.ours || a.category.localeCompare(b.category));
}

/** Folders holding a manifest.json: the folder itself, or below it (links followed once, node_modules skipped). */
export function findApps(dir, depth = 4, seen = new Set()) {
  const real = realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  if (existsSync(path.join(dir, 'manifest.json'))) return [dir];
  if (depth === 0) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    try { if (statSync(p).isDirectory()) out.push(...findApps(p, depth - 1, seen)); } catch { /* a dangling link */ }
  }
  return out;
}

function run(cmd, args, opts) {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : error.killed ? 'timeout' : String(error.code)) : 0, stdout, stderr }));
  });
}

async function main(argv) {
  const valued = new Set(['--json', '--jobs', '--cli', '--fdk-from', '--exclude']);
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const [fdkDir, appsDir] = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1]));
  if (!fdkDir || !appsDir) {
    process.stderr.write('usage: node scripts/validate-diff.mjs <fdk package dir> <folder of apps> [--verbose] [--json <file>] [--jobs n] [--cli path/to/cli.js] [--fdk-from <json>] [--exclude <name>]...\n');
    return 2;
  }
  const fdkIndex = path.resolve(fdkDir, 'index.js');
  const cli = path.resolve(opt('--cli') ?? path.join(repoRoot, 'server/dist/cli.js'));
  if (!existsSync(fdkIndex)) { process.stderr.write(`validate-diff: ${fdkIndex} does not exist\n`); return 2; }
  if (!existsSync(cli)) { process.stderr.write(`validate-diff: ${cli} does not exist (run npm run build)\n`); return 2; }
  const store = path.join(homedir(), '.fdk', 'localstore');
  let stamp;
  try { stamp = JSON.parse(readFileSync(store, 'utf8')).last_updated?.time_stamp; } catch { stamp = undefined; }
  const earlier = opt('--fdk-from') ? new Map(JSON.parse(readFileSync(path.resolve(opt('--fdk-from')), 'utf8')).apps.map((a) => [a.app, a])) : undefined;
  if (!earlier && !(Number(stamp) > Date.now() - 12 * 3600 * 1000)) {
    process.stderr.write(`validate-diff: ${store} has no recent last_updated, so fdk would try its update server and exit. See this script's header.\n`);
    return 2;
  }
  const { loadRules } = await import('./rule-table.mjs');
  const fdkRules = new Map(loadRules().map((r) => [r.code, r.fdkRule]));
  const excluded = argv.flatMap((a, i) => (argv[i - 1] === '--exclude' ? [a] : []));
  const apps = findApps(path.resolve(appsDir)).filter((dir) => !excluded.some((x) => path.relative(path.resolve(appsDir), dir).includes(x)));
  const work = mkdtempSync(path.join(tmpdir(), 'validate-diff-'));
  const preload = path.join(repoRoot, 'scripts/fdk-validate-preload.cjs');
  const results = [];
  let next = 0;
  const one = async (appDir, n) => {
    const name = path.relative(path.resolve(appsDir), appDir) || path.basename(appDir);
    const copy = path.join(work, String(n), 'app');
    cpSync(realpathSync(appDir), copy, { recursive: true, verbatimSymlinks: true, filter: (src) => !/[\\/](node_modules|\.git)$/.test(src) });
    const lintLog = path.join(work, String(n), 'lint.jsonl');
    const before = earlier?.get(name);
    if (earlier && !before) throw new Error(`${opt('--fdk-from')} has no fdk findings for ${name}`);
    const fdkRun = before ? { code: before.fdkExit, stdout: '', stderr: '' } : await run(process.execPath, ['--unhandled-rejections=warn', '-r', preload, fdkIndex, 'validate'],
      { cwd: copy, timeout: 300000, env: { ...process.env, FDK_PACKAGE_DIR: path.resolve(fdkDir), FDK_LINT_LOG: lintLog } });
    const ourRun = await run(process.execPath, [cli, 'check', '--format', 'json', copy], { timeout: 120000 });
    let rows = [];
    try { rows = JSON.parse(ourRun.stdout); } catch { rows = []; }
    // fdk's stored messages are sorted into today's categories (FDK_CATEGORIES may have grown since that run).
    const fdk = splitFdkLists(before ? before.fdk.map((f) => (f.file === undefined ? { ...f, category: fdkCategory(f.message) } : f)) : [...parseLintLog(existsSync(lintLog) ? readFileSync(lintLog, 'utf8') : ''), ...parseFdkOutput(fdkRun.stdout + fdkRun.stderr)]);
    const ours = ourFindings(rows, (code) => fdkRules.get(code));
    results.push({ app: name, fdkExit: fdkRun.code, oursExit: ourRun.code, fdk, ours, match: matchFindings(fdk, ours) });
    process.stderr.write(`\r${results.length}/${apps.length} ${name.slice(0, 60).padEnd(60)}`);
  };
  const worker = async () => { while (next < apps.length) { const n = next++; await one(apps[n], n); } };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Number(opt('--jobs') ?? 2) || 2) }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  results.sort((a, b) => a.app.localeCompare(b.app));
  const summary = summarize(results);
  const pct = (a, b) => (b ? `${Math.round((a / b) * 1000) / 10} %` : '-');
  const lines = [`${results.length} apps; fdk exit 1 in ${results.filter((r) => r.fdkExit === 1).length}, other than 0/1 in ${results.filter((r) => r.fdkExit !== 0 && r.fdkExit !== 1).length}; fsdev check exit 2 in ${results.filter((r) => r.oursExit === 2).length}`,
    '', '| category | fdk | ours | matched | of fdk\'s |', '|---|---|---|---|---|',
    ...summary.map((s) => `| ${s.category} | ${s.fdk} | ${s.ours} | ${s.matched} | ${pct(s.matched, s.fdk)} |`)];
  const total = summary.reduce((t, s) => ({ fdk: t.fdk + s.fdk, ours: t.ours + s.ours, matched: t.matched + s.matched }), { fdk: 0, ours: 0, matched: 0 });
  lines.push(`| **all** | ${total.fdk} | ${total.ours} | ${total.matched} | ${pct(total.matched, total.fdk)} |`);
  if (argv.includes('--verbose')) {
    for (const s of summary) {
      if (!s.fdkOnly.length && !s.oursOnly.length) continue;
      lines.push('', `## ${s.category}`);
      for (const f of s.fdkOnly) lines.push(`  fdk only  ${f.app}${f.file ? `: ${f.file}:${f.line}` : ''}: ${f.message}`);
      for (const o of s.oursOnly) lines.push(`  ours only ${o.app}: ${o.file}:${o.line} ${o.code}: ${o.message}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (opt('--json')) writeFileSync(path.resolve(opt('--json')), JSON.stringify({ summary, apps: results }, null, 1));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
