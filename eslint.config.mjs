// ESLint 9 flat config: ESLint's and typescript-eslint's recommended rules (not the type-checked ones, to stay fast).
// Formatting is Prettier's business (npm run format), not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // AssemblyScript (not TypeScript) and the generated base64 of its build.
    ignores: ['**/node_modules/', 'dist/', 'coverage/', 'out/', '**/.mirror/', 'src/backend/wasm/assembly/', '**/*.wasm.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // As tsc's noUnusedParameters: a leading underscore marks a name as unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // jest.isolateModules loads a fresh copy of the library with a synchronous require().
      '@typescript-eslint/no-require-imports': ['error', { allow: ['/src/index$'] }],
    },
  },
);
