import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig({
  plugins: [svelte()],
  // Pool-file headers say which app version wrote them.
  define: { __APP_VERSION__: JSON.stringify(version) },
  // 'mpa': a missing model file is a clean 404, not index.html parsed as JSON by transformers.js.
  appType: 'mpa',
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  worker: { format: 'es' },
  // Cross-origin isolation lets ONNX Runtime use threads in the embedding worker (SharedArrayBuffer).
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: ISOLATION },
  optimizeDeps: { exclude: ['voy-search'] },
});
