#!/usr/bin/env node
// `node scripts/corpus.mjs <dir> [--cli path/to/cli.js] [--offline] [--no-simulate] [--timeout ms] [--jobs n] [--json]`
//
// Runs `fsdev check --json` and `fsdev simulate --json` (every registered event, with its test payload or the
// bundled default) over every Freshworks app found under <dir>, and prints a summary: crashes, exit codes,
// findings by code, simulation statuses with their first error line. Each app is copied to a temporary folder
// first: simulation writes `.fsdev/` (and may install dependencies), and the corpus stays untouched.
// `--cli` runs another build of fsdev (e.g. main's, for a before/after comparison); registered events are
// always read with this checkout's core so both runs simulate the same list.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const flag = (name) => args.includes(name);
const valued = new Set(['--cli', '--timeout', '--jobs']);
const dir = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
if (!dir) {
  process.stderr.write('usage: node scripts/corpus.mjs <dir> [--cli path/to/cli.js] [--offline] [--no-simulate] [--timeout ms] [--jobs n] [--json]\n');
  process.exit(2);
}
const cli = path.resolve(opt('--cli', path.join(repoRoot, 'server/dist/cli.js')));
const jobs = Math.max(1, Number(opt('--jobs', '2')) || 2);
const timeoutMs = opt('--timeout');
if (!existsSync(cli)) { process.stderr.write(`corpus: ${cli} does not exist (run npm run build)\n`); process.exit(2); }

/** The app model, from this checkout's core, bundled on the fly (esbuild is a dev dependency). */
async function loadAppModel() {
  const { buildSync } = await import('esbuild');
  const out = buildSync({
    entryPoints: [path.join(repoRoot, 'server/src/core/appModel.ts')], bundle: true, platform: 'node', format: 'cjs',
    mainFields: ['module', 'main'], write: false, logLevel: 'silent',
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-corpus-core-')), 'appModel.cjs');
  writeFileSync(file, out.outputFiles[0].text);
  return createRequire(import.meta.url)(file);
}

const SKIP = new Set(['node_modules', '.git', '.fsdev', 'dist', 'coverage']);
/** Folders holding a Freshworks manifest.json (an app's own sub-folders are not searched). */
function findApps(root, depth = 0, out = []) {
  const manifest = path.join(root, 'manifest.json');
  if (existsSync(manifest) && /"platform-version"|"product"\s*:|"modules"\s*:/.test(readFileSync(manifest, 'utf8'))) {
    out.push(root);
    return out;
  }
  if (depth > 6) return out;
  let entries = [];
  try { entries = readdirSync(root, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) findApps(path.join(root, e.name), depth + 1, out);
  return out;
}

function run(argv, cwd) {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...argv], { cwd, timeout: 120000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : `signal ${err.signal ?? err.code}`) : 0, stdout, stderr });
    });
  });
}

const firstLine = (s) => String(s ?? '').split('\n').find((l) => l.trim()) ?? '';
const FRESHSALES = new Set(['freshsales', 'freshworks_crm']);
const CRM_MODULES = new Set(['common', 'contact', 'deal', 'sales_account', 'custom_module', 'appointment', 'task', 'lead',
  'sales_activity', 'phone_call', 'product', 'cpq_document', 'email_conversation', 'user', 'phone', 'user_agent_availability']);

