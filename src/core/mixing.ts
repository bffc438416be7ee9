// Domain-mixing score: do the memories of one level cluster by the domain they came from, or intermingle?
// Memory Transfer Learning shows trajectories clustering by benchmark while insights intermingle; a pool whose
// insights cluster by domain probably carries domain-specific detail that will not transfer. One function for the
// CLI (`stats`) and the app (Map tab), so both report the same number for the same pool.
import { LEVELS, type Level, type Memory } from './memory';

/** Neighbours looked at per memory. */
export const MIXING_K = 10;
/**
 * Above this many memories in a level, the score is the mean over this many of them (every n-th by id, so the app
 * and the CLI pick the same ones); their neighbours are still searched among all. Exact k-NN over all of a 10k level
 * would cost 10k² dot products (~5·10¹⁰ flops at 512-d); 1,000 of them cost a tenth, and a mean of 1,000 ratios is
 * already within about ±0.02 of the full one.
 */
export const MIXING_MAX_QUERIES = 1_000;
/**
 * Multiply-adds one level's score may cost (~5 s of plain JS): a 100k-memory level gets fewer queries (never fewer than
 * MIXING_MIN_QUERIES, ±0.05 or so), so `stats` on a big pool stays a matter of seconds rather than minutes.
 */
export const MIXING_WORK_BUDGET = 5e9;
export const MIXING_MIN_QUERIES = 200;
/**
 * `stats` warns when the insight level scores below this. 1 = domains intermingle as much as their sizes allow,
 * 0 = every neighbour from the memory's own domain. Below 0.5 an insight's neighbours are, on average, less than half
 * as often from other domains as chance would give: the domain, not the lesson, is what the vectors mostly encode.
 */
export const MIXING_WARN_BELOW = 0.5;

export interface MixingPoint {
  id: string;
  domain: string;
  vector: ArrayLike<number>;
}

function unit(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/**
 * Mean over points of (share of the k nearest neighbours, by cosine, from another domain) ÷ (the share expected from
 * domain sizes alone: (N − n_d) / (N − 1) for a point of domain d). Null with fewer than two domains or two points.
 */
export function mixingScore(points: readonly MixingPoint[], k = MIXING_K, maxQueries = MIXING_MAX_QUERIES): number | null {
  const n = points.length;
  const sizes = new Map<string, number>();
  for (const p of points) sizes.set(p.domain, (sizes.get(p.domain) ?? 0) + 1);
  if (n < 2 || sizes.size < 2) return null;
  const kk = Math.min(k, n - 1);
  const dims = points[0].vector.length;
  if (points.some((p) => p.vector.length !== dims)) throw new Error('mixing: vectors of different dims (different embedding models) cannot be compared');
  // In id order, so callers that list the pool in different orders (the app, a pool file) sample the same memories
  // and break exact ties between neighbours the same way.
  const sorted = [...points].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // One contiguous block of unit vectors: the scan below is the whole cost, and flat typed-array reads are what JS
  // engines make fast.
  const flat = new Float32Array(n * dims);
  sorted.forEach((p, i) => flat.set(unit(p.vector), i * dims));
  const budget = Math.max(MIXING_MIN_QUERIES, Math.floor(MIXING_WORK_BUDGET / (n * dims)));
  const q = Math.min(n, maxQueries, budget);
  const step = n / q;
  const queries: number[] = [];
  for (let j = 0; j < q; j++) queries.push(Math.floor(j * step));

  let total = 0;
  const topScore = new Float64Array(kk);
  const topIdx = new Int32Array(kk);
  for (const i of queries) {
    topScore.fill(-Infinity);
    topIdx.fill(-1);
    const a = flat.subarray(i * dims, (i + 1) * dims);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const off = j * dims;
      let s = 0;
      for (let t = 0; t < dims; t++) s += a[t] * flat[off + t];
      if (s <= topScore[kk - 1]) continue;
      // Insertion into the sorted top-k (k is 10: cheaper than a heap).
      let pos = kk - 1;
      while (pos > 0 && topScore[pos - 1] < s) {
        topScore[pos] = topScore[pos - 1];
        topIdx[pos] = topIdx[pos - 1];
        pos--;
      }
      topScore[pos] = s;
      topIdx[pos] = j;
    }
    const d = sorted[i].domain;
    let other = 0;
    for (let t = 0; t < kk; t++) if (sorted[topIdx[t]].domain !== d) other++;
    const expected = (n - sizes.get(d)!) / (n - 1);
    total += other / kk / expected;
  }
  return total / queries.length;
}

export type LevelMixing = Record<Level, number | null>;

export interface LevelPoint extends MixingPoint {
  level: Level;
}

/**
 * The points the score is computed over: memories that carry a vector of the pool's (most common) embedding model;
 * the others are left out, as vectors of two models are never compared.
 */
export function mixingPoints(memories: readonly Memory[]): LevelPoint[] {
  const models = new Map<string, number>();
  for (const m of memories) if (m.embedding) models.set(m.embedding.model, (models.get(m.embedding.model) ?? 0) + 1);
  const model = [...models.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  return memories
    .filter((m) => m.embedding?.model === model)
    .map((m) => ({ id: m.id, level: m.level, domain: m.domain, vector: m.embedding!.vector }));
}

/** The mixing score of each level, each over that level's points only. */
export function mixingByLevel(points: readonly LevelPoint[], k = MIXING_K): LevelMixing {
  const out = {} as LevelMixing;
  for (const level of LEVELS) out[level] = mixingScore(points.filter((p) => p.level === level), k);
  return out;
}

/** Per level, over the memories with a vector of the pool's model (see mixingPoints). */
export function poolMixing(memories: readonly Memory[], k = MIXING_K): LevelMixing {
  return mixingByLevel(mixingPoints(memories), k);
}

/** The warning `stats` prints (and the Map tab shows) when insights cluster by domain; undefined when they do not. */
export function mixingWarning(mixing: LevelMixing): string | undefined {
  const s = mixing.insight;
  if (s === null || s >= MIXING_WARN_BELOW) return undefined;
  return `insights cluster by domain (mixing ${s.toFixed(2)} < ${MIXING_WARN_BELOW}): they probably carry domain-specific detail (names, tools, task facts) that will not transfer; scrub or rewrite them more abstractly`;
}
