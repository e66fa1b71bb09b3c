// Children die with their parent, however the parent ends (exit, crash, SIGTERM, SIGINT, even SIGKILL) and
// whatever the child is doing (a `while (true)` blocks its event loop, so nothing the child itself runs can
// be the only guard). One small watchdog process per parent holds the read end of a pipe from the parent
// and the list of live child pids; when the pipe closes (the kernel closes it when the parent dies, by any
// signal) it SIGKILLs every pid still listed, then exits.
//
// Why a separate process rather than a thread inside the child: a worker thread needs `--allow-worker`
// under Node's permission model, and on Node 20 a worker started with `execArgv: []` escapes the model
// (measured: it reads /etc/passwd). Why not process groups: nothing kills a group when its leader is
// SIGKILLed. The watchdog is `/bin/sh` on POSIX (starts in about a millisecond; ignores INT/TERM/HUP so a
// Ctrl-C to the terminal's process group cannot take it down before the children), a Node script on Windows.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const SH_SCRIPT = `trap '' INT TERM HUP
pids=""
while IFS= read -r l; do
  case "$l" in
    +*) pids="$pids \${l#+}" ;;
    -*) n=""; for p in $pids; do [ "$p" = "\${l#-}" ] || n="$n $p"; done; pids="$n" ;;
  esac
done
[ -n "$pids" ] && kill -9 $pids 2>/dev/null
exit 0`;

const NODE_SCRIPT = `for (const s of ['SIGINT','SIGTERM','SIGHUP']) { try { process.on(s, () => {}); } catch {} }
const pids = new Set(); let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1);
  if (l[0] === '+') pids.add(Number(l.slice(1))); else if (l[0] === '-') pids.delete(Number(l.slice(1))); } });
process.stdin.on('close', () => { for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch {} } process.exit(0); });`;

let watchdog: ChildProcess | undefined;
let broken = false;

function start(): ChildProcess | undefined {
  if (broken) return undefined;
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null && watchdog.stdin?.writable) return watchdog;
  try {
    const sh = process.platform !== 'win32' && existsSync('/bin/sh');
    const w = sh
      ? spawn('/bin/sh', ['-c', SH_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'] })
      : spawn(process.execPath, ['-e', NODE_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], windowsHide: true });
    w.on('error', () => { broken = true; });
    w.stdin?.on('error', () => undefined);
    // Never keeps this process alive: when it exits, the pipe closes and the watchdog does its job.
    w.unref();
    (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}

/**
 * Put a child under the watchdog: it is SIGKILLed when this process ends, unless released first. With `group`
 * (POSIX, a child spawned `detached`, so it leads a process group of its own), the whole group is killed: the
 * child and whatever it started.
 */
export function guard(pid: number | undefined, group = false): void {
  if (!pid) return;
  start()?.stdin?.write(`+${group ? -pid : pid}\n`);
}

/** The child has exited: its pid may be reused, so the watchdog must forget it. */
export function release(pid: number | undefined, group = false): void {
  if (!pid || !watchdog?.stdin?.writable) return;
  watchdog.stdin.write(`-${group ? -pid : pid}\n`);
}
