// The CLI's near-duplicate lookup (an index over the pool) must find what planMerge's full scan finds: the same
// closest memory with the same exact cosine, only among memories of the pool's model and of the level asked for.
import { describe, expect, it } from 'vitest';
import type { ExistingMemory } from '../../src/core/pool-file';
import { createMemory } from '../../src/core/memory';
import { cosine } from '../../src/core/vectors';
import { nearestIn } from '../../src/cli/nearest';
import { atCosine, mulberry32, syntheticSet } from '../../src/bench/synthetic';

const DIMS = 48;
const MODEL = { id: 'insight-pool/use-lite', dims: DIMS };

function pool(vectors: Float32Array[], model = MODEL.id): ExistingMemory[] {
  return vectors.map((vector, i) => ({
    // Every third one a summary: the lookup must never answer one of those for an insight.
    ...createMemory({ title: `memory ${model} ${i}`, content: 'how and why', level: i % 3 === 2 ? 'summary' : 'insight' }, new Date('2026-01-01T00:00:00Z')),
    embedding: { model, dims: vector.length, key: `memory ${i}`, vector },
  }));
}

function fullScan(existing: ExistingMemory[], v: Float32Array, level: string) {
  let best: { memory: ExistingMemory; score: number } | undefined;
  for (const m of existing) {
    if (m.embedding?.model !== MODEL.id || m.level !== level) continue;
    const score = cosine(v, m.embedding.vector);
    if (!best || score > best.score) best = { memory: m, score };
  }
  return best;
}

describe('nearestIn', () => {
  it('finds the memory a full scan finds, with its exact cosine, for near-duplicates and ordinary queries alike', async () => {
    const { vectors, queries } = syntheticSet({ n: 3000, dims: DIMS, queries: 30, seed: 4 });
    const rand = mulberry32(2);
    // Some pool vectors are not unit length: files can hold such vectors; cosine does not care, nor may the lookup.
    const stored = vectors.map((v, i) => (i % 7 === 0 ? v.map((x) => x * 3) : v));
    const existing = [...pool(stored), ...pool(syntheticSet({ n: 200, dims: DIMS, queries: 0, seed: 8 }).vectors, 'other/model')];
    const nearest = await nearestIn(existing, MODEL);
    const near = Array.from({ length: 30 }, (_, i) => atCosine(vectors[(i * 97) % 3000], 0.96 + 0.03 * rand(), rand));
    for (const q of [...queries, ...near]) {
      for (const level of ['insight', 'summary'] as const) {
        const [got] = nearest(q, level, 1);
        const want = fullScan(existing, q, level)!;
        expect(got.memory.id).toBe(want.memory.id);
        expect(got.score).toBeCloseTo(want.score, 6);
        expect(got.memory.embedding!.model).toBe(MODEL.id);
        expect(got.memory.level).toBe(level);
      }
    }
    // k of them, best first by exact cosine, all of the level.
    const some = nearest(queries[0], 'insight', 5);
    expect(some).toHaveLength(5);
    expect(some.every((h) => h.memory.level === 'insight')).toBe(true);
    expect(some.map((h) => h.score)).toEqual([...some.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('has nothing to offer when no pool memory is in the model', async () => {
    const nearest = await nearestIn(pool([new Float32Array(DIMS).fill(1)], 'other/model'), MODEL);
    expect(nearest(new Float32Array(DIMS).fill(1), 'insight', 1)).toEqual([]);
  });
});
