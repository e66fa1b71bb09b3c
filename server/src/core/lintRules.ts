// The lint rules fdk runs on app/ and server/ JavaScript, as entries of the rule registry (codes `eslint/<rule>` for
// ESLint's own rules, `fdk/<rule>` for fdk's custom ones, which eslint-plugin/ writes anew), and fdk's test of a
// minified file. Pure: the lint itself (ESLint, a heavy dependency) lives in server/src/lint/, outside the core.
// `short` is the ESLint rule's meta.docs.description and a period (test/unit/lint.test.mjs keeps them equal).
import { defineRule, type Rule } from './rules';
import type { Severity } from './types';

/** Over this size a JavaScript file is not linted (said once on it). */
export const MAX_LINT_BYTES = 5 * 1024 * 1024;

const FDK_LINT = "fdk validate runs it (fdk 6.9.0's lib/utils/lint-util.js)";

function eslintRule(name: string, severity: Severity, short: string, full: string, fdkMessage?: string): Rule {
  return defineRule({ code: `eslint/${name}`, severity, source: 'fdk', fdkRule: name, short: `${short}.`,
    full: `${full} ${FDK_LINT}, ${severity === 'error' ? 'as an error: `fdk pack` refuses the app' : 'as a warning'}. ESLint's documentation of the rule: https://eslint.org/docs/latest/rules/${name}.`, fdkMessage });
}
function fdkRule(name: string, severity: Severity, short: string, full: string, fdkMessage: string): Rule {
  return defineRule({ code: `fdk/${name}`, severity, source: 'fdk', fdkRule: name, short: `${short}.`, full: `${full} One of fdk's custom lint rules (eslint-plugin/ of this repository writes it anew); ${severity === 'error' ? 'an error: `fdk pack` refuses the app' : 'a warning'}.`, fdkMessage });
}

