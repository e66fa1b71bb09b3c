// Types of eslint-plugin/index.js for the TypeScript that bundles it (server/src/lint/lintText.ts).
import type { ESLint, Linter } from 'eslint';

declare const plugin: ESLint.Plugin & {
  configs: { recommended: Linter.Config[] };
  ruleSets: { common: Linter.RulesRecord; notMinified: Linter.RulesRecord; app: Linter.RulesRecord; server: Linter.RulesRecord };
};
export = plugin;
