// The state runs keep in `<appDir>/.fsdev/`, and its one-step reset. Only the store runs fill by themselves
// is cleared: `.fsdev/db.json` ($db values and $schedule schedules). What the user wrote or wants to keep stays:
// the run history (history.json), request stubs (stubs.json), the OAuth token (oauth.json).
// Callers ask first (the CLI's --fresh, the editor's confirmation): nothing here runs on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readStore, writeStore } from './db';
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

/** Clear `$db` values and schedules; returns what there was. The file is rewritten empty, never deleted. */
export function resetLocalState(appDir: string): LocalState {
  const before = describeLocalState(appDir);
  const file = path.join(appDir, DB_FILE);
  if (fs.existsSync(file)) writeStore(file, { version: 1, db: {}, schedules: {} });
  return before;
}

export function describeCleared(s: LocalState): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  return `cleared ${s.file} (${n(s.dbKeys, '$db key')}, ${n(s.schedules, 'schedule')})`;
}
