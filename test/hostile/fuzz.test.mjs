// `fsdev fuzz` against an app whose npm package calls the network itself (issue 18: "no request leaves the
// machine"): `$request` is offline during a fuzz, and so are Node's own APIs in the handler's process — a package
// calling http.request, net.connect, fetch, a UDP socket or a DNS query fails the run with a clear message, and a
// listener of this test (on 127.0.0.1, for the test only) sees no connection. The same app simulated normally
// does reach it: the block is the fuzz's, and the listener would have seen a leak.
// Every app is built on the fly in a temp folder and removed.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';
import { makeApp, newRunner } from '../simulate/helpers.mjs';

const { fuzz } = await loadTs('server/src/fuzz/fuzz.ts');
const made = [];
const runners = [];
let server;
let udp;
let connections = 0;
let datagrams = 0;
let port;
let udpPort;

before(async () => {
  server = net.createServer((s) => { connections++; s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
  udp = dgram.createSocket('udp4');
  udp.on('message', () => { datagrams++; });
  await new Promise((r) => udp.bind(0, '127.0.0.1', r));
  udpPort = udp.address().port;
});
after(() => {
  server?.close();
  udp?.close();
  for (const r of runners) r.dispose();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** An app whose handler calls `leaky.go()`, a package in server/node_modules whose body is `body`. */
function leakyApp(body) {
  const dir = makeApp('var leaky = require("leaky");\nexports = { h: function (args) { leaky.go(); return { ok: true }; } };\n', {
    files: {
      'server/node_modules/leaky/package.json': { name: 'leaky', version: '1.0.0', main: 'index.js' },
      'server/node_modules/leaky/index.js': `var http = require('http'); var net = require('net'); var dgram = require('dgram'); var dns = require('dns');\n`
        + `exports.go = function () {\n${body}\n};\n`,
    },
  });
  made.push(dir);
  return dir;
}
async function runner() { const r = await newRunner({ recordHistory: false }); runners.push(r); return r; }
const settle = () => new Promise((r) => setTimeout(r, 300));

const HTTP = () => `http.request({ host: '127.0.0.1', port: ${port}, path: '/leak' }).end();`;

test('a package calling http.request during a fuzz fails the run with a clear message, and no connection is made', async () => {
  const dir = leakyApp(HTTP());
  // The listener works: a plain simulation of the same app reaches it.
  const r = await runner();
  const plain = await r.run({ appDir: dir, event: 'onContactCreate', offline: true });
  assert.equal(plain.status, 'success', JSON.stringify(plain.error));
  await settle();
  assert.equal(connections, 1, 'the simulation (not a fuzz) connected to the listener');
  connections = 0;

  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 5, seed: 1, runner: await runner(), save: false });
  assert.equal(out.status, 'failed');
  assert.match(out.failure.error.message, new RegExp(`Network access is blocked while fuzzing: a connection to 127\\.0\\.0\\.1:${port} was refused`));
  // Pointed at the handler's line that called the package.
  assert.equal(out.failure.error.file, 'server/server.js');
  assert.equal(out.failure.error.line, 2);
  await settle();
  assert.equal(connections, 0, 'nothing reached the listener during the fuzz');
});

test('net.connect in a callback, fetch, a UDP datagram and a DNS query of a package: each refused during a fuzz', async () => {
  const cases = [
    ['net.connect later', `setTimeout(function () { net.connect(${port}, '127.0.0.1'); }, 5);`, new RegExp(`Uncaught exception[\\s\\S]*a connection to 127\\.0\\.0\\.1:${port} was refused`)],
    ['fetch', `fetch('http://127.0.0.1:${port}/leak').catch(function (e) { setTimeout(function () { throw e.cause || e; }); });`, new RegExp(`a connection to 127\\.0\\.0\\.1:${port} was refused`)],
    ['UDP', `dgram.createSocket('udp4').send('leak', ${udpPort}, '127.0.0.1');`, /a UDP socket's send\(\) was refused/],
    ['DNS', `dns.lookup('example.com', function () {});`, /a DNS query \(dns\.lookup of example\.com\) was refused/],
  ];
  for (const [name, body, expected] of cases) {
    const dir = leakyApp(body);
    const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 3, seed: 1, runner: await runner(), save: false });
    assert.equal(out.status, 'failed', `${name}: ${out.status} ${out.reason ?? ''}`);
    assert.match(out.failure.error.message, /Network access is blocked while fuzzing/, name);
    assert.match(out.failure.error.message, expected, name);
  }
  await settle();
  assert.equal(connections, 0, 'no TCP connection reached the listener');
  assert.equal(datagrams, 0, 'no datagram reached the listener');
});

test('a package that catches the refusal (as axios does, logging it) still fails the run with the message, at once: its socket is not left open until the time limit', async () => {
  const dir = leakyApp(`try { ${HTTP()} } catch (e) { console.log('request failed: ' + e.message); }`);
  const started = Date.now();
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 3, seed: 1, timeoutMs: 4000, runner: await runner(), save: false });
  assert.equal(out.status, 'failed', JSON.stringify(out.failure));
  assert.equal(out.failure.status, 'failed', 'a failure, not a time-out');
  assert.match(out.failure.error.message, new RegExp(`Network access is blocked while fuzzing: a connection to 127\\.0\\.0\\.1:${port} was refused`));
  assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms: the run waited for the refused socket`);
  await settle();
  assert.equal(connections, 0);
});

test('a package cannot put the network back during a fuzz: the blocked methods are read-only', async () => {
  const dir = leakyApp(`var proto = net.Socket.prototype; try { Object.defineProperty(proto, 'connect', { value: function () {} }); } catch (e) {}\n`
    + `proto.connect = function () {};\n${HTTP()}`);
  const out = await fuzz({ appDir: dir, event: 'onContactCreate', runs: 3, seed: 1, runner: await runner(), save: false });
  assert.equal(out.status, 'failed');
  assert.match(out.failure.error.message, /Network access is blocked while fuzzing/);
  await settle();
  assert.equal(connections, 0);
});

test('a fuzz run\'s store lives in memory and is bounded as the file is: a write past 16 MB is refused, earlier keys kept', async () => {
  const { LocalDb, memoryStore, STORE_MAX_BYTES } = await loadTs('server/src/simulate/db.ts');
  // The bound itself, on the store a fuzz run gets: one write of a 17 MB store is refused, naming 16 MB.
  assert.equal(STORE_MAX_BYTES, 16 * 1024 * 1024);
  const big = { version: 1, db: { k: { value: 'x'.repeat(17 * 1024 * 1024) } }, schedules: {} };
  assert.throws(() => memoryStore().write(big), (e) => e.status === 500 && /over fsdev's limit of 16 MB; nothing was written/.test(e.message));
  // What a handler meets, through $db writes of 39 KB values (under the per-value limit), against a 1 MB bound:
  // each write serializes the whole store, so filling 16 MB this way took ~30 s.
  const bound = 1024 * 1024;
  const db = new LocalDb(memoryStore(bound));
  const value = { v: 'x'.repeat(39 * 1024) };
  let refused;
  let i = 0;
  for (; i < 1000 && !refused; i++) {
    try { db.set(`k${i}`, value); } catch (e) { refused = e; }
  }
  assert.ok(refused, 'a write was refused');
  assert.equal(refused.status, 500);
  assert.match(refused.message, /over fsdev's limit of 1 MB; nothing was written/);
  assert.ok(i * 39 * 1024 > bound * 0.95, `refused after ${i} writes of 39 KB`);
  assert.deepEqual(db.get('k0'), value);
  assert.throws(() => db.get(`k${i - 1}`), (e) => e.status === 404);
});
