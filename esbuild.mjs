// One bundle per process: the extension host, the language server, the handler-runner child,
// the CLI and the webview. `mainFields: ['module', 'main']` matters: jsonc-parser's UMD entry breaks bundles.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { writeValidationSchemas } from './scripts/validationSchemas.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// The JSON files of schemas/ (schemas, default payloads, the catalogue: ~0.8 MB) bundled as JSON.parse of a
// string rather than as object literals: V8 skims a string while loading the bundle and JSON.parse builds
// the object faster than compiled literal code, so every process that loads the catalogue starts sooner.
const jsonAsString = {
  name: 'json-as-string',
  setup(build) {
    build.onLoad({ filter: /[\\/]schemas[\\/].*\.json$/ }, (args) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};

// ESLint's Linter loads its built-in rules through lib/rules/index.js, a map of all ~300: the lint worker keeps
// only the core rules fdk runs (eslint-plugin's rule sets), a fifth of the bundle.
const fdkCoreRules = Object.values(createRequire(import.meta.url)('./eslint-plugin/index.js').ruleSets)
  .flatMap((set) => Object.keys(set)).filter((r) => !r.includes('/'));
const eslintRulesSubset = {
  name: 'eslint-rules-subset',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/rules$/ }, (args) => (/eslint[\\/]lib[\\/]config[\\/]default-config\.js$/.test(args.importer)
      ? { path: path.join(path.dirname(args.importer), '../rules/index.js'), namespace: 'eslint-rules-subset' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'eslint-rules-subset' }, (args) => ({
      resolveDir: path.dirname(args.path), loader: 'js',
      contents: `const { LazyLoadingRuleMap } = require('./utils/lazy-loading-rule-map');\nmodule.exports = new LazyLoadingRuleMap(Object.entries({\n${
        fdkCoreRules.map((r) => `  ${JSON.stringify(r)}: () => require(${JSON.stringify(`./${r}`)}),`).join('\n')}\n}));\n`,
    }));
  },
};

// esrecurse (under eslint-scope, ESLint's scope analysis) copies the ~100 visitor keys into a fresh object for
// every visitor it makes, one per pattern (each parameter, each declarator): a large part of the lint of a
// 1,000-line server.js went there and to the garbage it makes. The copy depends only on the keys passed: made
// once per set of keys (esrecurse never writes to it).
const esrecurseKeysOnce = {
  name: 'esrecurse-keys-once',
  setup(build) {
    build.onLoad({ filter: /[\\/]esrecurse[\\/]esrecurse\.js$/ }, (args) => {
      const copy = /Object\.assign\(\{\},\s*estraverse\.VisitorKeys,\s*options\.childVisitorKeys\)/;
      const source = readFileSync(args.path, 'utf8');
      if (!copy.test(source)) throw new Error('esrecurse changed: review the esrecurse-keys-once patch in esbuild.mjs');
      const helper = 'var mergedKeysCache = new WeakMap();\nfunction mergedKeys(keys) { var m = mergedKeysCache.get(keys); if (!m) { m = Object.assign({}, estraverse.VisitorKeys, keys); mergedKeysCache.set(keys, m); } return m; }\n';
      return { contents: source.replace(copy, 'mergedKeys(options.childVisitorKeys)').replace(/function isNode\(node\)/, `${helper}function isNode(node)`), loader: 'js' };
    });
  },
};

// acorn twice in the lint worker: espree requires its CommonJS build, our core (serverScript.ts, through
// acorn-loose) imports its ES module build. One copy (the CommonJS one, which both can use): 200 KB less to read,
// hash and load at each thread start.
const oneAcorn = {
  name: 'one-acorn',
  setup(build) {
    const cjs = createRequire(import.meta.url).resolve('acorn');
    build.onResolve({ filter: /^acorn$/ }, () => ({ path: cjs }));
  },
};

// ESLint checks each configured rule's options against the rule's JSON schema when a config is first used, and
// compiles every schema with ajv to do so: about two fifths of the lint thread's start (its warm-up), which
// `fsdev check` waits for. The worker's config is ours and fixed (eslint-plugin's rule sets), and the unit tests
// lint through unpatched ESLint, which checks it; ESLint 10 fills options in from a rule's meta.defaultOptions,
// not from schema defaults, so the rules get the same options. Options in an app's inline `/* eslint */`
// comments are still checked (linter.js calls validateRulesConfig itself).
const eslintOwnConfigTrusted = {
  name: 'eslint-own-config-trusted',
  setup(build) {
    build.onLoad({ filter: /[\\/]eslint[\\/]lib[\\/]config[\\/]config\.js$/ }, (args) => {
      const check = /(this\.#normalizeRulesConfig\(\);\s*)this\.validateRulesConfig\(this\.rules\);/;
      const source = readFileSync(args.path, 'utf8');
      if (!check.test(source)) throw new Error('eslint changed: review the eslint-own-config-trusted patch in esbuild.mjs');
      return { contents: source.replace(check, '$1'), loader: 'js' };
    });
  },
};

// Two more changes to ESLint's code in the worker's bundle, each leaving every finding as it was (the checks are
// the same, only done later or not at all when they cannot matter), each guarded: the build fails if the code they
// change is no longer there. The lint of a 1,000-line server.js spent about a tenth of its time on them.
// - The token store indexes every token and comment by offset (an object of ~25,000 keys) when the source is
//   parsed; most lints never look a token up. Built on first use instead (SourceCode is frozen: a getter).
// - no-empty-function lists the comments inside every function's body and names the function before it checks
//   that the body is empty; it reports only empty bodies: checked first.
const eslintLazyWork = {
  name: 'eslint-lazy-work',
  setup(build) {
    const patches = [
      [/[\\/]eslint[\\/]lib[\\/]languages[\\/]js[\\/]source-code[\\/]token-store[\\/]index\.js$/, /this\[INDEX_MAP\] = createIndexMap\(tokens, comments\);/,
        'let indexMap;\n\t\tObject.defineProperty(this, INDEX_MAP, { get: () => (indexMap ??= createIndexMap(tokens, comments)) });'],
      [/[\\/]eslint[\\/]lib[\\/]rules[\\/]no-empty-function\.js$/, /function reportIfEmpty\(node\) \{/,
        'function reportIfEmpty(node) {\n\t\t\tif (node.body.type !== "BlockStatement" || node.body.body.length !== 0) return;'],
    ];
    for (const [file, code, replacement] of patches) {
      build.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!code.test(source)) throw new Error(`${args.path} changed: review the eslint-lazy-work patch in esbuild.mjs`);
        return { contents: source.replace(code, replacement), loader: 'js' };
      });
    }
  },
};

