import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The package root loads every one of the ~1,500 resource bindings (about 4 s per synth);
// a deep path such as '@cdktf/provider-google/lib/storage-bucket' loads one.
const providerRootImports = [
  {
    name: '@cdktf/provider-google',
    message: "Import provider classes by deep path, e.g. '@cdktf/provider-google/lib/storage-bucket'.",
  },
  ...['@cdktf/provider-google/lib', '@cdktf/provider-google/lib/index', '@cdktf/provider-google/lib/index.js'].map(
    (name) => ({ name, message: 'Import one resource folder, not the lib index.' }),
  ),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/cdktf.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      'no-restricted-imports': ['error', { paths: providerRootImports }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['stacks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: providerRootImports,
          patterns: [
            {
              group: ['**/stacks/**', '../../*'],
              message: 'A stack never imports another stack: read its outputs through @platform/contracts.',
            },
          ],
        },
      ],
    },
  },
);
