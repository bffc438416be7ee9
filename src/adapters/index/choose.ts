// Which index a pool gets. Measured with `node scripts/bench/indexes.mjs` (Node 20.20 / V8 11.3, AMD EPYC
// VM, 2 cores; seeded synthetic unit vectors; top-3 p50 in ms; recall@3 against the exact double-precision
// scan, 200 queries; Voy 100 queries, 30 at 100k):
//
//   index               1k×384  1k×512  10k×384  10k×512  100k×384  100k×512  recall@3  bytes/vector (512-d)
//   int8 (wasm SIMD)    0.060   0.074   0.25     0.29     1.9       2.5       1.00      2560
//   flat (wasm SIMD)    0.059   0.085   0.59     0.81     5.9       15.8      exact     2048
//   flat (plain JS)     0.26    0.38    2.9      3.8      27.6      38.1      exact     2048
//   voy (k-d tree)      0.39    0.40    4.1      4.1      44.5      45.1      1.00      kept vectors + wasm heap
//
// Build from vectors at 100k×512: flat 0.2–0.8 s, int8 0.8 s, Voy 13.8 s (Voy serialize fails past
// ~60k: its JSON snapshot exceeds V8's string limit). int8 recall stayed 1.00 on clustered, anisotropic
// and isotropic data at 10k and 100k.
//
// So int8 whenever wasm SIMD exists, at every size: it ties flat at 1k and is 3–6× faster from 10k on,
// and below its candidate pool (max(k·16, 32) rows) it re-scores every row, i.e. it is exact. Pool size
// does not pick the kind on purpose: an index is created once per (re)build while pools grow by import,
// so a size-based choice made at 50 memories would still be serving 100k. Without wasm SIMD the int8
// scan gains nothing over the plain-JS flat loop, so flat is the fallback. Where wasm relaxed SIMD exists
// (Chromium, Firefox; Node 20 only behind a flag) int8 scans with its relaxed kernel: 10–30% faster in
// Chromium in `npm run bench` (its int8-plain rows), recall unchanged.
import type { VectorIndex } from './types';
import { FlatIndex } from './flat';
import { Int8Index } from './int8';
import { precompileKernel, wasmRelaxedSimdSupported, wasmSimdSupported } from './wasm-kernels';
import { IndexInputError } from './slots';

export type IndexKind = 'auto' | 'flat' | 'int8' | 'voy';
export type ConcreteIndexKind = Exclude<IndexKind, 'auto'>;

export const INDEX_KINDS: readonly IndexKind[] = ['auto', 'flat', 'int8', 'voy'];

/** The index the bench shows is fastest for a pool of n vectors of this width (with recall@3 ≥ 0.99). */
export function chooseIndex(n: number, dims: number): ConcreteIndexKind {
  void n;
  void dims;
  return wasmSimdSupported() ? 'int8' : 'flat';
}

/**
 * Creates an empty index of the given kind. Async because Voy's wasm and the SIMD kernels are
 * compiled off the main thread's synchronous path; `size` is the expected pool size for 'auto'.
 */
export async function createIndex(kind: IndexKind, dims: number, size = 0): Promise<VectorIndex> {
  const concrete = kind === 'auto' ? chooseIndex(size, dims) : kind;
  switch (concrete) {
    case 'flat':
      await precompileKernel('f32', (dims + 3) & ~3);
      return new FlatIndex(dims);
    case 'int8':
      await precompileKernel(wasmRelaxedSimdSupported() ? 'i8r' : 'i8', (dims + 15) & ~15);
      return new Int8Index(dims);
    case 'voy':
      // Loaded on demand so Voy's glue and wasm stay out of the initial bundle.
      return (await import('./voy')).createVoyIndex(dims);
    default:
      throw new IndexInputError(`unknown index kind "${String(kind)}"; expected one of ${INDEX_KINDS.join(', ')}`);
  }
}
