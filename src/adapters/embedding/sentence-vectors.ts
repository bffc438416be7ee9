// One batch of texts → one vector per text, the same way in the browser worker and in Node (both hand in their
// transformers.js pipeline; this file never loads transformers.js itself).
//
// A model whose graph already ends in the pooled, normalized sentence vector (the embedded USE-lite port) is read
// from that output directly. Going through the pipeline's pooling instead means copying batch × tokens × dims floats
// out of ONNX Runtime and mean-pooling them in JS, which measured as slow as running the model itself.
import type { FeatureExtractionPipeline } from '@xenova/transformers';
import { l2normalize } from '../../core/vectors';

export interface PoolingSpec {
  pooling: 'mean' | 'cls' | 'none';
  normalize: boolean;
  /** Graph output holding the finished sentence vector; when set, `pooling` is not applied. */
  sentenceOutput?: string;
}

interface Tensor {
  dims: number[];
  data: Float32Array;
}

export async function sentenceVectors(extractor: FeatureExtractionPipeline, texts: string[], spec: PoolingSpec): Promise<Float32Array[]> {
  let output: Tensor;
  if (spec.sentenceOutput) {
    // What the pipeline itself does before pooling: pad to the longest text, truncate at the model's limit.
    const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
    const outputs = (await extractor.model(inputs)) as Record<string, Tensor | undefined>;
    const found = outputs[spec.sentenceOutput];
    if (!found) throw new Error(`the model has no output "${spec.sentenceOutput}" (it has ${Object.keys(outputs).join(', ')})`);
    output = found;
  } else {
    output = (await extractor(texts, { pooling: spec.pooling, normalize: spec.normalize } as never)) as unknown as Tensor;
  }
  const [rows, dims] = output.dims.length === 3 ? [output.dims[0], output.dims[2]] : output.dims;
  const vectors: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const row = output.data.subarray(r * dims, (r + 1) * dims);
    // Both give a copy of the row, independent of the output buffer.
    vectors.push(spec.sentenceOutput && spec.normalize ? l2normalize(row) : row.slice());
  }
  return vectors;
}

/** How the embedding worker runs one model: texts → vectors, and the bench's timing of the bare runtime. */
export interface SentenceRunner {
  /** What computes the vectors, for the bench (`onnxruntime-web`, `USE-lite wasm engine`…). */
  readonly runtime: string;
  readonly threads: number;
  /** Why the runner runs on one thread though more were asked for and could be had (helper threads failed). */
  readonly oneThread?: string;
  /** The wasm SIMD the runner's own kernels use, where it has its own (`relaxed SIMD`, `SIMD`). */
  readonly simd?: string;
  vectors(texts: string[]): Promise<Float32Array[]>;
  /** ms of one run on `batch` × `tokens` synthetic token ids, nothing around it. */
  raw(batch: number, tokens: number): Promise<number>;
}

/** The transformers.js pipeline (ONNX Runtime) as a runner. */
export function pipelineRunner(extractor: FeatureExtractionPipeline, Tensor: TensorClass, spec: PoolingSpec, runtime: string, threads: number): SentenceRunner {
  return {
    runtime,
    threads,
    vectors: (texts) => sentenceVectors(extractor, texts, spec),
    raw: (batch, tokens) => rawSessionRun(extractor, Tensor, batch, tokens),
  };
}

/** The tensor class of the caller's transformers.js (ONNX Runtime only accepts its own tensors). */
export type TensorClass = new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;

/**
 * One run of the pipeline's own ONNX session on `batch` × `tokens` synthetic token ids, all attended: the runtime's
 * speed with nothing around it (no tokenizer, no pooling, no messages). The bench compares the browser's and Node's
 * runtimes this way, on the very sessions the app and the CLI use. Returns ms.
 */
export async function rawSessionRun(extractor: FeatureExtractionPipeline, Tensor: TensorClass, batch: number, tokens: number): Promise<number> {
  const model = extractor.model as unknown as { session: { inputNames: string[]; run(feeds: Record<string, unknown>): Promise<unknown> }; config?: { vocab_size?: number } };
  const n = batch * tokens;
  const vocab = Math.max(8, model.config?.vocab_size ?? 1000);
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(4 + ((i * 7919) % (vocab - 4)));
  const feeds: Record<string, unknown> = {};
  for (const name of model.session.inputNames) {
    const data = name.includes('mask') ? new BigInt64Array(n).fill(1n) : name.includes('type') ? new BigInt64Array(n) : ids;
    feeds[name] = new Tensor('int64', data, [batch, tokens]);
  }
  const t = performance.now();
  await model.session.run(feeds);
  return performance.now() - t;
}
