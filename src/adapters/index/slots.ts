// Row storage shared by the scan indexes: one contiguous Float32Array (cache-friendly, no per-vector
// objects for the GC to trace), ids by slot, and swap-with-last removal so rows stay dense.
import type { IndexedVector } from './types';

export class IndexInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexInputError';
  }
}

/** Throws a clear error for anything a scan would silently get wrong. */
export function checkVector(kind: string, dims: number, vector: unknown, what: string): Float32Array | number[] {
  if (!(vector instanceof Float32Array) && !(vector instanceof Float64Array) && !Array.isArray(vector)) {
    throw new IndexInputError(`${kind} index: ${what} must be a Float32Array, got ${vector === null ? 'null' : typeof vector}`);
  }
  if (vector.length !== dims) {
    throw new IndexInputError(`${kind} index: ${what} has ${vector.length} dims, expected ${dims}`);
  }
  return vector as Float32Array | number[];
}

export function checkItems(kind: string, dims: number, items: IndexedVector[]): void {
  if (!Array.isArray(items)) throw new IndexInputError(`${kind} index: expected an array of {id, vector}`);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item || typeof item.id !== 'string' || item.id === '') {
      throw new IndexInputError(`${kind} index: item ${i} needs a non-empty string id`);
    }
    checkVector(kind, dims, item.vector, `vector for "${item.id}"`);
  }
}

export function checkDims(kind: string, dims: number): void {
  if (!Number.isInteger(dims) || dims <= 0) throw new IndexInputError(`${kind} index: dims must be a positive integer, got ${dims}`);
}

/**
 * Writes v / |v| into out at offset. Normalizing on the way in keeps every index's ranking equal to
 * cosine ranking even if a caller hands in a raw vector; for already-normalized vectors it is a copy.
 */
export function writeNormalized(v: ArrayLike<number>, out: Float32Array, offset: number): void {
  const d = v.length;
  const sum = squaredNorm(v);
  // Stored vectors are unit length already (to float precision): a plain copy is several times faster.
  if (isUnit(sum) && v instanceof Float32Array) {
    out.set(v, offset);
    return;
  }
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < d; i++) out[offset + i] = v[i] * inv;
}

function squaredNorm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return sum;
}

const isUnit = (squared: number) => Math.abs(squared - 1) < 1e-6;

export function normalized(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  writeNormalized(v, out, 0);
  return out;
}

/**
 * Provides row storage of at least `floats` floats, keeping the first `used` floats of `old`.
 * The default copies into a new array; a wasm-backed allocator grows linear memory in place.
 */
export type RowAllocator = (floats: number, old: Float32Array | undefined, used: number) => Float32Array;

export const jsRows: RowAllocator = (floats, old, used) => {
  const next = new Float32Array(floats);
  if (old && used > 0) next.set(old.subarray(0, used));
  return next;
};

/**
 * Ids by slot and slot by id, kept dense: removing an id moves the last one into its slot. The row stores
 * below follow these moves with their own rows.
 */
class SlotIds {
  ids: string[] = [];
  private slotOf = new Map<string, number>();

  get count(): number {
    return this.ids.length;
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  /** Appends a new id; returns its slot. */
  protected append(id: string): number {
    const slot = this.ids.length;
    this.ids.push(id);
    this.slotOf.set(id, slot);
    return slot;
  }

  /**
   * Removes id by moving the last id into its slot. Returns [from, to] when an id moved (the caller moves
   * its row the same way), [-1, slot] when the removed id was last, undefined when absent.
   */
  protected release(id: string): [number, number] | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    const last = this.ids.length - 1;
    this.slotOf.delete(id);
    if (slot !== last) {
      const moved = this.ids[last];
      this.ids[slot] = moved;
      this.slotOf.set(moved, slot);
    }
    this.ids.pop();
    return slot !== last ? [last, slot] : [-1, slot];
  }

