// Loads the app's TypeScript index code in Node through Vite's SSR loader, so the bench runs exactly
// the modules the browser bundles (including the `?init` wasm import Voy needs), with no build step.
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function loadTs(paths) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    const mods = [];
    for (const p of paths) mods.push(await server.ssrLoadModule(p));
    return { mods, close: () => server.close() };
  } catch (e) {
    await server.close();
    throw e;
  }
}
