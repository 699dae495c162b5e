// Lint rules: ESLint's and typescript-eslint's recommended sets over every TypeScript source.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import adminRules from './admin/eslint.config.js';

export default defineConfig(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'coverage/**',
      '.tmp/**',
      'admin/dist/**',
      'dist/**',
      'admin/src/api/generated/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The MongoDB driver decodes ids into bson's CommonJS ObjectId class, the app imports the ESM one: `instanceof`
    // is false for every id read from MongoDB (review finding 2). Tests may still assert on the class they built.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator='instanceof'][right.name='ObjectId']",
          message: 'Use isObjectId() from src/domain/is-object-id.ts: ids read through the MongoDB driver are another ObjectId class.',
        },
      ],
    },
  },
  ...adminRules,
);
