// Compares fdk's lint with ours on a corpus of apps, per rule, at the same file and line. Not part of CI.
//
//   node scripts/lint-diff.mjs <fdk lint logs dir> <apps dir> [--json]
//
// The logs come from fdk 6.9.0 run on a copy of every app (fdk writes into it), one JSONL file per app named
// after the app's folder, written by the preload of /work/fdk (see its README: `FDK_LINT_LOG=<logs>/<app>.jsonl
// node -r preload-validate.cjs <fdk>/index.js validate`, offline; `<app>.done` marks a finished run). fdk's
// `ruleId` is null for a parse error: ours is `eslint/parse-error`. Ours comes from `fsdev check --format json`
// (server/dist/cli.js: `npm run build` first) on the original app folder (check writes nothing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [logs, appsDir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!logs || !appsDir) { console.error('usage: node scripts/lint-diff.mjs <fdk lint logs dir> <apps dir> [--json]'); process.exit(2); }
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../server/dist/cli.js');

const perRule = new Map();
const row = (rule) => { let r = perRule.get(rule); if (!r) { r = { fdk: 0, ours: 0, matched: 0, apps: new Set(), missed: [], extra: [] }; perRule.set(rule, r); } return r; };
let apps = 0; let cappedFiles = 0; let cappedFindings = 0;
for (const name of readdirSync(appsDir).sort()) {
  if (!existsSync(path.join(logs, `${name}.done`))) continue;
  apps++;
  const log = path.join(logs, `${name}.jsonl`);
  const theirs = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const r = spawnSync(process.execPath, [cli, 'check', realpathSync(path.join(appsDir, name)), '--format', 'json'], { encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  let rows = [];
  try { rows = JSON.parse(r.stdout); } catch { console.error(`${name}: fsdev check gave no JSON (${r.status}): ${r.stderr.slice(0, 200)}`); }
  // A file over the cap (100 findings, then eslint/too-many) lists only its first findings: left out of the
  // comparison on both sides (vendored bundles, mostly), and counted apart.
  const capped = new Set(rows.filter((x) => x.code === 'eslint/too-many').map((x) => x.file));
  const ours = rows.filter((x) => /^(eslint|fdk)\//.test(x.code) && !['eslint/skipped', 'eslint/too-many'].includes(x.code) && !capped.has(x.file))
    .map((x) => ({ rule: x.code.replace(/^(eslint|fdk)\//, ''), file: x.file, line: x.line }));
  const all = theirs.map((x) => ({ rule: x.ruleId ?? 'parse-error', file: x.file.split(path.sep).join('/'), line: x.line, message: x.message }));
  const fdk = all.filter((x) => !capped.has(x.file));
  cappedFiles += capped.size; cappedFindings += all.length - fdk.length;
  // Files fdk could not parse get no other finding from fdk: our findings there are counted apart.
  const unparsedByFdk = new Set(fdk.filter((x) => x.rule === 'parse-error').map((x) => x.file));
  const key = (x) => `${x.rule}\u0000${x.file}\u0000${x.line}`;
  const left = new Map();
  for (const x of ours) left.set(key(x), (left.get(key(x)) ?? 0) + 1);
  for (const x of fdk) {
    const rr = row(x.rule); rr.fdk++; rr.apps.add(name);
    const n = left.get(key(x)) ?? 0;
    if (n > 0) { rr.matched++; left.set(key(x), n - 1); } else rr.missed.push(`${name}/${x.file}:${x.line} ${x.message ?? ''}`);
  }
  const unmatched = new Map(left);
  for (const x of ours) {
    const rr = row(x.rule); rr.ours++;
    const n = unmatched.get(key(x)) ?? 0;
    if (n > 0) {
      unmatched.set(key(x), n - 1);
      if (unparsedByFdk.has(x.file)) rr.inUnparsed = (rr.inUnparsed ?? 0) + 1; else rr.extra.push(`${name}/${x.file}:${x.line}`);
    }
  }
}

const rules = [...perRule.entries()].sort((a, b) => b[1].fdk - a[1].fdk);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ apps, cappedFiles, cappedFindings, rules: Object.fromEntries(rules.map(([k, v]) => [k, { ...v, apps: v.apps.size }])) }, null, 2));
} else {
  console.log(`${apps} apps with a finished fdk run; ${cappedFiles} files over our cap of 100 findings left out (${cappedFindings} fdk findings)\n`);
  console.log("| rule | fdk | ours | matched | % of fdk matched | ours, not fdk's (+ in files fdk could not parse) | fdk apps |\n|---|---|---|---|---|---|---|");
  for (const [rule, v] of rules) console.log(`| ${rule} | ${v.fdk} | ${v.ours} | ${v.matched} | ${v.fdk ? (100 * v.matched / v.fdk).toFixed(1) : '-'} | ${v.extra.length} (+${v.inUnparsed ?? 0}) | ${v.apps.size} |`);
}
