// How much of the wasm SIMD peak real matrix arithmetic reaches here: the embedding engine's GEMM kernel, timed on
// the embedded model's largest product (1020 token rows × 512 → 1536, the FFN's first layer). The bench sets it beside
// the simd.peak rows and the GFLOP/s ONNX Runtime's wasm build reaches on the whole model.
import { Gemm, MR, NR } from '../adapters/embedding/use-lite/gemm';

export interface GemmResult {
  gflops: number;
  ms: number;
  /** Largest |C − reference| over sampled entries (the kernel must compute the product, not just run fast). */
  maxError: number;
}

/** Times C = A·B (+ a zero bias) for an M×K by K×N product through Gemm.dense, with seeded data: best of `reps`. */
export function gemmProbe(M: number, K: number, N: number, relaxed: boolean, reps = 5): GemmResult {
  if (M % MR || N % NR) throw new RangeError(`M must be a multiple of ${MR} and N of ${NR}`);
  const gemm = new Gemm(relaxed);
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i) * 0.1);
  const W = gemm.pack(b, K, N);
  const A = gemm.alloc(M * K);
  const C = gemm.alloc(M * N);
  const f32 = gemm.f32;
  for (let i = 0; i < M * K; i++) f32[A + i] = Math.sin(i) * 0.1;
  const bias = new Float32Array(N);
  gemm.dense(A, M, K, W, N, C, bias);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    gemm.dense(A, M, K, W, N, C, bias);
    best = Math.min(best, performance.now() - t);
  }
  let maxError = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 37) % M;
    const j = (s * 101) % N;
    let ref = 0;
    for (let k = 0; k < K; k++) ref += f32[A + i * K + k] * b[k * N + j];
    maxError = Math.max(maxError, Math.abs(ref - f32[C + i * N + j]));
  }
  return { gflops: (2 * M * K * N) / best / 1e6, ms: best, maxError };
}