async function checkApp(model, appDir, name) {
  const copy = mkdtempSync(path.join(tmpdir(), 'fsdev-corpus-app-'));
  // verbatimSymlinks: a relative link stays relative (Node would make it absolute, to the corpus: out of the copy).
  cpSync(appDir, copy, { recursive: true, verbatimSymlinks: true, filter: (src) => !/[\\/](\.git|\.fsdev)$/.test(src) });
  const app = { name, products: [], dialect: '?', family: '?', check: {}, runs: [] };
  try {
    try {
      const files = { manifest: { path: 'manifest.json', text: readFileSync(path.join(copy, 'manifest.json'), 'utf8') }, testData: [] };
      const script = path.join(copy, 'server/server.js');
      if (existsSync(script)) files.serverScript = { path: 'server/server.js', text: readFileSync(script, 'utf8') };
      const m = model.buildAppModel(files);
      app.dialect = m.dialect;
      app.products = m.scopes.map((s) => s.name);
      const crm = m.scopes.filter((s) => s.name !== 'common').every((s) => (s.kind === 'product' ? FRESHSALES : CRM_MODULES).has(s.name));
      app.family = crm && m.scopes.length > 0 ? 'freshsales' : 'other';
      app.registrations = m.registrations.map((r) => ({ event: r.event, scope: r.scope }));
    } catch (e) {
      app.modelError = e.message;
      app.registrations = [];
    }
    const c = await run(['check', copy, '--json'], copy);
    let findings;
    try { findings = JSON.parse(c.stdout); } catch { /* reported below */ }
    app.check = {
      exit: c.code, json: Array.isArray(findings), findings: Array.isArray(findings) ? findings : [],
      crash: !(c.code === 0 || c.code === 1 || c.code === 2) || /\n\s+at /.test(c.stderr), stderr: firstLine(c.stderr),
    };
    if (!flag('--no-simulate')) {
      const seen = new Set();
      for (const r of app.registrations) {
        const key = `${r.event}|${r.scope.kind}|${r.scope.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const scopeArgs = app.dialect === '2.0' ? [] : [r.scope.kind === 'module' ? '--module' : '--product', r.scope.name];
        const argv = ['simulate', r.event, copy, ...scopeArgs, '--json', ...(flag('--offline') ? ['--offline'] : []),
          ...(timeoutMs ? ['--timeout', timeoutMs] : [])];
        const s = await run(argv, copy);
        let result;
        try { result = JSON.parse(s.stdout); } catch { /* reported below */ }
        app.runs.push({
          event: r.event, scope: r.scope.name, exit: s.code, status: result?.status ?? 'no-json',
          crash: !result || !(s.code === 0 || s.code === 1),
          error: result ? firstLine(result.error?.message) : firstLine(s.stderr) || firstLine(s.stdout),
          where: result?.error?.file ? `${result.error.file}:${result.error.line ?? ''}` : '',
        });
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  return app;
}

async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

const root = path.resolve(dir);
const appDirs = findApps(root).sort();
const model = await loadAppModel();
const started = Date.now();
const apps = await pool(appDirs, jobs, (a) => checkApp(model, a, path.relative(root, a) || path.basename(a)));

if (flag('--json')) {
  process.stdout.write(JSON.stringify(apps, null, 2) + '\n');
  process.exit(0);
}

const count = (list, key) => list.reduce((m, x) => { const k = key(x); m.set(k, (m.get(k) ?? 0) + 1); return m; }, new Map());
const table = (m) => [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
const out = [];
out.push(`corpus: ${apps.length} apps under ${root} — fsdev ${path.relative(process.cwd(), cli) || cli} — ${((Date.now() - started) / 1000).toFixed(0)} s`);
const fam = count(apps, (a) => a.family);
out.push(`  ${fam.get('freshsales') ?? 0} Freshsales apps, ${fam.get('other') ?? 0} of other products`);
out.push('');
out.push('check:');
out.push(`  crashes: ${apps.filter((a) => a.check.crash).length}${apps.filter((a) => a.check.crash).map((a) => `\n    ${a.name}: exit ${a.check.exit} ${a.check.stderr}`).join('')}`);
const unread = apps.filter((a) => a.modelError);
if (unread.length) out.push(`  apps whose events this script could not read (not simulated): ${unread.map((a) => `\n    ${a.name}: ${a.modelError}`).join('')}`);
out.push(`  stdout not a JSON array: ${apps.filter((a) => !a.check.json).length}${apps.filter((a) => !a.check.json).map((a) => `\n    ${a.name} (exit ${a.check.exit})`).join('')}`);
for (const family of ['freshsales', 'other']) {
  const list = apps.filter((a) => a.family === family);
  if (!list.length) continue;
  out.push(`  exit codes, ${family}: ${table(count(list, (a) => a.check.exit)).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
}
out.push('  findings by code (severity: count in apps):');
const all = apps.flatMap((a) => a.check.findings.map((f) => ({ ...f, app: a.name, family: a.family })));
for (const [key, n] of table(count(all, (f) => `${f.severity} ${f.code}`))) {
  const inApps = new Set(all.filter((f) => `${f.severity} ${f.code}` === key).map((f) => f.app));
  out.push(`    ${key.padEnd(40)} ${String(n).padStart(5)} in ${inApps.size} app(s)`);
}
out.push('  apps with errors:');
for (const a of apps.filter((x) => x.check.findings.some((f) => f.severity === 'error'))) {
  const errs = table(count(a.check.findings.filter((f) => f.severity === 'error'), (f) => f.code));
  out.push(`    [${a.family}] ${a.name} (${a.dialect}, ${a.products.join(' ')}): ${errs.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  const first = a.check.findings.find((f) => f.severity === 'error');
  out.push(`        first: ${first.file}:${first.line} ${first.message.split('\n')[0].slice(0, 160)}`);
}
if (!flag('--no-simulate')) {
  const runs = apps.flatMap((a) => a.runs.map((r) => ({ ...r, app: a.name, family: a.family })));
  out.push('');
  out.push(`simulate: ${runs.length} runs`);
  out.push(`  crashes (fsdev itself): ${runs.filter((r) => r.crash).length}`);
  out.push(`  statuses: ${table(count(runs, (r) => r.status)).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  for (const family of ['freshsales', 'other']) {
    const list = runs.filter((r) => r.family === family);
    if (list.length) out.push(`    ${family}: ${table(count(list, (r) => r.status)).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  }
  out.push('  runs that did not succeed:');
  for (const r of runs.filter((x) => x.status !== 'success')) {
    out.push(`    [${r.family}] ${r.app} ${r.event} (${r.scope}): ${r.status}${r.crash ? ` (exit ${r.exit})` : ''} — ${r.error.slice(0, 200)}${r.where ? ` @ ${r.where}` : ''}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
