import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/unit/setup.ts'],
    // Node 20 has wasm relaxed SIMD only behind this flag (browsers ship it); the int8 index's relaxed kernel is
    // tested here with it, its plain-SIMD and JS fallbacks by option.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
