// Exact index: a dot-product scan over one contiguous Float32Array. Rows and queries are normalized,
// so the dot product is the exact cosine and the candidates' scores can be shown as they are.
// With wasm SIMD the rows live in the kernel's linear memory and f32x4 does the scan (about 3x the
// plain-JS loop in V8); without it, the unrolled JS loop below does the same work.
import type { Candidate, IndexedVector, VectorIndex } from './types';
import { TopK, type Accept } from './topk';
import { checkDims, checkItems, checkVector, writeNormalized, VectorSlots, type RowAllocator } from './slots';
import { tryScanKernel, WasmArena } from './wasm-kernels';

/**
 * Scans rows [0, n) and keeps the best k. Four independent accumulators let V8 overlap the
 * multiply-adds (one accumulator serializes on add latency); `accept` runs only for rows that would
 * enter the top k, so a filter costs almost nothing unless it rejects the best rows.
 */
export function scanFloat(
  data: Float32Array,
  n: number,
  dims: number,
  stride: number,
  q: Float32Array,
  top: TopK,
  ids: string[],
  accept?: Accept,
): void {
  const d4 = dims & ~3;
  for (let s = 0, off = 0; s < n; s++, off += stride) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      a0 += data[off + j] * q[j];
      a1 += data[off + j + 1] * q[j + 1];
      a2 += data[off + j + 2] * q[j + 2];
      a3 += data[off + j + 3] * q[j + 3];
    }
    for (; j < dims; j++) a0 += data[off + j] * q[j];
    const score = a0 + a1 + (a2 + a3);
    if (score > top.worst && (accept === undefined || accept(ids[s]))) top.push(s, score);
  }
}

export function candidates(top: TopK, ids: string[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < top.count; i++) out.push({ id: ids[top.slots[i]], score: top.scores[i] });
  return out;
}

export interface ScanOptions {
  /** Use the wasm SIMD kernel when the runtime supports it (default true). */
  simd?: boolean;
}

export class FlatIndex implements VectorIndex {
  readonly kind: string = 'flat';
  protected slots: VectorSlots;
  private arena?: WasmArena;
  private query: Float32Array;

  get kernel(): string {
    return this.arena ? 'wasm SIMD' : 'plain JS';
  }

  constructor(
    readonly dims: number,
    options: ScanOptions = {},
  ) {
    checkDims('flat', dims);
    const stride = (dims + 3) & ~3;
    const kernel = options.simd === false ? undefined : tryScanKernel('f32', stride);
    let alloc: RowAllocator | undefined;
    if (kernel) {
      const arena = new WasmArena(kernel, stride * 4, stride * 4);
      this.arena = arena;
      alloc = (floats) => {
        arena.ensure(floats / stride);
        return new Float32Array(arena.buffer, 0, floats);
      };
    }
    this.slots = new VectorSlots(dims, stride, alloc);
    this.query = new Float32Array(stride);
  }

  /** True when searches run on the wasm SIMD kernel. */
  get simd(): boolean {
    return this.arena !== undefined;
  }

  get size(): number {
    return this.slots.count;
  }

  /** Bytes held for vectors (capacity included). */
  get bytes(): number {
    return this.slots.data.byteLength;
  }

  build(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    this.slots.clear(items.length);
    for (const item of items) this.slots.put(item.id, item.vector);
  }

  add(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    for (const item of items) this.slots.put(item.id, item.vector);
  }

  remove(ids: string[]): void {
    for (const id of ids) this.slots.delete(id);
  }

  has(id: string): boolean {
    return this.slots.slot(id) !== undefined;
  }

  search(query: Float32Array, k: number, accept?: Accept): Candidate[] {
    checkVector(this.kind, this.dims, query, 'query');
    k = Math.min(Math.floor(k), this.size);
    if (!(k > 0)) return [];
    const top = new TopK(k);
    const { slots, arena } = this;
    if (arena) {
      const q = new Float32Array(arena.buffer, arena.queryPtr, slots.stride);
      writeNormalized(query, q, 0);
      q.fill(0, this.dims); // padding lanes must be 0, not whatever the region held before
      arena.scan(slots.count);
      arena.selectTop(slots.count, top, slots.ids, accept, true);
    } else {
      writeNormalized(query, this.query, 0);
      scanFloat(slots.data, slots.count, this.dims, slots.stride, this.query, top, slots.ids, accept);
    }
    return candidates(top, slots.ids);
  }
}
