// Hand-emitted WebAssembly SIMD scan kernels. There is no wasm toolchain in the build, and the kernels
// are tiny, so we emit the bytes directly, specialized (fully unrolled) for the index's dimensionality:
// no inner-loop bookkeeping, constant load offsets. Modules stay well under Chromium's 4 KB limit for
// synchronous compilation on the main thread, so indexes can be created synchronously.
//
// Kernels write one score per row into `out`; a second function collects the few rows worth selecting from, and the
// selection itself (top-k, `accept` filters) stays in JS.

import {
  ALIGN,
  Code,
  CORE,
  EXTERN,
  F32,
  FUNC_TYPE,
  funcBody,
  I32,
  LIMITS,
  name,
  OP,
  section,
  SECTION,
  V128,
  vec,
  wasmModule,
} from './wasm-emit';
import { selectTop, TopK, type Accept } from './topk';

/**
 * Row loop shared by both kernels: params (rows ptr, n, query ptr, out ptr), locals end, acc, tmp.
 * `body` emits the unrolled per-row work leaving the row score (i32 or f32) on the stack.
 */
function rowLoop(rowBytes: number, store: 'i32' | 'f32', body: (c: Code) => void): number[] {
  const P = 0;
  const N = 1;
  const OUT = 3;
  const END = 4;
  const c = new Code();
  c.begin(CORE.BLOCK);
  c.get(OUT).get(N).i32(2).op(CORE.I32_SHL, CORE.I32_ADD).set(END); // end = out + n*4
  c.get(OUT).get(END).op(CORE.I32_EQ).br(CORE.BR_IF, 0); // leave the block when n == 0
  c.begin(CORE.LOOP);
  c.get(OUT);
  body(c);
  c.mem(store === 'i32' ? CORE.I32_STORE : CORE.F32_STORE, ALIGN.B4, 0); // *out = score
  c.get(P).i32(rowBytes).op(CORE.I32_ADD).set(P);
  c.get(OUT).i32(4).op(CORE.I32_ADD).tee(OUT).get(END).op(CORE.I32_NE).br(CORE.BR_IF, 0); // loop while out != end
  c.end(3); // loop, block, function
  return funcBody(
    [
      [1, I32],
      [4, V128],
    ],
    c,
  );
}

/** Leaves lane 0 + lane 1 + lane 2 + lane 3 of an i32x4 local on the stack. */
function sumLanesI32(c: Code, local: number): void {
  c.get(local).simd(OP.I32X4_EXTRACT_LANE, 0).get(local).simd(OP.I32X4_EXTRACT_LANE, 1).op(CORE.I32_ADD);
  c.get(local).simd(OP.I32X4_EXTRACT_LANE, 2).op(CORE.I32_ADD).get(local).simd(OP.I32X4_EXTRACT_LANE, 3).op(CORE.I32_ADD);
}

/** int8 rows (padded to 16) · int16 query → i32 per row, via i32x4.dot_i16x8_s. */
function dotI8Body(paddedDims: number): (c: Code) => void {
  const P = 0;
  const Q = 2;
  const ACC = 5;
  const A = 6;
  return (c) => {
    for (let b = 0; b < paddedDims / 16; b++) {
      c.get(P).load(b * 16).tee(A).simd(OP.I16X8_EXTEND_LOW_I8X16_S);
      c.get(Q).load(b * 32).simd(OP.I32X4_DOT_I16X8_S);
      c.get(A).simd(OP.I16X8_EXTEND_HIGH_I8X16_S);
      c.get(Q).load(b * 32 + 16).simd(OP.I32X4_DOT_I16X8_S);
      c.simd(OP.I32X4_ADD);
      if (b > 0) c.get(ACC).simd(OP.I32X4_ADD);
      c.set(ACC);
    }
    sumLanesI32(c, ACC);
  };
}

/**
 * Relaxed SIMD: u7 rows (codes offset into 1..127) · int8 query → i32 per row, 16 products per
 * i32x4.relaxed_dot_i8x16_i7x16_add_s (one pmaddubsw-based sequence on x86, sdot on ARM) instead of two
 * widenings and two i16 dot products. The second operand is kept within 0..127, where the instruction is
 * deterministic on every platform. The offset adds 64·Σquery to every row alike, so the ranking is unchanged.
 * Four accumulators hide the dot-add latency.
 */
