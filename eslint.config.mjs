import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// The layering (README, Architecture): the core is pure and does not know the transport; the client and the
// webview reach the server's sources only through server/src/shared/.
const NODE_BUILTINS = { paths: builtinModules, patterns: ['node:*'] };
const coreIsPure = ['error', {
  paths: [...NODE_BUILTINS.paths.map((name) => ({ name, message: 'server/src/core is pure: no I/O, no Node built-ins.' })),
    ...['vscode', 'vscode-languageserver', 'vscode-languageclient', 'vscode-languageserver-protocol', 'vscode-jsonrpc']
      .map((name) => ({ name, message: 'server/src/core does not know the editor or the transport.' }))],
  patterns: [
    { group: NODE_BUILTINS.patterns, message: 'server/src/core is pure: no I/O, no Node built-ins.' },
    { group: ['vscode/*', 'vscode-languageserver/*', 'vscode-languageclient/*', 'vscode-languageserver-protocol/*', 'vscode-jsonrpc/*'],
      message: 'server/src/core does not know the editor or the transport.' },
    // Relative imports stay in core/, or name a file of schemas/ (../../../schemas/<file>).
    { regex: '^\\.\\./(?!\\.\\./\\.\\./schemas/[^/]+$)', message: 'server/src/core imports nothing outside core/ and schemas/ (protocol.ts and the rest of the server depend on the core, not the other way).' },
  ],
}];
const serverOnlyThroughShared = ['error', {
  patterns: [{ regex: '^(\\.\\./)+server/(?!src/shared/[^/]+$)', message: 'The client and the webview import the server\'s sources only through server/src/shared/.' }],
}];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.cache/**', 'test/fixtures/**', 'test/e2e/fixtures/**', 'examples/**', 'server/src/core/generated/**'] },
  {
    files: ['client/src/**/*.ts', 'server/src/**/*.ts', 'media/src/**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { project: ['./server/tsconfig.json', './client/tsconfig.json', './media/tsconfig.json'] } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/cli.ts', 'server/src/simulate/child.ts'],
    rules: { 'no-console': 'error' },
  },
  { files: ['server/src/core/**/*.ts'], rules: { 'no-restricted-imports': coreIsPure } },
  { files: ['client/src/**/*.ts', 'media/src/**/*.ts'], rules: { 'no-restricted-imports': serverOnlyThroughShared } },
);
