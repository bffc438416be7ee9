// Vector math shared by every index and by scoring. Vectors are L2-normalized once, at embedding
// time, so cosine similarity is a plain dot product everywhere else.

export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  const out = new Float32Array(v.length);
  if (norm === 0) return out;
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`vector dims differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Among a few normalized vectors (a batch being added, checked against the ones before it), the one most like `v`,
 * if its cosine reaches `min`. A linear scan: for a whole pool, use its index.
 */
export function closestAbove<T>(entries: readonly T[], vectorOf: (entry: T) => ArrayLike<number>, v: ArrayLike<number>, min: number): { entry: T; score: number } | undefined {
  let best: { entry: T; score: number } | undefined;
  for (const entry of entries) {
    const score = dot(vectorOf(entry), v);
    if (score >= min && (!best || score > best.score)) best = { entry, score };
  }
  return best;
}

/** Exact cosine similarity; safe for vectors that are not normalized. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  if (a.length !== b.length) throw new Error(`vector dims differ: ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}
