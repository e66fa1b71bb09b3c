// A fixture npm registry for tests: serves packuments and tarballs made from local package folders, on
// 127.0.0.1 only, so dependency installs are tested with the real npm and never touch the network.
// `startRegistry({ packages: [folder, ...], delayMs, stall })` → { url, requests, close() }; `delayMs` slows every
// answer (so an editor's progress UI stays up long enough to be seen); `stall` never answers (an install that hangs),
// and close() drops the waiting connections, so nothing stays open after the test.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export async function startRegistry({ packages, delayMs = 0, stall = false }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsdev-registry-'));
  const byName = new Map();
  for (const folder of packages) {
    const meta = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: folder, encoding: 'utf8' }).trim().split('\n').pop();
    const data = fs.readFileSync(path.join(dir, file));
    const entry = byName.get(meta.name) ?? { versions: {}, tarballs: new Map() };
    entry.versions[meta.version] = { ...meta, _file: file,
      shasum: createHash('sha1').update(data).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(data).digest('base64')}` };
    entry.tarballs.set(file, data);
    byName.set(meta.name, entry);
  }
  const requests = [];
  const server = http.createServer((req, res) => {
    if (stall) { requests.push(`${req.method} ${req.url}`); return; }
    setTimeout(() => answer(req, res), delayMs);
  });
  const answer = (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = decodeURIComponent(req.url.split('?')[0]).replace(/^\//, '');
    const [name, dash, file] = url.split('/-/').length === 2 ? [url.split('/-/')[0], '-', url.split('/-/')[1]] : [url];
    const entry = byName.get(name);
    if (!entry) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not found"}'); return; }
    if (dash) {
      const data = entry.tarballs.get(file);
      if (!data) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(data);
      return;
    }
    const base = `http://127.0.0.1:${server.address().port}`;
    const versions = {};
    for (const [v, m] of Object.entries(entry.versions)) {
      const { _file, shasum, integrity, ...pkg } = m;
      versions[v] = { ...pkg, dist: { tarball: `${base}/${name}/-/${_file}`, shasum, integrity } };
    }
    const latest = Object.keys(versions).sort().pop();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, 'dist-tags': { latest }, versions }));
  };
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections?.(); fs.rmSync(dir, { recursive: true, force: true }); }),
  };
}
