// Memory of a fuzz: the two processes that live through all its runs, the parent (a payload generated, planned and
// sent per run) and the reused child (a fresh vm context and server.js per run), kept at about the size of a
// one-run simulation's. Each run's garbage is dead the moment the run ends, but a long-lived V8 process grows
// under steady work: measured on examples/crm-app (`bench/fuzz.mjs`, 10,000 runs), each process ended at about
// twice its one-run size, for three reasons, each answered here:
//
// - the young generation grows whenever as much as it holds has survived since its last growth, and never
//   shrinks back while the process is busy (to 16 MB semi-spaces, 32 MB in all): the child starts with
//   `--max-semi-space-size=1`; the parent, whose command line is the user's, stops the growth at run time;
// - the old generation fills with the runs' garbage up to V8's own limit, about 8 MB above what is live:
//   `Collector` runs a full collection between runs once the old generation has grown a few MB;
// - the optimizing compiler (TurboFan) keeps its zones in per-thread malloc arenas that are not given back and
//   maps a few MB more of the node binary: both processes run without it (`--no-opt`; Ignition and Sparkplug
//   still run). Measured: the parent's own work per run took the same CPU time without it; in the child a
//   handler's hot loop runs slower than under `fsdev simulate` (each run still has the event's full time limit).
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** The V8 flags of a fuzz's child (runner.ts `v8Flags`). */
export const FUZZ_CHILD_FLAGS = ['--max-semi-space-size=1', '--no-opt'];

/** Heap growth (MB) between two collections of a fuzz's parent and child. */
export const COLLECT_STEP_BYTES = 4 * 1024 * 1024;

/**
 * V8's `gc()`, taken without exposing it to later contexts (a handler's sandbox must not gain a `gc` global), or
 * undefined when this Node refuses the flag.
 */
function takeGc(): (() => void) | undefined {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as () => void;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Bytes in use outside the young generation (which its own, cheap collections take care of). */
export function oldGenerationBytes(): number {
  let bytes = 0;
  for (const s of v8.getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) bytes += s.space_used_size;
  return bytes;
}

/** A full collection once the old generation has grown `stepBytes` since the last one (or since it was made). */
export class Collector {
  private readonly gc = takeGc();
  private floor = oldGenerationBytes();
  /** Collections run so far. */
  collections = 0;

  constructor(private readonly stepBytes = COLLECT_STEP_BYTES) {}

  /** Collects when the old generation has grown past the step; true when it did. */
  maybeCollect(): boolean {
    if (!this.gc || oldGenerationBytes() < this.floor + this.stepBytes) return false;
    this.gc();
    this.collections++;
    this.floor = oldGenerationBytes();
    return true;
  }
}

/**
 * The parent of a fuzz (`fsdev fuzz`'s own process), set at run time: its young generation stays at the size it
 * has (1–2 MB semi-spaces) and nothing more is optimized. V8 clamps the growth factor to at least 2 when it reads
 * its command line; a factor set later is taken as given (measured on Node 20). Another engine or version that
 * refuses either flag only keeps the memory it had before.
 */
export function settleFuzzParent(): void {
  for (const flag of ['--semi-space-growth-factor=1', '--no-opt']) {
    try { v8.setFlagsFromString(flag); } catch { /* see above */ }
  }
}
