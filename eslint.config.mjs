// Lint rules, and the layer rules of DESIGN.md §1: libs/domain is pure (no Nest, no drivers, no apps).
import tseslint from 'typescript-eslint';

const drivers = ['@nestjs/*', '@eventstore/*', 'mongodb', 'better-sqlite3', 'fastify', 'pino', 'node:fs', 'node:net'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts', 'libs/**/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**'], message: 'libraries never import from apps/' }] },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: drivers, message: 'libs/domain is pure: no framework, driver or I/O imports' },
            { group: ['**/apps/**', '@onehazel/*'], message: 'libs/domain depends on nothing else of the product' },
          ],
        },
      ],
    },
  },
);
