// The map projection: the same pool gives the same picture (fixed seed), a very small pool is a PCA, separated
// clusters stay apart on the map, and every coordinate lands in the unit square.
import { describe, expect, it } from 'vitest';
import { principalComponents, project, seededRandom, UMAP_MIN_POINTS } from '../../src/core/projection';

function clusters(perCluster: number, count: number, dims = 64, seed = 3) {
  const r = seededRandom(seed);
  const out: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < count; c++)
    for (let i = 0; i < perCluster; i++) {
      const v = Array.from({ length: dims }, () => (r() - 0.5) * 0.2);
      v[c] += 1;
      out.push(v);
      labels.push(c);
    }
  return { vectors: out, labels };
}

const centroid = (coords: Float32Array, idx: number[]) => [0, 1].map((a) => idx.reduce((s, i) => s + coords[2 * i + a], 0) / idx.length);

describe('project', () => {
  it('is deterministic for a fixed seed, and maps into the unit square', () => {
    const { vectors } = clusters(12, 3);
    const a = project(vectors, { seed: 7 });
    const b = project(vectors, { seed: 7 });
    expect(a.method).toBe('umap');
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    expect(a.coords.length).toBe(vectors.length * 2);
    for (const c of a.coords) {
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });

  it('keeps separated clusters apart (each point nearer its own cluster centre than another)', () => {
    const { vectors, labels } = clusters(15, 3);
    const stages = new Set<string>();
    const { coords } = project(vectors, { onProgress: (p) => stages.add(p.stage) });
    expect([...stages]).toEqual(['pca', 'neighbours', 'layout']);
    const centres = [0, 1, 2].map((c) => centroid(coords, labels.flatMap((l, i) => (l === c ? [i] : []))));
    let right = 0;
    labels.forEach((l, i) => {
      const d = centres.map(([x, y]) => Math.hypot(coords[2 * i] - x, coords[2 * i + 1] - y));
      if (d.indexOf(Math.min(...d)) === l) right++;
    });
    expect(right).toBe(labels.length);
  });

  it(`uses PCA below ${UMAP_MIN_POINTS} points, and handles 0 and 1 point`, () => {
    const { vectors, labels } = clusters(4, 2, 16);
    const p = project(vectors);
    expect(p.method).toBe('pca');
    // Two clusters along the first component: all of one on one side of the other.
    const xs = (c: number) => labels.flatMap((l, i) => (l === c ? [p.coords[2 * i]] : []));
    expect(Math.max(...xs(0)) < Math.min(...xs(1)) || Math.max(...xs(1)) < Math.min(...xs(0))).toBe(true);
    expect(project([]).coords.length).toBe(0);
    expect(Array.from(project([[1, 2, 3]]).coords)).toEqual([0.5, 0.5]);
  });
});

describe('principalComponents', () => {
  it('finds the direction of largest variance first', () => {
    const r = seededRandom(1);
    // Variance 9 along axis 2, 1 along axis 0, ~0 elsewhere.
    const rows = Array.from({ length: 200 }, () => {
      const v = new Array(8).fill(0).map(() => (r() - 0.5) * 0.01);
      v[2] += (r() - 0.5) * 3 * Math.sqrt(12);
      v[0] += (r() - 0.5) * Math.sqrt(12);
      return v;
    });
    const z = principalComponents(rows, 2);
    const variance = (c: number) => z.reduce((s, row) => s + row[c] ** 2, 0) / z.length;
    expect(variance(0)).toBeGreaterThan(7);
    expect(variance(1)).toBeGreaterThan(0.7);
    expect(variance(1)).toBeLessThan(1.3);
  });
});
