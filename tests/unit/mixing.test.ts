// The domain-mixing score on constructed pools: domains in separate clusters score ~0, domains assigned at random
// score ~1 whatever their sizes, and a level with one domain has no score.
import { describe, expect, it } from 'vitest';
import { createMemory, type Memory } from '../../src/core/memory';
import { mixingScore, mixingWarning, poolMixing, type MixingPoint } from '../../src/core/mixing';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

/** `perDomain[d]` points for domain d; `separated`: each domain around its own axis, else isotropic noise. */
function points(perDomain: number[], separated: boolean, seed = 1, dims = 32): MixingPoint[] {
  const r = rng(seed);
  const out: MixingPoint[] = [];
  perDomain.forEach((count, d) => {
    for (let i = 0; i < count; i++) {
      const v = Array.from({ length: dims }, () => gauss(r) * (separated ? 0.1 : 1));
      if (separated) v[d] += 1;
      out.push({ id: `${d}-${i}`, domain: `domain-${d}`, vector: v });
    }
  });
  return out;
}

describe('mixingScore', () => {
  it('is ~0 when every domain is its own cluster', () => {
    expect(mixingScore(points([30, 30, 30], true))).toBeLessThan(0.02);
  });

  it('is ~1 when domains are assigned at random, equal sizes', () => {
    const scores = [1, 2, 3].map((seed) => mixingScore(points([40, 40, 40], false, seed))!);
    const mean = scores.reduce((a, b) => a + b) / scores.length;
    expect(mean).toBeGreaterThan(0.85);
    expect(mean).toBeLessThan(1.15);
  });

  it('is ~1 at random also with very unequal domain sizes (the expectation is per domain size)', () => {
    const scores = [1, 2, 3].map((seed) => mixingScore(points([100, 20, 10], false, seed))!);
    const mean = scores.reduce((a, b) => a + b) / scores.length;
    expect(mean).toBeGreaterThan(0.85);
    expect(mean).toBeLessThan(1.15);
  });

  it('sits between for partly separated domains', () => {
    const pts = points([40, 40], false, 7, 16).map((p) => {
      const v = Array.from(p.vector);
      v[p.domain === 'domain-0' ? 0 : 1] += 1.5;
      return { ...p, vector: v };
    });
    const s = mixingScore(pts)!;
    expect(s).toBeGreaterThan(0.05);
    expect(s).toBeLessThan(0.8);
  });

  it('uses cosine: scaling a vector does not change its neighbours', () => {
    const pts = points([20, 20], true, 4);
    const scaled = pts.map((p, i) => ({ ...p, vector: Array.from(p.vector, (x) => x * (1 + (i % 5) * 10)) }));
    expect(mixingScore(scaled)).toBeCloseTo(mixingScore(pts)!, 10);
  });

  it('does not depend on the order the pool is listed in, even with exact ties between neighbours', () => {
    const pts = points([20, 20, 20], false, 5, 8);
    // Copies of the same vector under another domain: ties that a scan-order tie-break would resolve differently.
    const tied = [...pts, ...pts.slice(0, 10).map((p, i) => ({ ...p, id: `tie-${i}`, domain: 'domain-2' }))];
    const shuffled = [...tied].sort((a, b) => (a.id.split('').reverse().join('') < b.id.split('').reverse().join('') ? -1 : 1));
    expect(mixingScore(shuffled)).toBe(mixingScore(tied));
    expect(mixingScore([...tied].reverse(), 10, 15)).toBe(mixingScore(tied, 10, 15));
  });

  it('is null with one domain or fewer than two points', () => {
    expect(mixingScore(points([25], false))).toBeNull();
    expect(mixingScore([{ id: 'a', domain: 'x', vector: [1, 0] }])).toBeNull();
    expect(mixingScore([])).toBeNull();
  });

  it('a sampled score (fewer queries than points) stays close to the exact one', () => {
    const pts = points([60, 60, 60], false, 9);
    expect(Math.abs(mixingScore(pts, 10, 60)! - mixingScore(pts)!)).toBeLessThan(0.2);
    expect(mixingScore(points([60, 60, 60], true), 10, 60)).toBeLessThan(0.02);
  });
});

describe('poolMixing', () => {
  const mem = (level: Memory['level'], domain: string, vector: number[], model = 'm'): Memory => ({
    ...createMemory({ level, domain, title: `${level} ${domain} ${vector.join(',')}`, content: 'c' }),
    embedding: { model, dims: vector.length, key: 'k', vector: Float32Array.from(vector) },
  });

  it('scores each level on its own and leaves out memories of another embedding model', () => {
    const pts = points([15, 15], true, 3, 8);
    const insights = pts.map((p) => mem('insight', p.domain, Array.from(p.vector)));
    const trajectories = pts.slice(0, 15).map((p) => mem('trajectory', 'swe', Array.from(p.vector)));
    const foreign = mem('insight', 'other', [1, 2, 3], 'another-model');
    const m = poolMixing([...insights, ...trajectories, foreign]);
    expect(m.insight).toBeLessThan(0.05);
    expect(m.trajectory).toBeNull();
    expect(m.workflow).toBeNull();
    expect(m.summary).toBeNull();
    expect(mixingWarning(m)).toMatch(/insights cluster by domain/);
    expect(mixingWarning({ ...m, insight: 0.9 })).toBeUndefined();
  });
});