const node = {
  plugins: [jsonAsString],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
};

// Build output the core bundles: the payload schemas as the validator needs them (see the script).
writeValidationSchemas(path.dirname(fileURLToPath(import.meta.url)));

const builds = [
  // The extension: a small starter (V8 code cache) and the bundle it runs
  { ...node, entryPoints: ['client/src/extensionStart.ts'], outfile: 'client/dist/extension.js' },
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension-main.js', external: ['vscode'] },
  { ...node, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/server.js' },
  // `fsdev`: a small starter (V8 code cache) and the CLI bundle it runs
  { ...node, entryPoints: ['server/src/cliStart.ts'], outfile: 'server/dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['server/src/cli.ts'], outfile: 'server/dist/cli-main.js' },
  { ...node, entryPoints: ['server/src/simulate/child.ts'], outfile: 'server/dist/runner.js' },
  // The lint worker: ESLint is bundled here and nowhere else (the server and the CLI start it as a thread), from
  // a small starter that runs it through the code cache written below.
  { ...node, entryPoints: ['server/src/lint/lintWorkerStart.ts'], outfile: 'server/dist/lintWorker.js' },
  { ...node, plugins: [...node.plugins, eslintRulesSubset, esrecurseKeysOnce, eslintOwnConfigTrusted, eslintLazyWork, oneAcorn], entryPoints: ['server/src/lint/lintWorker.ts'], outfile: 'server/dist/lintWorker-main.js',
    // esquery's `module` entry has only a default export; ESLint requires it as CommonJS (`esquery.parse`).
    mainFields: ['main'] },
  // The test child: mocha and sinon are bundled here and nowhere else.
  // sinon's `module` entry is a 720 KB browser bundle with its dependencies inlined; its Node entry is a third.
  { ...node, entryPoints: ['server/src/testing/testChild.ts'], outfile: 'server/dist/testRunner.js', alias: { sinon: 'sinon/lib/sinon.js' } },
  // Its writer thread (testing/outputRing.ts).
  { ...node, entryPoints: ['server/src/testing/outputThread.ts'], outfile: 'server/dist/testOutput.js' },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: false, minify: production,
    logLevel: 'warning', entryPoints: ['media/src/panel.ts'], outfile: 'media/dist/panel.js',
  },
].filter((b) => b.entryPoints.every((e) => existsSync(e)));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // Build every bundle even when one fails, so one broken process does not hide the others' errors.
  const results = await Promise.allSettled(builds.map((b) => esbuild.build(b)));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}
// A bundle with one non-ASCII character (an em dash in a comment kept from acorn's source) is decoded from UTF-8
// the slow way and compiled as a two-byte string, twice the memory: each start that loads the CLI's or the lint
// worker's 2 MB bundle paid for it. esbuild already escapes such characters in strings, regular expressions and
// names; what is left is in comments, replaced here one UTF-16 unit for one, so the source maps stay right.
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) return;
  writeFileSync(file, text.split('\n').map((line) => {
    const at = line.search(/[^\x00-\x7f]/);
    if (at < 0) return line;
    if (!/^\s*(\/\/|\/\*|\*)/.test(line) && !line.slice(0, at).includes('//')) throw new Error(`${file}: a non-ASCII character outside a comment: ${line.slice(0, 120)}`);
    return line.replace(/[^\x00-\x7f]/g, (c) => (/[\u2010-\u2015]/.test(c) ? '-' : '?'));
  }).join('\n'));
}
if (!watch) for (const b of builds) if (b.platform === 'node') asciiOnly(b.outfile);

// The lint worker's V8 code cache (server/dist/lintWorker-main.js.v8cache), made by this Node after the bundle
// has run its warm-up, so ESLint and the rules come compiled: `fsdev check` waits for that thread's start. Not in
// --watch (the bundle changes under it). A cache Node cannot use is ignored at run time (shared/codeCache.ts).
if (!watch) {
  const writer = path.join(mkdtempSync(path.join(tmpdir(), 'fsdev-build-')), 'writeCodeCache.js');
  try {
    await esbuild.build({ ...node, sourcemap: false, entryPoints: ['server/src/shared/writeCodeCache.ts'], outfile: writer });
    const made = spawnSync(process.execPath, [writer, 'server/dist/lintWorker-main.js'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (made.status !== 0) process.exit(1);
  } finally {
    rmSync(path.dirname(writer), { recursive: true, force: true });
  }
}
// istanbul-reports' HTML report copies its CSS/JS from `<its dir>/assets`: beside the bundles that write it.
cpSync('node_modules/istanbul-reports/lib/html/assets', 'server/dist/assets', { recursive: true });
