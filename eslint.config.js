import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Modules from the top down. A module imports only the modules below it, and only through their
 * door (`index.ts`); nothing imports upward. `app` and `demo` compose the others and may import each
 * other, through their doors. Tests (and test/) may reach inside any module, to test its parts.
 */
const LAYERS = [
  'app',
  'demo',
  'governance',
  'finance',
  'frontdoor',
  'register',
  'geography',
  'platform',
  'db',
];
const COMPOSITION = new Set(['app', 'demo']);

const moduleRules = LAYERS.map((name, index) => {
  const above = LAYERS.slice(0, index).filter((m) => !(COMPOSITION.has(name) && COMPOSITION.has(m)));
  const below = LAYERS.slice(index + 1);
  return {
    files: [`src/${name}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...above.map((m) => ({
              group: [`**/${m}/**`, `**/${m}`],
              message: `${name} is below ${m}: it may not import it (see docs/architecture.md, "Modules").`,
            })),
            // app and demo import each other too, through their doors like every module.
            ...[...below, ...LAYERS.slice(0, index).filter((m) => !above.includes(m))].map((m) => ({
              group: [`**/${m}/**`, `!**/${m}/index.ts`],
              message: `import ${m} through its door, ${m}/index.ts (see docs/architecture.md, "Modules").`,
            })),
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'public/build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...moduleRules,
);
