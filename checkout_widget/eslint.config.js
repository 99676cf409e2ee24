// Linted from the repository root (npm run lint) so that ../web_shared is checked with the same rules.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/dist/', '**/node_modules/'] },
  js.configs.recommended,
  // esbuild's define replaces it with the checkout origin at build time.
  { languageOptions: { globals: { ...globals.browser, ...globals.node, __CHECKOUT_URL__: 'readonly' } } },
];
