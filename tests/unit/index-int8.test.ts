// The int8 index trades an approximate first pass for speed; the pool relies on it finding the same
// top-3 as the exact scan (recall@3 ≥ 0.99) on embedding-like data, including data that arrives in
// many small batches after the quantization ranges were first set.
import { describe, it, expect } from 'vitest';
import { FlatIndex } from '../../src/adapters/index/flat';
import { Int8Index } from '../../src/adapters/index/int8';
import { syntheticSet, type Shape } from '../../src/bench/synthetic';
import { scanKernel, WasmArena, wasmRelaxedSimdSupported } from '../../src/adapters/index/wasm-kernels';

function recallAt3(exact: FlatIndex, approx: Int8Index, queries: Float32Array[]): number {
  let hit = 0;
  for (const q of queries) {
    const truth = new Set(exact.search(q, 3).map((c) => c.id));
    for (const c of approx.search(q, 3)) if (truth.has(c.id)) hit++;
  }
  return hit / (3 * queries.length);
}

describe('Int8Index recall against the exact scan', () => {
  it('runs the relaxed-SIMD kernel here (as browsers do), so the cases below test it', () => {
    expect(wasmRelaxedSimdSupported()).toBe(true);
    expect(new Int8Index(64).relaxed).toBe(true);
    expect(new Int8Index(64, { relaxed: false }).relaxed).toBe(false);
  });

  const cases: [Shape, number][] = [
    ['clustered', 384],
    ['clustered', 512],
    ['anisotropic', 384],
    ['anisotropic', 512],
    ['uniform', 384],
  ];
  for (const [shape, dims] of cases) {
    for (const relaxed of [true, false]) {
      it(`recall@3 ≥ 0.99 on ${shape} ${dims}-d vectors (${relaxed ? 'relaxed' : 'plain'} SIMD kernel)`, () => {
        const { vectors, queries } = syntheticSet({ n: 4000, dims, queries: 100, shape, seed: 5 });
        const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
        const exact = new FlatIndex(dims);
        const approx = new Int8Index(dims, { relaxed });
        exact.build(items);
        approx.build(items);
        expect(approx.relaxed).toBe(relaxed);
        expect(recallAt3(exact, approx, queries)).toBeGreaterThanOrEqual(0.99);
      });
    }
  }

  // Hybrid retrieval takes 100 dense candidates: the long list must be the exact one too, on every data shape.
  for (const shape of ['clustered', 'anisotropic', 'uniform'] as Shape[]) {
    it(`recall@100 ≥ 0.99 on ${shape} 512-d vectors (the candidate list hybrid retrieval asks for)`, () => {
      const dims = 512;
      const { vectors, queries } = syntheticSet({ n: 8000, dims, queries: 30, shape, seed: 13 });
      const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
      const exact = new FlatIndex(dims);
      const approx = new Int8Index(dims);
      exact.build(items);
      approx.build(items);
      let hits = 0;
      for (const q of queries) {
        const truth = new Set(exact.search(q, 100).map((c) => c.id));
        hits += approx.search(q, 100).filter((c) => truth.has(c.id)).length;
      }
      expect(hits / (100 * queries.length)).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('keeps recall when vectors arrive in small batches after an unrepresentative first build', () => {
    const dims = 384;
    const { vectors, queries } = syntheticSet({ n: 3000, dims, queries: 100, shape: 'anisotropic', seed: 9 });
    const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
    const exact = new FlatIndex(dims);
    const approx = new Int8Index(dims);
    exact.build(items);
    // The first content spans a single dimension, so its ranges say nothing about what follows.
    const oneHot = new Float32Array(dims);
    oneHot[0] = 1;
    approx.build([{ id: 'first', vector: oneHot }]);
    approx.remove(['first']);
    for (let i = 0; i < items.length; i += 50) approx.add(items.slice(i, i + 50));
    expect(approx.size).toBe(items.length);
    expect(recallAt3(exact, approx, queries)).toBeGreaterThanOrEqual(0.99);
  });

  it('returns exact scores for the candidates it returns', () => {
    const dims = 128;
    const { vectors, queries } = syntheticSet({ n: 500, dims, queries: 5, seed: 2 });
    const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
    const exact = new FlatIndex(dims);
    const approx = new Int8Index(dims);
    exact.build(items);
    approx.build(items);
    for (const q of queries) {
      const e = new Map(exact.search(q, 500).map((c) => [c.id, c.score]));
      for (const c of approx.search(q, 3)) expect(c.score).toBeCloseTo(e.get(c.id)!, 5);
    }
  });
});

describe('Int8Index memory', () => {
  it('holds codes and references to unit vectors, not a second float copy of the pool', () => {
    const dims = 256;
    const { vectors, queries } = syntheticSet({ n: 2000, dims, queries: 20, seed: 9 });
    const index = new Int8Index(dims);
    index.build(vectors.map((vector, i) => ({ id: `m${i}`, vector })));
    const floatCopy = 2000 * dims * 4;
    expect(index.bytes).toBeLessThan(floatCopy / 3);
    const exact = new FlatIndex(dims);
    exact.build(vectors.map((vector, i) => ({ id: `m${i}`, vector })));
    expect(recallAt3(exact, index, queries)).toBe(1);
  });

  it('copies, normalized, a vector that is not unit length, and ranks it by cosine', () => {
    const dims = 64;
    const { vectors } = syntheticSet({ n: 200, dims, queries: 0, seed: 3 });
    const items = vectors.map((vector, i) => ({ id: `m${i}`, vector }));
    const raw = vectors[17].map((x) => x * 3);
    const unit = new Int8Index(dims);
    unit.build([...items, { id: 'raw', vector: vectors[17] }]);
    const index = new Int8Index(dims);
    index.build([...items, { id: 'raw', vector: raw }]);
    expect(index.bytes).toBe(unit.bytes + dims * 4);
    const [first, second] = index.search(vectors[17], 2);
    expect(new Set([first.id, second.id])).toEqual(new Set(['m17', 'raw']));
    expect(first.score).toBeCloseTo(1, 5);
    expect(second.score).toBeCloseTo(1, 5);
    index.remove(['raw']);
    unit.remove(['raw']);
    expect(index.bytes).toBe(unit.bytes);
  });
});

describe('int8 scan kernels compute exact integer dot products', () => {
  // Recall above would also pass with a kernel that is merely "close"; this pins the arithmetic itself, including
  // the extreme codes (±127 rows for the plain kernel, 1..127 rows with a signed int8 query for the relaxed one).
  const rows = 7;
  const padded = 48;
  const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
  for (const kind of ['i8', 'i8r'] as const) {
    it(`${kind}: every row's score equals the dot product computed in JS`, () => {
      const kernel = scanKernel(kind, padded);
      const arena = new WasmArena(kernel, padded, padded * 2);
      arena.ensure(rows);
      const codes = new Int8Array(arena.buffer, 0, rows * padded);
      for (let i = 0; i < codes.length; i++) codes[i] = kind === 'i8r' ? (i % 5 === 0 ? 127 : rand(1, 127)) : i % 5 === 0 ? -127 : rand(-127, 127);
      const query = kind === 'i8r' ? new Int8Array(arena.buffer, arena.queryPtr, padded) : new Int16Array(arena.buffer, arena.queryPtr, padded);
      for (let i = 0; i < padded; i++) query[i] = kind === 'i8r' ? (i % 3 === 0 ? -127 : rand(-127, 127)) : rand(-16383, 16383);
      const scores = new Int32Array(arena.buffer, arena.scan(rows), rows);
      for (let r = 0; r < rows; r++) {
        let want = 0;
        for (let i = 0; i < padded; i++) want += codes[r * padded + i] * query[i];
        expect(scores[r]).toBe(want);
      }
    });
  }
});
