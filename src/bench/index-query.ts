// Query latency, recall@3 against exact cosine, bytes and build time of every index for one
// (n, dims, data shape): the same code runs in Node (scripts/bench/indexes.mjs) and in Chromium
// (bench.html), so the two runtimes are compared on identical work.
import { FlatIndex } from '../adapters/index/flat';
import { createIndex } from '../adapters/index/choose';
import { Int8Index } from '../adapters/index/int8';
import { wasmRelaxedSimdSupported } from '../adapters/index/wasm-kernels';
import type { VectorIndex } from '../adapters/index/types';
import { syntheticSet, type Shape } from './synthetic';
import { recallAt, round, summarize, type BenchRow } from './stats';

/**
 * `flat-js` is the plain-JS scan: the exact ground truth and the fallback without wasm SIMD. `int8-plain` is the
 * int8 index on plain SIMD where the runtime also has relaxed SIMD (which `int8` then uses), to show what it adds.
 */
export type BenchIndexKind = 'flat-js' | 'flat' | 'int8' | 'int8-plain' | 'voy';
export const BENCH_INDEX_KINDS: BenchIndexKind[] = ['flat-js', 'flat', 'int8', 'int8-plain', 'voy'];

export interface IndexBenchOptions {
  runtime: 'node' | 'chromium';
  n: number;
  dims: number;
  shape?: Shape;
  kinds?: BenchIndexKind[];
  queries?: number;
  /** Fewer timed queries for Voy, whose scans are 10–100× slower. */
  voyQueries?: number;
  warmup?: number;
  seed?: number;
  /** Also time Voy's own serialize → deserialize. */
  voySnapshot?: boolean;
  log?: (line: string) => void;
}

type AnyIndex = VectorIndex & { bytes?: number; serialize?: () => string; voy?: { free?: () => void } };

async function makeIndex(kind: BenchIndexKind, dims: number): Promise<AnyIndex> {
  // The app's own factory for everything but the forced-JS scan, so kernels are precompiled as in the app.
  if (kind === 'flat-js') return new FlatIndex(dims, { simd: false });
  if (kind === 'int8-plain') return new Int8Index(dims, { relaxed: false });
  return (await createIndex(kind, dims)) as AnyIndex;
}

function timeQueries(index: AnyIndex, queries: Float32Array[], count: number, warmup: number) {
  for (let i = 0; i < Math.min(warmup, count); i++) index.search(queries[i % queries.length], 3);
  const times: number[] = [];
  const results: string[][] = [];
  for (let i = 0; i < count; i++) {
    const q = queries[i % queries.length];
    const t = performance.now();
    const got = index.search(q, 3);
    times.push(performance.now() - t);
    results.push(got.map((c) => c.id));
  }
  return { ...summarize(times), results };
}

export async function benchIndexes(opts: IndexBenchOptions): Promise<BenchRow[]> {
  const { runtime, n, dims, shape = 'clustered', queries = 200, warmup = 20, seed = 42, log = () => {} } = opts;
  const kinds = (opts.kinds ?? BENCH_INDEX_KINDS).filter((k) => k !== 'int8-plain' || wasmRelaxedSimdSupported());
  const set = syntheticSet({ n, dims, queries, seed, shape });
  const items = set.vectors.map((vector, i) => ({ id: `m${i}`, vector }));
  const rows: BenchRow[] = [];
  let truth: string[][] | undefined;
  // Ground truth first, whatever order the kinds come in.
  const order = ['flat-js' as const, ...kinds.filter((k) => k !== 'flat-js')];
  for (const kind of order) {
    const index = await makeIndex(kind, dims);
    const t0 = performance.now();
    index.build(items);
    const buildMs = performance.now() - t0;
    const count = kind === 'voy' ? Math.min(queries, opts.voyQueries ?? queries) : queries;
    const { p50, p95, results } = timeQueries(index, set.queries, count, warmup);
    truth ??= results;
    const recall = recallAt(results, truth.slice(0, results.length));
    const common = { runtime, n, dims, index: kind, data: shape };
    if (kinds.includes(kind)) {
      rows.push({ name: 'query.top3', ...common, p50_ms: round(p50), p95_ms: round(p95), recall_at_3: round(recall, 4), bytes: index.bytes, queries: count });
      if (shape === 'clustered') rows.push({ name: 'index.load', ...common, via: 'build', p50_ms: round(buildMs, 1), bytes: index.bytes });
      log(`${runtime} ${shape} n=${n} d=${dims} ${kind}: p50 ${p50.toFixed(3)} ms p95 ${p95.toFixed(3)} ms recall@3 ${recall.toFixed(4)} build ${buildMs.toFixed(0)} ms`);
      if (kind === 'voy' && opts.voySnapshot) rows.push(await voySnapshotRow(index, dims, items, common));
    }
    index.voy?.free?.();
  }
  return rows;
}

/** Voy's own serialize → deserialize round trip, where Voy manages it (it fails past ~60k vectors). */
async function voySnapshotRow(index: AnyIndex, dims: number, items: { id: string; vector: Float32Array }[], common: Partial<BenchRow>): Promise<BenchRow> {
  const row: BenchRow = { name: 'index.load', runtime: common.runtime!, ...common, via: 'voy-deserialize' };
  try {
    const { VoyIndex } = await import('../adapters/index/voy');
    const snapshot = index.serialize!();
    const t = performance.now();
    const restored = VoyIndex.deserialize(dims, snapshot, items);
    row.p50_ms = round(performance.now() - t, 1);
    row.bytes = snapshot.length;
    if (restored.size !== items.length) row.error = 'restored size differs';
    (restored as unknown as AnyIndex).voy?.free?.();
  } catch (err) {
    row.skipped = `Voy snapshot failed: ${String((err as Error)?.message ?? err).slice(0, 100)}`;
  }
  return row;
}
