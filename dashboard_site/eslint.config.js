// Linted from the repository root (npm run lint) so that ../web_shared is checked with the same rules.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/dist/', '**/node_modules/'] },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.browser, ...globals.node } } },
];
