// Lint gate (run by .ci/run before the tests): type-aware rules that catch what the compiler does not.
// Promises that nobody awaits or catches, awaits of non-promises, non-exhaustive switches over unions,
// unused code. Generated codecs are excluded (their generator is linted).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/protocol/generated/**', 'bench/.cache/**', '**/*.mjs', '**/*.cjs', '.venv*/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-fallthrough': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
      // API keys by name (the generated ApiKey table), never as numbers.
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name=/^request/i][arguments.0.raw=/^[0-9]+$/]", message: 'Use ApiKey.<Name> (src/protocol/generated), not a numeric API key.' },
        { selector: "CallExpression[callee.name=/^request/i][arguments.0.raw=/^[0-9]+$/]", message: 'Use ApiKey.<Name> (src/protocol/generated), not a numeric API key.' },
        { selector: "MemberExpression[object.name='apiMessages'][property.raw=/^[0-9]+$/]", message: 'Use apiMessages[ApiKey.<Name>], not a numeric API key.' },
      ],
    },
  },
);
