// Builds the real app plus bench.html (a second MPA entry) and serves the build with `vite preview`
// on a free 127.0.0.1 port. The build goes to its own folder so a bench run never swaps dist/ under
// a concurrent e2e run; it is the same vite.config.ts build with one more html input.
import { build, preview } from 'vite';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_DIST = join(root, 'node_modules/.cache/insight-pool-bench/dist');
/** The app alone, exactly as `vite build` makes it: bundle sizes are read from here. */
export const APP_DIST = join(root, 'node_modules/.cache/insight-pool-bench/app-dist');
const configFile = join(root, 'vite.config.ts');

const input = { main: join(root, 'index.html'), bench: join(root, 'bench.html') };

/**
 * `vite build` in production mode whatever ran before it in this process: the Node index step loads TypeScript through a
 * Vite dev server (load-ts.mjs), which sets NODE_ENV=development, and Vite then built a development bundle (Svelte's
 * dev runtime: initial JS 142.8 instead of 132.5 kB gzip, and every browser row of a full run measured that build).
 */
async function productionBuild(config) {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const t = performance.now();
  try {
    await build({ root, configFile, logLevel: 'error', mode: 'production', ...config });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
  return performance.now() - t;
}

export function buildForBench(outDir = BENCH_DIST) {
  return productionBuild({ build: { outDir, emptyOutDir: true, rolldownOptions: { input } } });
}

/** The production build unchanged (a second entry would split shared chunks differently). */
export function buildApp(outDir = APP_DIST) {
  return productionBuild({ build: { outDir, emptyOutDir: true } });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Cross-origin isolation for bench.html only: without it Chromium coarsens performance.now() to
 * 100 µs, too coarse for sub-millisecond query times. A worker started from an isolated page must
 * send the same headers (Chromium blocks it otherwise), so requests made by bench.html get them too.
 * The app's own pages and their requests are served unchanged.
 */
function isolateBenchPage() {
  return {
    name: 'bench-isolation',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/bench.html') || /\/bench\.html(\?|$)/.test(req.headers.referer ?? '')) {
          res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
          res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        }
        next();
      });
    },
  };
}

export async function startPreview(outDir = BENCH_DIST) {
  if (!existsSync(join(outDir, 'bench.html'))) throw new Error(`no bench build in ${outDir}; run without --no-build`);
  // BENCH_PORT (or E2E_PORT): on a shared machine each engineer serves on an assigned port.
  const port = Number(process.env.BENCH_PORT) || Number(process.env.E2E_PORT) || (await freePort());
  const server = await preview({
    root,
    configFile,
    logLevel: 'warn',
    plugins: [isolateBenchPage()],
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
