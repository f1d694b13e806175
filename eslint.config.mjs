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
    // DESIGN.md §6: personal data is sealed and opened in one place (apps/api/src/personal-data), never elsewhere in the apps.
    files: ['apps/**/*.ts', 'bench/**/*.ts'],
    ignores: ['apps/api/src/personal-data/**', 'apps/api/src/infrastructure/**', 'apps/**/test/**', 'apps/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@onehazel/crypto',
              importNames: ['seal', 'open', 'isEnvelope', 'envelopeKey', 'EntityKeyring', 'deriveOperatorKek', 'MasterKeys'],
              message: 'personal data is sealed and opened only by PersonalDataCipher (apps/api/src/personal-data)',
            },
          ],
          patterns: [
            {
              group: ['**/infrastructure/tokens'],
              importNames: ['KEYRING', 'MASTER_KEYS'],
              message: 'the keyring and the master keys are the PersonalDataCipher’s alone',
            },
          ],
        },
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
