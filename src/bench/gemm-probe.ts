// How much of the wasm SIMD peak real matrix arithmetic reaches here: a register-blocked f32 GEMM micro-kernel
// (6 rows × 8 columns of C held in 12 f32x4 accumulators; B packed once into 8-column panels, as weights would be at
// load), timed on the embedded model's largest product (1024 token rows × 512 → 1536, the FFN's first layer).
// The bench sets it beside the simd.peak rows and the GFLOP/s ONNX Runtime's wasm build reaches on the whole model.
import { Code, funcBody, I32, name, section, V128, vec } from '../adapters/index/wasm-emit';

export const MR = 6;
export const NR = 8;

const V128_LOAD = 0x00;
const V128_LOAD32_SPLAT = 0x09;
const V128_STORE = 0x0b;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;
const F32X4_RELAXED_MADD = 0x105;

/**
 * `kernel(a, bp, c, K, lda4, ldc4)`: C[0..6)[0..8) += A[0..6)[0..K) · Bpanel[0..K)[0..8), byte addresses, row strides in
 * bytes. `relaxed`: f32x4.relaxed_madd (an FMA where the CPU has one) instead of mul + add.
 */
export function gemmKernelBytes(relaxed: boolean): Uint8Array {
  const [A, BP, C, K, LDA, LDC] = [0, 1, 2, 3, 4, 5];
  const acc = (i: number, j: number) => 6 + i * 2 + j;
  const B0 = 6 + MR * 2;
  const AV = B0 + 2;
  const [KI, AP, BPP] = [AV + 1, AV + 2, AV + 3];
  const c = new Code();
  c.get(A).set(AP).get(BP).set(BPP).get(K).set(KI);
  c.op(0x02, 0x40, 0x03, 0x40); // block, loop
  c.get(KI).op(0x45, 0x0d, 0x01); // br_if out when k == 0
  for (let j = 0; j < 2; j++) c.get(BPP).simd(V128_LOAD, 0x04, j * 16).set(B0 + j);
  for (let i = 0; i < MR; i++) {
    c.get(AP);
    if (i > 0) c.get(LDA).i32(i).op(0x6c, 0x6a); // ap + i * lda4
    c.simd(V128_LOAD32_SPLAT, 0x02, 0).set(AV);
    for (let j = 0; j < 2; j++) {
      if (relaxed) c.get(AV).get(B0 + j).get(acc(i, j)).simd(F32X4_RELAXED_MADD);
      else c.get(acc(i, j)).get(AV).get(B0 + j).simd(F32X4_MUL).simd(F32X4_ADD);
      c.set(acc(i, j));
    }
  }
  c.get(AP).i32(4).op(0x6a).set(AP);
  c.get(BPP).i32(NR * 4).op(0x6a).set(BPP);
  c.get(KI).i32(1).op(0x6b).set(KI);
  c.op(0x0c, 0x00, 0x0b, 0x0b); // br loop; end loop; end block
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < 2; j++) {
      // c + i * ldc4 + j * 16: load, add the accumulator, store back.
      c.get(C);
      if (i > 0) c.get(LDC).i32(i).op(0x6c, 0x6a);
      c.get(C);
      if (i > 0) c.get(LDC).i32(i).op(0x6c, 0x6a);
      c.simd(V128_LOAD, 0x04, j * 16).get(acc(i, j)).simd(F32X4_ADD).simd(V128_STORE, 0x04, j * 16);
    }
  }
  c.op(0x0b);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, vec([[0x60, 6, I32, I32, I32, I32, I32, I32, 0]]), out);
  section(3, vec([[0]]), out);
  section(5, vec([[0x00, 0x01]]), out); // memory: 1 page to start, grown by the caller
  section(7, vec([name('memory').concat([0x02, 0]), name('kernel').concat([0x00, 0])]), out);
  section(10, vec([funcBody([[MR * 2 + 3, V128], [3, I32]], c)]), out);
  return new Uint8Array(out);
}

export interface GemmResult {
  gflops: number;
  ms: number;
  /** Largest |C − reference| over sampled entries (the kernel must compute the product, not just run fast). */
  maxError: number;
}

/**
 * Times C = A·B for an M×K by K×N product (M a multiple of MR, N of NR) with seeded data: best of `reps`, rows
 * blocked so a block of A stays in L2 while the B panels stream past it.
 */
export function gemmProbe(M: number, K: number, N: number, relaxed: boolean, reps = 5): GemmResult {
  if (M % MR || N % NR) throw new RangeError(`M must be a multiple of ${MR} and N of ${NR}`);
  const { kernel, memory } = new WebAssembly.Instance(new WebAssembly.Module(gemmKernelBytes(relaxed) as BufferSource)).exports as unknown as {
    kernel: (a: number, bp: number, c: number, k: number, lda4: number, ldc4: number) => void;
    memory: WebAssembly.Memory;
  };
  const [A, BP, C] = [0, M * K * 4, M * K * 4 + K * N * 4];
  const bytes = C + M * N * 4;
  memory.grow(Math.ceil(bytes / 65536));
  const f32 = new Float32Array(memory.buffer);
  const b = new Float32Array(K * N);
  for (let i = 0; i < M * K; i++) f32[i] = Math.sin(i) * 0.1;
  for (let i = 0; i < K * N; i++) b[i] = Math.cos(i) * 0.1;
  // Panel p holds columns [p·NR, p·NR + NR) of every row of B, row after row.
  for (let p = 0; p < N / NR; p++) for (let k = 0; k < K; k++) for (let j = 0; j < NR; j++) f32[BP / 4 + (p * K + k) * NR + j] = b[k * N + p * NR + j];
  const block = Math.max(MR, Math.floor(256 / MR) * MR);
  const run = () => {
    f32.fill(0, C / 4, C / 4 + M * N);
    for (let m0 = 0; m0 < M; m0 += block) {
      const m1 = Math.min(M, m0 + block);
      for (let p = 0; p < N / NR; p++) {
        for (let i = m0; i < m1; i += MR) kernel(A + i * K * 4, BP + p * K * NR * 4, C + (i * N + p * NR) * 4, K, K * 4, N * 4);
      }
    }
  };
  run();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  let maxError = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 37) % M;
    const j = (s * 101) % N;
    let ref = 0;
    for (let k = 0; k < K; k++) ref += f32[A / 4 + i * K + k] * b[k * N + j];
    maxError = Math.max(maxError, Math.abs(ref - f32[C / 4 + i * N + j]));
  }
  return { gflops: (2 * M * K * N) / best / 1e6, ms: best, maxError };
}
