import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig({
  plugins: [
    svelte(),
    // Installable and offline-first: a manifest, and a Workbox service worker (src/sw.ts) that precaches the shell,
    // workers, wasm kernels and the embedded model. The update prompt is the app's own (src/ui/UpdatePrompt.svelte).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Insight Pool',
        short_name: 'Insight Pool',
        description: 'Offline, browser-local memory pool for coding agents.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#2b6cb0',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{html,js,css,wasm,json,onnx,svg,png,webmanifest}'],
        // ONNX Runtime's wasm (only for imported models) and the quantized variant are cached on first use instead.
        globIgnores: ['**/ort-wasm*.wasm', '**/model_quantized.onnx'],
        // The embedded model is 27 MB; Workbox skips anything over its 2 MB default.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
    }),
  ],
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
