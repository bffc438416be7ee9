// Chromium half of the bench: headless Debian chromium through Playwright, against the built app
// served by `vite preview`. Index numbers come from bench.html (independent of the app); embedding,
// import/export and IndexedDB load from the same page; cold start from the app itself (index.html).
import { chromium } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadTs } from './load-ts.mjs';
import { indexPlan } from './indexes.mjs';
import { browserEngine, runEmbedInterleaved } from './embed.mjs';

const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : undefined);
function pct(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

async function chromiumArgs() {
  // The e2e suite's flags, from playwright.config.ts (TypeScript, hence the loader).
  const { mods, close } = await loadTs(['/playwright.config.ts']);
  await close();
  return mods[0].CHROMIUM_ARGS;
}

/**
 * A browser profile on disk, as a user has. Playwright's default contexts are incognito, whose in-memory IndexedDB
 * measured 3-4x slower on writes here than a real profile (10k memories: 11.8 s vs 3.3 s).
 */
async function persistentContext(args) {
  const dir = mkdtempSync(join(tmpdir(), 'insight-pool-bench-profile-'));
  // No service worker: these rows measure the app and IndexedDB; the service worker's own rows are in pwa.mjs.
  return chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, serviceWorkers: 'block' });
}

async function openBench(context, url, log) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.text().startsWith('chromium ')) log(`  [page] ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && log(`  [page] HTTP ${r.status()} ${r.url()}`));
  await page.goto(`${url}/bench.html`);
  await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 60_000 });
  return page;
}

async function reloadBench(page) {
  await page.reload();
  await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 60_000 });
}

async function indexRows(page, quick, log) {
  const plan = indexPlan(quick);
  const rows = [];
  for (const n of plan.sizes) {
    for (const dims of plan.dims) {
      const opts = { n, dims, queries: plan.queries, voyQueries: plan.voyQueries(n), voySnapshot: !quick };
      rows.push(...(await page.evaluate((o) => window.bench.indexes(o), opts)));
    }
    // A fresh page per size: 100k × 512 sets and Voy's heap would otherwise pile up.
    await reloadBench(page);
  }
  log(`chromium indexes: ${rows.length} rows`);
  return rows;
}

async function loadRows(page, quick, log) {
  const sizes = quick ? [1000, 10000] : [1000, 10000, 100000];
  const reps = quick ? 1 : 3;
  const dims = 512;
  const rows = [];
  for (const n of sizes) {
    const db = `bench-load-${n}`;
    const fill = await page.evaluate(([d, n, dims]) => window.bench.fillStore(d, n, dims), [db, n, dims]);
    const runs = [];
    for (let r = 0; r < reps; r++) {
      // A page reload between filling and loading: what the app meets when a user reopens it.
      await reloadBench(page);
      runs.push(await page.evaluate(([d, n, dims]) => window.bench.timeLoad(d, n, dims), [db, n, dims]));
    }
    const edits = await page.evaluate(([d, n, dims]) => window.bench.timeEdits(d, n, dims), [db, n, dims]);
    await page.evaluate((d) => window.bench.deleteDb(d), db);
    for (const e of edits) log(`chromium edit n=${n}: ${e.via} p50 ${e.p50_ms} ms`);
    const ms = runs.map((r) => r.p50_ms);
    const row = { ...runs[0], p50_ms: round(pct(ms, 0.5)), p95_ms: round(pct(ms, 0.95)), open_ms: round(pct(runs.map((r) => r.open_ms), 0.5)), read_ms: round(pct(runs.map((r) => r.read_ms), 0.5)), build_ms: round(pct(runs.map((r) => r.build_ms), 0.5)), lexical_ms: round(pct(runs.map((r) => r.lexical_ms), 0.5)), searchable_ms: round(pct(runs.map((r) => r.searchable_ms), 0.5)), reps, fill_ms: round(fill.ms, 0) };
    const error = runs.find((r) => r.error)?.error;
    if (error) row.error = error;
    rows.push(row, ...edits);
    log(`chromium index.load indexeddb n=${n}: p50 ${row.p50_ms} ms (${row.index}; warm re-read ${row.read_ms} ms, build ${row.build_ms} ms, lexical ${row.lexical_ms} ms; searchable after ${row.searchable_ms} ms)`);
  }
  return rows;
}

async function coldstartRows(args, url, dist, quick, log) {
  const reps = quick ? 2 : 5;
  const base = { name: 'coldstart', runtime: 'chromium', via: 'second navigation → insightPool.ready() + retrieve()' };
  const context = await persistentContext(args);
  // Which files the first start really fetches (page and worker requests); sizes come from the build.
  const fetched = new Set();
  context.on('requestfinished', (req) => fetched.add(new URL(req.url()).pathname));
  try {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    const first = await page.evaluate(async () => {
      if (!window.insightPool) throw new Error('window.insightPool is missing');
      await window.insightPool.ready();
      return { t: performance.now(), info: await window.insightPool.info() };
    });
    const kinds = { 'JS (page + worker)': /\.js$/, wasm: /\.wasm$/, 'model files': /^\/models\// };
    const fetchedRows = Object.entries(kinds).map(([kind, re]) => {
      const files = [...fetched].filter((f) => re.test(f) && existsSync(join(dist, f)));
      const bytes = files.map((f) => readFileSync(join(dist, f)));
      return {
        name: 'bundle', runtime: 'chromium', via: `fetched on first start: ${kind} (raw)`,
        bytes: bytes.reduce((a, b) => a + b.length, 0), gzip_bytes: bytes.reduce((a, b) => a + gzipSync(b).length, 0), files: files.join(' '),
      };
    });
    const answer = async () => {
      const times = [];
      let info;
      for (let r = 0; r < reps; r++) {
        await page.goto(`${url}/`);
        const got = await page.evaluate(async () => {
          await window.insightPool.ready();
          const hits = await window.insightPool.retrieve('the build fails because a command-line tool is not installed', { record: false });
          return { t: performance.now(), hits: hits.length, info: await window.insightPool.info() };
        });
        if (got.hits === 0) throw new Error('retrieve returned nothing');
        times.push(got.t);
        info = got.info;
      }
      return { ...base, model: info.model, dims: info.dims, index: info.index, n: info.count, p50_ms: round(pct(times, 0.5)), p95_ms: round(pct(times, 0.95)), reps };
    };
    const demo = { ...(await answer()), first_load_ms: round(first.t, 0) };
    log(`chromium coldstart, demo pool: p50 ${demo.p50_ms} ms`);
    // The same with a big pool in the app's own model: reading it and building the index overlap the model load.
    const n = quick ? 10_000 : 100_000;
    await page.goto(`${url}/bench.html`);
    await page.waitForFunction(() => window.bench);
    await page.evaluate(([n, model, dims]) => window.bench.fillStore('insight-pool', n, dims, model), [n, first.info.model, first.info.dims]);
    const big = await answer();
    if (big.n !== n) throw new Error(`the app opened ${big.n} of the ${n} memories filled in`);
    log(`chromium coldstart, ${n} memories: p50 ${big.p50_ms} ms`);
    return [demo, big, ...fetchedRows];
  } catch (err) {
    return [{ ...base, skipped: `app did not answer: ${String(err?.message ?? err).split('\n')[0].slice(0, 160)}` }];
  } finally {
    await context.close();
  }
}

/**
 * The Map tab on a 10k-memory pool in the app's own model (synthetic vectors): the worker's projection + mixing time,
 * and what a user feels afterwards — redraw after a filter change, and a hover (hit-test + redraw) — each until the
 * next animation frame.
 */
async function mapRows(args, url, quick, log) {
  const n = 10_000;
  const reps = quick ? 5 : 15;
  const base = { name: 'map', runtime: 'chromium', n };
  const context = await persistentContext(args);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    const info = await page.evaluate(async () => (await window.insightPool.ready(), window.insightPool.info()));
    await page.goto(`${url}/bench.html`);
    await page.waitForFunction(() => window.bench);
    await page.evaluate(([n, model, dims]) => window.bench.fillStore('insight-pool', n, dims, model), [n, info.model, info.dims]);
    await page.goto(`${url}/`);
    await page.evaluate(() => window.insightPool.ready());
    const t = Date.now();
    await page.getByRole('tab', { name: 'Map' }).click();
    const canvas = page.getByTestId('map-canvas');
    await canvas.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 600_000 });
    const wall = Date.now() - t;
    const projectionMs = Number(await canvas.getAttribute('data-ms'));
    if (Number(await canvas.getAttribute('data-points')) !== n) throw new Error('the map did not draw every memory');
    const frame = (action) =>
      page.evaluate(async (action) => {
        const c = document.querySelector('[data-testid="map-canvas"]');
        const select = document.querySelector('select[aria-label="map level"]');
        const times = [];
        for (let r = 0; r < 2; r++) {
          const start = performance.now();
          if (action === 'filter') {
            select.value = select.value === 'insight' ? '' : 'insight';
            select.dispatchEvent(new Event('change', { bubbles: true }));
          } else {
            const p = c.mapPoints()[(r * 997) % 10_000];
            const box = c.getBoundingClientRect();
            c.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + p.x, clientY: box.top + p.y, bubbles: true }));
          }
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          times.push(performance.now() - start);
        }
        return times;
      }, action);
    const sample = async (action) => {
      const times = [];
      for (let r = 0; r < reps; r++) times.push(...(await frame(action)));
      return { p50_ms: round(pct(times, 0.5)), p95_ms: round(pct(times, 0.95)), reps: times.length };
    };
    const rows = [
      { ...base, via: 'projection in the worker (PCA to 50-d, then UMAP)', p50_ms: projectionMs, wall_ms: wall },
      { ...base, via: 'redraw after a filter change (canvas)', ...(await sample('filter')) },
      { ...base, via: 'hover: hit-test + redraw (canvas)', ...(await sample('hover')) },
    ];
    log(`chromium map, ${n} memories: projection ${projectionMs} ms (tab to drawn ${wall} ms), redraw p50 ${rows[1].p50_ms} ms, hover p50 ${rows[2].p50_ms} ms`);
    return rows;
  } finally {
    await context.close();
  }
}

/**
 * The wasm SIMD peak on one thread and on as many as the embedding worker's ONNX Runtime used (after the embed rows, so
 * nothing else is running): the ceiling the raw-session GFLOP/s are read against.
 */
async function simdPeakRows(page, info, embedRows, quick, log) {
  const relaxed = info.wasmRelaxedSimd;
  const threads = [...new Set([1, embedRows.find((r) => r.name === 'embed.raw' && r.runtime === 'chromium' && r.threads)?.threads ?? 1])];
  const rows = [];
  for (const t of threads) {
    const gflops = await page.evaluate(([t, relaxed, reps]) => window.bench.simdPeak(t, relaxed, { reps }), [t, relaxed, quick ? 1 : 3]);
    rows.push({ name: 'simd.peak', runtime: 'chromium', threads: t, via: `wasm f32x4 ${relaxed ? 'relaxed madd' : 'mul + add'} in registers, ${t} thread${t > 1 ? 's' : ''}`, gflops: Math.round(gflops * 10) / 10 });
  }
  // Real matrix arithmetic on the model's largest product (64 sentences × 16 tokens through the FFN's first layer).
  const [M, K, N] = [1020, 512, 1536];
  const gemm = await page.evaluate(([M, K, N, relaxed, reps]) => window.bench.gemmProbe(M, K, N, relaxed, reps), [M, K, N, relaxed, quick ? 2 : 5]);
  if (!(gemm.maxError < 1e-3)) throw new Error(`the GEMM probe computed a wrong product (max error ${gemm.maxError})`);
  rows.push({ name: 'simd.gemm', runtime: 'chromium', threads: 1, via: `wasm f32x4 6×8 GEMM kernel, ${M}×${K} · ${K}×${N} (the FFN's first layer), 1 thread`, gflops: Math.round(gemm.gflops * 10) / 10, p50_ms: Math.round(gemm.ms * 100) / 100 });
  log(`chromium wasm SIMD peak: ${rows.map((r) => `${r.name === 'simd.gemm' ? 'GEMM kernel' : `${r.threads} thread(s)`} ${r.gflops} GFLOP/s`).join(', ')}`);
  return rows;
}

/**
 * @param {{ url: string, quick: boolean, log: (s: string) => void, models?: object[] }} opts
 * `models`: the local models to embed with (embed.mjs localModels(); one with a `problem` gives rows saying so).
 * `dist`: the build the preview serves (for the sizes of fetched files).
 * `nodeEngines`: the Node embedding engines, timed in turn with the browser's (see embed.mjs).
 * `only`: step names to run (query.top3, index.load, import, embed, coldstart, map); all when absent.
 */
export async function runBrowserBench({ url, dist, quick, log, models = [], nodeEngines = async () => [], only }) {
  const args = await chromiumArgs();
  const context = await persistentContext(args);
  const rows = [];
  let info;
  let version = '';
  try {
    const page = await openBench(context, url, log);
    info = await page.evaluate(() => window.bench.info());
    version = (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? '';
    log(`chromium ${version}: crossOriginIsolated=${info.crossOriginIsolated} timer=${(info.timerResolutionMs * 1000).toFixed(0)} µs wasmSimd=${info.wasmSimd} relaxedSimd=${info.wasmRelaxedSimd}`);

    const step = async (label, fn) => {
      if (only && !only.includes(label)) return;
      try {
        rows.push(...(await fn()));
      } catch (err) {
        log(`chromium ${label} failed: ${err.message.split('\n')[0]}`);
        rows.push({ name: label, runtime: 'chromium', error: err.message.split('\n')[0].slice(0, 200) });
      }
    };
    await step('query.top3', () => indexRows(page, quick, log));
    await step('query.hybrid', async () => {
      const rows = [];
      for (const n of quick ? [10000] : [10000, 100000]) {
        const r = await page.evaluate(([n]) => window.bench.hybrid(n, 512, 100), [n]);
        log(`chromium hybrid n=${n}: ${r.map((x) => `${x.name}/${x.index} ${x.p50_ms} ms`).join(', ')}`);
        rows.push(...r);
      }
      return rows;
    });
    await step('index.load', () => loadRows(page, quick, log));
    await step('import', async () => {
      const n = quick ? 2000 : 10000;
      const r = await page.evaluate(([n, reps]) => window.bench.importExport(n, 512, reps), [n, quick ? 1 : 3]);
      log(`chromium import/export n=${n}: ${r.map((x) => `${x.name} ${x.p50_ms} ms`).join(', ')} (read ${r[0].read_ms}, plan ${r[0].plan_ms}, insert ${r[0].insert_ms} ms)`);
      return r;
    });
    await step('embed', async () => {
      const engines = [];
      for (const model of models) engines.push(await browserEngine(page, model));
      engines.push(...(await nodeEngines()));
      const embedRows = await runEmbedInterleaved(engines, { quick, log });
      return [...embedRows, ...(await simdPeakRows(page, info, embedRows, quick, log))];
    });
    await context.close();
    if (!only || only.includes('coldstart')) rows.push(...(await coldstartRows(args, url, dist, quick, log)));
    if (!only || only.includes('map')) {
      try {
        rows.push(...(await mapRows(args, url, quick, log)));
      } catch (err) {
        log(`chromium map failed: ${err.message.split('\n')[0]}`);
        rows.push({ name: 'map', runtime: 'chromium', error: err.message.split('\n')[0].slice(0, 200) });
      }
    }
  } finally {
    await context.close().catch(() => undefined);
  }
  return { rows, info: { ...info, version } };
}
