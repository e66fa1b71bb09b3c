// The test child's output without a system call per test: what it writes to stdout (fd 1), stderr (fd 2) and
// its message pipe (fd 3) goes into a ring of shared memory, and a thread of its own (outputThread.ts) writes it
// out every few milliseconds, each descriptor's bytes of that moment in one write. A quick test made two writes
// (the reporter's line, the channel's message), about half of what it cost against plain mocha.
//
// - Nothing is lost when the main thread blocks: a test stuck in a loop has had its `begin` written by the thread
//   within BATCH_MS, and the parent's time-out then names it, as before.
// - Back-pressure is kept: when the ring is full the main thread drains it itself, with the same blocking writes
//   it made before (the parent stops reading, the tests pause).
// - Order is kept per descriptor (the parent reads each pipe on its own; across pipes it never had an order).
// - Either thread may drain, one at a time (a lock in the ring); the main thread drains what is left before it
//   ends the pipe and on process exit, so an exit loses nothing written before it.
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** How long the writer thread lets output gather after it is woken: the latency of a line, and its batch. */
const BATCH_MS = 4;
const RING_BYTES = 1 << 20;

// Int32 cells of the header; the data follows it.
const HEAD = 0; // where the next record goes (written by the main thread only)
const TAIL = 1; // where the next record to write out is (written under the lock only)
const LOCK = 2; // 1 while a thread drains
const SLEEPING = 3; // 1 while the writer thread waits for the bell
const BELL = 4; // rung by the main thread when there is something to write and the thread sleeps
const HEADER_BYTES = 32;
const RECORD_HEADER = 5; // fd (1 byte), length (4 bytes, little-endian)
const WRAP = 0xff; // in place of an fd: the records go on at the start of the data

export interface Ring {
  shared: SharedArrayBuffer;
  cells: Int32Array;
  data: Buffer;
}

export function createRing(bytes = RING_BYTES): Ring {
  return openRing(new SharedArrayBuffer(HEADER_BYTES + bytes));
}

