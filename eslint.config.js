import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'url', 'util', 'stream', 'events']
const noElectron = { group: ['electron', 'electron/*'], message: 'The engine, shared code and the renderer never import electron (see DESIGN.md, layering).' }
const noNode = { group: nodeBuiltins, message: 'This layer runs in a browser: no Node built-ins.' }
const noMainOrCli = { group: ['**/main/**', '**/cli/**', '**/preload/**', '../main', '../cli'], message: 'Only src/shared may be imported from here.' }
const noRenderer = { group: ['**/renderer/**'], message: 'Nothing imports the renderer.' }
const noShell = { group: ['**/shell', '**/shell/**'], message: 'The engine and the CLI never import the desktop shell (src/main/shell, the Electron layer).' }
const shellImportsOnly = { group: ['**/cli', '**/cli/**', '**/preload', '**/preload/**'], message: 'The desktop shell may import electron, src/shared and src/main/lab only.' }

export default tseslint.config(
  { ignores: ['out/**', 'out-*/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  // The engine formats by hand (src/shared/units.ts): the first Intl call in a process loads ICU's
  // locale data, 20–30 ms on the main thread in the middle of a run.
  {
    files: ['src/shared/**', 'src/main/lab/**', 'src/cli/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Intl', message: 'Format with src/shared/units.ts: Intl loads ICU data on the main thread.' }],
      'no-restricted-properties': ['error', ...['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString', 'localeCompare'].map((property) => ({ property, message: 'Format or compare by hand (src/shared/units.ts): the first locale-aware call loads ICU data on the main thread.' }))],
    },
  },
  // Layering: what may import what.
  {
    files: ['src/shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noNode, noMainOrCli, noRenderer] }] },
  },
  {
    files: ['src/main/lab/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noRenderer, noShell] }] },
  },
  {
    files: ['src/main/shell/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noRenderer, shellImportsOnly] }] },
  },
  {
    files: ['src/preload/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noRenderer, { group: ['**/main/**', '**/cli/**'], message: 'The preload may import src/shared and electron only.' }] }] },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noNode, noMainOrCli] }] },
  },
)
