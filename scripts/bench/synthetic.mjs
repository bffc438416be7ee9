// Seeded synthetic embeddings for index benchmarks and tests of scale. Two shapes:
// - "clustered": unit vectors scattered around random topic centres (what a mixed pool looks like);
// - "anisotropic": the same plus a shared mean direction and uneven per-dimension spread, which is how
//   real transformer sentence embeddings look and what hurts naive quantization most.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand) {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function normalizeInPlace(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/** Returns { vectors: Float32Array[], queries: Float32Array[] } (all L2-normalized). */
export function syntheticSet({ n, dims, queries = 100, seed = 1, shape = 'clustered', clusters }) {
  const rand = mulberry32(seed * 7919 + dims);
  const c = clusters ?? Math.max(8, Math.round(Math.sqrt(n)));
  const spread = new Float32Array(dims).fill(1);
  const mean = new Float32Array(dims);
  if (shape === 'anisotropic') {
    for (let i = 0; i < dims; i++) spread[i] = 1 / Math.sqrt(1 + (i % 97) * 0.3) * (i % 53 === 0 ? 4 : 1);
    for (let i = 0; i < dims; i++) mean[i] = gaussian(rand);
    normalizeInPlace(mean);
  }
  const centers = [];
  for (let j = 0; j < c; j++) {
    const v = new Float32Array(dims);
    for (let i = 0; i < dims; i++) v[i] = gaussian(rand) * spread[i];
    centers.push(normalizeInPlace(v));
  }
  const sample = (noise) => {
    const center = centers[Math.floor(rand() * c)];
    const v = new Float32Array(dims);
    const meanWeight = shape === 'anisotropic' ? 0.6 : 0;
    for (let i = 0; i < dims; i++) {
      v[i] = center[i] + (noise * gaussian(rand) * spread[i]) / Math.sqrt(dims) + meanWeight * mean[i];
    }
    return normalizeInPlace(v);
  };
  const vectors = [];
  for (let i = 0; i < n; i++) vectors.push(sample(0.9));
  const qs = [];
  for (let i = 0; i < queries; i++) qs.push(sample(0.9));
  return { vectors, queries: qs };
}
