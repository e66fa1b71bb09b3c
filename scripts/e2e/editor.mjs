// code-server lifecycle for the real-editor harness: prepare an extensions folder (our .vsix plus the
// test-driver extension), write a throwaway user-data dir, start code-server on a free loopback port in its
// own process group, and stop the whole group. Used by scripts/e2e/run.mjs (one shared server for all test
// files) and by test/e2e/harness.mjs (a private server when a test needs other flags, e.g. untrusted).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths as installPaths } from './install.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXTENSION_ID = 'freshsales-devtools.freshsales-devtools';
export const DRIVER_ID = 'freshsales-devtools.freshsales-devtools-test-driver';
const log = (msg) => console.log(`[e2e] ${msg}`);

// XDG_CONFIG_HOME: code-server writes a default config.yaml there on every start; keep it in the cache.
export function codeServerEnv(p = installPaths()) {
  return { ...process.env, PATH: `${p.nodeBinDir}${path.delimiter}${process.env.PATH}`, XDG_CONFIG_HOME: path.join(p.cache, 'xdg-config') };
}

/** A fresh temp folder; under $FSDEV_E2E_TMP when run.mjs set it, so one rm cleans a whole run. */
export function makeTempDir(prefix) {
  const base = process.env.FSDEV_E2E_TMP || tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `${prefix}-`));
}

/** Run code-server's CLI (install-extension and the like); throws with its output on failure. */
export function codeServerCli(args, p = installPaths()) {
  const r = spawnSync(p.node, [p.codeServerEntry, ...args], { encoding: 'utf8', env: codeServerEnv(p), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Fill an extensions folder: install the .vsix through code-server's CLI (as a user would), then copy the
 * test-driver extension (test/vscode/driver + the suite in test/vscode/suite) beside it.
 */
export function prepareExtensions({ vsix, extDir, withDriver = true }) {
  mkdirSync(extDir, { recursive: true });
  log(`installing ${path.relative(ROOT, vsix) || vsix} into ${extDir}`);
  const out = codeServerCli(['--extensions-dir', extDir, '--install-extension', vsix]);
  if (!/successfully installed|already installed/i.test(out)) log(`code-server said: ${out.trim()}`);
  if (withDriver) installDriver(extDir);
  return extDir;
}

export function installDriver(extDir) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'test/vscode/driver/package.json'), 'utf8'));
  const dest = path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(dest, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'test/vscode/driver'), dest, { recursive: true });
  cpSync(path.join(ROOT, 'test/vscode/suite'), path.join(dest, 'suite'), { recursive: true });
  registerInProfile(extDir, `${pkg.publisher}.${pkg.name}`, pkg.version, dest);
  return dest;
}

// VS Code lists user extensions in <extensions-dir>/extensions.json once the CLI has installed anything; a
// folder copied in beside them is only loaded if it is listed there too.
function registerInProfile(extDir, id, version, dest) {
  const file = path.join(extDir, 'extensions.json');
  let list = [];
  try { list = JSON.parse(readFileSync(file, 'utf8')); } catch { /* no profile yet: a bare folder is scanned */ }
  if (!Array.isArray(list) || list.length === 0) return;
  list = list.filter((e) => e?.identifier?.id?.toLowerCase() !== id.toLowerCase());
  list.push({
    identifier: { id },
    version,
    location: { $mid: 1, fsPath: dest, external: `file://${dest}`, path: dest, scheme: 'file' },
    relativeLocation: path.basename(dest),
    metadata: { installedTimestamp: Date.now(), source: 'resource' },
  });
  writeFileSync(file, JSON.stringify(list));
}

export function userSettings(extra = {}) {
  return {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.editor.enablePreview': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'json.schemaDownload.enable': false,
    'files.autoSave': 'off',
    'editor.hover.delay': 200,
    // Deterministic typing: what a test types is what lands in the file.
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.autoSurround': 'never',
    'editor.autoIndent': 'none',
    'editor.formatOnType': false,
    'editor.minimap.enabled': false,
    'security.workspace.trust.startupPrompt': 'never',
    ...extra,
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms, isDead) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error('code-server exited during start-up');
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${ms} ms (last: ${last})`);
}

/**
 * Start code-server. Returns { url, port, pid, logFile, userDataDir, extDir, stop() }.
 * trusted: false keeps workspace trust on (no --disable-workspace-trust), for tests of restricted mode.
 */
export async function startCodeServer({ extDir, trusted = true, settings = {}, workDir = makeTempDir('cs'), exitOnSignal = false } = {}) {
  const p = installPaths();
  const userDataDir = path.join(workDir, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(settings), null, 2));
  const port = await freePort();
  const logFile = path.join(workDir, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const args = [p.codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extDir];
  if (trusted) args.push('--disable-workspace-trust');
  const child = spawn(p.node, args, { detached: true, stdio: ['ignore', fd, fd], env: codeServerEnv(p) });
  closeSync(fd);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!exited) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  };
  // Synchronous last resort for process exit (signals, crashes): the group must not outlive us.
  const killSync = () => { if (!exited) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } } };
  process.once('exit', killSync);
  if (exitOnSignal) {
    // A test process (harness) has no cleanup of its own to run: kill the group and go. run.mjs passes false
    // and stops the server in its own signal handler (it also copies logs and removes temp folders).
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => { killSync(); process.exit(130); });
  }
  try {
    await waitForHttp(`${url}/healthz`, 30_000, () => exited);
  } catch (e) {
    killSync();
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    throw new Error(`${e.message}\n--- ${logFile} (tail) ---\n${tail}`);
  }
  return { url, port, pid: child.pid, logFile, userDataDir, extDir, workDir, stop, killSync };
}

/** Copy a fixture app (test/e2e/fixtures/<name>) to a fresh temp folder; returns its path. */
export function copyFixture(fixture) {
  const src = path.isAbsolute(fixture) ? fixture : path.join(ROOT, 'test/e2e/fixtures', fixture);
  if (!existsSync(src)) throw new Error(`fixture ${src} does not exist`);
  const dest = path.join(makeTempDir('app'), path.basename(src));
  cpSync(src, dest, { recursive: true });
  return dest;
}
