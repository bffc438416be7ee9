// Picking the best rows after a wasm scan: the kernel's `collect` pass plus a sampled threshold must pick exactly what
// a plain pass over every score picks, filters included, for both score types; and the indexes must answer as before
// on pools big enough to take that path.
import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../../src/adapters/index/flat';
import { Int8Index } from '../../src/adapters/index/int8';
import { selectTop, TopK } from '../../src/adapters/index/topk';
import { scanKernel, WasmArena } from '../../src/adapters/index/wasm-kernels';
import { cosine } from '../../src/core/vectors';
import { mulberry32, syntheticSet } from '../../src/bench/synthetic';

function arenaWith(kind: 'i8' | 'f32', scores: number[]): { arena: WasmArena; n: number } {
  const arena = new WasmArena(scanKernel(kind, 16), 16, 64);
  arena.ensure(scores.length);
  (kind === 'f32' ? new Float32Array(arena.buffer, arena.outPtr, scores.length) : new Int32Array(arena.buffer, arena.outPtr, scores.length)).set(scores);
  return { arena, n: scores.length };
}

const picked = (top: TopK) => Array.from(top.slots.subarray(0, top.count));

describe('collect kernel', () => {
  for (const kind of ['i8', 'f32'] as const) {
    it(`${kind}: writes (row, score) for every row scoring ≥ the threshold, in order, ties included; none for an empty scan`, () => {
      const scores = kind === 'f32' ? [0.5, -1, 0.25, 0.25, 3, -0.5, 0.25] : [5, -9, 2, 2, 30, -1, 2];
      const { arena, n } = arenaWith(kind, scores);
      const threshold = kind === 'f32' ? 0.25 : 2;
      const count = arena.kernel.collect(arena.outPtr, n, threshold, arena.picksPtr);
      const pairs = new Int32Array(arena.buffer, arena.picksPtr, count * 2);
      const values = kind === 'f32' ? new Float32Array(arena.buffer, arena.picksPtr, count * 2) : pairs;
      expect(Array.from(pairs.filter((_, i) => i % 2 === 0))).toEqual([0, 2, 3, 4, 6]);
      expect(Array.from(values.filter((_, i) => i % 2 === 1))).toEqual([0, 2, 3, 4, 6].map((r) => scores[r]));
      expect(arena.kernel.collect(arena.outPtr, 0, threshold, arena.picksPtr)).toBe(0);
      expect(arena.kernel.collect(arena.outPtr, n, kind === 'f32' ? 99 : 99, arena.picksPtr)).toBe(0);
    });
  }
});

describe('arena.selectTop', () => {
  const rand = mulberry32(11);
  const cases: [string, number, number, ((id: string) => boolean) | undefined][] = [
    ['no filter', 20000, 48, undefined],
    ['a filter that turns down the best rows', 20000, 48, (id) => Number(id) % 3 !== 0],
    ['a filter that leaves 5 rows in the whole pool (falls back to every row)', 20000, 48, (id) => Number(id) % 4000 === 7],
    ['a filter nobody passes', 5000, 3, () => false],
    ['k = 3 over many ties', 30000, 3, undefined],
    ['scores rising to the end (the sampled last rows are the best)', 20000, 48, undefined],
    ['scores falling to the end (the sampled last rows are the worst)', 20000, 48, undefined],
  ];
  for (const kind of ['i8', 'f32'] as const) {
    for (const [label, n, k, accept] of cases) {
      it(`${kind}, ${label}: the rows a pass over every score picks`, () => {
        const ties = label.includes('ties');
        const trend = label.includes('rising') ? 1 : label.includes('falling') ? -1 : 0;
        const scores = Array.from({ length: n }, (_, i) => {
          if (ties) return Math.floor(rand() * 4);
          const x = rand() * 2 - 1 + (trend * i) / n;
          return kind === 'f32' ? Math.fround(x) : Math.floor(x * 1e6);
        });
        const { arena } = arenaWith(kind, scores);
        const ids = scores.map((_, i) => String(i));
        const expected = new TopK(k);
        selectTop(kind === 'f32' ? Float32Array.from(scores) : Int32Array.from(scores), n, expected, ids, accept);
        const got = new TopK(k);
        arena.selectTop(n, got, ids, accept, kind === 'f32');
        expect(picked(got)).toEqual(picked(expected));
        expect(Array.from(got.scores.subarray(0, got.count))).toEqual(Array.from(expected.scores.subarray(0, expected.count)));
      });
    }
  }
});

describe('indexes on pools big enough for the sampled selection', () => {
  const dims = 64;
  const { vectors, queries } = syntheticSet({ n: 20000, dims, queries: 20, seed: 3 });
  const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
  const exact = (q: Float32Array, k: number, accept?: (id: string) => boolean) =>
    items.filter((it) => !accept || accept(it.id)).map((it) => ({ id: it.id, score: cosine(it.vector, q) })).sort((a, b) => b.score - a.score).slice(0, k).map((c) => c.id);
  for (const [name, index] of [['flat', new FlatIndex(dims)], ['int8', new Int8Index(dims)]] as const) {
    index.build(items);
    it(`${name}: top-3 with and without a filter equals the exact scan`, () => {
      expect(index.simd).toBe(true);
      const notTop = (q: Float32Array) => { const banned = new Set(exact(q, 2)); return (id: string) => !banned.has(id); };
      for (const q of queries) {
        expect(index.search(q, 3).map((c) => c.id)).toEqual(exact(q, 3));
        const accept = notTop(q);
        expect(index.search(q, 3, accept).map((c) => c.id)).toEqual(exact(q, 3, accept));
      }
    });
  }
});
