/**
 * `npm run test:package`: the package as it is published, after `npm run build`: the tarball
 * installed into a fresh CDK app, and the API reference in docs/api/ against the doc comments.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/package'],
  testPathIgnorePatterns: ['/node_modules/'],
  // npm install and cdk synth of a fresh app, typedoc over the library: minutes on a busy machine.
  testTimeout: 600_000,
};
