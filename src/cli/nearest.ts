// Near-duplicate lookups for an import, a merge, `add` and `ingest`: one vector index over the pool instead of
// planMerge's default, which scans every pool memory with a full cosine for each incoming one. Merging two 10k-memory
// pools spent 4 min 10 s in that scan. The app does the same through its pool's index (InsightPool.nearest).
import { inPoolSpace, type ExistingMemory, type ModelRef } from '../core/pool-file';
import type { NearSearch } from '../core/near-copy';
import { cosine } from '../core/vectors';
import { createIndex } from '../adapters/index/choose';

/**
 * Up to k pool memories of a level nearest to a vector, among those embedded with `model` (the only ones planMerge
 * compares), best first, with their exact cosine. The index proposes; the score is computed from the stored vector,
 * so a near-duplicate (cosine ≥ the threshold, far above anything the int8 pass could rank below its re-scored
 * candidates) is found as by a full scan. Only the level asked for: near-copies are never judged across levels.
 */
export async function nearestIn(existing: ExistingMemory[], model: Pick<ModelRef, 'id' | 'dims'>): Promise<NearSearch<ExistingMemory>> {
  // A vector whose length disagrees with its dims (pool files are checked for that on read) is left out: the index
  // would refuse it.
  const comparable = existing.filter((m) => inPoolSpace(m, model) && m.embedding!.vector.length === model.dims);
  const byId = new Map(comparable.map((m) => [m.id, m]));
  const index = await createIndex('auto', model.dims, comparable.length);
  index.build(comparable.map((m) => ({ id: m.id, vector: m.embedding!.vector instanceof Float32Array ? m.embedding!.vector : Float32Array.from(m.embedding!.vector) })));
  return (vector, level, k) =>
    index
      .search(vector, k, (id) => byId.get(id)?.level === level)
      .map((c) => byId.get(c.id)!)
      .map((memory) => ({ memory, score: cosine(vector, memory.embedding!.vector) }))
      .sort((a, b) => b.score - a.score);
}
