// Vitest with one minikafka broker for the whole run: the README's "Testing with minikafka" setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['minikafka/testing/vitest-setup'],
    include: ['*.test.mjs'],
    testTimeout: 30_000,
  },
});
