import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Modules from the top down, level by level. A module imports only the modules on the levels below
 * it, and only through their door (`index.ts`); nothing imports upward, and modules on one level
 * (governance and performance) do not import each other. `app` and `demo` compose the others and
 * may import each other, through their doors. Tests (and test/) may reach inside any module, to
 * test its parts.
 */
const LEVELS = [
  ['app', 'demo'],
  ['governance', 'performance'],
  ['finance'],
  ['frontdoor'],
  ['register'],
  ['geography'],
  ['platform'],
  ['db'],
];
const COMPOSITION = new Set(['app', 'demo']);

const moduleRules = LEVELS.flatMap((level, index) =>
  level.map((name) => {
    const above = LEVELS.slice(0, index).flat();
    const beside = level.filter((m) => m !== name && !(COMPOSITION.has(name) && COMPOSITION.has(m)));
    const below = LEVELS.slice(index + 1).flat();
    // app and demo import each other too, through their doors like every module.
    const composing = level.filter((m) => m !== name && COMPOSITION.has(name) && COMPOSITION.has(m));
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
              ...beside.map((m) => ({
                group: [`**/${m}/**`, `**/${m}`],
                message: `${name} sits beside ${m}: neither imports the other (see docs/architecture.md, "Modules").`,
              })),
              ...[...below, ...composing].map((m) => ({
                group: [`**/${m}/**`, `!**/${m}/index.ts`],
                message: `import ${m} through its door, ${m}/index.ts (see docs/architecture.md, "Modules").`,
              })),
            ],
          },
        ],
      },
    };
  }),
);

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
