// The installed app's numbers, in Chromium: bytes that cross the network on a first visit (the page, its worker, and
// the service worker's precache) and on a start with everything cached, and the cold start with the server stopped,
// answered by the service worker alone. The app is served by a plain static server, as a user's host would.
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { freePort } from './serve.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json' };

/** Files from `dir`, no COOP/COEP, no caching headers: what any static host does. */
async function staticServer(dir) {
  const port = Number(process.env.BENCH_PWA_PORT) || (await freePort());
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (file.startsWith(dir) && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil(p * values.length) - 1))];
const START = `await window.insightPool.ready(); const hits = await window.insightPool.retrieve('the build fails because a command-line tool is not installed'); return { t: performance.now(), hits: hits.length };`;

export async function runPwaBench({ dist, quick, log, chromiumArgs }) {
  const reps = quick ? 2 : 5;
  const server = await staticServer(dist);
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'insight-pool-bench-pwa-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
    serviceWorkers: 'allow',
  });
  let bytes = 0;
  let requests = 0;
  // Every request of the page, its workers and the service worker that went to the network (not answered by the SW).
  context.on('requestfinished', async (request) => {
    const response = await request.response().catch(() => null);
    if (!response || response.fromServiceWorker()) return;
    const sizes = await request.sizes().catch(() => undefined);
    bytes += (sizes?.responseBodySize ?? 0) + (sizes?.responseHeadersSize ?? 0);
    requests++;
  });
  const settle = async (page) => {
    // Until no byte has moved for a second (the precache downloads after the page is up).
    for (let last = -1; last !== bytes; ) {
      last = bytes;
      await page.waitForTimeout(1000);
    }
  };
  const run = (page, body) => page.evaluate(`(async () => { ${body} })()`);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => Boolean(window.insightPool));
    await run(page, START);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await settle(page);
    const first = { bytes, requests };
    bytes = 0;
    requests = 0;
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => Boolean(window.insightPool));
    await run(page, START);
    await settle(page);
    const cached = { bytes, requests };
    log(`chromium pwa: first visit ${(first.bytes / 1e6).toFixed(1)} MB in ${first.requests} requests; cached start ${(cached.bytes / 1e3).toFixed(1)} kB in ${cached.requests}`);

    await server.close();
    const times = [];
    for (let r = 0; r < reps; r++) {
      await page.goto(`${server.url}/`);
      await page.waitForFunction(() => Boolean(window.insightPool));
      const got = await run(page, START);
      if (got.hits === 0) throw new Error('retrieve returned nothing offline');
      times.push(got.t);
    }
    const isolated = await page.evaluate(() => crossOriginIsolated);
    log(`chromium coldstart from the service worker (server stopped): p50 ${Math.round(pct(times, 0.5))} ms, isolated ${isolated}`);
    return [
      { name: 'pwa', runtime: 'chromium', via: 'bytes over the network, first visit (page + workers + service-worker precache)', bytes: first.bytes, requests: first.requests },
      { name: 'pwa', runtime: 'chromium', via: 'bytes over the network, cached start (service worker)', bytes: cached.bytes, requests: cached.requests },
      {
        name: 'coldstart', runtime: 'chromium', via: 'server stopped: service worker → insightPool.ready() + retrieve()',
        p50_ms: Math.round(pct(times, 0.5)), p95_ms: Math.round(pct(times, 0.95)), reps, caveat: `cross-origin isolated by the service worker: ${isolated}`,
      },
    ];
  } finally {
    await context.close();
    await server.close().catch(() => undefined);
  }
}
