// The embedding worker's way to run the embedded model with the USE-lite engine: texts → token ids (the model's own
// tokenizer, as the ORT path uses it) → engine → the same vectors, in calls of bounded size so the engine's wasm
// memory stays small whatever the batch.
import { l2normalize } from '../../../core/vectors';
import type { SentenceRunner } from '../sentence-vectors';
import { wasmRelaxedSimdSupported } from '../../index/wasm-kernels';
import { Gemm } from './gemm';
import { UseLiteEngine, type DenseOp } from './engine';
import { startThreads, threadsAvailable } from './threads';

/** Token rows per engine call: ~22 MB of activations. */
const MAX_ROWS = 1024;
const VOCAB = 8002;

/**
 * `threads`: how many to compute dense products on (this one plus helper workers), where the page is cross-origin
 * isolated; one elsewhere.
 */
export async function useLiteRunner(model: Uint8Array, tokenize: (text: string) => number[], normalize: boolean, threads = 1): Promise<SentenceRunner> {
  // Relaxed SIMD turns multiply + add into one FMA where the CPU has it; the plain kernel runs everywhere else.
  const relaxed = wasmRelaxedSimdSupported();
  const shared = threads > 1 && threadsAvailable() ? Gemm.sharedMemory() : undefined;
  const gemm = new Gemm(relaxed, shared);
  let parallel: DenseOp | undefined;
  let oneThread: string | undefined;
  if (shared) {
    try {
      parallel = (await startThreads(gemm, shared, relaxed, threads)).dense;
    } catch (error) {
      oneThread = (error as Error).message;
      console.warn(`USE-lite engine: one thread (${oneThread})`);
    }
  }
  const engine = new UseLiteEngine(model, gemm, parallel);
  const run = async (ids: number[][]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let start = 0; start < ids.length; ) {
      let rows = 0;
      let end = start;
      while (end < ids.length && (end === start || rows + Math.min(ids[end].length, 128) <= MAX_ROWS)) rows += Math.min(ids[end++].length, 128);
      out.push(...(await engine.embed(ids.slice(start, end))));
      start = end;
    }
    return normalize ? out.map(l2normalize) : out;
  };
  return {
    runtime: 'USE-lite wasm engine',
    threads: parallel ? threads : 1,
    oneThread,
    simd: relaxed ? 'relaxed SIMD' : 'SIMD',
    vectors: (texts) => run(texts.map(tokenize)),
    async raw(batch, tokens) {
      const ids = Array.from({ length: batch }, (_, s) => Array.from({ length: tokens }, (_, t) => 4 + (((s * tokens + t) * 7919) % (VOCAB - 4))));
      const t = performance.now();
      await engine.embed(ids);
      return performance.now() - t;
    },
  };
}
