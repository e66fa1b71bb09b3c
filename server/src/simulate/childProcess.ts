// Starting a handler child: the Node flags that confine it, the pipes, the watchdog, the memory watch.
//
// Confinement (Node's permission model, Node 20+: `--experimental-permission`, `--permission` from 22.13):
// reads only the runner bundle's folder and the app's folder, no file writes, no child processes, no worker
// threads, no native addons. The inspector is disabled under the model, so a Debug run goes without it.
// An older Node (a `nodePath` setting pointing at Node 18) has no model: the run says so in its log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFile, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { guard, release } from './reaper';

export interface ChildSpec {
  nodePath: string;
  runnerScript: string;
  /** The app whose folder the child may read; undefined: a child with no app (reads only the bundle). */
  appDir?: string;
  maxOldSpaceMb: number;
  extraArgs: string[];
  prewarm: boolean;
  /** Run without the permission model, and why (Debug and coverage need the inspector, which it turns off). */
  unconfined?: string;
}

export interface Confinement { flags: string[]; note?: string }

const versions = new Map<string, [number, number] | undefined>();

/** The major and minor version of a node executable (asked once per path), or undefined when it does not run. */
function nodeVersion(nodePath: string): [number, number] | undefined {
  if (nodePath === process.execPath) return process.versions.node.split('.').map(Number).slice(0, 2) as [number, number];
  if (!versions.has(nodePath)) {
    let v: [number, number] | undefined;
    try {
      const r = spawnSync(nodePath, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
      const m = /^(\d+)\.(\d+)/.exec(r.stdout ?? '');
      if (m) v = [Number(m[1]), Number(m[2])];
    } catch { /* not runnable: the spawn reports it */ }
    versions.set(nodePath, v);
  }
  return versions.get(nodePath);
}

function withReal(p: string): string[] {
  try { const r = realpathSync(p); return r === p ? [p] : [p, r]; } catch { return [p]; }
}

/** The flags that confine a child, or a note saying why this Node cannot be confined. */
export function confinement(spec: Pick<ChildSpec, 'nodePath' | 'runnerScript' | 'appDir' | 'unconfined'>): Confinement {
  if (spec.unconfined) return { flags: [], note: `${spec.unconfined}: Node's permission model is off (it disables the inspector), so the handler may read and write any file you can.` };
  const v = nodeVersion(spec.nodePath);
  if (!v) return { flags: [] };
  const [major, minor] = v;
  if (major < 20) {
    return { flags: [], note: `Node ${major} has no permission model: the handler and its packages may read and write any file you can and start processes. Use Node 20 or later to confine them.` };
  }
  const flag = major > 22 || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
  if (!acceptsFlag(spec.nodePath, flag, path.dirname(spec.runnerScript))) {
    return { flags: [], note: `This Node (${spec.nodePath}) does not accept ${flag}: the handler and its packages run unconfined (they may read and write any file you can).` };
  }
  const dirs = [path.dirname(spec.runnerScript), ...(spec.appDir ? [spec.appDir] : [])].flatMap(withReal);
  return { flags: [flag, ...dirs.map((d) => `--allow-fs-read=${d.endsWith(path.sep) ? d : d + path.sep}`)] };
}

const accepted = new Map<string, boolean>();
/**
 * Whether a runtime takes the permission flag. Plain Node 20+ does (no probe: the CLI's cold start stays one
 * process); an Electron runtime (VS Code's own, which runs the server) or another executable is asked once.
 */
function acceptsFlag(nodePath: string, flag: string, readable: string): boolean {
  if (nodePath === process.execPath && !process.versions.electron) return true;
  const key = `${nodePath}\u0000${flag}`;
  if (!accepted.has(key)) {
    let ok = false;
    try {
      const r = spawnSync(nodePath, [flag, `--allow-fs-read=${readable}${path.sep}`, '-e', '0'], { timeout: 10_000, windowsHide: true, stdio: 'ignore' });
      ok = r.status === 0;
    } catch { /* not runnable */ }
    accepted.set(key, ok);
  }
  return accepted.get(key)!;
}

/** Start a child, guarded by the watchdog (it dies with this process). Messages: `proc.stdio[3]`. */
export function startChild(spec: ChildSpec, confine: Confinement): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // VS Code's auto-attach bootloader and friends would slow down or hijack the child
  const proc = spawn(spec.nodePath, [
    ...confine.flags, `--max-old-space-size=${spec.maxOldSpaceMb}`, ...spec.extraArgs,
    spec.runnerScript, ...(spec.prewarm ? ['--prewarm'] : []),
  ], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, cwd: path.dirname(spec.runnerScript), windowsHide: true });
  guard(proc.pid);
  proc.once('exit', () => release(proc.pid));
  return proc;
}

/** Kill a child and let go of everything that ties this process to it (pipes, channel, handle). */
export function discard(proc: ChildProcess): void {
  try { proc.kill('SIGKILL'); } catch { /* gone */ }
  proc.stdout?.removeAllListeners('data');
  for (const s of proc.stdio) (s as Readable | null)?.destroy?.();
  proc.unref();
}

const streams = (proc: ChildProcess) => proc.stdio.filter(Boolean) as unknown as { ref?(): void; unref?(): void }[];
/** An idle child (and its pipes) does not keep this process alive; a running one does. */
export function unrefAll(proc: ChildProcess): void { proc.unref(); for (const s of streams(proc)) s.unref?.(); }
export function refAll(proc: ChildProcess): void { proc.ref(); for (const s of streams(proc)) s.ref?.(); }

/** Does `nodePath` name a file that exists (a bare command name is looked up on PATH by spawn)? */
export function missingNode(nodePath: string): boolean {
  return (path.isAbsolute(nodePath) || nodePath.includes('/') || nodePath.includes('\\')) && !existsSync(nodePath);
}

/**
 * Watch a running child's resident memory (heap, Buffers, ArrayBuffers, worker stacks: all of it), from this
 * process, so a child blocked in a loop cannot hide from it. Linux reads /proc/<pid>/statm; elsewhere there is
 * no cheap reading and only the heap cap applies (the README says so). Polled every 25 ms while a run is on:
 * a loop allocating as fast as memset goes can overshoot by a few hundred MB before it is killed. Calls
 * `over(mb)` once.
 */
export function watchMemory(proc: ChildProcess, limitMb: number, over: (mb: number) => void): () => void {
  if (process.platform !== 'linux' || !proc.pid) return () => undefined;
  const file = `/proc/${proc.pid}/status`;
  let stopped = false;
  const tick = () => readFile(file, 'utf8', (e, text) => {
    if (stopped || e) return;
    const kb = /VmRSS:\s+(\d+) kB/.exec(text);
    if (!kb) return;
    const mb = Number(kb[1]) / 1024;
    if (mb > limitMb) { stopped = true; over(Math.round(mb)); }
  });
  const timer = setInterval(tick, 25);
  timer.unref();
  return () => { stopped = true; clearInterval(timer); };
}
