// Dense layers in wasm SIMD: a register-blocked f32 GEMM micro-kernel (6 rows × 8 columns of C held in 12 f32x4
// accumulators) over weights packed once, at load, into 8-column panels. Measured at 86–88% of the wasm SIMD peak on
// the embedded model's largest product (bench row simd.gemm), where ONNX Runtime's wasm build runs the model at ~40%.
import {
  ALIGN,
  Code,
  CORE,
  EXTERN,
  FUNC_TYPE,
  funcBody,
  I32,
  LIMITS,
  name,
  OP,
  section,
  SECTION,
  uleb,
  V128,
  vec,
  wasmModule,
} from '../../index/wasm-emit';

export const MR = 6;
export const NR = 8;
/** Upper bound of a shared memory (threads): 512 MiB, far above weights (28 MB) and activations (~22 MB). */
const SHARED_MAX_PAGES = 8192;

const { V128_LOAD, V128_LOAD32_SPLAT, V128_STORE, F32X4_ADD, F32X4_MUL, F32X4_RELAXED_MADD } = OP;

/**
 * `kernel(a, bp, c, K, lda4, ldc4)`: C[0..6)[0..8) += A[0..6)[0..K) · Bpanel[0..K)[0..8), byte addresses, row strides in
 * bytes. `relaxed`: f32x4.relaxed_madd (an FMA where the CPU has one) instead of mul + add. `shared`: the module imports
 * a shared memory (env.memory) so kernels in several workers compute on the same weights and activations.
 */
export function gemmKernelBytes(relaxed: boolean, shared = false): Uint8Array {
  const [A, BP, C, K, LDA, LDC] = [0, 1, 2, 3, 4, 5];
  const acc = (i: number, j: number) => 6 + i * 2 + j;
  const B0 = 6 + MR * 2;
  const AV = B0 + 2;
  const [KI, AP, BPP] = [AV + 1, AV + 2, AV + 3];
  const c = new Code();
  c.get(A).set(AP).get(BP).set(BPP).get(K).set(KI);
  c.begin(CORE.BLOCK).begin(CORE.LOOP);
  c.get(KI).op(CORE.I32_EQZ).br(CORE.BR_IF, 1); // leave the block when k == 0
  for (let j = 0; j < 2; j++) c.get(BPP).simdMem(V128_LOAD, ALIGN.B16, j * 16).set(B0 + j);
  for (let i = 0; i < MR; i++) {
    c.get(AP);
    if (i > 0) c.get(LDA).i32(i).op(CORE.I32_MUL, CORE.I32_ADD); // ap + i * lda4
    c.simdMem(V128_LOAD32_SPLAT, ALIGN.B4, 0).set(AV);
    for (let j = 0; j < 2; j++) {
      if (relaxed) c.get(AV).get(B0 + j).get(acc(i, j)).simd(F32X4_RELAXED_MADD);
      else c.get(acc(i, j)).get(AV).get(B0 + j).simd(F32X4_MUL).simd(F32X4_ADD);
      c.set(acc(i, j));
    }
  }
  c.get(AP).i32(4).op(CORE.I32_ADD).set(AP);
  c.get(BPP).i32(NR * 4).op(CORE.I32_ADD).set(BPP);
  c.get(KI).i32(1).op(CORE.I32_SUB).set(KI);
  c.br(CORE.BR, 0).end(2); // next k; end loop, block
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < 2; j++) {
      // c + i * ldc4 + j * 16: load, add the accumulator, store back.
      c.get(C);
      if (i > 0) c.get(LDC).i32(i).op(CORE.I32_MUL, CORE.I32_ADD);
      c.get(C);
      if (i > 0) c.get(LDC).i32(i).op(CORE.I32_MUL, CORE.I32_ADD);
      c.simdMem(V128_LOAD, ALIGN.B16, j * 16).get(acc(i, j)).simd(F32X4_ADD).simdMem(V128_STORE, ALIGN.B16, j * 16);
    }
  }
  c.end(); // function
  return wasmModule((out) => {
    section(SECTION.TYPE, vec([[FUNC_TYPE, 6, I32, I32, I32, I32, I32, I32, 0]]), out);
    if (shared) {
      const limits: number[] = [LIMITS.SHARED_MIN_MAX, 1]; // 1 page to start
      uleb(SHARED_MAX_PAGES, limits);
      section(SECTION.IMPORT, vec([[...name('env'), ...name('memory'), EXTERN.MEMORY, ...limits]]), out);
    }
    section(SECTION.FUNCTION, vec([[0]]), out);
    if (!shared) section(SECTION.MEMORY, vec([[LIMITS.MIN, 1]]), out); // 1 page to start, grown by the caller
    section(SECTION.EXPORT, vec([name('memory').concat([EXTERN.MEMORY, 0]), name('kernel').concat([EXTERN.FUNC, 0])]), out);
    section(SECTION.CODE, vec([funcBody([[MR * 2 + 3, V128], [3, I32]], c)]), out);
  });
}

