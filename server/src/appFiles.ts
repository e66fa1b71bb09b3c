// The one place that reads an app from disk (CLI and simulation engine); the core only sees text.
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { APP_DIR, APP_SCRIPT_MAX_CHARS, isAppScript, MANIFEST, notAnAppReason as notAnAppReasonFor, SERVER_SCRIPT } from './core/appLayout';
import { TEST_DATA_DIR } from './core/testDataLayout';
import { CONFIG_DIR, isConfigFile } from './core/configFiles';
import type { AppFiles } from './core/types';

export { MANIFEST };

/** Why a path cannot be an app folder at all (it does not exist, or it is a file), else undefined. */
export function folderProblem(appDir: string): string | undefined {
  try {
    return statSync(appDir).isDirectory() ? undefined
      : `${appDir} is a file, not a folder: give the app's folder (the one that holds manifest.json).`;
  } catch {
    return `${appDir} does not exist.`;
  }
}

/** What a file system entry is, for a message: "a folder", "a FIFO (named pipe)", ... */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * A file's text, read only when it is a regular file: a folder, a FIFO or a device at an app's file is
 * answered at once (`notFile` says what it is) instead of hanging on a pipe with no writer or reading forever.
 * The file is opened without blocking (a FIFO's open would wait for a writer) and checked on the open handle.
 * With `max`, a larger file is not read (`tooLarge`), and no more than its size at the open is read.
 */
export function readRegularFile(file: string, max?: number): { text: string } | { missing: true } | { notFile: string } | { tooLarge: number } | { error: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    if (code === 'ENXIO') return { notFile: 'a socket' }; // a socket cannot be opened
    if (code === 'EISDIR') return { notFile: 'a folder' };
    return { error: code ?? (e as Error).message };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { notFile: kindOf(st) };
    if (max === undefined) return { text: readFileSync(fd, 'utf8') };
    if (st.size > max) return { tooLarge: st.size };
    // Bounded: never more than the size seen, however the file grows meanwhile.
    const buf = Buffer.alloc(st.size);
    let n = 0;
    for (let got = 1; n < buf.length && got > 0; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    return { text: buf.toString('utf8', 0, n) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text, else undefined (absent, or not a regular file: never blocks). */
export function readTextIfFile(file: string): string | undefined {
  const r = readRegularFile(file);
  return 'text' in r ? r.text : undefined;
}

/** "<rel> is a folder, not a file: ..." for an app file that is there but not a regular file, else undefined. */
export function notAFile(appDir: string, rel: string): string | undefined {
  let st: Stats;
  try { st = statSync(path.join(appDir, rel)); } catch { return undefined; }
  return st.isFile() ? undefined : notAFileMessage(rel, kindOf(st));
}

const notAFileMessage = (rel: string, kind: string) => `${rel} is ${kind}, not a file: only regular files are read.`;

/** Why a folder is not a Freshworks app, or undefined when it is one. */
export async function notAnAppReason(appDir: string): Promise<string | undefined> {
  const folder = folderProblem(appDir);
  if (folder) return folder;
  const manifest = readRegularFile(path.join(appDir, MANIFEST));
  if ('notFile' in manifest) return `${appDir} is not a Freshworks app: its ${notAFileMessage(MANIFEST, manifest.notFile)}`;
  return notAnAppReasonFor(appDir, 'text' in manifest ? manifest.text : undefined);
}

export async function loadAppFiles(appDir: string): Promise<AppFiles> {
  const manifest = readRegularFile(path.join(appDir, MANIFEST));
  if (!('text' in manifest)) {
    throw new Error('notFile' in manifest ? notAFileMessage(MANIFEST, manifest.notFile) : `${MANIFEST} could not be read${'error' in manifest ? `: ${manifest.error}` : ''}.`);
  }
  const script = readTextIfFile(path.join(appDir, SERVER_SCRIPT));
  const testData = listTestData(appDir);
  const config = listConfigFiles(appDir).flatMap((rel) => {
    const text = readAppFile(appDir, rel);
    return typeof text === 'string' ? [{ path: rel, text }] : [];
  });
  const actions = readAppFile(appDir, ACTIONS);
  return {
    manifest: { path: MANIFEST, text: manifest.text },
    serverScript: script === undefined ? undefined : { path: SERVER_SCRIPT, text: script },
    testData,
    config,
    appScripts: readAppScripts(appDir),
    configEntries: listConfigEntries(appDir),
    actions: typeof actions === 'string' ? { path: ACTIONS, text: actions } : undefined,
    appAssets: listAppAssets(appDir),
  };
}

export const ACTIONS = 'actions.json';
const isDir = (p: string) => { try { return statSync(p).isDirectory(); } catch { return false; } };

/** Every name in config/ (files and folders, unread ones too); null: the app has no config/ folder. */
export function listConfigEntries(appDir: string): string[] | null {
  return isDir(path.join(appDir, CONFIG_DIR)) ? readDir(path.join(appDir, CONFIG_DIR)).map((e) => e.name).sort() : null;
}

/** app/**.js of the app's own (see isAppScript), with their text; links out of the app and large files are not read. */
export function readAppScripts(appDir: string): { path: string; text: string }[] {
  return listAppScripts(appDir).flatMap((rel) => {
    if (outsideApp(appDir, path.join(appDir, rel))) return [];
    const r = readRegularFile(path.join(appDir, rel), APP_SCRIPT_MAX_CHARS);
    return 'text' in r ? [{ path: rel, text: r.text }] : [];
  });
}

/** The app/ scripts isAppScript accepts, relative, sorted (at most 200: an app's own code, not a vendored tree). */
export function listAppScripts(appDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    for (const e of readDir(path.join(appDir, rel))) {
      const child = `${rel}/${e.name}`;
      if (out.length >= 200) return;
      if (e.isDirectory() && depth < 4 && !e.name.startsWith('.') && e.name !== 'node_modules') walk(child, depth + 1);
      else if (e.isFile() && isAppScript(child)) out.push(child);
    }
  };
  walk(APP_DIR, 0);
  return out.sort();
}

/** config/*.json, config/*.html and config/assets/iparams.js (the files the core's model reads), relative, sorted. */
export function listConfigFiles(appDir: string): string[] {
  const top = readDir(path.join(appDir, CONFIG_DIR)).filter((e) => !e.isDirectory()).map((e) => `${CONFIG_DIR}/${e.name}`);
  const assets = readDir(path.join(appDir, CONFIG_DIR, 'assets')).filter((e) => !e.isDirectory()).map((e) => `${CONFIG_DIR}/assets/${e.name}`);
  return [...top, ...assets].filter(isConfigFile).sort();
}

const ASSET_LIMIT = 5000;
const IMAGE = /\.(png|svg|jpe?g|gif)$/i;

/**
 * Files under app/ (location pages and icons), at most 5,000, node_modules skipped, with the first 4 KB of each
 * image (its size is in its header). Links leaving the app are listed but not read.
 */
export function listAppAssets(appDir: string): { path: string; head?: Uint8Array }[] {
  const out: { path: string; head?: Uint8Array }[] = [];
  const walk = (rel: string, depth: number) => {
    for (const e of readDir(path.join(appDir, rel))) {
      if (out.length >= ASSET_LIMIT) return;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) { if (depth < 8 && e.name !== 'node_modules') walk(child, depth + 1); continue; }
      out.push(IMAGE.test(e.name) && !outsideApp(appDir, path.join(appDir, child)) ? { path: child, head: readHead(path.join(appDir, child), 4096) } : { path: child });
    }
  };
  walk('app', 0);
  return out;
}

/** The first `n` bytes of a regular file (opened without blocking, as readRegularFile), else undefined. */
function readHead(file: string, n: number): Uint8Array | undefined {
  let fd: number;
  try { fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); } catch { return undefined; }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return new Uint8Array(buf.subarray(0, got));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * `server/test_data/*.json` and one level of product or module folders, relative, sorted. Links, FIFOs and
 * the like are listed too (so a link out of the app is reported, not silently skipped: see `readAppFile`).
 */
export function listTestData(appDir: string): string[] {
  const out: string[] = [];
  const root = path.join(appDir, TEST_DATA_DIR);
  // A FIFO or other non-file named *.json is listed too, so that it is reported (readAppFile does not read it).
  const fileLike = (e: { isDirectory(): boolean; name: string }) => !e.isDirectory() && e.name.endsWith('.json');
  for (const entry of readDir(root)) {
    if (fileLike(entry)) out.push(`${TEST_DATA_DIR}/${entry.name}`);
    if (entry.isDirectory()) {
      for (const f of readDir(path.join(root, entry.name))) if (fileLike(f)) out.push(`${TEST_DATA_DIR}/${entry.name}/${f.name}`);
    }
  }
  return out.sort();
}

/**
 * Where a file of the app really is, when a link takes it outside the app folder (undefined: inside, or absent).
 * One rule for check, the language server and simulate: such files are not read (a hostile app could link its
 * test payload to ~/.ssh/id_rsa and have its first bytes printed in a JSON error).
 */
export function outsideApp(appDir: string, file: string): string | undefined {
  let real: string; let root: string;
  try { real = realpathSync.native(file); } catch { return undefined; }
  try { root = realpathSync.native(appDir); } catch { root = appDir; }
  const r = path.relative(root, real);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r)) ? undefined : real;
}

/** A file of the app as text, or why it cannot be read (outside the app, permissions, a folder...). */
export function readAppFile(appDir: string, rel: string): string | { unreadable: string } {
  const file = path.join(appDir, rel);
  const outside = outsideApp(appDir, file);
  if (outside) return { unreadable: `${rel} is a link to ${outside}, outside the app: only files inside the app folder are read.` };
  const r = readRegularFile(file);
  if ('text' in r) return r.text;
  if ('notFile' in r) return { unreadable: r.notFile === 'a folder' ? `${rel} could not be read: EISDIR.` : notAFileMessage(rel, r.notFile) };
  return { unreadable: `${rel} could not be read: ${'error' in r ? r.error : 'ENOENT'}.` };
}

function readDir(dir: string) {
  try { return readdirSync(dir, { withFileTypes: true }); } catch { return []; }
}
