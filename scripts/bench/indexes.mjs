#!/usr/bin/env node
// Node half of the index benchmark: query latency (top-3), recall@3 against exact cosine, memory and
// build time for every index at 1k / 10k / 100k × 384 / 512 dims, on seeded synthetic vectors.
//
//   node scripts/bench/indexes.mjs [--quick] [--out reports/bench-indexes-node.json]
//
// The index code is the app's own TypeScript, loaded through Vite's SSR loader (see load-ts.mjs).
// Exact ground truth is the plain-JS flat scan (double-precision sums); it is also reported as
// `flat-js`, the fallback for runtimes without wasm SIMD.
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTs } from './load-ts.mjs';

const QUERIES = 200;
const WARMUP = 20;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const round = (x, d = 3) => (x === undefined ? undefined : Math.round(x * 10 ** d) / 10 ** d);

function timeQueries(index, queries, count) {
  for (let i = 0; i < Math.min(WARMUP, count); i++) index.search(queries[i % queries.length], 3);
  const times = [];
  const results = [];
  for (let i = 0; i < count; i++) {
    const q = queries[i % queries.length];
    const t = performance.now();
    const got = index.search(q, 3);
    times.push(performance.now() - t);
    results.push(got.map((c) => c.id));
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), results };
}

function recallAt3(results, truth) {
  let hit = 0;
  let total = 0;
  results.forEach((ids, i) => {
    const t = new Set(truth[i]);
    total += t.size;
    for (const id of ids) if (t.has(id)) hit++;
  });
  return total ? hit / total : 1;
}

export async function runIndexBench({ quick = false, log = console.log } = {}) {
  const { mods, close } = await loadTs([
    '/src/adapters/index/flat.ts',
    '/src/adapters/index/int8.ts',
    '/src/adapters/index/voy.ts',
    '/src/adapters/index/wasm-kernels.ts',
    '/scripts/bench/synthetic.ts',
  ]);
  const [{ FlatIndex }, { Int8Index }, voy, kernels, { syntheticSet }] = mods;
  const rows = [];
  const sizes = quick ? [1000] : [1000, 10000, 100000];
  const dimsList = [384, 512];
  const base = { runtime: 'node' };
  if (!kernels.wasmSimdSupported()) log('warning: no wasm SIMD in this runtime; flat/int8 run their JS fallbacks');

  const indexes = [
    { name: 'flat-js', make: (d) => new FlatIndex(d, { simd: false }) },
    { name: 'flat', make: (d) => new FlatIndex(d) },
    { name: 'int8', make: (d) => new Int8Index(d) },
    { name: 'voy', make: (d) => voy.createVoyIndex(d), queries: (n) => (n >= 100000 ? 30 : 100) },
  ];

  const shapes = quick ? ['clustered'] : ['clustered', 'anisotropic', 'uniform'];
  try {
    for (const n of sizes) {
      for (const dims of dimsList) {
        for (const shape of shapes) {
          // Extra data shapes only check recall of the scan indexes at the larger sizes.
          if (shape !== 'clustered' && n < 10000) continue;
          const { vectors, queries } = syntheticSet({ n, dims, queries: QUERIES, seed: 42, shape });
          const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
          let truth;
          for (const spec of indexes) {
            if (shape !== 'clustered' && spec.name === 'voy') continue;
            const index = await spec.make(dims);
            const t0 = performance.now();
            index.build(items);
            const buildMs = performance.now() - t0;
            const count = quick ? 50 : (spec.queries?.(n) ?? QUERIES);
            const { p50, p95, results } = timeQueries(index, queries, count);
            if (spec.name === 'flat-js') truth = results;
            const recall = recallAt3(results, truth.slice(0, results.length));
            const common = { ...base, n, dims, index: spec.name, data: shape };
            rows.push({ name: 'query.top3', ...common, p50_ms: round(p50), p95_ms: round(p95), recall_at_3: round(recall, 4), bytes: index.bytes, queries: count });
            if (shape === 'clustered') rows.push({ name: 'index.load', ...common, p50_ms: round(buildMs, 1), bytes: index.bytes, via: 'build' });
            log(`${shape.padEnd(11)} n=${String(n).padStart(6)} d=${dims} ${spec.name.padEnd(7)} p50 ${p50.toFixed(3)} ms  p95 ${p95.toFixed(3)} ms  recall@3 ${recall.toFixed(4)}  build ${buildMs.toFixed(0)} ms`);
            if (spec.name === 'voy' && !quick) rows.push(voySnapshotRow(voy, index, dims, items, common));
            index.voy?.free?.();
          }
        }
      }
    }
  } finally {
    await close();
  }
  return rows;
}

/** Voy's own serialize → deserialize round trip, where Voy manages it. */
function voySnapshotRow(voy, index, dims, items, common) {
  const row = { name: 'index.load', ...common, via: 'voy-deserialize' };
  try {
    const snapshot = index.serialize();
    const t = performance.now();
    const restored = voy.VoyIndex.deserialize(dims, snapshot, items);
    row.p50_ms = round(performance.now() - t, 1);
    row.bytes = snapshot.length;
    if (restored.size !== items.length) row.error = 'restored size differs';
  } catch (err) {
    row.error = String(err?.message ?? err).slice(0, 120);
  }
  return row;
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