function dotI8RelaxedBody(paddedDims: number): (c: Code) => void {
  const P = 0;
  const Q = 2;
  const ACC = [5, 6, 7, 8];
  return (c) => {
    const blocks = paddedDims / 16;
    for (let b = 0; b < blocks; b++) {
      const acc = ACC[b % 4];
      c.get(Q).load(b * 16).get(P).load(b * 16);
      // Each accumulator starts from the dot product alone: V8 in Node 20 doubles the result of the dot-add
      // when its addend is a zero constant (found by the kernel test).
      if (b < 4) c.simd(OP.I16X8_RELAXED_DOT_I8X16_I7X16_S).simd(OP.I32X4_EXTADD_PAIRWISE_I16X8_S);
      else c.get(acc).simd(OP.I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S);
      c.set(acc);
    }
    const used = Math.min(4, blocks);
    for (let a = 1; a < used; a++) c.get(ACC[0]).get(ACC[a]).simd(OP.I32X4_ADD).set(ACC[0]);
    sumLanesI32(c, ACC[0]);
  };
}

/** f32 rows (padded to 4) · f32 query → f32 per row; two accumulators hide add latency. */
function dotF32Body(paddedDims: number): (c: Code) => void {
  const P = 0;
  const Q = 2;
  const ACC = 5;
  const B = 6;
  return (c) => {
    const blocks = paddedDims / 4;
    for (let b = 0; b < blocks; b++) {
      const acc = b % 2 === 0 ? ACC : B;
      c.get(P).load(b * 16).get(Q).load(b * 16).simd(OP.F32X4_MUL);
      if (b >= 2) c.get(acc).simd(OP.F32X4_ADD);
      c.set(acc);
    }
    if (blocks > 1) c.get(ACC).get(B).simd(OP.F32X4_ADD).set(ACC);
    // (l0 + l1) + (l2 + l3): the order the scores were always summed in.
    c.get(ACC).simd(OP.F32X4_EXTRACT_LANE, 0).get(ACC).simd(OP.F32X4_EXTRACT_LANE, 1).op(CORE.F32_ADD);
    c.get(ACC).simd(OP.F32X4_EXTRACT_LANE, 2).get(ACC).simd(OP.F32X4_EXTRACT_LANE, 3).op(CORE.F32_ADD).op(CORE.F32_ADD);
  };
}

/**
 * collect(scores ptr, n, threshold, out ptr) → count: for every row whose score is ≥ threshold, in row order, writes
 * the pair (row index, score) to out, so the caller reads the few picks sequentially instead of reaching back into
 * the scores (cache misses once the scan has streamed tens of megabytes past them). Four scores per SIMD compare;
 * only a group holding a pick (rare: see WasmArena.selectTop) takes the scalar path, which is branchless (the pair
 * is always stored, the count advances by the comparison). The same selection in JS measured 0.3–0.55 ms over 100k
 * scores in Chromium, up to a tenth of a top-3 query.
 */
