import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/cdktf.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      // The package root loads every one of the ~1,500 resource bindings (about 4 s); deep paths load one.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-google',
              message:
                "Import provider classes by deep path, e.g. '@cdktf/provider-google/lib/storage-bucket'. The package root costs about 4 s per synth.",
            },
          ],
          patterns: [
            {
              group: ['@cdktf/provider-google/lib', '@cdktf/provider-google/lib/index', '@cdktf/provider-google/lib/index.js'],
              message: 'Import one resource folder, not the lib index.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['stacks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@cdktf/provider-google', message: 'Import provider classes by deep path.' }],
          patterns: [
            { group: ['@cdktf/provider-google/lib', '@cdktf/provider-google/lib/index'], message: 'Import one resource folder, not the lib index.' },
            { group: ['**/stacks/**', '../../*'], message: 'A stack never imports another stack: read its outputs through @platform/contracts.' },
          ],
        },
      ],
    },
  },
);
