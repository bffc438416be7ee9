// Which index a pool gets. Measured with `node scripts/bench/indexes.mjs` (Node 20 / V8 11.3, AMD EPYC,
// 2 cores; seeded clustered unit vectors; top-3, p50; recall@3 against exact cosine):
//
//                    1k×384   10k×384  10k×512  100k×384  100k×512   recall@3
//   int8 (wasm SIMD)  see bench 0.23 ms  0.32 ms   2.0 ms    2.7 ms     1.00
//   flat (wasm SIMD)            0.49 ms  0.77 ms   6.0 ms   11.4 ms     1.00 (exact)
//   flat (plain JS)             2.6 ms   3.8 ms   ~26 ms    ~32 ms      1.00 (exact)
//   voy (k-d tree)              (see README bench table; slowest at every size)
//
// int8 wins from 1k up and meets the targets (≤ 0.5 ms at 10k, ≤ 5 ms at 100k); below its candidate
// pool (k·16, at least 32 rows) it re-scores every row, so small pools get exact answers too. Without
// wasm SIMD the int8 scan has nothing to gain over the plain-JS flat loop, so flat is the fallback.
import type { VectorIndex } from './types';
import { FlatIndex } from './flat';
import { Int8Index } from './int8';
import { createVoyIndex } from './voy';
import { precompileKernel, wasmSimdSupported } from './wasm-kernels';
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
      await precompileKernel('i8', (dims + 15) & ~15);
      return new Int8Index(dims);
    case 'voy':
      return createVoyIndex(dims);
    default:
      throw new IndexInputError(`unknown index kind "${String(kind)}"; expected one of ${INDEX_KINDS.join(', ')}`);
  }
}
