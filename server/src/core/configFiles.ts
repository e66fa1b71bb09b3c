// The app's config/ folder as the core sees it: iparams.json, iparams.html, requests.json, oauth_config.json,
// actions.json, iparam_test_data.json ... each as its text and, for JSON, its parse tree. Read from text alone;
// the CLI reads them from disk (appFiles.ts), the language server from disk and its open documents.
import { parseTree, type Node, type ParseError } from 'jsonc-parser';

export const CONFIG_DIR = 'config';

export interface ConfigFile {
  /** Relative to the app: `config/iparams.json`. */
  path: string;
  text: string;
  /** The JSON parse tree (JSON files only; undefined for iparams.html or text that is not JSON at all). */
  root?: Node;
  /** JSON syntax errors (strict JSON, as the platform reads it). */
  parseErrors: ParseError[];
}

/** Which config/ files the model reads: JSON files and custom iparams pages, one level deep, and assets/iparams.js. */
export function isConfigFile(rel: string): boolean {
  return new RegExp(`^${CONFIG_DIR}/[^/]+\\.(json|html)$`).test(rel) || rel === `${CONFIG_DIR}/assets/iparams.js`;
}

export function parseConfigFile(file: { path: string; text: string }): ConfigFile {
  if (!file.path.endsWith('.json')) return { ...file, parseErrors: [] };
  const parseErrors: ParseError[] = [];
  const root = parseTree(file.text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  return { ...file, root, parseErrors };
}

/** `config/<name>` of the app, when it has one. */
export function configFile(config: readonly ConfigFile[], name: string): ConfigFile | undefined {
  return config.find((f) => f.path === `${CONFIG_DIR}/${name}`);
}