  protected forgetAll(): void {
    this.ids = [];
    this.slotOf = new Map();
  }
}

export class VectorSlots extends SlotIds {
  data: Float32Array;
  /** Floats per row: dims, or more when a SIMD kernel wants padded rows (padding stays zero). */
  readonly stride: number;

  constructor(
    readonly dims: number,
    stride = dims,
    private readonly alloc: RowAllocator = jsRows,
  ) {
    super();
    this.stride = stride;
    this.data = alloc(16 * stride, undefined, 0);
  }

  get capacity(): number {
    return Math.floor(this.data.length / this.stride);
  }

  /** Doubling keeps add() amortized O(dims) while the rows stay in one buffer. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < rows) cap *= 2;
    this.data = this.alloc(cap * this.stride, this.data, this.count * this.stride);
  }

  /** Inserts or overwrites; returns the slot written. */
  put(id: string, vector: ArrayLike<number>): number {
    let slot = this.slot(id);
    if (slot === undefined) {
      this.reserve(this.count + 1);
      slot = this.append(id);
    }
    writeNormalized(vector, this.data, slot * this.stride);
    return slot;
  }

  /** Removes id, moving the last row into its slot; returns the move as SlotIds.release does (for parallel stores). */
  delete(id: string): [number, number] | undefined {
    const moved = this.release(id);
    if (moved && moved[0] >= 0) {
      const [from, to] = moved;
      const d = this.stride;
      this.data.copyWithin(to * d, from * d, from * d + d);
    }
    return moved;
  }

  clear(capacity = 16): void {
    this.forgetAll();
    this.data = this.alloc(Math.max(16, capacity) * this.stride, undefined, 0);
    // A reused (wasm) buffer may hold old rows; padding must read as zero.
    if (this.stride !== this.dims) this.data.fill(0);
  }
}

/** v itself when it is a unit Float32Array (stored vectors are), else a normalized copy. */
function unitOrCopy(v: ArrayLike<number>): Float32Array {
  return v instanceof Float32Array && isUnit(squaredNorm(v)) ? v : normalized(v);
}

/**
 * Rows by reference, for an index that scans its own compact copy (int8 codes) and needs the float rows
 * only to re-score a few candidates: holding the caller's unit vectors instead of copying them saves a
 * second float copy of the pool (205 MB at 100k × 512) and the time to make it. A vector that is not unit
 * length (or not a Float32Array) is normalized into a copy owned here. Callers must not change a vector
 * after handing it in; the app never does (stored vectors are replaced, not edited).
 */
export class VectorRefs extends SlotIds {
  rows: Float32Array[] = [];
  /** Whether rows[slot] is a copy made here rather than the caller's vector (for `bytes`). */
  private copied: boolean[] = [];
  copies = 0;

  constructor(readonly dims: number) {
    super();
  }

  /** Inserts or overwrites; returns the slot written. */
  put(id: string, vector: ArrayLike<number>): number {
    let slot = this.slot(id);
    if (slot === undefined) slot = this.append(id);
    else if (this.copied[slot]) this.copies--;
    const row = unitOrCopy(vector);
    this.rows[slot] = row;
    this.copied[slot] = row !== vector;
    if (row !== vector) this.copies++;
    return slot;
  }

  /** Same contract as VectorSlots.delete: swap-with-last, reports the move. */
  delete(id: string): [number, number] | undefined {
    const slot = this.slot(id);
    if (slot !== undefined && this.copied[slot]) this.copies--;
    const moved = this.release(id);
    if (moved && moved[0] >= 0) {
      const [from, to] = moved;
      this.rows[to] = this.rows[from];
      this.copied[to] = this.copied[from];
    }
    if (moved) {
      this.rows.pop();
      this.copied.pop();
    }
    return moved;
  }

  clear(): void {
    this.forgetAll();
    this.rows = [];
    this.copied = [];
    this.copies = 0;
  }
}
