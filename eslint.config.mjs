import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
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

// Data flows one way: entry points -> drill -> pipeline -> {drift, state} -> {delivery, change, suite, docs}
// -> deploy -> {synth, engine, store} -> workspace -> libs. A project may import only the layers
// below its own (tags in each package.json); a reverse or sideways import fails lint.
const below = (...layers) => layers.map((layer) => (layer === 'lib' ? 'type:lib' : `layer:${layer}`));
const LAYERS = ['workspace', 'foundation', 'deploy', 'delivery', 'workflow', 'pipeline', 'drill', 'fixture'];
const layerConstraints = (extra = {}) => [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: below('lib') },
  { sourceTag: 'type:stack', onlyDependOnLibsWithTags: below('lib') },
  { sourceTag: 'layer:plugin', onlyDependOnLibsWithTags: below('lib') },
  ...LAYERS.map((layer, index) => ({
    sourceTag: `layer:${layer}`,
    onlyDependOnLibsWithTags: below('lib', ...LAYERS.slice(0, index), ...(extra[layer] ?? [])),
  })),
  { sourceTag: 'layer:entry', onlyDependOnLibsWithTags: below('lib', ...LAYERS) },
];
const boundaries = (extra) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: layerConstraints(extra),
    // Commands load their libraries lazily for start-up time, not for bundling: static imports elsewhere are fine.
    checkDynamicDependenciesExceptions: ['@platform/**'],
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/cdktf.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
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
  {
    // Tests of the artifact store run it against the engine's local S3 server.
    files: ['**/*.test.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries({ foundation: ['foundation'] }) },
  },
);
