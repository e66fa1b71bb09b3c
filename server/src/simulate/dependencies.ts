// The manifest's `dependencies` (exact npm versions), installed into `server/node_modules` before a run, as
// `fdk run` does: fdk compares each listed version with the one installed under server/ and installs the
// missing or different ones with npm (`name@version`). We do the same, with these choices:
// - npm runs with install scripts off (`--ignore-scripts`), no audit, no funding notice;
// - it installs into a staging folder (.fsdev/npm-install-*) with `--install-strategy=shallow` (each package
//   with its own dependencies under it), then each package moves into server/node_modules: npm's own
//   install there would remove packages that no package.json lists (everything, in an app without one);
// - `server/.npmrc` is honoured (a private registry, a proxy), as npm would in server/;
// - one install at a time per app; an install that fails leaves server/node_modules as it was.
// Only runs reach this (simulation needs a trusted workspace). Tests point npm at a local fixture registry.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Dependencies = Record<string, string>;

/** Progress of an install, for an editor's progress UI or a terminal. */
export interface InstallProgress { begin(message: string): void; report(message: string): void; end(message: string, ok: boolean): void }

const INSTALL_TIMEOUT_MS = 5 * 60 * 1000;
const EXACT = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/;

/** The manifest's "dependencies" (name → version), or undefined when it lists none. */
export function manifestDependencies(manifest: Record<string, unknown>): Dependencies | undefined {
  const d = manifest.dependencies;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return undefined;
  const out: Dependencies = {};
  for (const [name, version] of Object.entries(d as Record<string, unknown>)) {
    if (typeof version === 'string' && /^(@[\w.-]+\/)?[\w.-]+$/.test(name)) out[name] = version;
  }
  return Object.keys(out).length ? out : undefined;
}

function installedVersion(dir: string, name: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch { return undefined; }
}

/**
 * The `name@version` specs still to install: not in server/node_modules (or the app's node_modules) at the
 * listed version. A version that is not exact (fdk rejects those) is satisfied by any installed version.
 */
export function missingDependencies(appDir: string, deps: Dependencies): string[] {
  const dirs = [path.join(appDir, 'server', 'node_modules'), path.join(appDir, 'node_modules')];
  return Object.entries(deps).filter(([name, want]) => {
    const have = dirs.map((d) => installedVersion(d, name)).filter((v): v is string => v !== undefined);
    return EXACT.test(want) ? !have.includes(want) : have.length === 0;
  }).map(([name, want]) => `${name}@${want}`);
}

const nameOf = (spec: string) => spec.slice(0, spec.lastIndexOf('@') > 0 ? spec.lastIndexOf('@') : spec.length);

const locks = new Map<string, Promise<unknown>>();

/**
 * Install what `missingDependencies` reports. Resolves undefined when everything is in place (nothing to do,
 * or installed), else the reason it could not be done, for the run's result.
 */
export async function ensureDependencies(appDir: string, deps: Dependencies, progress?: InstallProgress,
  npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm'): Promise<string | undefined> {
  const prior = locks.get(appDir) ?? Promise.resolve();
  const mine = prior.then(async () => {
    const specs = missingDependencies(appDir, deps);
    if (specs.length === 0) return undefined;
    return install(appDir, specs, progress, npmCommand);
  });
  locks.set(appDir, mine.catch(() => undefined));
  return mine;
}

async function install(appDir: string, specs: string[], progress: InstallProgress | undefined, npm: string): Promise<string | undefined> {
  const started = Date.now();
  const list = specs.join(', ');
  progress?.begin(`Installing the manifest's dependencies into server/node_modules: ${list}`);
  const staging = path.join(appDir, '.fsdev', `npm-install-${process.pid}-${started.toString(36)}`);
  try {
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, 'package.json'), '{ "private": true }\n');
    const npmrc = path.join(appDir, 'server', '.npmrc');
    if (fs.existsSync(npmrc)) fs.copyFileSync(npmrc, path.join(staging, '.npmrc'));
    const failure = await runNpm(npm, staging, specs, (line) => progress?.report(line));
    if (failure) {
      progress?.end(`Installing ${list} failed`, false);
      return `Installing the manifest's dependencies (${list}) failed: ${failure}\n`
        + `Install them yourself (npm install --prefix server ${specs.join(' ')}) or correct "dependencies" in manifest.json.`;
    }
    const target = path.join(appDir, 'server', 'node_modules');
    specs.forEach((spec, i) => {
      const name = nameOf(spec);
      const from = path.join(staging, 'node_modules', name);
      const to = path.join(target, name);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (fs.existsSync(to)) fs.renameSync(to, path.join(staging, `replaced-${i}`));
      fs.renameSync(from, to);
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    progress?.end(`Installed ${list} into server/node_modules in ${seconds} s (npm, install scripts off)`, true);
    return undefined;
  } catch (e) {
    progress?.end(`Installing ${list} failed`, false);
    return `Installing the manifest's dependencies (${list}) failed: ${(e as Error).message}`;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Run npm; resolves undefined on success, else what went wrong (npm's own error lines). */
function runNpm(npm: string, cwd: string, specs: string[], onLine: (line: string) => void): Promise<string | undefined> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const args = ['install', ...specs, '--prefix', cwd, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save',
    '--no-package-lock', '--install-strategy=shallow', '--loglevel=http', '--no-progress', '--no-update-notifier'];
  return new Promise((resolve) => {
    let errors = '';
    let child;
    try {
      child = spawn(npm, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    } catch (e) {
      resolve(`npm could not start (${(e as Error).message})`);
      return;
    }
    const timer = setTimeout(() => { child.kill('SIGKILL'); errors += `\nnpm did not finish within ${INSTALL_TIMEOUT_MS / 60000} minutes`; }, INSTALL_TIMEOUT_MS);
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
      resolve(e.code === 'ENOENT' ? `npm was not found (${npm} is not on PATH): install Node.js with npm, or install the packages yourself` : e.message);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else resolve(`npm exited with code ${code ?? 'null'}${errors ? `:\n${errors.trim().split('\n').slice(-12).join('\n')}` : ''}`);
    });
  });
}
