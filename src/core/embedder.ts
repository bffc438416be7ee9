// One interface for every embedding engine: the browser worker, onnxruntime-node in the CLI, tests.

export interface EmbedProgress {
  /** `load`: model files downloading/initialising; `embed`: texts embedded so far. */
  phase: 'load' | 'embed';
  done: number;
  total: number;
  /** File being loaded, when phase is `load`. */
  file?: string;
}

export interface Embedder {
  /** Registry id of the model, e.g. `insight-pool/use-lite`. */
  readonly model: string;
  readonly dims: number;
  /** What computes the vectors (`USE-lite wasm engine`, `onnxruntime-web`, `onnxruntime-node`…), once known. */
  readonly runtime?: string;
  /** Threads it computes on (more than one only where the page is cross-origin isolated), once known. */
  readonly threads?: number;
  /** The wasm SIMD it uses (`relaxed SIMD`, `SIMD`), where the runtime says. */
  readonly simd?: string;
  /** Why it runs on one thread where more could be had (helper threads failed to start), if so. */
  readonly oneThread?: string;
  /** L2-normalized vectors, one per text, in order. */
  embed(texts: string[], onProgress?: (p: EmbedProgress) => void, signal?: AbortSignal): Promise<Float32Array[]>;
}
