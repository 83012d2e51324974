/** Jest runs the TypeScript sources directly through SWC; `npm test` builds dist first for child-process tests. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^express-chatterbox$': '<rootDir>/lib/index.ts' },
  testTimeout: 30000,
  maxWorkers: 2,
};