/** One wasm memory holding packed weights and activations, and the kernel over it. */
export class Gemm {
  readonly memory: WebAssembly.Memory;
  private readonly kernel: (a: number, bp: number, c: number, k: number, lda4: number, ldc4: number) => void;
  private top = 0;
  private view = new Float32Array(0);

  /** `shared`: a memory from `Gemm.sharedMemory()`, the same one in every thread. */
  constructor(relaxed: boolean, shared?: WebAssembly.Memory) {
    const module = new WebAssembly.Module(gemmKernelBytes(relaxed, Boolean(shared)) as BufferSource);
    const exports = new WebAssembly.Instance(module, shared ? { env: { memory: shared } } : {}).exports as unknown as {
      kernel: Gemm['kernel'];
      memory: WebAssembly.Memory;
    };
    this.memory = exports.memory;
    this.kernel = exports.kernel;
  }

  static sharedMemory(): WebAssembly.Memory {
    return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  }

  /** The memory as floats; a fresh view after the memory grew. */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Current allocation mark, to free everything allocated after it with `release`. */
  get mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** `floats` floats, 16-byte aligned; returns the float index (not the byte address). */
  alloc(floats: number): number {
    const start = Math.ceil(this.top / 4) * 4;
    this.top = start + floats;
    const needed = this.top * 4 - this.memory.buffer.byteLength;
    if (needed > 0) this.memory.grow(Math.ceil(needed / 65536));
    return start;
  }

  /** Packs a row-major K×N weight matrix (N a multiple of NR) into panels; returns its float index. */
  pack(w: Float32Array, K: number, N: number): number {
    if (N % NR || w.length !== K * N) throw new RangeError(`a ${K}×${N} weight needs N a multiple of ${NR} and ${K * N} values, got ${w.length}`);
    const at = this.alloc(K * N);
    const f = this.f32;
    for (let p = 0; p < N / NR; p++) {
      for (let k = 0; k < K; k++) {
        const src = k * N + p * NR;
        const dst = at + (p * K + k) * NR;
        for (let j = 0; j < NR; j++) f[dst + j] = w[src + j];
      }
    }
    return at;
  }

  /**
   * C[rows×N] = bias + A[rows×K] · W (float indices; W from `pack`). A and C must have room for `rows` rounded up to a
   * multiple of MR: the last block computes a few rows past the end, which nobody reads.
   */
  dense(a: number, rows: number, K: number, w: number, N: number, c: number, bias: Float32Array): void {
    this.fillBias(rows, N, c, bias);
    this.panels(a, rows, K, w, N, c, 0, N / NR);
  }

  fillBias(rows: number, N: number, c: number, bias: Float32Array): void {
    const f = this.f32;
    for (let r = 0; r < rows; r++) f.set(bias, c + r * N);
  }

  /** The columns of panels [p0, p1) of a dense product whose C already holds the bias (threads split a product so). */
  panels(a: number, rows: number, K: number, w: number, N: number, c: number, p0: number, p1: number): void {
    this.product(a, K, rows, K, w, c, N, p0, p1);
  }

  /**
   * C += A · B over panels [p0, p1) of B (packed as `pack` does, K rows per panel), with any row strides: `lda` floats
   * between rows of A, `ldc` of C. Rows are computed MR at a time, so up to MR − 1 rows past `rows` of C are written.
   */
  product(a: number, lda: number, rows: number, K: number, b: number, c: number, ldc: number, p0: number, p1: number): void {
    // Rows in blocks that stay in L2 while the weight panels stream past them.
    const block = 42 * MR;
    for (let m0 = 0; m0 < rows; m0 += block) {
      const m1 = Math.min(rows, m0 + block);
      for (let p = p0; p < p1; p++) {
        const panel = (b + p * K * NR) * 4;
        for (let i = m0; i < m1; i += MR) this.kernel((a + i * lda) * 4, panel, (c + i * ldc + p * NR) * 4, K, lda * 4, ldc * 4);
      }
    }
  }
}
