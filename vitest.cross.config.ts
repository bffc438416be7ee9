import { defineConfig } from 'vitest/config';

// The shared e2e scenario (tests/cross/scenario.ts) in Firefox and WebKit, on the production build. Run one engine per
// invocation (scripts/test-all.mjs writes one JSON report each): `npx vitest run --config vitest.cross.config.ts tests/cross/firefox.cross.ts`.
export default defineConfig({
  test: {
    include: ['tests/cross/**/*.cross.ts'],
    environment: 'node',
    fileParallelism: false,
    // The steps build on each other (one browser session): after the first failure the rest would only time out.
    bail: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
