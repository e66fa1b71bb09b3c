// The extension's starter (client/dist/extension.js) loads the extension bundle through a V8 code cache. In a
// plain Node process with the bench's stand-in `vscode` module (bench/lib/activateOnce.cjs): the first start
// activates and leaves a cache, the next activates from it without rewriting it, a corrupt cache is replaced,
// and FSDEV_NO_CODE_CACHE=1 activates without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

test('extension starter: activates with and without its code cache; writes it once, reuses it, replaces a corrupt one', () => {
  const cacheHome = mkdtempSync(path.join(tmpdir(), 'fsdev-ext-cache-test-'));
  const dir = path.join(cacheHome, 'freshsales-devtools');
  const activate = (env = {}) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bench/lib/activateOnce.cjs'), path.join(repoRoot, 'examples/crm-app')],
      { encoding: 'utf8', timeout: 30000, env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) > 0, `activation time printed: ${r.stdout}`);
  };
  const caches = () => { try { return readdirSync(dir).filter((f) => f.startsWith('extension-') && f.endsWith('.v8cache')); } catch { return []; } };
  try {
    activate({ FSDEV_NO_CODE_CACHE: '1' });
    assert.deepEqual(caches(), []);
    activate();
    assert.equal(caches().length, 1, 'one cache after the first start');
    const file = path.join(dir, caches()[0]);
    const written = statSync(file);
    assert.ok(written.size > 10000, `cache of ${written.size} bytes`);
    activate();
    assert.equal(statSync(file).mtimeMs, written.mtimeMs, 'an accepted cache is not rewritten');
    writeFileSync(file, 'not a V8 code cache');
    activate();
    assert.ok(statSync(file).size > 10000, 'the corrupt cache was rewritten');
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
});
