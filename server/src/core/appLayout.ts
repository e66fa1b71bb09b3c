// Where an app's own files are, and how to tell a Freshworks manifest from any other manifest.json.
// No dependencies: the simulation planner and the CLI import it without loading the parsers.
import type { Scope } from './types';

export const MANIFEST = 'manifest.json';
export const SERVER_SCRIPT = 'server/server.js';

/** A half-typed manifest is still an app's; a manifest of some other kind (a browser extension's) is not. */
export function looksLikeFreshworksManifest(text: string): boolean {
  return /"platform-version"|"product"\s*:|"modules"\s*:/.test(text);
}

/** Why `appDir` is not a Freshworks app, given its manifest's text (undefined: no manifest), or undefined when it is. */
export function notAnAppReason(appDir: string, manifestText: string | undefined): string | undefined {
  if (manifestText === undefined) return `${appDir} is not a Freshworks app: it has no manifest.json.`;
  return looksLikeFreshworksManifest(manifestText) ? undefined : `${appDir} is not a Freshworks app: its manifest.json has no "platform-version".`;
}

/**
 * The order of an app's paths in every listing and report: by UTF-16 code unit, as git and ESLint order them.
 * Not localeCompare: its order changes with the machine's locale, and its first call loads ICU's collation
 * data (8-19 ms of the CLI's own thread at every `fsdev check`).
 */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sameScope(a: Scope | undefined, b: Scope | undefined): boolean {
  return a?.kind === b?.kind && a?.name === b?.name;
}

/** The front-end folder: its scripts call `client.request.invokeTemplate`. */
export const APP_DIR = 'app';
/** Front-end scripts read larger than this are not parsed (a bundled library, not the app's own code). */
export const APP_SCRIPT_MAX_CHARS = 512 * 1024;

/** A front-end script of the app's own: app/**.js at most four folders deep, no minified or vendored file. */
export function isAppScript(rel: string): boolean {
  const parts = rel.split('/');
  return parts[0] === APP_DIR && parts.length <= 6 && rel.endsWith('.js') && !rel.endsWith('.min.js')
    && !parts.some((p) => p === 'node_modules' || p.startsWith('.'));
}
