// Unit tests of pool logic (store, index staleness, filters) need deterministic vectors where
// shared words mean closeness. Real models are exercised in the model-* and e2e tests.
import type { Embedder } from '../../../src/core/embedder';
import { l2normalize } from '../../../src/core/vectors';

export function wordEmbedder(dims = 64, model = 'test/words'): Embedder & { calls: number } {
  const embedder = {
    model,
    dims,
    calls: 0,
    async embed(texts: string[]) {
      embedder.calls++;
      return texts.map((text) => {
        const v = new Float32Array(dims);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          let h = 2166136261;
          for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
          v[(h >>> 0) % dims] += 1;
        }
        v[dims - 1] += 0.01; // never the zero vector
        return l2normalize(v);
      });
    },
  };
  return embedder;
}
