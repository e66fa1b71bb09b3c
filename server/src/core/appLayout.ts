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

export function sameScope(a: Scope | undefined, b: Scope | undefined): boolean {
  return a?.kind === b?.kind && a?.name === b?.name;
}
