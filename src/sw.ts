/// <reference lib="webworker" />
// The service worker (Workbox, built by vite-plugin-pwa): precaches the app shell, workers, wasm kernels and the
// embedded model, so after one visit the app starts and retrieves with its server gone. It also adds the cross-origin
// isolation headers (COOP/COEP) to what it serves, for hosts that cannot send them (a plain static file server): the
// embedding engine gets its threads from the second start on, as it does where the host sends them itself.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, addPlugins, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import type { WorkboxPlugin } from 'workbox-core/types';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/**
 * COOP + COEP on every response this worker serves. `require-corp`, not the `credentialless` the app's own servers
 * send: WebKit knows only the former, and everything the app loads is same-origin or CORS (model downloads) anyway.
 */
const isolation: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => {
    if (response.type === 'opaque' || response.status === 0) return response;
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  },
};

addPlugins([isolation]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Any navigation in scope (`/?index=flat`…) gets the precached app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
// Not precached, cached on first use: ONNX Runtime's wasm builds (~38 MB, needed only for an imported model that is
// not the embedded one) and the quantized model variant.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && (/\/assets\/ort-wasm[\w-]*\.wasm$/.test(url.pathname) || url.pathname.endsWith('/model_quantized.onnx')),
  new CacheFirst({ cacheName: 'insight-pool-runtime', plugins: [isolation] }),
);

// The page's "Reload" on the update prompt: the waiting worker takes over, workbox-window reloads the page.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// No clients.claim(): the first visit stays served by the network to the end. Claiming it mid-load broke the
// embedding worker's model download in Chromium ("network error"; the app fell back to ONNX Runtime). From the next
// start on, the service worker serves everything.
