// Lint rules: typescript-eslint's recommended set over every TypeScript source.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import adminRules from './admin/eslint.config.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', '.tmp/**', 'admin/dist/**', 'admin/src/api/generated/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', setImmediate: 'readonly', structuredClone: 'readonly', fetch: 'readonly', AbortController: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...adminRules,
);
