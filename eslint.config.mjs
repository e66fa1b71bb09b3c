import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.cache/**', 'test/fixtures/**', 'test/e2e/fixtures/**', 'examples/**', 'server/src/core/generated/**'] },
  {
    files: ['client/src/**/*.ts', 'server/src/**/*.ts', 'media/src/**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
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
);
