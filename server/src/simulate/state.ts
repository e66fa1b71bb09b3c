// The state runs keep in `<appDir>/.fsdev/`, and its one-step reset. Only the store runs fill by themselves
// is cleared: `.fsdev/db.json` ($db values and $schedule schedules). What the user wrote or wants to keep stays:
// the run history (history.json), request stubs (stubs.json), the OAuth token (oauth.json).
// Callers ask first (the CLI's --fresh, the editor's confirmation): nothing here runs on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkOutOnPath } from '../appLinks';
import { readStore, STORE_MAX_BYTES, writeStore } from './db';
import { kindOf, sizeText } from './localFile';
import { withFileLock } from './lock';
import { DB_FILE } from './plan';

export interface LocalState {
  /** The store's path, relative to the app. */
  file: string;
  dbKeys: number;
  schedules: number;
}

export const KEPT_NOTE = 'The run history, request stubs (.fsdev/stubs.json) and .fsdev/oauth.json are kept.';

export function describeLocalState(appDir: string): LocalState {
  const store = readStore(path.join(appDir, DB_FILE));
  return { file: DB_FILE, dbKeys: Object.keys(store.db).length, schedules: Object.keys(store.schedules).length };
}

/**
 * Clear `$db` values and schedules; returns what there was. Under the store's lock (a run writing at the same
 * time is never lost in between). The file is rewritten empty, never deleted; a store that cannot be read is
 * not lost either: it is renamed aside (`db.json.unreadable-<time>`) and its name returned in `keptAside`. A
 * store over STORE_MAX_BYTES, or a link or folder at its path, is renamed aside without being read (lstat first):
 * the reset of a 500 MB store costs no memory.
 */
export async function resetLocalState(appDir: string): Promise<LocalState & { keptAside?: string; why?: string }> {
  const file = path.join(appDir, DB_FILE);
  const blocked = linkOutOnPath(appDir, DB_FILE);
  if (blocked) throw new Error(blocked);
  if (!lstatOrUndefined(file)) return { file: DB_FILE, dbKeys: 0, schedules: 0 };
  return withFileLock(file, () => {
    let before: LocalState & { keptAside?: string; why?: string };
    const st = lstatOrUndefined(file);
    const unread = !st ? undefined : !st.isFile() ? `it is ${kindOf(st)}` : st.size > STORE_MAX_BYTES
      ? `it is ${sizeText(st.size)}, over the ${sizeText(STORE_MAX_BYTES)} limit` : undefined;
    try {
      if (unread) throw new Error(unread);
      before = describeLocalState(appDir);
    } catch {
      const aside = `${DB_FILE}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(file, path.join(appDir, aside));
      before = { file: DB_FILE, dbKeys: 0, schedules: 0, keptAside: aside, ...(unread ? { why: `${unread}; it was not read` } : {}) };
    }
    writeStore(file, { version: 1, db: {}, schedules: {} });
    return before;
  });
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try { return fs.lstatSync(file); } catch { return undefined; }
}

export function describeCleared(s: LocalState & { keptAside?: string; why?: string }): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const aside = s.keptAside ? `; ${s.why ?? 'it could not be read'} and was kept as ${s.keptAside}` : '';
  return `cleared ${s.file} (${n(s.dbKeys, '$db key')}, ${n(s.schedules, 'schedule')}${aside})`;
}
