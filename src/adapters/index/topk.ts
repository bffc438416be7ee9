// Top-k over a scan: a tiny sorted buffer beats a heap for the k we use (3 to a few dozen candidates),
// and `worst` lets the scan loop reject almost every row with one comparison.

export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  count = 0;
  /** Score a row must beat to enter; -Infinity until the buffer is full. */
  worst = -Infinity;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  clear(): void {
    this.count = 0;
    this.worst = -Infinity;
  }

  push(slot: number, score: number): void {
    const { scores, slots, k } = this;
    if (this.count === k && !(score > scores[k - 1])) return;
    // Binary search for the place, then one memmove: hybrid retrieval asks for 100 candidates (1600 before exact
    // re-scoring in the int8 index), where shifting one by one cost ~20 ms at 10k memories.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scores[mid] >= score) lo = mid + 1;
      else hi = mid;
    }
    const end = this.count < k ? this.count++ : k - 1;
    if (end > lo) {
      scores.copyWithin(lo + 1, lo, end);
      slots.copyWithin(lo + 1, lo, end);
    }
    scores[lo] = score;
    slots[lo] = slot;
    if (this.count === k) this.worst = scores[k - 1];
  }
}

export type Accept = (id: string) => boolean;

/** Top-k over precomputed per-row scores (from a wasm kernel); `accept` runs only for rows that would enter. */
export function selectTop(scores: Float32Array | Int32Array, n: number, top: TopK, ids: string[], accept?: Accept): void {
  let worst = top.worst;
  for (let s = 0; s < n; s++) {
    const score = scores[s];
    if (score > worst && (accept === undefined || accept(ids[s]))) {
      top.push(s, score);
      worst = top.worst;
    }
  }
}