function collectBody(score: 'i32' | 'f32'): number[] {
  // Parameters (scores ptr, n, threshold, out ptr), then the locals declared at the end: five i32, two v128, one i32.
  const [P, N, T, OUT, END, COUNT, ROW, MASK, END4, TV, VEC, PAIR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const c = new Code();
  const load = () => c.mem(score === 'i32' ? CORE.I32_LOAD : CORE.F32_LOAD, ALIGN.B4, 0);
  const ge = () => c.op(score === 'i32' ? CORE.I32_GE_S : CORE.F32_GE);
  // Appends (row + lane, its score) to out when bit `lane` of MASK is set; `value` leaves that score on the stack.
  const emitLane = (lane: number, value: () => void) => {
    // pair.row = row + lane (at out + count*8)
    c.get(OUT).get(COUNT).i32(3).op(CORE.I32_SHL, CORE.I32_ADD).tee(PAIR).get(ROW).i32(lane).op(CORE.I32_ADD);
    c.mem(CORE.I32_STORE, ALIGN.B4, 0);
    c.get(PAIR);
    value();
    c.mem(score === 'i32' ? CORE.I32_STORE : CORE.F32_STORE, ALIGN.B4, 4); // pair.score
    // count += (mask >> lane) & 1
    c.get(COUNT).get(MASK).i32(lane).op(CORE.I32_SHR_U).i32(1).op(CORE.I32_AND).op(CORE.I32_ADD).set(COUNT);
  };
  c.get(P).get(N).i32(2).op(CORE.I32_SHL, CORE.I32_ADD).set(END); // end = scores + n*4
  c.get(P).get(N).i32(-4).op(CORE.I32_AND).i32(2).op(CORE.I32_SHL, CORE.I32_ADD).set(END4); // end4 = scores + (n & ~3)*4
  c.get(T).simd(score === 'i32' ? OP.I32X4_SPLAT : OP.F32X4_SPLAT).set(TV);
  // Groups of four.
  c.begin(CORE.BLOCK).begin(CORE.LOOP);
  c.get(P).get(END4).op(CORE.I32_EQ).br(CORE.BR_IF, 1); // leave the block when p == end4
  c.get(P).load(0).tee(VEC).get(TV).simd(score === 'i32' ? OP.I32X4_GE_S : OP.F32X4_GE).simd(OP.I32X4_BITMASK).tee(MASK);
  c.begin(CORE.IF); // mask != 0
  const lane = score === 'i32' ? OP.I32X4_EXTRACT_LANE : OP.F32X4_EXTRACT_LANE;
  for (let l = 0; l < 4; l++) emitLane(l, () => c.get(VEC).simd(lane, l));
  c.end(); // if
  c.get(ROW).i32(4).op(CORE.I32_ADD).set(ROW);
  c.get(P).i32(16).op(CORE.I32_ADD).set(P);
  c.br(CORE.BR, 0).end(2); // next group; end loop, block
  // The last n % 4 rows, one by one.
  c.begin(CORE.BLOCK).begin(CORE.LOOP);
  c.get(P).get(END).op(CORE.I32_EQ).br(CORE.BR_IF, 1);
  c.get(P);
  load();
  c.get(T);
  ge();
  c.set(MASK);
  emitLane(0, () => {
    c.get(P);
    load();
  });
  c.get(ROW).i32(1).op(CORE.I32_ADD).set(ROW);
  c.get(P).i32(4).op(CORE.I32_ADD).set(P);
  c.br(CORE.BR, 0).end(2);
  c.get(COUNT).end(); // the result; end of function
  return funcBody([[5, I32], [2, V128], [1, I32]], c);
}

/** i8: int8 rows · int16 query (plain SIMD). i8r: the relaxed-SIMD variant (rows coded 1..127, int8 query). */
export type KernelKind = 'i8' | 'i8r' | 'f32';

function moduleBytes(kind: KernelKind, paddedDims: number): Uint8Array {
  const score = kind === 'f32' ? F32 : I32;
  const body =
    kind === 'i8'
      ? rowLoop(paddedDims, 'i32', dotI8Body(paddedDims))
      : kind === 'i8r'
        ? rowLoop(paddedDims, 'i32', dotI8RelaxedBody(paddedDims))
        : rowLoop(paddedDims * 4, 'f32', dotF32Body(paddedDims));
  return wasmModule((out) => {
    // scan: (i32 i32 i32 i32) -> (); collect: (i32 i32 <score> i32) -> i32
    section(SECTION.TYPE, vec([[FUNC_TYPE, 4, I32, I32, I32, I32, 0], [FUNC_TYPE, 4, I32, I32, score, I32, 1, I32]]), out);
    section(SECTION.FUNCTION, vec([[0], [1]]), out); // function 0 has type 0, function 1 type 1
    section(SECTION.MEMORY, vec([[LIMITS.MIN, 1]]), out); // 1 page to start, no maximum
    const exports = [
      name('memory').concat([EXTERN.MEMORY, 0]),
      name('scan').concat([EXTERN.FUNC, 0]),
      name('collect').concat([EXTERN.FUNC, 1]),
    ];
    section(SECTION.EXPORT, vec(exports), out);
    section(SECTION.CODE, vec([body, collectBody(kind === 'f32' ? 'f32' : 'i32')]), out);
  });
}

export interface ScanKernel {
  readonly memory: WebAssembly.Memory;
  /** scan(rowsPtr, n, queryPtr, outPtr): one score per row into out. */
  readonly scan: (rows: number, n: number, query: number, out: number) => void;
  /** collect(scoresPtr, n, threshold, outPtr): (row, score) pairs of the rows scoring ≥ threshold into out; returns how many. */
  readonly collect: (scores: number, n: number, threshold: number, out: number) => number;
}

let simdSupport: boolean | undefined;

export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    try {
      simdSupport = typeof WebAssembly === 'object' && WebAssembly.validate(moduleBytes('i8', 16) as BufferSource);
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}

let relaxedSupport: boolean | undefined;

/** Relaxed SIMD: Chromium since 114, Firefox since 120; Node 20 only with --experimental-wasm-relaxed-simd. */
export function wasmRelaxedSimdSupported(): boolean {
  if (relaxedSupport === undefined) {
    try {
      // 80 wide: five blocks, so both relaxed instructions the kernel uses are validated.
      relaxedSupport = wasmSimdSupported() && WebAssembly.validate(moduleBytes('i8r', 80) as BufferSource);
    } catch {
      relaxedSupport = false;
    }
  }
  return relaxedSupport;
}

const compiled = new Map<string, WebAssembly.Module>();

/** A fresh instance (own memory) of the scan kernel for this element type and padded width. */
export function scanKernel(kind: KernelKind, paddedDims: number): ScanKernel {
  const key = `${kind}:${paddedDims}`;
  let mod = compiled.get(key);
  if (!mod) {
    mod = new WebAssembly.Module(moduleBytes(kind, paddedDims) as BufferSource);
    compiled.set(key, mod);
  }
  const instance = new WebAssembly.Instance(mod, {});
  const exports = instance.exports as unknown as ScanKernel;
  return { memory: exports.memory, scan: exports.scan, collect: exports.collect };
}

export function kernelBytes(kind: KernelKind, paddedDims: number): number {
  return moduleBytes(kind, paddedDims).length;
}

const PAGE = 65536;

/**
 * Linear-memory layout for one index: rows from byte 0 (so growing capacity never moves them),
 * then the query, then one 4-byte score per row, then room for as many 8-byte (row, score) pairs
 * (collect's output). Views must be re-taken after `ensure`, because growing memory detaches the old ArrayBuffer.
 */
export class WasmArena {
  capacity = 0;

  constructor(
    readonly kernel: ScanKernel,
    readonly rowBytes: number,
    readonly queryBytes: number,
  ) {}

  ensure(rows: number): void {
    if (rows <= this.capacity) return;
    const need = rows * this.rowBytes + this.queryBytes + rows * 12;
    const have = this.kernel.memory.buffer.byteLength;
    if (need > have) this.kernel.memory.grow(Math.ceil((need - have) / PAGE));
    this.capacity = rows;
  }

  get buffer(): ArrayBuffer {
    return this.kernel.memory.buffer as ArrayBuffer;
  }

  get queryPtr(): number {
    return this.capacity * this.rowBytes;
  }

  get outPtr(): number {
    return this.capacity * this.rowBytes + this.queryBytes;
  }

  get picksPtr(): number {
    return this.outPtr + this.capacity * 4;
  }

  /** Runs the kernel over rows [0, n) and returns the score buffer's byte offset. */
  scan(n: number): number {
    this.kernel.scan(0, n, this.queryPtr, this.outPtr);
    return this.outPtr;
  }

  /**
   * The best rows of the last scan(n) into `top` (as selectTop over its scores would), without a JS pass over every
   * score: the k-th best score among some of the rows is a threshold the k-th best of all cannot be below, the kernel
   * collects the rows at or above it (about n·k/sample of them), and only those reach `top` and `accept`. The sample is
   * the last rows scanned, whose scores are still in cache (spread-out reads cost a cache miss each: ~0.1 ms at 100k);
   * however unlike the rest they are, the answer stays exact, only more or fewer rows get collected. When `accept`
   * turns down so many that fewer than k of the collected rows pass, the other rows may hold the answer: all are scanned.
   */
  selectTop(n: number, top: TopK, ids: string[], accept?: Accept, float = false): void {
    const scores = float ? new Float32Array(this.buffer, this.outPtr, n) : new Int32Array(this.buffer, this.outPtr, n);
    const sampled = top.k * SAMPLE_PER_CANDIDATE;
    if (n < 4 * sampled) return selectTop(scores, n, top, ids, accept);
    const sample = new TopK(top.k);
    selectTop(scores.subarray(n - sampled, n), sampled, sample, ids); // only its k-th best score is used
    const count = this.kernel.collect(this.outPtr, n, sample.worst, this.picksPtr);
    const rows = new Int32Array(this.buffer, this.picksPtr, count * 2);
    const values = float ? new Float32Array(this.buffer, this.picksPtr, count * 2) : rows;
    let passed = 0;
    for (let i = 0; i < 2 * count; i += 2) {
      const s = rows[i];
      if (accept !== undefined && !accept(ids[s])) continue;
      passed++;
      if (values[i + 1] > top.worst) top.push(s, values[i + 1]);
    }
    if (passed < top.k && count < n) {
      top.clear();
      selectTop(scores, n, top, ids, accept);
    }
  }
}

/** Sampled rows per wanted row: a larger sample gives a tighter threshold (fewer rows collected) for a longer JS pass. */
const SAMPLE_PER_CANDIDATE = 64;

/** Precompiles asynchronously, so large modules never hit the main thread's synchronous-compile limit. */
export async function precompileKernel(kind: KernelKind, paddedDims: number): Promise<void> {
  const key = `${kind}:${paddedDims}`;
  if (compiled.has(key) || !wasmSimdSupported() || (kind === 'i8r' && !wasmRelaxedSimdSupported())) return;
  compiled.set(key, await WebAssembly.compile(moduleBytes(kind, paddedDims) as BufferSource));
}

/** The kernel, or undefined when this runtime has no wasm SIMD (or refuses to compile it here). */
export function tryScanKernel(kind: KernelKind, paddedDims: number): ScanKernel | undefined {
  if (!wasmSimdSupported() || (kind === 'i8r' && !wasmRelaxedSimdSupported())) return undefined;
  try {
    return scanKernel(kind, paddedDims);
  } catch {
    return undefined;
  }
}
