// Pure rules of the client (no `vscode` import, unit-tested with node:test in test/unit/client-appPaths.test.mjs):
// where a payload may be created, and whether the Node that runs handlers is the one the manifest asks for.
import * as path from 'node:path';

/**
 * The absolute path of an event's payload file from the server's `expectedPayloadFile` (relative to the app).
 * Returns undefined when the relative path would leave the app folder: we never write outside it.
 */
export function resolvePayloadPath(appDir: string, relative: string): string | undefined {
  if (!relative || path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return undefined;
  const abs = path.resolve(appDir, relative);
  const rel = path.relative(appDir, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  if (!abs.toLowerCase().endsWith('.json')) return undefined;
  return abs;
}

/** The major version in `18.20.8`, `v20.1.0`, `>=18`, `18.x`, `^24`; undefined if none. */
export function nodeMajor(version: string | undefined): number | undefined {
  const m = /(\d+)/.exec(version ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A warning when the Node that runs handlers is not the major the manifest's `engines.node` asks for. */
export function nodeMismatchWarning(manifestEnginesNode: string | undefined, actual: string, actualLabel: string): string | undefined {
  const want = nodeMajor(manifestEnginesNode);
  const have = nodeMajor(actual);
  if (want === undefined || have === undefined || want === have) return undefined;
  return `The app targets Node ${want} (manifest engines.node "${manifestEnginesNode}") but handlers run on Node ${have} (${actualLabel}). `
    + 'Set "freshsales.simulation.nodePath" to a Node ' + want + ' binary for a faithful simulation.';
}
