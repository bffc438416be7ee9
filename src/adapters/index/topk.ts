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
    let i = this.count < k ? this.count++ : k - 1;
    while (i > 0 && scores[i - 1] < score) {
      scores[i] = scores[i - 1];
      slots[i] = slots[i - 1];
      i--;
    }
    scores[i] = score;
    slots[i] = slot;
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
