// The manifest's `dependencies` (exact npm versions), installed into `server/node_modules` before a run, as
// `fdk run` does: fdk compares each listed version with the one installed under server/ and installs the
// missing or different ones with npm (`name@version`). We do the same, with these choices:
// - the manifest's key is the package name (a valid npm name) and its version must be exact, as fdk accepts
//   (fdk 6.9's check looks the version up among the registry's versions and names `^`/`~`): anything else
//   (a range, a tag, `file:`, `git`, a URL) is refused before npm starts, naming the dependency;
// - npm runs with install scripts off (`--ignore-scripts`), no audit, no funding notice, never through a shell
//   (node + npm-cli.js where it can be found), in a process group of its own under the watchdog
//   (reaper.ts): it dies with its parent, however the parent ends;
// - it installs into a staging folder (.fsdev/npm-install-<pid>-*) with `--install-strategy=shallow` (each
//   package with its own dependencies under it), then each package moves into server/node_modules: npm's own
//   install there would remove packages that no package.json lists (everything, in an app without one). Every
//   move path is checked to stay inside the app (real paths: a linked folder cannot lead out); staging folders
//   of processes that are gone are removed at the next install;
// - npm's configuration is the user's, not the app's: `server/.npmrc` (and the user's and global npmrc, and
//   npm_config_* variables) are passed on only for registry, proxy and auth settings; settings that name a
//   program npm may start (`git`, `script-shell`, `node-gyp`, `shell`, `editor`, `browser`, `viewer`) are fixed
//   on the command line, where nothing outranks them: a package with a git dependency cannot be installed;
// - one install at a time per app; an install that fails leaves server/node_modules as it was.
// `fsdev test` installs the manifest's `devDependencies` (test helpers) the same way into `test/node_modules`,
// as `fdk test` does (lib/cli/test.js: prefix test/), and its `dependencies` into server/node_modules.
// Only runs reach this (simulation needs a trusted workspace). Tests point npm at a local fixture registry.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { guard, release } from './reaper';

export type Dependencies = Record<string, string>;

/** Progress of an install, for an editor's progress UI or a terminal. */
export interface InstallProgress { begin(message: string): void; report(message: string): void; end(message: string, ok: boolean): void }

const INSTALL_TIMEOUT_MS = 5 * 60 * 1000;
/** An exact semver version (what the registry lists; no range, tag or other spec). */
const EXACT = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** An npm package name: optional `@scope/`, then URL-safe characters, not starting with `.`, `_` or `-`. */
const NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/i;

