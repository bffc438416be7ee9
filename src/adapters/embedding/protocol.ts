// Messages between the app and the embedding worker. Plain data only: they cross postMessage.

export interface ModelSpec {
  id: string;
  pooling: 'mean' | 'cls' | 'none';
  normalize: boolean;
  /** See ModelInfo.sentenceOutput. */
  sentenceOutput?: string;
  quantized: boolean;
  /** See ModelInfo.engine. */
  engine?: 'use-lite';
  /** Off unless the user explicitly starts a download. */
  allowRemote?: boolean;
  /** Stand-in for the Hub (tests) or a mirror the user chose. */
  remoteHost?: string;
}

/** A transformers.js text-generation model (onnx/decoder_model_merged[_quantized].onnx). */
export interface GeneratorSpec {
  id: string;
  quantized: boolean;
  /** Off unless the user explicitly starts a download. */
  allowRemote?: boolean;
  /** Stand-in for the Hub (tests) or a mirror the user chose. */
  remoteHost?: string;
}

export type WorkerRequest =
  | { type: 'load'; requestId: number; model: ModelSpec }
  | { type: 'embed'; requestId: number; model: ModelSpec; texts: string[]; batchSize: number }
  | { type: 'load-generator'; requestId: number; model: GeneratorSpec }
  | { type: 'generate'; requestId: number; model: GeneratorSpec; prompt: string; maxNewTokens: number }
  | { type: 'cancel'; requestId: number }
  /** Bench only: one run of the loaded model's session on synthetic tokens (see rawSessionRun). */
  | { type: 'raw-run'; requestId: number; model: ModelSpec; batch: number; tokens: number };

export type WorkerResponse =
  | { type: 'progress'; requestId: number; phase: 'load' | 'embed'; done: number; total: number; file?: string }
  /** `runtime`: what computes the vectors (see SentenceRunner). */
  | { type: 'loaded'; requestId: number; dims: number; runtime: string; threads: number; simd?: string; oneThread?: string }
  | { type: 'result'; requestId: number; vectors: Float32Array[] }
  | { type: 'generator-loaded'; requestId: number; modelType: string; chat: boolean }
  /** Generation so far: `done` new tokens of at most `total`, and their text. */
  | { type: 'tokens'; requestId: number; done: number; total: number; text: string }
  | { type: 'generated'; requestId: number; text: string; tokens: number }
  /** `threads`: the threads the run had; `runtime`: what ran it. */
  | { type: 'raw-ran'; requestId: number; ms: number; threads: number; runtime: string }
  | { type: 'error'; requestId: number; message: string; cancelled?: boolean };
