// Looking at a test's own processes on Linux, by pid (from /proc): their children, whether one is still alive,
// and waiting for a condition with a deadline. Shared by the kill tests (test/simulate/kill.test.mjs) and the
// hostile suite's dependency install (test/hostile/deps.test.mjs).
import { readdirSync, readFileSync } from 'node:fs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Pids whose parent is `ppid` (from /proc). */
export function childrenOf(ppid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

export function alive(pid) {
  try {
    // A zombie is dead: it only waits to be reaped.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch { return false; }
}

export async function waitFor(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
