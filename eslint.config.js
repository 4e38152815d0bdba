// Lint rules, including the package boundaries of DESIGN.md section 2:
// common does no I/O, the hub and the worker never import each other, no product package
// imports kube-sim, and there are no import cycles anywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

const ioModules = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
].flatMap((m) => [m, `node:${m}`]);

const forbid = (groups, message) => ({ group: groups, message });

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', '.msa-local/**', 'coverage/**', 'helm/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.check.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        importX.createNodeResolver({ conditionNames: ['source', 'types', 'import', 'default'] }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { project: false, projectService: false, program: null },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['packages/common/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'packages/common does no I/O (DESIGN.md section 2).',
          })),
          patterns: [
            forbid(
              ['@kubernetes/*', 'bullmq', 'ioredis', 'fastify', '@fastify/*', 'undici', 'prom-client'],
              'packages/common does no network, Kubernetes, Redis or HTTP I/O (DESIGN.md section 2).',
            ),
            forbid(
              ['@msa/hub-dispatcher', '@msa/spoke-worker', '@msa/kube-sim'],
              'packages/common depends on nothing of ours.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/hub-dispatcher/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              ['@msa/spoke-worker', '**/spoke-worker/**'],
              'hub-dispatcher never imports spoke-worker (DESIGN.md section 2).',
            ),
            forbid(
              ['@msa/kube-sim', '**/kube-sim/**'],
              'no product package imports kube-sim: it is a test and demo server only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/spoke-worker/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              ['@msa/hub-dispatcher', '**/hub-dispatcher/**'],
              'spoke-worker never imports hub-dispatcher (DESIGN.md section 2).',
            ),
            forbid(
              ['@msa/kube-sim', '**/kube-sim/**'],
              'no product package imports kube-sim: it is a test and demo server only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/kube-sim/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [forbid(['@msa/hub-dispatcher', '@msa/spoke-worker'], 'kube-sim may use common only.')] },
      ],
    },
  },
  prettier,
);
