// Layers, as in VS Code: the folder says where code runs, and these rules fail any import that
// crosses into a layer it must not reach.
//   shared/            common: pure TypeScript, no Node, no DOM, no Electron
//   renderer/          browser: DOM + shared only
//   electron/main, electron/preload   the only Electron glue
//   electron/core, electron/cli, electron/preview, server/, bench/   plain Node
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Exact names (a gitignore-style pattern 'domain' would also match our own '../domain/x').
const nodeBuiltinPaths = (message) => [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({ name, message }));
const nativeAndServer = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', '@journeyapps/sqlcipher', 'bcryptjs', 'tsx', 'highs'];

const electronOnlyInGlue = {
  name: 'electron',
  message: 'Only the Electron glue (electron/main, electron/preload) may import electron; put logic in electron/core.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'tmp/**', 'tests/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [electronOnlyInGlue] }],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**', 'tests/fakes/electron.ts', 'tests/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInGlue, ...nodeBuiltinPaths('shared/ is pure: no Node APIs (it runs in the renderer too).')],
          patterns: [
            { group: nativeAndServer, message: 'shared/ is pure: no native or Node-only packages.' },
            { group: ['**/electron/**', '**/server/**', '**/renderer/**', 'react', 'react-dom'], message: 'shared/ depends on nothing above it.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'fetch', 'XMLHttpRequest'].map((name) => ({
          name,
          message: 'shared/ is pure: no Node or DOM globals.',
        })),
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInGlue, ...nodeBuiltinPaths('The renderer never reaches Node: go through window.api.')],
          patterns: [
            { group: nativeAndServer, message: 'The renderer never touches the database or keys.' },
            { group: ['**/electron/**', '**/server/**'], message: 'The renderer may import only shared/ and its own code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'No Node in the renderer.' }, { name: 'require', message: 'No Node in the renderer.' }, { name: 'Buffer', message: 'No Node in the renderer.' }],
    },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
  {
    files: ['electron/core/**', 'electron/cli/**', 'electron/preview/**', 'server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInGlue],
          patterns: [{ group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**'], message: 'Core code must not depend on the renderer or the Electron glue.' }],
        },
      ],
    },
  },
);
