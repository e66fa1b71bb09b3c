// What a failed run's error says beyond the thrown value: the platform call a plain-object rejection came from,
// that a non-Error value has no stack (and where the handler is), where test iparams go when a line reading them
// failed, and the state in .fsdev/ that caused the error. Also the event-loop accounting that lets work the
// handler did not await finish within the run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunPlan } from './ipc';
import { jsonSafe } from './platform';
import { toSimulationError } from './stackMap';
import type { SimulationError } from './types';

/** Rejection reasons of platform calls → the call that produced them (see Sandbox.origins). */
export type Origins = WeakMap<object, { label: string; stack: string }>;

export const RESET_HINT = 'Reset local state with `fsdev simulate --fresh` or the command "Freshsales: Reset Local Simulation State".';

/** Counts of the resources that keep this process's event loop alive, by type (Timeout, TCPWRAP, ...). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Our own channels and output (stdio, the parent's pipe, their pending writes) are not the handler's work. */
const OURS = new Set(['PipeWrap', 'TTYWrap', 'WriteWrap', 'ShutdownWrap']);

export function holdsMore(baseline: Map<string, number>): boolean {
  for (const [type, n] of activeResources()) if (!OURS.has(type) && n > (baseline.get(type) ?? 0)) return true;
  return false;
}

/**
 * The result's error for anything thrown or rejected, made useful where the value itself says little:
 * - a platform call's rejection (a plain object, no stack) points at the call that produced it;
 * - another value that is not an Error says so, and points at the handler;
 * - a failure on a line that reads iparams while the run's iparams lack the value says where to put them;
 * - errors caused by state in .fsdev/ name it.
 */
/** A rejection reason as JSON, whole up to 4 KB (the run's bounds cut what is longer). */
function reasonText(v: unknown): string {
  const text = JSON.stringify(jsonSafe(v)) ?? String(v);
  return text.length > 4096 ? `${text.slice(0, 4093)}...` : text;
}

export function runError(thrown: unknown, plan: RunPlan, ctx: { origins: Origins; hide: string[]; stateNotes: string[] },
  what?: string, handler?: string): SimulationError {
  const { origins, hide, stateNotes } = ctx;
  const isObj = thrown !== null && typeof thrown === 'object';
  const origin = isObj ? origins.get(thrown) : undefined;
  let error: SimulationError;
  if (origin) {
    error = toSimulationError({ message: `${origin.label} rejected with ${reasonText(thrown)} and nothing handled it`, stack: origin.stack },
      plan.appDir, hide);
    if (!what) error.message = `${origin.label} rejected with ${reasonText(thrown)}`;
  } else {
    error = toSimulationError(thrown, plan.appDir, hide);
    if (!(isObj && typeof (thrown as { stack?: unknown }).stack === 'string')) {
      error.message = `${error.message} (a ${thrown === null ? 'null' : typeof thrown} value, not an Error, so it has no stack trace: `
        + 'throw or reject with new Error(...) to see where it came from)';
      const at = handlerLine(plan, handler);
      if (at) Object.assign(error, at);
    }
  }
  if (what) error.message = `${what}: ${error.message}`;
  const hint = iparamsHint(plan, error);
  if (hint) error.message += `\n${hint}`;
  if (stateNotes.length) error.message += `\nCaused by local state: ${stateNotes.join('; ')}. ${RESET_HINT}`;
  return error;
}

/** The line where the handler is defined (`name: function`, `name(`, `async name`), for errors without a stack. */
function handlerLine(plan: RunPlan, handler?: string): { file: string; line: number; column: number } | undefined {
  const name = handler ?? plan.handler;
  if (!name) return undefined;
  try {
    const lines = fs.readFileSync(plan.serverScript, 'utf8').split('\n');
    const re = new RegExp(`(^|[\\s{,'"])${name.replace(/[$]/g, '\\$')}['"]?\\s*(:|\\()`);
    const i = lines.findIndex((l) => re.test(l));
    if (i < 0) return undefined;
    return { file: path.relative(plan.appDir, plan.serverScript).split(path.sep).join('/'), line: i + 1, column: lines[i].search(/\S/) + 1 };
  } catch { return undefined; }
}

/** A failure on a line that reads `iparams` while the run's iparams are empty or lack the name it reads. */
function iparamsHint(plan: RunPlan, error: SimulationError): string | undefined {
  if (!error.file || !error.line || !/undefined|null/.test(error.message)) return undefined;
  let text: string;
  try { text = fs.readFileSync(path.join(plan.appDir, error.file), 'utf8').split('\n')[error.line - 1] ?? ''; } catch { return undefined; }
  if (!/iparams?\b/.test(text)) return undefined;
  const names = Object.keys(plan.iparams);
  const read = /iparams?\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/.exec(text);
  const name = read?.[1] ?? read?.[2];
  const where = 'Test iparams come from config/iparam_test_data.json (deprecated by fdk, still read here) or else from the '
    + '"default_value" of each parameter in config/iparams.json.';
  if (names.length === 0) return `This run's iparams are empty ({}): the failing line reads iparams. ${where}`;
  if (name && !names.includes(name)) return `This run's iparams have no '${name}' (they have: ${names.join(', ')}). ${where}`;
  return undefined;
}
