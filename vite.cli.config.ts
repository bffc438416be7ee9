// Builds the Node CLI (src/cli/main.ts) into dist-cli/cli.mjs, which bin/insight-pool.js runs:
//   vite build --config vite.cli.config.ts
// Dependencies stay external (resolved from node_modules at run time: zod, @xenova/transformers → onnxruntime-node),
// and public/ is not copied — the CLI reads the embedded model from the package's public/models in place.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rollupOptions: {
      output: { format: 'es', entryFileNames: 'cli.mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});
