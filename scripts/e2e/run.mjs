#!/usr/bin/env node
// `npm run test:e2e`: real-editor tests of the packaged extension.
//   node scripts/e2e/run.mjs                         all of test/e2e/*.test.mjs
//   node scripts/e2e/run.mjs test/e2e/hover.test.mjs one file (or several)
// Steps: install the toolchain into the cache if needed (scripts/e2e/install.mjs) -> `npm run package` ->
// install the .vsix (+ the test driver) into a fresh extensions folder -> start ONE code-server shared by all
// test files -> `node --test` the files (each opens its own Chromium window on its own copy of a fixture
// app) -> always stop code-server and remove the temp folders, also on failure and Ctrl+C.
// Env: FSDEV_E2E_CACHE (toolchain cache), FSDEV_E2E_VSIX (use this .vsix, skip `npm run package`),
//      FSDEV_E2E_KEEP=1 (keep temp folders), FSDEV_E2E_TIMEOUT (ms per test file, default 240000).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureInstalled } from './install.mjs';
import { ROOT, prepareExtensions, startCodeServer } from './editor.mjs';

const t0 = Date.now();
const log = (msg) => console.log(`[e2e] ${msg}`);
const fail = (msg, code = 1) => {
  console.error(`\n[e2e] FAILED: ${msg}`);
  process.exitCode = code;
};
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');

function testFiles(argv) {
  const args = argv.filter((a) => !a.startsWith('--'));
  if (args.length) {
    const missing = args.filter((f) => !existsSync(path.resolve(f)));
    if (missing.length) throw new Error(`no such test file: ${missing.join(', ')}`);
    return args.map((f) => path.resolve(f));
  }
  const dir = path.join(ROOT, 'test', 'e2e');
  return readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(dir, f));
}

function packageExtension() {
  if (process.env.FSDEV_E2E_VSIX) {
    const vsix = path.resolve(process.env.FSDEV_E2E_VSIX);
    if (!existsSync(vsix)) throw new Error(`FSDEV_E2E_VSIX=${vsix} does not exist`);
    log(`using prebuilt ${vsix} (FSDEV_E2E_VSIX)`);
    return vsix;
  }
  log('packaging the extension: npm run package');
  const vsix = path.join(ROOT, 'freshsales-devtools.vsix');
  rmSync(vsix, { force: true });
  // stdin closed: vsce must not sit on an interactive prompt; its question then shows in the output.
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(vsix)) {
    throw new Error('`npm run package` failed (the project does not package yet: see the build/vsce output above; '
      + 'this is the extension\'s state, not the harness). Fix it, or run with FSDEV_E2E_VSIX=<file.vsix>.');
  }
  return vsix;
}

let server;
let runTmp;
let child;
let stopping;
async function cleanup() {
  if (stopping) return stopping;
  stopping = (async () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    if (server) {
      try {
        mkdirSync(ARTIFACTS, { recursive: true });
        cpSync(server.logFile, path.join(ARTIFACTS, 'code-server.log'));
        const logs = path.join(server.userDataDir, 'logs');
        if (existsSync(logs)) cpSync(logs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
      } catch { /* best effort */ }
      await server.stop();
      log(`stopped code-server (pid ${server.pid})`);
    }
    if (runTmp && process.env.FSDEV_E2E_KEEP !== '1') rmSync(runTmp, { recursive: true, force: true });
    else if (runTmp) log(`kept ${runTmp}`);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`\n[e2e] ${sig}: stopping what was started`);
    await cleanup();
    process.exit(130);
  });
}

async function main() {
  const files = testFiles(process.argv.slice(2));
  let install;
  try {
    install = ensureInstalled();
  } catch (e) {
    return fail(`installing the toolchain: ${e.message}`, 2);
  }
  log(`toolchain ready (${secs()})`);

  let vsix;
  try {
    vsix = packageExtension();
  } catch (e) {
    return fail(e.message);
  }
  log(`packaged ${path.relative(ROOT, vsix)} (${secs()})`);

  // Not wiped: other suites may write here too. Screenshots of this run are listed at the end.
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of ['code-server.log', 'vscode-logs']) rmSync(path.join(ARTIFACTS, f), { recursive: true, force: true });
  runTmp = path.join(tmpdir(), `fsdev-e2e-${process.pid}`);
  process.env.FSDEV_E2E_TMP = runTmp;
  const extDir = path.join(runTmp, 'ext');
  try {
    prepareExtensions({ vsix, extDir });
    server = await startCodeServer({ extDir, workDir: path.join(runTmp, 'shared') });
  } catch (e) {
    return fail(`starting code-server: ${e.message}`);
  }
  log(`code-server ${server.url} (pid ${server.pid}) ready (${secs()}); running ${files.length} test file(s)`);

  const env = { ...process.env, FSDEV_E2E_URL: server.url, FSDEV_E2E_EXT_DIR: extDir, FSDEV_E2E_TMP: runTmp,
    FSDEV_E2E_ARTIFACTS: ARTIFACTS, FSDEV_E2E_CACHE: install.cache };
  const timeout = process.env.FSDEV_E2E_TIMEOUT || '240000';
  const code = await new Promise((resolve) => {
    child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', `--test-timeout=${timeout}`, ...files],
      { cwd: ROOT, env, stdio: 'inherit' });
    child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
  });
  const shotList = path.join(runTmp, 'screenshots.txt');
  const shots = existsSync(shotList) ? readFileSync(shotList, 'utf8').split('\n').filter(Boolean) : [];
  for (const s of shots) log(`screenshot: ${path.relative(ROOT, s)}`);
  log(`tests finished with exit code ${code} (${secs()}); code-server and VS Code logs in ${path.relative(ROOT, ARTIFACTS)}/`);
  if (code !== 0) process.exitCode = code;
}

try {
  await main();
} catch (e) {
  fail(e.stack || e.message);
} finally {
  await cleanup();
  log(`total ${secs()}`);
}
