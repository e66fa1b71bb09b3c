// Shared bench helpers: timing, median / p95, peak RSS of a child process, and a compact table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank 95th percentile. */
export function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
}

/** Runs `fn` `warmup` times untimed, then `iterations` times timed (ms). */
export function measure(fn, { warmup = 5, iterations = 30 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), p95: p95(times), n: iterations, times };
}

/** Wall time (ms) of a child process, spawned synchronously `runs` times after one warm-up run. */
export function measureProcess(cmd, args, { runs = 10, cwd } = {}) {
  spawnSync(cmd, args, { cwd, stdio: 'ignore' });
  const times = [];
  let status;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, stdio: 'ignore' });
    times.push(performance.now() - t0);
    status = r.status;
  }
  return { median: median(times), p95: p95(times), n: runs, status };
}

/** Peak resident set size (KB) of one run of a command: /usr/bin/time -v when present, else a preload hook. */
export function peakRssKb(cmd, args, { cwd } = {}) {
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8' });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (m) return { kb: Number(m[1]), how: '/usr/bin/time -v' };
  }
  if (cmd !== process.execPath && cmd !== 'node') return { kb: NaN, how: 'unavailable' };
  const hook = "process.on('exit',()=>process.stderr.write('\\nMAXRSS '+process.resourceUsage().maxRSS+'\\n'))";
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, ...args], { cwd, encoding: 'utf8' });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { kb: m ? Number(m[1]) : NaN, how: 'process.resourceUsage' };
}

export const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + ' ms';

/** Prints rows (arrays of cells) as an aligned table under a header row. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) console.log(fmt(r));
}
