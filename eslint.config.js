import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['dist/**', 'node_modules/**', 'extension/core/**', 'extension/vendor/**', 'tests/out/**', 'target/**'],
  },
  js.configs.recommended,
  {
    files: ['extension/**/*.js'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
  },
  {
    files: ['extension/content.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['tests/**/*.{js,mjs}', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
  {
    // Callbacks that the e2e tests evaluate in pages and extension contexts.
    files: ['tests/e2e/**/*.{js,mjs}'],
    languageOptions: {
      globals: { ...globals.browser, ...globals.webextensions },
    },
  },
];