export function openRing(shared: SharedArrayBuffer): Ring {
  return { shared, cells: new Int32Array(shared, 0, HEADER_BYTES / 4), data: Buffer.from(shared, HEADER_BYTES) };
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Sleep this thread (Atomics.wait on a cell nobody rings). */
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/** Descriptors whose reader has gone (EPIPE, a closed socket): later output to them is dropped, as a dead pipe's. */
const dead = new Set<number>();

/** All of `bytes` to `fd`: a non-blocking descriptor (the message socket) that is full is waited for. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length && !dead.has(fd)) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') sleep(1);
      else dead.add(fd);
    }
  }
}

/**
 * Each descriptor's bytes of one drain, gathered for one write: buffers of this thread, reused from drain to drain
 * (a drain allocates nothing while they are large enough).
 */
const gathered: { bytes: Buffer; length: number }[] = [];

/** Write out everything in the ring, if no other thread is doing so (or, with `wait`, after it). */
export function drain(ring: Ring, wait: boolean): void {
  const { cells, data } = ring;
  while (Atomics.compareExchange(cells, LOCK, 0, 1) !== 0) {
    if (!wait) return;
    Atomics.wait(cells, LOCK, 1, 10);
  }
  try {
    const head = Atomics.load(cells, HEAD);
    let tail = Atomics.load(cells, TAIL);
    while (tail !== head) {
      const fd = data[tail];
      if (fd === WRAP) { tail = 0; continue; }
      const length = data.readUInt32LE(tail + 1);
      const at = tail + RECORD_HEADER;
      const g = gathered[fd] ??= { bytes: Buffer.allocUnsafe(64 * 1024), length: 0 };
      if (g.length + length > g.bytes.length) {
        const larger = Buffer.allocUnsafe(Math.max(g.bytes.length * 2, g.length + length));
        g.bytes.copy(larger, 0, 0, g.length);
        g.bytes = larger;
      }
      data.copy(g.bytes, g.length, at, at + length);
      g.length += length;
      tail = at + length;
      if (tail === data.length) tail = 0;
    }
    gathered.forEach((g, fd) => {
      if (g.length === 0) return;
      writeAll(fd, g.bytes.subarray(0, g.length));
      g.length = 0;
    });
    Atomics.store(cells, TAIL, tail);
  } finally {
    Atomics.store(cells, LOCK, 0);
    Atomics.notify(cells, LOCK);
  }
}

/** The main thread's side: puts output in the ring (draining it itself when full) and wakes the writer thread. */
export class RingWriter {
  /** Set without a writer thread (under a debugger) or when it is gone (it failed to start): every write is then made at once, on this thread. */
  direct = false;

  constructor(private readonly ring: Ring) {}

  /** `fd` below 255 (a record keeps it in a byte). */
  write(fd: number, chunk: string | Uint8Array): void {
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (length === 0) return;
    if (length > this.ring.data.length >> 2 || this.direct) {
      // Over a quarter of the ring: what is before it is written first, then it, on this thread.
      this.flush();
      writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      return;
    }
    const at = this.reserve(RECORD_HEADER + length);
    const { data } = this.ring;
    data[at] = fd;
    data.writeUInt32LE(length, at + 1);
    if (typeof chunk === 'string') data.write(chunk, at + RECORD_HEADER, length, 'utf8');
    else data.set(chunk, at + RECORD_HEADER);
    let head = at + RECORD_HEADER + length;
    if (head === data.length) head = 0;
    const { cells } = this.ring;
    Atomics.store(cells, HEAD, head);
    if (Atomics.load(cells, SLEEPING) === 1) {
      Atomics.store(cells, SLEEPING, 0);
      Atomics.add(cells, BELL, 1);
      Atomics.notify(cells, BELL);
    }
  }

  /** Write out everything put so far, on this thread (after a drain the writer thread is doing). */
  flush(): void {
    drain(this.ring, true);
  }

  /** Where a record of `size` bytes goes: contiguous, never filling the ring (head === tail means empty). */
  private reserve(size: number): number {
    const { cells, data } = this.ring;
    for (;;) {
      const head = Atomics.load(cells, HEAD);
      const tail = Atomics.load(cells, TAIL);
      if (tail > head) {
        if (size < tail - head) return head;
      } else if (size < data.length - head || (size === data.length - head && tail > 0)) {
        return head;
      } else if (size < tail) {
        data[head] = WRAP; // head < data.length here: there is always room for the mark
        return 0;
      }
      this.flush();
    }
  }
}

/**
 * The main thread's writer, with its writer thread started from `script` (outputThread.ts); with `thread` false,
 * every write is made at once (under a debugger: the thread would be one more for it to list and attach to).
 * Should the thread fail or end, what the ring holds is written at once and every later write is direct (a
 * stalled ring would hold the heartbeat back, and the parent would take the child for stuck).
 */
export function startOutputThread(script: string, thread = true): RingWriter {
  const ring = createRing(thread ? RING_BYTES : 64);
  const writer = new RingWriter(ring);
  if (!thread) {
    writer.direct = true;
    return writer;
  }
  const worker = new Worker(script, { workerData: { ring: ring.shared }, stdout: true, stderr: true });
  worker.unref();
  const fallBack = (): void => {
    writer.direct = true;
    writer.flush();
  };
  worker.once('error', fallBack);
  worker.once('exit', fallBack);
  return writer;
}

/** The writer thread's loop: wait for the bell, let a batch gather, write it out; for ever (the thread is unref'd). */
export function writeForever(ring: Ring): never {
  const { cells } = ring;
  for (;;) {
    Atomics.store(cells, SLEEPING, 1);
    const bell = Atomics.load(cells, BELL);
    if (Atomics.load(cells, HEAD) === Atomics.load(cells, TAIL)) Atomics.wait(cells, BELL, bell);
    Atomics.store(cells, SLEEPING, 0);
    sleep(BATCH_MS);
    drain(ring, true);
  }
}
