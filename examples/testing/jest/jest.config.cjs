// Jest with one minikafka broker for the whole run: the README's "Testing with minikafka" setup.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.cjs'],
  globalSetup: 'minikafka/testing/jest-setup',
  globalTeardown: 'minikafka/testing/jest-teardown',
  testTimeout: 30000,
};
