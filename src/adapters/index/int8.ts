// Approximate-then-exact index: an int8 scalar-quantized copy of every row is scanned first (a quarter
// of the bytes of float rows, integer SIMD dot products), then the best `k * oversample` candidates are
// re-scored exactly from the float rows. Results and scores are exact cosine whenever the true top k
// survive the int8 pass, which the bench measures as recall@3 against FlatIndex.
//
// Quantization is per dimension (code = round(x * 127 / maxAbs[dim])): transformer embeddings have a
// few dimensions with much larger spread than the rest, and one global scale would waste most of the
// 8 bits on them. The query is folded with the inverse scales into int16 so the integer dot product
// ranks like the float one.
import type { Candidate, IndexedVector, VectorIndex } from './types';
import { selectTop, TopK, type Accept } from './topk';
import { candidates, type ScanOptions } from './flat';
import { checkDims, checkItems, checkVector, normalized, VectorRefs } from './slots';
import { tryScanKernel, WasmArena } from './wasm-kernels';

export interface Int8Options extends ScanOptions {
  /** Use the relaxed-SIMD kernel where the runtime has it (default true). */
  relaxed?: boolean;
  /** Candidates re-scored exactly = max(k * oversample, minCandidates). */
  oversample?: number;
  minCandidates?: number;
}

/** Ranges grow with this headroom when later rows exceed them, so re-quantizing stays rare. */
const HEADROOM = 1.25;

/** Candidates re-scored beyond k for long lists (k·oversample is smaller for the k = 3 the app shows). */
const MARGIN = 200;

export class Int8Index implements VectorIndex {
  readonly kind: string = 'int8';
  /** The float rows, by reference (see VectorRefs): only the re-scoring reads them. */
  private slots: VectorRefs;
  /** Rows the codes buffer has room for. */
  private codeRows = 0;
  private readonly padded: number;
  private codes: Int8Array;
  private readonly arena?: WasmArena;
  private readonly maxAbs: Float32Array;
  private readonly scale: Float32Array;
  /** Set when ranges widened after rows were coded; re-coded before the next search. */
  private stale = false;
  private readonly qmax: number;
  /** Code range ±levels, stored with `offset` added (the relaxed kernel wants rows in 1..127). */
  private readonly levels: number;
  private readonly offset: number;
  readonly relaxed: boolean;
  private readonly oversample: number;
  private readonly minCandidates: number;
  private jsQuery?: Int32Array;
  private jsScores?: Int32Array;

  constructor(
    readonly dims: number,
    options: Int8Options = {},
  ) {
    checkDims('int8', dims);
    this.padded = (dims + 15) & ~15;
    this.oversample = options.oversample ?? 16;
    this.minCandidates = options.minCandidates ?? 32;
    this.maxAbs = new Float32Array(dims);
    this.scale = new Float32Array(dims);
    const relaxed = options.simd === false || options.relaxed === false ? undefined : tryScanKernel('i8r', this.padded);
    const kernel = relaxed ?? (options.simd === false ? undefined : tryScanKernel('i8', this.padded));
    if (kernel) this.arena = new WasmArena(kernel, this.padded, this.padded * 2);
    this.relaxed = relaxed !== undefined;
    // Relaxed: rows coded in ±63 (+64 → 1..127) and an int8 query; the exact re-scoring makes up for the coarser
    // codes (recall is measured by the tests and the bench). Otherwise ±127 rows and a 14-bit query, kept small
    // enough that the whole int32 sum cannot overflow.
    this.levels = this.relaxed ? 63 : 127;
    this.offset = this.relaxed ? 64 : 0;
    this.qmax = this.relaxed ? 127 : Math.min(16383, Math.floor(0x7fffffff / (this.padded * 127)));
    this.slots = new VectorRefs(dims);
    this.codes = this.allocCodes(16, 0);
  }

  get simd(): boolean {
    return this.arena !== undefined;
  }

  get kernel(): string {
    return this.relaxed ? 'wasm relaxed SIMD' : this.simd ? 'wasm SIMD' : 'plain JS';
  }

  get size(): number {
    return this.slots.count;
  }

  /**
   * Bytes this index holds: codes (capacity included), row references, and float rows it had to copy
   * (vectors handed in that were not unit length). The caller's own vectors are not counted.
   */
  get bytes(): number {
    return this.codes.byteLength + this.slots.count * 8 + this.slots.copies * this.dims * 4;
  }

  private allocCodes(rows: number, keepRows: number): Int8Array {
    const bytes = rows * this.padded;
    this.codeRows = rows;
    if (this.arena) {
      this.arena.ensure(rows);
      return new Int8Array(this.arena.buffer, 0, bytes);
    }
    const next = new Int8Array(bytes);
    if (keepRows > 0) next.set(this.codes.subarray(0, keepRows * this.padded));
    return next;
  }

  /** Room for every row; doubling keeps add() amortized. Wasm memory may also have moved. */
  private syncCapacity(): void {
    const rows = this.slots.count;
    if (rows > this.codeRows) {
      let cap = Math.max(16, this.codeRows);
      while (cap < rows) cap *= 2;
      this.codes = this.allocCodes(cap, this.slots.count);
    } else if (this.arena && this.codes.buffer !== this.arena.buffer) {
      this.codes = this.allocCodes(this.codeRows, this.slots.count);
    }
  }

