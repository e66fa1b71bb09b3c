// Where the real simulator looks for an event's test payload, per dialect (freshworks-platform.md §4):
//   2.0 and single-product 2.x: server/test_data/<event>.json
//   omni 2.x:                   server/test_data/<product>/<event>.json
//   3.0:                        server/test_data/<module>/<event>.json (set-up, external, scheduled: common/)
import type { Dialect, Scope, TestDataFile } from './types';

export const TEST_DATA_DIR = 'server/test_data';
/** Request stubs for offline simulation live beside the payloads but are not a payload. */
export const REQUEST_STUBS_FILE = `${TEST_DATA_DIR}/requests.stub.json`;

interface LayoutContext { dialect: Dialect; scopes: Scope[] }

/** True when payloads live in one folder per product or module. */
export function usesScopeFolders(app: LayoutContext): boolean {
  return app.dialect === '3.0' || (app.dialect === '2.x' && app.scopes.length > 1);
}

export function expectedTestDataPath(app: LayoutContext, event: string, scope?: Scope): string {
  if (usesScopeFolders(app) && scope) return `${TEST_DATA_DIR}/${scope.name}/${event}.json`;
  return `${TEST_DATA_DIR}/${event}.json`;
}

/** Reads the event (and the scope folder, if any) off each payload path. Paths outside test_data are skipped. */
export function classifyTestData(app: LayoutContext, paths: string[]): TestDataFile[] {
  const files: TestDataFile[] = [];
  for (const path of paths) {
    if (!path.startsWith(TEST_DATA_DIR + '/') || !path.endsWith('.json') || path.endsWith('.stub.json')) continue;
    const parts = path.slice(TEST_DATA_DIR.length + 1, -'.json'.length).split('/');
    const event = parts[parts.length - 1];
    const folder = parts.length === 2 ? parts[0] : undefined;
    const scope = folder ? app.scopes.find((s) => s.name === folder) : undefined;
    if (parts.length > 2) continue;
    files.push({ path, event, scope: scope ?? (folder ? { kind: app.dialect === '3.0' ? 'module' : 'product', name: folder } : undefined) });
  }
  return files;
}

/** The payload file of a registration, if the app has one at the path its dialect expects. */
export function testDataFor(app: LayoutContext & { testData: TestDataFile[] }, event: string, scope?: Scope): TestDataFile | undefined {
  const expected = expectedTestDataPath(app, event, scope);
  return app.testData.find((f) => f.path === expected);
}
