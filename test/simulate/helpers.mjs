// Shared set-up for the simulation tests: the runner module (bundled from TypeScript with loadTs), a fresh
// build of the child entry (server/src/simulate/child.ts → a temp runner.js), and throw-away apps.
import { buildSync } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

export { repoRoot };
export const fixtures = path.join(repoRoot, 'test/simulate/fixtures');

const buildDir = mkdtempSync(path.join(tmpdir(), 'fsdev-sim-build-'));

/** Bundle an entry like esbuild.mjs does (node, cjs) to `<buildDir>/<name>.js`. */
export function bundle(entry, name, extra = {}) {
  const outfile = path.join(buildDir, `${name}.js`);
  buildSync({
    entryPoints: [path.join(repoRoot, entry)], outfile, bundle: true, platform: 'node', target: 'node18', format: 'cjs',
    mainFields: ['module', 'main'], sourcemap: false, logLevel: 'silent', ...extra,
  });
  // `fsdev check` lints in a worker thread started from lintWorker.js beside the CLI (as in server/dist).
  if (entry === 'server/src/cli.ts') bundle('server/src/lint/lintWorker.ts', 'lintWorker', { mainFields: ['main'] });
  // The test child writes its output from a thread started from testOutput.js beside it.
  if (entry === 'server/src/testing/testChild.ts') bundle('server/src/testing/outputThread.ts', 'testOutput');
  return outfile;
}

let runnerScript;
/** The child entry, built once per test process from the current sources. */
export function runnerScriptPath() {
  return (runnerScript ??= bundle('server/src/simulate/child.ts', 'runner'));
}

export async function simulate() {
  return loadTs('server/src/simulate/runner.ts');
}

export async function newRunner(options = {}) {
  const { HandlerRunner } = await simulate();
  return new HandlerRunner({ runnerScript: runnerScriptPath(), ...options });
}

/**
 * The bundled default onContactCreate payload (freshworks_crm) with only these contact fields: an app's test payload
 * for fuzz tests whose failure costs a process per run (a loop to its time limit, memory to its end). The fuzz varies
 * the payload it starts from, so shrinking the default's 62 fields took ~190 such runs (~40 s) where these take a few.
 */
export function contactPayload(...fields) {
  const d = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults/freshworks_crm/onContactCreate.json'), 'utf8'));
  d.data = { contact: Object.fromEntries(fields.map((f) => [f, d.data.contact[f]])) };
  return d;
}

/**
 * A throw-away 2.3 app in a temp folder. `events` maps event → handler (default { onContactCreate: 'h' });
 * `files` maps relative paths to contents (objects are written as JSON).
 */
export function makeApp(serverJs, { events = { onContactCreate: 'h' }, files = {}, manifest } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-app-'));
  const eventsBlock = Object.fromEntries(Object.entries(events).map(([e, h]) => [e, { handler: h }]));
  const m = manifest ?? {
    'platform-version': '2.3',
    product: { freshworks_crm: { events: eventsBlock } },
    engines: { node: '18.20.8', fdk: '9.6.0' },
  };
  const all = { 'manifest.json': m, ...(serverJs === undefined ? {} : { 'server/server.js': serverJs }), ...files };
  for (const [rel, content] of Object.entries(all)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** A copy of a fixture app in a temp folder (runs write .fsdev/ into the app). */
export function copyFixture(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `fsdev-${name}-`));
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}

/** A copy of an app of test/fixtures/apps/ in a temp folder. */
export function copyApp(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `fsdev-${name}-`));
  cpSync(path.join(repoRoot, 'test/fixtures/apps', name), dir, { recursive: true });
  return dir;
}