export const lintRules = {
  'no-unused-vars': eslintRule('no-unused-vars', 'error', 'Disallow unused variables',
    'A local variable, function or parameter (after the last used one) that is never read; caught errors are not reported, as in the ESLint fdk runs. Only in files fdk does not consider minified.', "'<name>' is defined but never used."),
  'no-empty-function': eslintRule('no-empty-function', 'error', 'Disallow empty functions',
    'A function with an empty body (a comment inside counts as a body). Only in files fdk does not consider minified.', "Unexpected empty function '<name>'."),
  'no-eval': eslintRule('no-eval', 'error', 'Disallow the use of `eval()`', 'eval() runs a string as code.', 'eval can be harmful.'),
  'no-alert': eslintRule('no-alert', 'error', 'Disallow the use of `alert`, `confirm`, and `prompt`', 'Browser dialogs block the page the app lives in.', 'Unexpected alert.'),
  'no-debugger': eslintRule('no-debugger', 'error', 'Disallow the use of `debugger`', 'A debugger statement left in the code.', "Unexpected 'debugger' statement."),
  'no-unreachable': eslintRule('no-unreachable', 'error', 'Disallow unreachable code after `return`, `throw`, `continue`, and `break` statements', 'Code that can never run.', 'Unreachable code.'),
  'no-caller': eslintRule('no-caller', 'warning', 'Disallow the use of `arguments.caller` or `arguments.callee`', 'arguments.caller and arguments.callee are deprecated and forbidden in strict mode.', 'Avoid arguments.<callee>.'),
  'no-process-env': eslintRule('no-process-env', 'warning', 'Disallow the use of `process.env`', 'Apps read their settings from iparams, not from environment variables.', 'Unexpected use of process.env.'),
  complexity: eslintRule('complexity', 'warning', 'Enforce a maximum cyclomatic complexity allowed in a program', "A function with more than 7 paths through it (fdk's threshold).", "Function '<name>' has a complexity of <n>. Maximum allowed is 7."),
  'max-nested-callbacks': eslintRule('max-nested-callbacks', 'warning', 'Enforce a maximum depth that callbacks can be nested', "Callbacks nested more than 4 deep (fdk's threshold).", 'Too many nested callbacks (<n>). Maximum allowed is 4.'),
  'handle-callback-err': eslintRule('handle-callback-err', 'warning', 'Require error handling in callbacks', 'A callback whose first parameter is an error (its name ends in err or Err) that never reads it.', 'Expected error to be handled.'),
  'no-unhandled-promise': fdkRule('no-unhandled-promise', 'warning', 'Require a statement that starts or continues a promise to handle its rejection',
    'A statement calling `.then(f)` (one argument), `.done()`, or `client.request.*()` whose rejection nothing handles: a failed call goes unnoticed.', 'Expected rejection to be handled.'),
  'no-logging-rejections': fdkRule('no-logging-rejections', 'warning', 'Disallow promise rejection handlers that only log the error',
    'A rejection handler (`.catch(f)`, `.fail(f)`, the second argument of `.then`) that only logs the error; like fdk, an arrow whose body is any method call counts.', 'refrain from simply logging errors.'),
  'no-unlisted-url': fdkRule('no-unlisted-url', 'warning', 'Disallow URLs whose domain the manifest does not list in whitelisted-domains',
    "A URL in front-end code (app/) of a platform 2.2-or-lower app whose domain is not in the manifest's whitelisted-domains (2.3 and 3.0 use request templates instead).", '"<url>" is not whitelisted in mainfest.'),
  'no-non-client-request-model': fdkRule('no-non-client-request-model', 'warning', 'Require client.request for API calls from the front end (no fetch, XMLHttpRequest, axios or jQuery.ajax)',
    'Front-end code calling an API with fetch, XMLHttpRequest, axios or jQuery instead of client.request (which goes through the platform\'s proxy).', 'Use client.request when making API requests'),
  'no-cross-scope-assign': fdkRule('no-cross-scope-assign', 'warning', 'Disallow assigning, inside a function, a variable declared outside it',
    'Front-end code (app/) assigning, inside a function, a variable of an outer scope: when the function is an asynchronous callback, a race.', "'<name>' declared and assigned in different scopes. Possible asynchronous race condition."),
  'no-dependency-mismatch': fdkRule('no-dependency-mismatch', 'error', "Require every package that server code requires to be listed in the manifest's dependencies, and every dependency to be used",
    "A `require('<package>')` in server/ of a package the manifest's dependencies do not list (Node's own modules included, as fdk does), and, on server/server.js, dependencies no server file requires.", "'<name>' is not listed in manifest. / The following dependencies are not used: <names>"),
  'parse-error': defineRule({ code: 'eslint/parse-error', severity: 'error', source: 'fdk', fdkRule: 'parsing-error', short: 'JavaScript that does not parse.',
    full: 'A file of app/ or server/ that is not valid JavaScript (current JavaScript, parsed as a script); nothing else in it is linted. fdk reports the same as a lint error (its 2015 parser also rejects async functions in app/ and `?.` in server/, which we accept).', fdkMessage: 'Parsing error: <message>' }),
  skipped: defineRule({ code: 'eslint/skipped', severity: 'information', source: 'ours', short: 'A JavaScript file that is not linted.',
    full: 'A binary file, a file over 5 MB, or one whose lint took over 2 seconds is not linted: said once on the file.' }),
  cut: defineRule({ code: 'eslint/too-many', severity: 'information', source: 'ours', short: 'More lint findings in a file than are listed.',
    full: 'At most 100 lint findings are listed per file, then one line says how many there are in all.' }),
};

/** The registry's rule of a lint finding: ESLint's rule id (`no-eval`, `fdk/no-unlisted-url`), or null for a parse error. */
export function lintRuleOf(ruleId: string | null): Rule | undefined {
  if (ruleId === null) return lintRules['parse-error'];
  return (lintRules as Record<string, Rule>)[ruleId.replace(/^fdk\//, '')];
}

/**
 * fdk's test of a minified file (its own heuristic, rewritten): with comments removed as fdk removes them (block
 * comments, and `//` to the end of the line, a `//` right before a line break taking the break too), fewer than
 * 20 % of the lines start with white space. fdk skips no-empty-function and no-unused-vars in such files.
 */
export function looksMinified(text: string): boolean {
  const lineCount = text.split('\n').length;
  const stripped = text.replace(/\/\*[\s\S]*?\*\/|\/\/(?:.+|\n)/g, '');
  let lines = 1;
  let indented = 0;
  let start = 0;
  while (lines < lineCount) {
    const end = stripped.indexOf('\n', start);
    if (end === -1) break;
    if (/^\s/.test(stripped.slice(start, end))) indented++;
    start = end + 1;
    lines++;
  }
  return (indented / lines) * 100 < 20;
}
