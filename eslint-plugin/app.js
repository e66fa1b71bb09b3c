'use strict';
// What the fdk rules need to know about the app: which part of it a file is in (app/ or server/) and the
// manifest's whitelisted-domains and dependencies. Given in `settings.fdk` (fsdev passes them, so its lint reads
// no file); otherwise read from the manifest.json nearest above the file, once per manifest.
const fs = require('node:fs');
const path = require('node:path');

const manifests = new Map();

function findApp(filename) {
  let dir = path.dirname(path.resolve(filename));
  for (let i = 0; i < 32; i++) {
    const manifest = path.join(dir, 'manifest.json');
    if (manifests.has(manifest)) return { root: dir, manifest: manifests.get(manifest) };
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    } catch {
      doc = undefined;
    }
    if (doc && typeof doc === 'object' && 'platform-version' in doc) {
      manifests.set(manifest, doc);
      return { root: dir, manifest: doc };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** `{ file, whitelistedDomains, dependencies, platformVersion }`: `file` relative to the app, forward slashes. */
function appOf(context) {
  const filename = context.filename ?? context.getFilename();
  const given = context.settings && context.settings.fdk;
  if (given && given.manifest) {
    return describe(typeof given.file === 'string' ? given.file : filename.split(path.sep).join('/'), given.manifest);
  }
  const found = path.isAbsolute(filename) ? findApp(filename) : undefined;
  if (!found) return describe(filename.split(path.sep).join('/'), {});
  return describe(path.relative(found.root, filename).split(path.sep).join('/'), found.manifest);
}

function describe(file, manifest) {
  const m = manifest && typeof manifest === 'object' ? manifest : {};
  const domains = Array.isArray(m['whitelisted-domains']) ? m['whitelisted-domains'].filter((d) => typeof d === 'string') : [];
  const deps = m.dependencies && typeof m.dependencies === 'object' && !Array.isArray(m.dependencies) ? m.dependencies : {};
  return { file, whitelistedDomains: domains, dependencies: deps, platformVersion: typeof m['platform-version'] === 'string' ? m['platform-version'] : undefined };
}

const isAppFile = (file) => file.startsWith('app/');
const isServerFile = (file) => file.startsWith('server/') || file === 'server';

module.exports = { appOf, isAppFile, isServerFile };
