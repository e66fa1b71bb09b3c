// Links in an app's folder that lead out of it. Node's permission model follows links: a confined child allowed
// to read `<app>/` reads `<app>/server/lib/up/home/you/.ssh/id_rsa` when `server/lib/up -> ../../../..` (git
// keeps symlinks, so a cloned app can bring one). So before a run, the whole folder the child may read is
// walked once (node_modules, .git and .fsdev included: nothing is skipped) and an app with a link whose real
// path is outside it is refused, naming the link. Links that stay inside are fine. Writes (.fsdev/, coverage/)
// refuse a path whose components link out of the app (`linkOutOnPath`).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The walk's bound: an app folder with more entries than this is refused (the walk must stay fast). */
export const MAX_APP_ENTRIES = 200_000;

/** What a directory held when it was last read: its folders and links (by name). */
interface DirScan { mtimeMs: number; ctimeMs: number; dirs: string[]; links: string[]; entries: number }

/** Per app (real path): per directory (relative), its last scan. Cleared past a few apps. */
const scans = new Map<string, Map<string, DirScan>>();
/**
 * A scan is reused only while its directory's mtime and ctime are unchanged, and only once they are older than
 * this: a change made within the file system's timestamp granularity of the scan could keep the same mtime.
 */
const RACY_MS = 2000;

const inside = (root: string, real: string) => {
  const r = path.relative(root, real);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/** Where a link really leads: its real path, or (dangling) where its text points from its real folder. */
function linkTarget(link: string, realDir: string): string | undefined {
  try { return fs.realpathSync.native(link); } catch { /* dangling, or a loop */ }
  try { return path.resolve(realDir, fs.readlinkSync(link)); } catch { return undefined; }
}

function describe(rel: string, real: string, what: string): string {
  return `${rel} is a link to ${real}, outside the app: ${what}. Remove the link, or make it point inside the app `
    + '(npm link and file: dependencies make such links in node_modules: install the package instead).';
}

/**
 * The first link in the app (depth first, sorted) whose real path is outside the app folder, as a sentence naming
 * it; or the reason the folder could not be walked; undefined when every link stays inside. A dangling link
 * counts by where it points. Bounded by MAX_APP_ENTRIES; directories unchanged since the last walk are not read
 * again (the links found in them are still resolved every time: a link may lead through another one).
 */
export function outwardLink(appDir: string): string | undefined {
  let root: string;
  try { root = fs.realpathSync.native(appDir); } catch { return undefined; }
  let cache = scans.get(root);
  if (!cache) {
    if (scans.size >= 8) scans.clear();
    cache = new Map();
    scans.set(root, cache);
  }
  const now = Date.now();
  const seen = new Set<string>();
  let entries = 0;
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dir = path.join(root, rel);
    let st: fs.Stats;
    try { st = fs.lstatSync(dir); } catch { continue; } // gone meanwhile
    seen.add(rel);
    let scan = cache.get(rel);
    if (!scan || scan.mtimeMs !== st.mtimeMs || scan.ctimeMs !== st.ctimeMs) {
      let list: fs.Dirent[];
      try { list = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) {
        return `${rel || 'The app folder'} could not be read to check it for links leaving the app (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), so the app is not run.`;
      }
      scan = { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, entries: list.length,
        dirs: list.filter((d) => d.isDirectory()).map((d) => d.name).sort().reverse(),
        links: list.filter((d) => d.isSymbolicLink()).map((d) => d.name).sort() };
      if (now - Math.max(st.mtimeMs, st.ctimeMs) > RACY_MS) cache.set(rel, scan); else cache.delete(rel);
    }
    entries += scan.entries;
    if (entries > MAX_APP_ENTRIES) {
      return `The app folder holds more than ${MAX_APP_ENTRIES.toLocaleString('en-US')} files and folders: too many to check for links `
        + 'leaving the app before a run, so it is not run. Move what the app does not need out of its folder.';
    }
    for (const name of scan.links) {
      const linkRel = rel ? `${rel}/${name}` : name;
      const real = linkTarget(path.join(dir, name), dir);
      if (real !== undefined && !inside(root, real)) {
        return describe(linkRel.split(path.sep).join('/'), real, 'the handler could read any file through it, so an app with a link that leaves its folder is not run');
      }
    }
    for (const d of scan.dirs) stack.push(rel ? path.join(rel, d) : d);
  }
  for (const rel of cache.keys()) if (!seen.has(rel)) cache.delete(rel);
  return undefined;
}

/**
 * Why nothing may be written at `<appDir>/<rel>`: a component of that path (the folder or the file itself) is
 * a link whose real path is outside the app. Undefined when every existing component stays inside (the
 * missing ones will be created as plain folders and files).
 */
export function linkOutOnPath(appDir: string, rel: string): string | undefined {
  let root: string;
  try { root = fs.realpathSync.native(appDir); } catch { return undefined; }
  const parts = rel.split(/[\\/]/).filter(Boolean);
  let cur = appDir;
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i]);
    let st: fs.Stats;
    try { st = fs.lstatSync(cur); } catch { return undefined; }
    if (!st.isSymbolicLink()) continue;
    let realDir: string;
    try { realDir = fs.realpathSync.native(path.dirname(cur)); } catch { realDir = path.dirname(cur); }
    const real = linkTarget(cur, realDir);
    if (real !== undefined && !inside(root, real)) {
      return describe(parts.slice(0, i + 1).join('/'), real, `fsdev writes only inside the app folder, so nothing was written to ${rel}`);
    }
  }
  return undefined;
}
