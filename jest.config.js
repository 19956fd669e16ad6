/** Tests run as ESM straight from TypeScript; `npm test` type-checks them beforehand, so ts-jest only transpiles. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/fixtures/'],
  // `#ts-morph` (package.json imports) is the compiler's loader of ts-morph: its source, under the tests.
  moduleNameMapper: { '^#ts-morph$': '<rootDir>/transformer/ts-morph.ts', '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testTimeout: 60000
};
