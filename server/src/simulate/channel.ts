// The pipes between the runner and a handler child, bounded. Node's own IPC channel buffers a message line
// without limit (a child writing one endless line to it grows the parent until V8 throws inside the
// channel, uncaught), so the child gets a plain pipe on fd 3 instead, and both it and the child's stdout are
// read through `splitLines`, which never holds more than `maxLine` characters of an unfinished line.
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface LineSink {
  line(text: string): void;
  /** A line over the bound: `head` is its first `maxLine` characters; the rest is skipped up to its newline. */
  overlong(head: string): void;
}

/**
 * Feed a stream's text to `sink` line by line, holding at most `maxLine` characters of an unfinished line.
 * Returns a function that stops feeding (removes its listeners: a child reused for another run is read afresh).
 */
export function splitLines(stream: Readable, maxLine: number, sink: LineSink): () => void {
  stream.setEncoding('utf8');
  let partial = '';
  let skipping = false;
  const onData = (chunk: string) => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      const piece = nl < 0 ? chunk.slice(from) : chunk.slice(from, nl);
      if (skipping) {
        if (nl < 0) return;
        skipping = false;
      } else if (partial.length + piece.length > maxLine) {
        sink.overlong((partial + piece.slice(0, maxLine - partial.length)));
        partial = '';
        if (nl < 0) { skipping = true; return; }
      } else if (nl < 0) {
        partial += piece;
        return;
      } else {
        const line = partial + piece;
        partial = '';
        sink.line(line);
      }
      from = nl + 1;
    }
  };
  const onEnd = () => { if (partial && !skipping) sink.line(partial); partial = ''; };
  stream.on('data', onData);
  stream.on('end', onEnd);
  return () => { stream.off('data', onData); stream.off('end', onEnd); };
}

/** One message to a child on its fd 3, as a JSON line; the error text when the pipe is gone. */
export function sendLine(proc: ChildProcess, m: object): string | undefined {
  const pipe = proc.stdio[3] as Writable | undefined;
  if (!pipe || pipe.destroyed || !pipe.writable) return 'its message pipe is closed';
  try { pipe.write(`${JSON.stringify(m)}\n`); return undefined; } catch (e) { return (e as Error).message; }
}
