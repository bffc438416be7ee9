#!/usr/bin/env node
// Node half of the index benchmark: query latency (top-3), recall@3 against exact cosine, memory and
// build time for every index at 1k / 10k / 100k × 384 / 512 dims, on seeded synthetic vectors.
//
//   node scripts/bench/indexes.mjs [--quick] [--out reports/bench-indexes-node.json]
//
// The measurement is src/bench/index-query.ts, the same code bench.html runs in Chromium, loaded
// here through Vite's SSR loader (see load-ts.mjs) with the app's own index modules. Exact ground
// truth is the plain-JS flat scan (double-precision sums); it is also reported as `flat-js`, the
// fallback for runtimes without wasm SIMD.
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTs } from './load-ts.mjs';

/** Sizes and counts per mode; scripts/bench.mjs uses the same plan for the Chromium half. */
export function indexPlan(quick) {
  return {
    sizes: quick ? [1000, 10000] : [1000, 10000, 100000],
    dims: [384, 512],
    queries: quick ? 50 : 200,
    voyQueries: (n) => (quick ? 20 : n >= 100000 ? 30 : 100),
    // Extra data shapes only check recall of the scan indexes at the larger sizes (Node only).
    extraShapes: quick ? [] : ['anisotropic', 'uniform'],
  };
}

export async function runIndexBench({ quick = false, log = console.log } = {}) {
  const { mods, close } = await loadTs(['/src/bench/index-query.ts', '/src/adapters/index/wasm-kernels.ts']);
  const [{ benchIndexes }, kernels] = mods;
  const plan = indexPlan(quick);
  const rows = [];
  if (!kernels.wasmSimdSupported()) log('warning: no wasm SIMD in this runtime; flat/int8 run their JS fallbacks');
  try {
    for (const n of plan.sizes) {
      for (const dims of plan.dims) {
        rows.push(
          ...(await benchIndexes({ runtime: 'node', n, dims, queries: plan.queries, voyQueries: plan.voyQueries(n), voySnapshot: !quick, log })),
        );
        if (n < 10000) continue;
        for (const shape of plan.extraShapes) {
          rows.push(...(await benchIndexes({ runtime: 'node', n, dims, shape, kinds: ['flat-js', 'flat', 'int8'], queries: plan.queries, log })));
        }
      }
    }
  } finally {
    await close();
  }
  return rows;
}

export function formatTable(rows) {
  const cols = ['name', 'data', 'n', 'dims', 'index', 'via', 'p50_ms', 'p95_ms', 'recall_at_3', 'MB', 'error'];
  const data = rows.map((r) => ({ ...r, MB: r.bytes === undefined ? '' : (r.bytes / 1e6).toFixed(1) }));
  const width = cols.map((c) => Math.max(c.length, ...data.map((r) => String(r[c] ?? '').length)));
  const line = (vals) => vals.map((v, i) => String(v ?? '').padEnd(width[i])).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...data.map((r) => line(cols.map((c) => r[c])))].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outAt = args.indexOf('--out');
  const t = performance.now();
  const rows = await runIndexBench({ quick });
  console.log(`\n${formatTable(rows)}\n\n(${((performance.now() - t) / 1000).toFixed(0)} s, node ${process.version})`);
  if (outAt >= 0) {
    const out = args[outAt + 1];
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(rows, null, 2) + '\n');
    console.log(`wrote ${rows.length} rows to ${out}`);
  }
}
