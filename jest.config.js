/** Tests run transpile-only; `npm run build` type-checks the whole tree first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
  },
  // Synthesizing stages is CPU-bound; one worker per core keeps the suite fast on 2 cores.
  maxWorkers: 2,
};
