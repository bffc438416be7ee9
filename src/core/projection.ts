// 2-D map of a pool's vectors: UMAP (umap-js) after a PCA to 50 dimensions, or PCA alone for a very small pool (UMAP
// needs a neighbourhood of ~15 points to mean anything). Deterministic: a fixed seed drives every random choice, so
// the same pool gives the same picture in every session. Pure; the app runs it in a worker (adapters/map).
import { UMAP } from 'umap-js';

/** Below this many points the map is a plain PCA. */
export const UMAP_MIN_POINTS = 15;
/** Dimensions kept by the PCA before UMAP: the neighbour search in umap-js costs time in proportion to them. */
export const PCA_DIMS = 50;
export const DEFAULT_SEED = 42;

export type ProjectionStage = 'pca' | 'neighbours' | 'layout';
export interface ProjectionProgress {
  stage: ProjectionStage;
  done: number;
  total: number;
}

export interface ProjectionOptions {
  seed?: number;
  onProgress?: (p: ProjectionProgress) => void;
}

export interface Projection {
  /** x0, y0, x1, y1, … scaled into [0, 1] (aspect kept). */
  coords: Float32Array;
  method: 'umap' | 'pca' | 'none';
}

/** mulberry32: a small seeded generator (Math.random cannot be seeded). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The rows projected onto their top-k principal components, by subspace iteration on the centred data (X·Xᵀ never
 * formed): ~2·n·d·k flops per round, a few seconds for 10k×512 to 50, where a full eigendecomposition library took
 * half a minute for 3k rows. Returns n rows of k values.
 */
export function principalComponents(rows: readonly ArrayLike<number>[], k: number, seed = DEFAULT_SEED, rounds = 6): Float64Array[] {
  const n = rows.length;
  const d = n ? rows[0].length : 0;
  k = Math.min(k, d, Math.max(n - 1, 1));
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const X = rows.map((r) => {
    const out = new Float64Array(d);
    for (let j = 0; j < d; j++) out[j] = r[j] - mean[j];
    return out;
  });
  const random = seededRandom(seed);
  // Q: k orthonormal columns of length d (stored as k rows).
  let Q = Array.from({ length: k }, () => Float64Array.from({ length: d }, () => random() - 0.5));
  orthonormalize(Q);
  for (let round = 0; round < rounds; round++) {
    // Q ← orth(Xᵀ (X Q))
    const next = Array.from({ length: k }, () => new Float64Array(d));
    for (const x of X) {
      for (let c = 0; c < k; c++) {
        const q = Q[c];
        let s = 0;
        for (let j = 0; j < d; j++) s += x[j] * q[j];
        const out = next[c];
        for (let j = 0; j < d; j++) out[j] += s * x[j];
      }
    }
    orthonormalize(next);
    Q = next;
  }
  return X.map((x) => {
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const q = Q[c];
      let s = 0;
      for (let j = 0; j < d; j++) s += x[j] * q[j];
      out[c] = s;
    }
    return out;
  });
}

/** Modified Gram–Schmidt, in place; a column that collapses to zero is replaced by a unit axis. */
function orthonormalize(Q: Float64Array[]): void {
  for (let c = 0; c < Q.length; c++) {
    const v = Q[c];
    for (let p = 0; p < c; p++) {
      const u = Q[p];
      let s = 0;
      for (let j = 0; j < v.length; j++) s += v[j] * u[j];
      for (let j = 0; j < v.length; j++) v[j] -= s * u[j];
    }
    let norm = 0;
    for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      v.fill(0);
      v[c % v.length] = 1;
    } else for (let j = 0; j < v.length; j++) v[j] /= norm;
  }
}

/** Scales x/y pairs into [0, 1], keeping the aspect ratio and centring the shorter side. */
function fit(points: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(points.length * 2);
  if (!points.length) return out;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    minX = Math.min(minX, p[0]);
    maxX = Math.max(maxX, p[0]);
    minY = Math.min(minY, p[1] ?? 0);
    maxY = Math.max(maxY, p[1] ?? 0);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offX = (1 - (maxX - minX) / span) / 2;
  const offY = (1 - (maxY - minY) / span) / 2;
  points.forEach((p, i) => {
    out[2 * i] = offX + (p[0] - minX) / span;
    out[2 * i + 1] = offY + ((p[1] ?? 0) - minY) / span;
  });
  return out;
}

/** The 2-D map of the vectors (one per memory, all of one model). */
export function project(vectors: readonly ArrayLike<number>[], options: ProjectionOptions = {}): Projection {
  const n = vectors.length;
  const seed = options.seed ?? DEFAULT_SEED;
  if (n === 0) return { coords: new Float32Array(0), method: 'none' };
  if (n === 1) return { coords: Float32Array.from([0.5, 0.5]), method: 'none' };
  options.onProgress?.({ stage: 'pca', done: 0, total: 1 });
  if (n < UMAP_MIN_POINTS) return { coords: fit(principalComponents(vectors, 2, seed)), method: 'pca' };
  // Three rounds: the subspace only has to keep neighbourhoods for UMAP's search, not match the exact components.
  const reduced = principalComponents(vectors, PCA_DIMS, seed, 3).map((r) => Array.from(r));
  options.onProgress?.({ stage: 'neighbours', done: 0, total: 1 });
  const umap = new UMAP({
    random: seededRandom(seed),
    nNeighbors: Math.min(15, n - 1),
    // umap-js's own default is 500 below 10k points; 200 already settles a map and halves the wait at a few thousand.
    nEpochs: n > 2_000 ? 200 : 400,
    minDist: 0.1,
  });
  const epochs = umap.initializeFit(reduced);
  const every = Math.max(1, Math.floor(epochs / 50));
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % every === 0) options.onProgress?.({ stage: 'layout', done: e, total: epochs });
  }
  options.onProgress?.({ stage: 'layout', done: epochs, total: epochs });
  return { coords: fit(umap.getEmbedding()), method: 'umap' };
}