  /** Widens per-dimension ranges to cover items; returns true if any range changed. */
  private widen(items: IndexedVector[], headroom: number): boolean {
    const { maxAbs, dims } = this;
    let changed = false;
    for (const { vector } of items) {
      let sum = 0;
      for (let i = 0; i < dims; i++) sum += vector[i] * vector[i];
      const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
      for (let i = 0; i < dims; i++) {
        const a = Math.abs(vector[i] * inv);
        if (a > maxAbs[i]) {
          maxAbs[i] = Math.min(1, a * headroom);
          changed = true;
        }
      }
    }
    if (changed) for (let i = 0; i < dims; i++) this.scale[i] = maxAbs[i] > 0 ? this.levels / maxAbs[i] : 0;
    return changed;
  }

  /** Codes rows [from, to). Rounds like Math.round, which is 4× slower here than the integer trick. */
  private encode(from: number, to = from + 1): void {
    const { dims, scale, padded, codes, levels, offset } = this;
    const rows = this.slots.rows;
    for (let slot = from; slot < to; slot++) {
      const row = rows[slot];
      const out = slot * padded;
      for (let i = 0; i < dims; i++) {
        const c = ((row[i] * scale[i] + 128.5) | 0) - 128;
        codes[out + i] = (c > levels ? levels : c < -levels ? -levels : c) + offset;
      }
    }
  }

  private recodeAll(): void {
    this.syncCapacity();
    this.codes.fill(0);
    this.encode(0, this.slots.count);
    this.stale = false;
  }

  build(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    this.slots.clear();
    for (const item of items) this.slots.put(item.id, item.vector);
    // Ranges straight from the rows, which are unit length by now (one pass, no second norm).
    const { maxAbs, dims } = this;
    maxAbs.fill(0);
    for (const row of this.slots.rows) {
      for (let i = 0; i < dims; i++) {
        const a = Math.abs(row[i]);
        if (a > maxAbs[i]) maxAbs[i] = a;
      }
    }
    for (let i = 0; i < dims; i++) this.scale[i] = maxAbs[i] > 0 ? this.levels / maxAbs[i] : 0;
    // Exactly as many rows as given (doubling would leave up to half the codes buffer unused).
    if (this.codeRows < items.length || this.codeRows > 2 * items.length + 16) this.codes = this.allocCodes(Math.max(16, items.length), 0);
    this.recodeAll();
  }

  add(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    if (this.widen(items, HEADROOM)) this.stale = true;
    for (const item of items) {
      const slot = this.slots.put(item.id, item.vector);
      if (!this.stale) {
        this.syncCapacity();
        this.encode(slot);
      }
    }
  }

  remove(ids: string[]): void {
    const d = this.padded;
    for (const id of ids) {
      const moved = this.slots.delete(id);
      if (moved && moved[0] >= 0 && !this.stale) this.codes.copyWithin(moved[1] * d, moved[0] * d, moved[0] * d + d);
    }
  }

  has(id: string): boolean {
    return this.slots.slot(id) !== undefined;
  }

  search(query: Float32Array, k: number, accept?: Accept): Candidate[] {
    checkVector(this.kind, this.dims, query, 'query');
    k = Math.min(Math.floor(k), this.size);
    if (!(k > 0)) return [];
    if (this.stale) this.recodeAll();
    const n = this.slots.count;
    const { dims, padded, maxAbs } = this;
    const q = normalized(query);

    // Query code_i ∝ q_i / scale_i, so sum(code_x * code_q) ∝ sum(x * q).
    let peak = 0;
    for (let i = 0; i < dims; i++) peak = Math.max(peak, Math.abs(q[i] * maxAbs[i]));
    const t = peak > 0 ? this.qmax / peak : 0;
    // The quantisation error shifts ranks by a few places, whatever k is: a long candidate list (hybrid asks for
    // 100) needs a margin beyond k, not 16× k (1600 exact re-scorings made a 10k search 5× slower).
    const pool = new TopK(Math.min(n, Math.max(Math.min(k * this.oversample, k + MARGIN), this.minCandidates)));
    if (this.arena) {
      const arena = this.arena;
      const qc = this.relaxed ? new Int8Array(arena.buffer, arena.queryPtr, padded) : new Int16Array(arena.buffer, arena.queryPtr, padded);
      for (let i = 0; i < dims; i++) qc[i] = Math.round(q[i] * maxAbs[i] * t);
      qc.fill(0, dims);
      arena.scan(n);
      arena.selectTop(n, pool, this.slots.ids, accept);
    } else {
      selectTop(this.scanJs(q, t, n), n, pool, this.slots.ids, accept);
    }

    // Exact re-scoring of the survivors from the float rows.
    const top = new TopK(k);
    const rows = this.slots.rows;
    for (let c = 0; c < pool.count; c++) {
      const slot = pool.slots[c];
      const row = rows[slot];
      let s = 0;
      for (let i = 0; i < dims; i++) s += row[i] * q[i];
      if (s > top.worst) top.push(slot, s);
    }
    return candidates(top, this.slots.ids);
  }

  private scanJs(q: Float32Array, t: number, n: number): Int32Array {
    const { dims, padded, maxAbs, codes } = this;
    const qc = (this.jsQuery ??= new Int32Array(dims));
    for (let i = 0; i < dims; i++) qc[i] = Math.round(q[i] * maxAbs[i] * t);
    if (!this.jsScores || this.jsScores.length < n) this.jsScores = new Int32Array(this.codeRows);
    const out = this.jsScores;
    for (let s = 0, off = 0; s < n; s++, off += padded) {
      let a0 = 0;
      let a1 = 0;
      let i = 0;
      for (; i + 1 < dims; i += 2) {
        a0 += codes[off + i] * qc[i];
        a1 += codes[off + i + 1] * qc[i + 1];
      }
      if (i < dims) a0 += codes[off + i] * qc[i];
      out[s] = a0 + a1;
    }
    return out;
  }
}
