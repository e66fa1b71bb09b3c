// The rule registry: every diagnostic code the checks can emit, with what a reader of a report needs to know
// about it (default severity, where the rule comes from, fdk's wording, a short and a full description, a
// documentation link). Checks make their diagnostics through their rule (`rule.at(...)`), quick fixes are
// looked up by rule, SARIF's `rules` and the README's rule table are generated from `allRules()`.
//
// A rule is defined once, at module level, in the file of the check that emits it:
//
//   export const unknownEvent = defineRule<{ suggestion?: string }>({
//     code: 'unknown-event', severity: 'error', source: 'fdk',
//     short: 'An event name the product does not have.',
//     full: 'The manifest registers an event that ...',
//     fdkMessage: "Invalid event(s) mentioned in manifest.json: <names>",
//   });
//   out.push(unknownEvent.at(file, range, message, { suggestion }));
//
// `allRules()` lists the rules of every module loaded; `core/allRules.ts` imports every module that defines
// rules, so a caller that needs the whole list (SARIF, the README table, the rule-table test) imports that.
import type { Diagnostic, Range, Severity } from './types';

/** Where a rule comes from: fdk's own validation, the platform's behaviour or documentation, or our own. */
export type RuleSource = 'fdk' | 'platform' | 'documentation' | 'ours';

export interface RuleMeta {
  /** Stable diagnostic code, kebab-case (`unknown-event`); lint rules are `eslint/<rule>` or `fdk/<rule>`. */
  code: string;
  /** Default severity; a check may report a finding of the rule at another severity when the case says so. */
  severity: Severity;
  source: RuleSource;
  /** One sentence: SARIF's shortDescription and the README table's description. */
  short: string;
  /** What the rule checks and why it matters, a paragraph: SARIF's fullDescription. */
  full: string;
  /** fdk's message for the same finding, where fdk has one (placeholders as `<name>`). */
  fdkMessage?: string;
  /** Documentation of the rule; defaults to its row of the README's table of checks. */
  docUrl?: string;
  /** True when a quick fix exists for (some of) its findings. */
  fixable?: boolean;
  /**
   * fdk's name for the same finding, where fdk reports it: its ESLint rule id (`no-unused-vars`), or for fdk's
   * other messages the category scripts/validate-diff.mjs sorts them into by pattern (`invalid-event`).
   */
  fdkRule?: string;
}

/** A rule, and the diagnostic factory that stamps its code. `D` is the typed `data` its quick fix reads. */
export interface Rule<D extends Record<string, unknown> | undefined = undefined> extends Readonly<RuleMeta> {
  at(file: string, range: Range, message: string, data?: D, severity?: Severity): Diagnostic & { data?: D };
  /** This rule's diagnostic, with its data typed; undefined for another rule's. */
  match(d: Diagnostic): (Diagnostic & { data?: D }) | undefined;
}

/** A rule whatever its data. */
export type AnyRule = Rule<Record<string, unknown> | undefined>;

export const README_URL = 'https://github.com/freshsales-devtools/freshsales-devtools#readme';

const registry = new Map<string, AnyRule>();

export function defineRule<D extends Record<string, unknown> | undefined = undefined>(meta: RuleMeta): Rule<D> {
  if (registry.has(meta.code)) throw new Error(`rule ${meta.code} is defined twice`);
  if (!/^[a-z0-9]+(?:[-/][a-z0-9]+)*$/.test(meta.code)) throw new Error(`rule code ${meta.code} is not kebab-case`);
  const rule: Rule<D> = Object.freeze({
    ...meta,
    docUrl: meta.docUrl ?? `${README_URL.replace(/#.*$/, '')}#rule-${meta.code.replace(/\//g, '-')}`,
    at(file: string, range: Range, message: string, data?: D, severity?: Severity) {
      const d: Diagnostic & { data?: D } = { file, range, severity: severity ?? meta.severity, code: meta.code, message };
      if (data !== undefined) d.data = data;
      return d;
    },
    match(d: Diagnostic) {
      return d.code === meta.code ? (d as Diagnostic & { data?: D }) : undefined;
    },
  });
  registry.set(meta.code, rule as AnyRule);
  return rule;
}

/** The rule of a code, when the module defining it is loaded. */
export function ruleOf(code: string): AnyRule | undefined {
  return registry.get(code);
}

/** Every rule defined by the modules loaded so far, sorted by code. Import `core/allRules` first for all. */
export function allRules(): AnyRule[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}