/** The manifest's "dependencies" (name → version, as written; a version that is not a string as JSON), or undefined when it lists none. */
export function manifestDependencies(manifest: Record<string, unknown>, key: 'dependencies' | 'devDependencies' = 'dependencies'): Dependencies | undefined {
  const d = manifest[key];
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return undefined;
  const out: Dependencies = {};
  for (const [name, version] of Object.entries(d as Record<string, unknown>)) {
    out[name] = typeof version === 'string' ? version : JSON.stringify(version) ?? String(version);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Why the listed dependencies cannot be installed as fdk would: names that are not npm names, versions that are not exact. */
export function dependencyProblems(deps: Dependencies): string[] {
  const out: string[] = [];
  for (const [name, version] of Object.entries(deps)) {
    if (!NAME.test(name) || name.length > 214 || /^(?:node_modules|favicon\.ico)$/i.test(name)) {
      out.push(`${JSON.stringify(name)} in manifest.json's "dependencies" is not a valid npm package name.`);
    } else if (!EXACT.test(version)) {
      const special = /^[\^~]/.test(version) ? ' (it contains special characters: ^ or ~)' : '';
      const exact = special && EXACT.test(version.slice(1)) ? `: write ${JSON.stringify(version.slice(1))}` : '';
      out.push(`Package '${name}' version ${JSON.stringify(version)} is not an exact version${special}${exact}. `
        + 'fdk accepts exact versions only, such as "1.2.3" (no ranges, tags, file:, git or URL specs).');
    }
  }
  return out;
}

function installedVersion(dir: string, name: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch { return undefined; }
}

/**
 * The `name@version` specs still to install: not in server/node_modules (or the app's node_modules) at the
 * listed version. For dependencies `dependencyProblems` accepts.
 */
export function missingDependencies(appDir: string, deps: Dependencies): string[] {
  return missing(appDir, deps).map(([name, want]) => `${name}@${want}`);
}

/** Where a manifest key's packages go: `dependencies` under server/ (fdk run), `devDependencies` under test/ (fdk test). */
export type DependencyFolder = 'server' | 'test';
const KEY: Record<DependencyFolder, string> = { server: 'dependencies', test: 'devDependencies' };

function missing(appDir: string, deps: Dependencies, folder: DependencyFolder = 'server'): [string, string][] {
  const dirs = [path.join(appDir, folder, 'node_modules'), path.join(appDir, 'node_modules')];
  return Object.entries(deps).filter(([name, want]) => !dirs.some((d) => installedVersion(d, name) === want));
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Install what `missingDependencies` reports. Resolves undefined when everything is in place (nothing to do,
 * or installed), else the reason it could not be done, for the run's result.
 */
export async function ensureDependencies(appDir: string, deps: Dependencies, progress?: InstallProgress,
  folder: DependencyFolder = 'server'): Promise<string | undefined> {
  const problems = dependencyProblems(deps).map((p) => (folder === 'server' ? p : p.replace('"dependencies"', `"${KEY[folder]}"`)));
  if (problems.length) return `The manifest's ${KEY[folder]} cannot be installed:\n${problems.map((p) => `- ${p}`).join('\n')}`;
  const prior = locks.get(appDir) ?? Promise.resolve();
  const mine = prior.then(async () => {
    const todo = missing(appDir, deps, folder);
    return todo.length ? install(appDir, todo, progress, folder) : undefined;
  });
  locks.set(appDir, mine.catch(() => undefined));
  return mine;
}

/** `inner` is `outer` or a path below it. */
function within(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Staging folders (.fsdev/npm-install-<pid>-*) of processes that are gone: an install killed with its parent. */
function removeStaleStaging(fsdevDir: string): void {
  let names: string[];
  try { names = fs.readdirSync(fsdevDir); } catch { return; }
  for (const name of names) {
    const m = /^npm-install-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try { process.kill(Number(m[1]), 0); continue; } catch (e) { if ((e as NodeJS.ErrnoException).code === 'EPERM') continue; }
    try { fs.rmSync(path.join(fsdevDir, name), { recursive: true, force: true }); } catch { /* another install removes it */ }
  }
}

async function install(appDir: string, deps: [string, string][], progress: InstallProgress | undefined, folder: DependencyFolder): Promise<string | undefined> {
  const started = Date.now();
  const specs = deps.map(([name, version]) => `${name}@${version}`);
  const list = specs.join(', ');
  const key = KEY[folder];
  progress?.begin(`Installing the manifest's ${key} into ${folder}/node_modules: ${list}`);
  const fsdevDir = path.join(appDir, '.fsdev');
  const staging = path.join(fsdevDir, `npm-install-${process.pid}-${started.toString(36)}`);
  let made = false;
  try {
    const app = fs.realpathSync(appDir);
    fs.mkdirSync(fsdevDir, { recursive: true });
    if (!within(app, fs.realpathSync(fsdevDir))) throw new Error(`${fsdevDir} leads outside the app`);
    removeStaleStaging(fsdevDir);
    fs.mkdirSync(staging);
    made = true;
    fs.writeFileSync(path.join(staging, 'package.json'), '{ "private": true }\n');
    const failure = await runNpm(staging, specs, appDir, (line) => progress?.report(line));
    if (failure) {
      progress?.end(`Installing ${list} failed`, false);
      return `Installing the manifest's ${key} (${list}) failed: ${failure}\n`
        + `Install them yourself (npm install --prefix ${folder} ${specs.join(' ')}) or correct "${key}" in manifest.json.`;
    }
    const target = path.join(appDir, folder, 'node_modules');
    const installed = path.join(staging, 'node_modules');
    deps.forEach(([name], i) => {
      const from = path.join(installed, name);
      const to = path.join(target, name);
      if (!within(installed, from) || !within(target, to) || from === installed || to === target) throw new Error(`${name} is not a package name`);
      if (!fs.lstatSync(from).isDirectory()) throw new Error(`npm did not install ${name} as a folder`);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      // A linked server/, node_modules or @scope folder must not lead the move (and the replaced folder's removal) out of the app.
      if (!within(app, fs.realpathSync(path.dirname(to)))) throw new Error(`${path.dirname(to)} leads outside the app`);
      if (fs.existsSync(to) || isLink(to)) fs.renameSync(to, path.join(staging, `replaced-${i}`));
      fs.renameSync(from, to);
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    progress?.end(`Installed ${list} into ${folder}/node_modules in ${seconds} s (npm, install scripts off)`, true);
    return undefined;
  } catch (e) {
    progress?.end(`Installing ${list} failed`, false);
    return `Installing the manifest's ${key} (${list}) failed: ${(e as Error).message}`;
  } finally {
    if (made) fs.rmSync(staging, { recursive: true, force: true });
  }
}

function isLink(p: string): boolean {
  try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; }
}

/** The npm settings an app's .npmrc, the user's npm config or the environment may give: where packages come from and how to reach it. */
export function allowedNpmKey(key: string): boolean {
  return /^(?:registry|@[^\s:"'\\]+:registry|proxy|https-proxy|http-proxy|noproxy|no-proxy|strict-ssl|ca|cafile)$/.test(key)
    || /^\/\/[^\s"'\\]+:(?:_authToken|_auth|username|_password|email|always-auth)$/.test(key);
}

/**
 * The lines of an .npmrc (ini, as npm reads it: `key = value`, `;` and `#` comments, `key[]` arrays) that set an
 * allowed key. A `[section]` and everything after it is dropped (npm ignores sections); so is a key in quotes.
 */
export function filterNpmrc(text: string): string {
  const out: string[] = [];
  for (const raw of text.split(/[\r\n]+/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) break;
    const eq = line.indexOf('=');
    if (allowedNpmKey((eq < 0 ? line : line.slice(0, eq)).trim().replace(/\[\]$/, ''))) out.push(line);
  }
  return out.map((l) => `${l}\n`).join('');
}

/** The environment npm gets: npm_config_* variables only for allowed keys (and the cache), as npm reads their names. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) {
    if (!/^npm_config_/i.test(name)) continue;
    let key = name.slice('npm_config_'.length);
    if (!key.startsWith('//')) key = key.replace(/(?!^)_/g, '-').toLowerCase();
    if (key !== 'cache' && !allowedNpmKey(key)) delete env[name];
  }
  return env;
}

const envValue = (name: string): string | undefined =>
  Object.entries(process.env).find(([k, v]) => k.toLowerCase() === name && v)?.[1];

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

/** How npm is started: node and npm-cli.js (never a shell), or, on POSIX when no npm-cli.js is found, `npm` from PATH. */
export function findNpm(): { node: string; cli?: string } | undefined {
  const win = process.platform === 'win32';
  const nodes: string[] = [];
  if (!process.versions.electron) nodes.push(process.execPath); // not VS Code's own executable
  const pathVar = Object.entries(process.env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] ?? '';
  for (const dir of pathVar.split(path.delimiter)) {
    const node = dir && path.join(dir.replace(/^"(.*)"$/, '$1'), win ? 'node.exe' : 'node');
    if (node && isFile(node)) { nodes.push(node); break; }
  }
  const real = (p: string) => { try { return fs.realpathSync(p); } catch { return p; } };
  const execpath = envValue('npm_execpath');
  if (nodes.length && execpath && path.basename(execpath) === 'npm-cli.js' && isFile(execpath)) return { node: nodes[0], cli: execpath };
  for (const node of nodes) {
    const dir = path.dirname(real(node));
    const cli = win ? path.join(dir, 'node_modules', 'npm', 'bin', 'npm-cli.js') : path.join(dir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (isFile(cli)) return { node: real(node), cli };
  }
  return win ? undefined : { node: 'npm' };
}

/**
 * npm's configuration for an install in `staging`: the app's server/.npmrc, the user's and the global npmrc,
 * each reduced to the allowed keys, written into staging (project, user and global config); the settings that
 * name a program fixed on the command line to one that does not exist.
 */
function npmConfig(appDir: string, staging: string, node: string): string[] {
  const filtered = (from: string, to: string) => {
    let text = '';
    try { text = filterNpmrc(fs.readFileSync(from, 'utf8')); } catch { /* none */ }
    fs.writeFileSync(path.join(staging, to), text);
    return path.join(staging, to);
  };
  filtered(path.join(appDir, 'server', '.npmrc'), '.npmrc');
  const user = filtered(envValue('npm_config_userconfig') ?? path.join(os.homedir(), '.npmrc'), 'user.npmrc');
  // Where npm looks for its global config: $PREFIX, else its node's prefix.
  const prefix = envValue('prefix') ?? (process.platform === 'win32' ? path.dirname(node) : path.dirname(path.dirname(node)));
  const global = filtered(envValue('npm_config_globalconfig') ?? path.join(prefix, 'etc', 'npmrc'), 'global.npmrc');
  const none = path.join(staging, 'no-such-program');
  return [...['git', 'script-shell', 'node-gyp', 'shell', 'editor', 'browser', 'viewer'].map((k) => `--${k}=${none}`),
    `--userconfig=${user}`, `--globalconfig=${global}`, `--prefix=${staging}`];
}

/** Run npm; resolves undefined on success, else what went wrong (npm's own error lines). */
function runNpm(cwd: string, specs: string[], appDir: string, onLine: (line: string) => void): Promise<string | undefined> {
  const npm = findNpm();
  if (!npm) return Promise.resolve('npm was not found (no npm-cli.js beside node.exe on PATH, nor npm_execpath): install Node.js with npm, or install the packages yourself');
  const args = [...(npm.cli ? [npm.cli] : []), 'install', ...npmConfig(appDir, cwd, npm.node), '--ignore-scripts', '--no-audit', '--no-fund', '--no-save',
    '--no-package-lock', '--install-strategy=shallow', '--loglevel=http', '--no-progress', '--no-update-notifier', '--', ...specs];
  // Its own process group on POSIX, so the watchdog and the time limit end npm and whatever it started.
  const group = process.platform !== 'win32';
  return new Promise((resolve) => {
    let errors = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(npm.node, args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, detached: group });
    } catch (e) {
      resolve(`npm could not start (${(e as Error).message})`);
      return;
    }
    guard(child.pid, group);
    const kill = () => { try { if (group && child.pid) process.kill(-child.pid, 'SIGKILL'); else child.kill('SIGKILL'); } catch { /* gone */ } };
    const timer = setTimeout(() => { kill(); errors += `\nnpm did not finish within ${INSTALL_TIMEOUT_MS / 60000} minutes`; }, INSTALL_TIMEOUT_MS);
    let partial = '';
    const onData = (d: Buffer) => {
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const fetched = /^npm http fetch GET (\d+) (\S+)/.exec(line);
        if (fetched) onLine(`${fetched[1] === '200' ? 'fetched' : `GET ${fetched[1]}`} ${decodeURIComponent(fetched[2].replace(/^.*\/-\//, '').replace(/^https?:\/\/[^/]+\//, ''))}`);
        if (/^npm (error|ERR!)/.test(line)) errors += `${line}\n`;
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      release(child.pid, group);
      resolve(e.code === 'ENOENT' ? `npm was not found (${npm.node} is not on PATH): install Node.js with npm, or install the packages yourself` : e.message);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      kill(); // what npm started and left behind
      release(child.pid, group);
      if (code === 0) resolve(undefined);
      else {
        const git = /\bgit\b/i.test(errors) ? '\n(fsdev runs npm without git: a package with a git dependency cannot be installed here)' : '';
        resolve(`npm exited with code ${code ?? 'null'}${errors ? `:\n${errors.trim().split('\n').slice(-12).join('\n')}` : ''}${git}`);
      }
    });
  });
}
