'use strict';
// eslint-plugin-fdk (this repository's own): fdk's custom lint rules, written anew, and a flat config with the
// rule set `fdk validate` runs (fdk 6.9.0's lib/utils/lint-util.js: rules, severities and thresholds).
//
//   // eslint.config.js of a Freshworks app
//   const fdk = require('<path to>/eslint-plugin');
//   module.exports = [...fdk.configs.recommended];
//
// fsdev lints with the same rules (server/src/lint/), adding what a static config cannot say: the rules fdk
// keeps for files it does not consider minified (see server/src/lint/lintText.ts).
const rules = {
  'no-unhandled-promise': require('./rules/no-unhandled-promise'),
  'no-logging-rejections': require('./rules/no-logging-rejections'),
  'no-unlisted-url': require('./rules/no-unlisted-url'),
  'no-non-client-request-model': require('./rules/no-non-client-request-model'),
  'no-cross-scope-assign': require('./rules/no-cross-scope-assign'),
  'no-dependency-mismatch': require('./rules/no-dependency-mismatch'),
};

const plugin = { meta: { name: 'eslint-plugin-fdk', version: '0.1.0' }, rules, configs: {} };

/** fdk's rules for every file; the custom ones decide themselves whether a file is app/ or server/. */
const common = {
  'no-caller': 'warn',
  'no-process-env': 'warn',
  complexity: ['warn', 7],
  'max-nested-callbacks': ['warn', 4],
  'handle-callback-err': ['warn', '^.*(e|E)rr'],
  'no-eval': 'error',
  'no-alert': 'error',
  'no-debugger': 'error',
  'no-unreachable': 'error',
  'fdk/no-unlisted-url': 'warn',
  'fdk/no-unhandled-promise': 'warn',
  'fdk/no-logging-rejections': 'warn',
  'fdk/no-non-client-request-model': 'warn',
};
/** Only for files that are not minified (fdk: fewer than 20 % of the lines indented). */
const notMinified = {
  'no-empty-function': 'error',
  // ESLint 4 (fdk's) did not report unused catch parameters; ESLint 9 does by default.
  'no-unused-vars': ['error', { vars: 'local', caughtErrors: 'none' }],
};
const language = { ecmaVersion: 'latest', sourceType: 'script' };

plugin.configs.recommended = [
  {
    name: 'fdk/app',
    files: ['app/**/*.js'],
    ignores: ['**/node_modules/**'],
    plugins: { fdk: plugin },
    languageOptions: language,
    rules: { ...common, ...notMinified, 'fdk/no-cross-scope-assign': 'warn' },
  },
  {
    name: 'fdk/server',
    files: ['server/**/*.js'],
    ignores: ['**/node_modules/**'],
    plugins: { fdk: plugin },
    languageOptions: language,
    rules: { ...common, ...notMinified, 'fdk/no-dependency-mismatch': ['error', ['require']] },
  },
];

plugin.ruleSets = { common, notMinified, app: { 'fdk/no-cross-scope-assign': 'warn' }, server: { 'fdk/no-dependency-mismatch': ['error', ['require']] } };

module.exports = plugin;
