// A vector index is derived data: it can always be rebuilt from the vectors stored in IndexedDB.
// Indexes only propose candidates; the caller re-scores them with exact cosine from stored vectors.

export interface IndexedVector {
  id: string;
  vector: Float32Array;
}

export interface Candidate {
  id: string;
  /** Index-specific similarity; higher is closer. Not shown to users. */
  score: number;
}

export interface VectorIndex {
  readonly kind: string;
  /** What scans it here (`wasm relaxed SIMD`, `wasm SIMD`, `plain JS`…): engines differ, Settings says which ran. */
  readonly kernel?: string;
  readonly dims: number;
  readonly size: number;
  /** Replaces the whole content. */
  build(items: IndexedVector[]): void;
  add(items: IndexedVector[]): void;
  remove(ids: string[]): void;
  has(id: string): boolean;
  /**
   * Up to k nearest ids, best first. `accept` lets the caller filter (levels, domains)
   * without the index knowing about memories.
   */
  search(query: Float32Array, k: number, accept?: (id: string) => boolean): Candidate[];
}
