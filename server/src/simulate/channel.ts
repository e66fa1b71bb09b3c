// The fd-3 channel between a parent and its child — the runner and a handler child (runner.js), the test run and
// the test child (testRunner.js) — one implementation for both, with the same bounds:
//
//  - JSON lines both ways on a plain pipe (fd 3), not Node's IPC channel, whose reader buffers a line without limit
//    (a child writing one endless line to it grows the parent until V8 throws inside the channel, uncaught).
//  - Every read, on either side, goes through `splitLines`, which never holds more than `maxLine` characters of
//    an unfinished line: the parent reads the child's messages (and stdout) with it, and the child reads the
//    parent's the same way, with the same bound (`BOUNDS.messageBytes`); a longer line is skipped unread.
//  - Back-pressure: a child's stdout and stderr block when their pipe is full (`blockingStdio`), so a child that
//    floods them waits for its parent instead of queueing output in memory (on Linux, Node's pipes already are).
//  - The child ends when the parent's end of the pipe closes: nothing would ever read its messages.
//
// What the messages are, and how each is checked, is the caller's (simulate/ipc.ts, testing/testMessages.ts).
import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { BOUNDS, clipText } from './ipc';

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

/**
 * The parent's side: read a child's messages from `stream`, bounded, each parsed and checked by `check`
 * (which returns the well-formed message or `{ invalid }`); what does not parse or fit is delivered as `{ invalid }`.
 */
export function readMessages<M>(stream: Readable, check: (raw: unknown) => M | { invalid: string }, deliver: (m: M | { invalid: string }) => void): () => void {
  return splitLines(stream, BOUNDS.messageBytes, {
    line: (text) => {
      let raw: unknown;
      try { raw = JSON.parse(text); } catch { deliver({ invalid: `not JSON: ${clipText(text, 80)}` }); return; }
      deliver(check(raw));
    },
    overlong: () => deliver({ invalid: `a message over ${BOUNDS.messageBytes / 1024 / 1024} MB` }),
  });
}

/** The parent's side: one message to a child on its fd 3, as a JSON line; the error text when the pipe is gone. */
export function sendLine(proc: ChildProcess, m: object): string | undefined {
  const pipe = proc.stdio[3] as Writable | undefined;
  if (!pipe || pipe.destroyed || !pipe.writable) return 'its message pipe is closed';
  try { pipe.write(`${JSON.stringify(m)}\n`); return undefined; } catch (e) { return (e as Error).message; }
}

/** The child's side of fd 3. */
export interface ChildChannel {
  /** One message to the parent. */
  send(m: object): void;
  /** Write out what is pending, end the pipe, then call `then`; later messages are dropped. */
  end(then: () => void): void;
}

/** How a child's lines reach fd 3: by default the socket's own writes; the test child batches them (testing/outputRing.ts). */
export interface LineWriter {
  write(text: string): void;
  /** Everything written so far is out, when this returns. */
  flush(): void;
}

/**
 * The child's side: fd 3 as a channel, or undefined when the process has no fd 3 (started by hand). Each line
 * from the parent that parses is given to `onMessage` (a line over the bound is skipped unread); when the parent's
 * end closes, `gone` is called (the child exits: nothing would read its result). Lines go out through `writer`, if given.
 */
export function openChildChannel(onMessage: (m: unknown) => void, gone: () => void, writer?: LineWriter): ChildChannel | undefined {
  let sock: net.Socket;
  try { sock = new net.Socket({ fd: 3, readable: true, writable: true }); } catch { return undefined; }
  splitLines(sock, BOUNDS.messageBytes, {
    line: (text) => {
      let m: unknown;
      try { m = JSON.parse(text); } catch { return; /* not from our parent */ }
      onMessage(m);
    },
    overlong: () => undefined,
  });
  sock.on('end', gone);
  sock.on('error', gone);
  const out = writer ?? { write: (text: string) => { sock.write(text); }, flush: () => undefined };
  /** Ended (the run finished): a later write (a heartbeat) would fail the socket and end this process before what is queued is written. */
  let closed = false;
  return {
    send(m) {
      if (!closed) out.write(`${JSON.stringify(m)}\n`);
    },
    end(then) {
      out.flush();
      closed = true;
      sock.end(then);
    },
  };
}

/** A child's stdout and stderr block when their pipe is full, as on a terminal (the parent's back-pressure). */
export function blockingStdio(): void {
  for (const s of [process.stdout, process.stderr]) (s as unknown as { _handle?: { setBlocking?(on: boolean): void } })._handle?.setBlocking?.(true);
}
