// A minimal Chrome DevTools Protocol client over a raw WebSocket (Node 20 has no WebSocket global):
// enough to attach to a debug-mode child, set a breakpoint, resume and see where it paused.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

export async function targetUrl(port) {
  const list = await new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/json/list`, (res) => {
      let s = '';
      res.on('data', (c) => { s += c; });
      res.on('end', () => resolve(JSON.parse(s)));
    }).on('error', reject);
  });
  return list[0].webSocketDebuggerUrl;
}

export async function connect(wsUrl) {
  const u = new URL(wsUrl);
  const socket = net.connect(Number(u.port), u.hostname);
  const key = crypto.randomBytes(16).toString('base64');
  await new Promise((r) => socket.once('connect', r));
  socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  let buf = Buffer.alloc(0);
  let upgraded = false;
  let onUpgraded;
  const upgradedP = new Promise((r) => { onUpgraded = r; });
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  const scripts = new Map();
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      buf = buf.subarray(end + 4);
      onUpgraded();
    }
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + len) return;
      const opcode = buf[0] & 0x0f;
      const payload = buf.subarray(off, off + len).toString('utf8');
      buf = buf.subarray(off + len);
      if (opcode !== 1) continue;
      const msg = JSON.parse(payload);
      if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
      else {
        if (msg.method === 'Debugger.scriptParsed') scripts.set(msg.params.scriptId, msg.params.url);
        for (const l of listeners) l(msg);
      }
    }
  });
  const sendFrame = (text) => {
    const data = Buffer.from(text);
    const mask = crypto.randomBytes(4);
    const head = data.length < 126 ? Buffer.from([0x81, 0x80 | data.length])
      : Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff]);
    const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]));
    socket.write(Buffer.concat([head, mask, masked]));
  };
  // Send nothing before the 101 answer: the inspector drops bytes that arrive with the handshake.
  await upgradedP;
  return {
    /** scriptId → URL, from Debugger.scriptParsed. */
    scripts,
    send(method, params = {}) {
      const id = nextId++;
      sendFrame(JSON.stringify({ id, method, params }));
      return new Promise((r) => pending.set(id, r));
    },
    waitFor(method) {
      return new Promise((resolve) => {
        const l = (m) => { if (m.method === method) { listeners.splice(listeners.indexOf(l), 1); resolve(m.params); } };
        listeners.push(l);
      });
    },
    close() { socket.destroy(); },
  };
}
