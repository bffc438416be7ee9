// Voy is the design card's index: it must agree with the exact scan on the same data.
import { describe, it, expect } from 'vitest';
import { FlatIndex } from '../../src/adapters/index/flat';
import { createVoyIndex, VoyIndex } from '../../src/adapters/index/voy';
import { plantedSet } from '../../src/bench/synthetic';

describe('Voy vs exact flat scan', () => {
  for (const dims of [384, 512]) {
    it(`returns the same top-3 ids as FlatIndex at ${dims} dims`, async () => {
      const { items, cases } = plantedSet(2000, dims, 20, dims);
      const voy = await createVoyIndex(dims);
      const flat = new FlatIndex(dims);
      voy.build(items);
      flat.build(items);
      for (const { query, expected } of cases) {
        const v = voy.search(query, 3);
        const f = flat.search(query, 3);
        expect(v.map((c) => c.id)).toEqual(f.map((c) => c.id));
        expect(v.map((c) => c.id)).toEqual(expected);
        // Voy returns no scores of its own; ours are exact cosine, so they match the flat scan's.
        v.forEach((c, i) => expect(c.score).toBeCloseTo(f[i].score, 5));
      }
    });
  }

  it('refuses dims beyond the 768 Voy pads to', async () => {
    await createVoyIndex(8);
    expect(() => new VoyIndex(1024)).toThrow(/1024 exceed.*768/);
  });

  it('serializes a small index', async () => {
    const { items } = plantedSet(50, 16, 1);
    const voy = await createVoyIndex(16);
    voy.build(items);
    expect(JSON.parse(voy.serialize())).toBeTruthy();
  });
});
