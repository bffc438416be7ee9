// Seeded synthetic embeddings for index benchmarks and tests. Shapes:
// - "clustered": unit vectors scattered around random topic centres (what a mixed pool looks like);
// - "anisotropic": the same plus a shared mean direction and uneven per-dimension spread, which is how
//   real transformer sentence embeddings look and what hurts naive quantization most;
// - "uniform": isotropic random unit vectors, where every neighbour is a near-tie (worst case for recall).

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

export type Shape = 'clustered' | 'anisotropic' | 'uniform';

export interface SyntheticOptions {
  n: number;
  dims: number;
  queries?: number;
  seed?: number;
  shape?: Shape;
  clusters?: number;
}

export function syntheticSet(opts: SyntheticOptions): { vectors: Float32Array[]; queries: Float32Array[] } {
  const { n, dims, queries = 100, seed = 1, shape = 'clustered' } = opts;
  const rand = mulberry32(seed * 7919 + dims);
  const c = opts.clusters ?? Math.max(8, Math.round(Math.sqrt(n)));
  const spread = new Float32Array(dims).fill(1);
  const mean = new Float32Array(dims);
  if (shape === 'anisotropic') {
    for (let i = 0; i < dims; i++) spread[i] = (1 / Math.sqrt(1 + (i % 97) * 0.3)) * (i % 53 === 0 ? 4 : 1);
    for (let i = 0; i < dims; i++) mean[i] = gaussian(rand);
    normalizeInPlace(mean);
  }
  const centers: Float32Array[] = [];
  for (let j = 0; j < c; j++) {
    const v = new Float32Array(dims);
    for (let i = 0; i < dims; i++) v[i] = gaussian(rand) * spread[i];
    centers.push(normalizeInPlace(v));
  }
  const meanWeight = shape === 'anisotropic' ? 0.6 : 0;
  const sample = (): Float32Array => {
    const v = new Float32Array(dims);
    if (shape === 'uniform') {
      for (let i = 0; i < dims; i++) v[i] = gaussian(rand);
      return normalizeInPlace(v);
    }
    const center = centers[Math.floor(rand() * c)];
    for (let i = 0; i < dims; i++) v[i] = center[i] + (0.9 * gaussian(rand) * spread[i]) / Math.sqrt(dims) + meanWeight * mean[i];
    return normalizeInPlace(v);
  };
  const vectors: Float32Array[] = [];
  for (let i = 0; i < n; i++) vectors.push(sample());
  const qs: Float32Array[] = [];
  for (let i = 0; i < queries; i++) qs.push(sample());
  return { vectors, queries: qs };
}

/** A unit vector at cosine `cos` from unit vector `base` (exactly, up to float rounding). */
export function atCosine(base: Float32Array, cos: number, rand: () => number): Float32Array {
  const d = base.length;
  const r = new Float32Array(d);
  for (let i = 0; i < d; i++) r[i] = gaussian(rand);
  let proj = 0;
  for (let i = 0; i < d; i++) proj += r[i] * base[i];
  for (let i = 0; i < d; i++) r[i] -= proj * base[i];
  normalizeInPlace(r);
  const sin = Math.sqrt(1 - cos * cos);
  const out = new Float32Array(d);
  for (let i = 0; i < d; i++) out[i] = cos * base[i] + sin * r[i];
  return normalizeInPlace(out);
}

/**
 * Pool of clustered vectors plus, per query, planted neighbours at cosines 0.95 / 0.90 / 0.85 while
 * every background vector stays below 0.75 of it: the true top-3 is unambiguous for any index.
 */
export function plantedSet(n: number, dims: number, queries: number, seed = 7) {
  const rand = mulberry32(seed);
  const { vectors } = syntheticSet({ n, dims, queries: 0, seed });
  const items = vectors.map((vector, i) => ({ id: `bg-${i}`, vector }));
  const cases: { query: Float32Array; expected: string[] }[] = [];
  for (let qi = 0; qi < queries; qi++) {
    let query: Float32Array;
    for (;;) {
      query = syntheticSet({ n: 1, dims, queries: 0, seed: seed * 1000 + qi + 1, shape: 'uniform' }).vectors[0];
      let max = -1;
      for (const { vector } of items) {
        if (!vector) continue;
        let s = 0;
        for (let i = 0; i < dims; i++) s += vector[i] * query[i];
        if (s > max) max = s;
      }
      if (max < 0.75) break;
    }
    const expected = [0.95, 0.9, 0.85].map((cos, j) => {
      const id = `q${qi}-near${j}`;
      items.push({ id, vector: atCosine(query, cos, rand) });
      return id;
    });
    cases.push({ query, expected });
  }
  return { items, cases };
}
