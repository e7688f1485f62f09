/** Tests run transpile-only (isolatedModules in tsconfig.json); `npm run typecheck` checks the whole tree first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The installed-package tests take minutes: `npm run test:package` runs them (jest.package.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  // Synthesizing stages is CPU-bound; one worker per core keeps the suite fast on 2 cores.
  maxWorkers: 2,
  // The drills run real processes (boot.sh, the queue agent, the launcher) against fakes: on a
  // loaded machine one hook can take longer than jest's 5 s default; a hang still fails.
  testTimeout: 60_000,
};
