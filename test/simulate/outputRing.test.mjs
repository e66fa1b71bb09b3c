// The test child's output ring (server/src/testing/outputRing.ts): what goes in comes out, per descriptor, in
// order, whole, across the ring's wrap and past its size; and with its writer thread, nothing is lost when the
// main thread then blocks for ever or exits at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bundle } from './helpers.mjs';

const ringModule = bundle('server/src/testing/outputRing.ts', 'outputRing');
const threadScript = bundle('server/src/testing/outputThread.ts', 'testOutput');
const { createRing, drain, RingWriter } = await import(ringModule);

test('records of every size, to two descriptors, come out whole and in order through a small ring that wraps', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-ring-'));
  try {
    const files = [path.join(dir, 'a'), path.join(dir, 'b')];
    const fds = files.map((f) => openSync(f, 'w'));
    const writer = new RingWriter(createRing(64));
    const expected = ['', ''];
    // Pseudo-random sizes (0 to 25 bytes: up to 16 through the 64-byte ring, larger ones written directly) and drains at pseudo-random moments, so the ring wraps at every offset and records end exactly at its end
    // and exactly at the drained point.
    let seed = 7;
    const next = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let i = 0; i < 50_000; i++) {
      const which = next(3) === 0 ? 1 : 0;
      const text = 'é€x0123456789abcdefghij'.slice(0, next(22));
      expected[which] += text;
      writer.write(fds[which], next(7) === 0 ? Buffer.from(text) : text);
      if (next(5) === 0) drain(writer.ring, false);
    }
    writer.flush();
    fds.forEach((fd) => closeSync(fd));
    assert.equal(readFileSync(files[0], 'utf8'), expected[0]);
    assert.equal(readFileSync(files[1], 'utf8'), expected[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A process that writes `lines` numbered lines to stdout through the ring and its thread, then does `then`. */
function writerProcess(lines, then) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-ring-'));
  const script = path.join(dir, 'writer.js');
  writeFileSync(script, [
    `const { startOutputThread } = require(${JSON.stringify(ringModule)});`,
    `const out = startOutputThread(${JSON.stringify(threadScript)});`,
    `for (let i = 0; i < ${lines}; i++) out.write(1, 'line ' + i + '\\n');`,
    "out.write(3 - 1, 'last\\n');",
    then,
  ].join('\n'));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  return { child, dir, out: () => stdout, err: () => stderr };
}

const numbered = (n) => Array.from({ length: n }, (_, i) => `line ${i}\n`).join('');

test('with the writer thread, all output gets out while the main thread is stuck in a loop (as a hung test is)', async () => {
  const p = writerProcess(50_000, 'for (;;) {}');
  try {
    const deadline = Date.now() + 20_000;
    while ((p.out().length < numbered(50_000).length || !p.err().includes('last')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(p.out(), numbered(50_000));
    assert.equal(p.err(), 'last\n');
    assert.equal(p.child.exitCode, null, 'the main thread is still looping');
  } finally {
    p.child.kill('SIGKILL');
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('with the writer thread, output written just before process.exit is all out (the exit drains the ring)', async () => {
  const p = writerProcess(50_000, 'process.on("exit", () => out.flush()); process.exit(0);');
  try {
    const code = await new Promise((r) => p.child.on('close', r));
    assert.equal(code, 0);
    assert.equal(p.out(), numbered(50_000));
    assert.equal(p.err(), 'last\n');
  } finally {
    rmSync(p.dir, { recursive: true, force: true });
  }
});
