// closestAbove decides which candidate a near-copy is named after (ingest preview, CLI ingest): the most similar
// earlier one, and none below the threshold.
import { describe, expect, it } from 'vitest';
import { closestAbove, l2normalize } from '../../src/core/vectors';

const unit = (...xs: number[]) => l2normalize(new Float32Array(xs));

describe('closestAbove', () => {
  const earlier = [
    { name: 'a', v: unit(1, 0, 0) },
    { name: 'b', v: unit(1, 0.25, 0) },
    { name: 'c', v: unit(0, 1, 0) },
  ];
  it('picks the most similar entry at or above the threshold, not the first one that passes', () => {
    const hit = closestAbove(earlier, (e) => e.v, unit(1, 0.3, 0), 0.9)!;
    expect(hit.entry.name).toBe('b');
    expect(hit.score).toBeCloseTo(0.9987, 3);
    expect(closestAbove(earlier, (e) => e.v, unit(1, 0, 0), 1)?.entry.name).toBe('a');
  });
  it('answers nothing below the threshold or among no entries', () => {
    expect(closestAbove(earlier, (e) => e.v, unit(0, 0, 1), 0.5)).toBeUndefined();
    expect(closestAbove([], (e: { v: Float32Array }) => e.v, unit(1, 0, 0), -1)).toBeUndefined();
  });
});
