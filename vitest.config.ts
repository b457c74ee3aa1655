import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests share one local S3 server (a child process); each test uses its own bucket.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Ink draws only the last frame when it believes it runs in CI (CI=true, as CI sets it): screen
      // tests read every frame a user would see, so they run as on a terminal, in CI too.
      CI: 'false',
    },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
