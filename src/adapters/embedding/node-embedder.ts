// The Embedder for Node (CLI, tests, benchmarks): the same transformers.js pipeline as the browser worker, with the
// same pooling/normalize from the registry, so the CLI and the app give the same numbers. In Node transformers.js runs
// on onnxruntime-node. Offline only: models come from a local folder (public/models by default), never a hub.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline, Tensor, type FeatureExtractionPipeline } from '@xenova/transformers';
import type { EmbedProgress, Embedder } from '../../core/embedder';
import { rawSessionRun, sentenceVectors, type TensorClass } from './sentence-vectors';
import { DEFAULT_MODEL_ID, FINGERPRINT_FILE, getModel, type ModelInfo } from '../../core/models';

/** public/models of this checkout: src/adapters/embedding → project root. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../../public/models/', import.meta.url));

export interface NodeEmbedderOptions {
  /** Registry id (see src/core/models.ts); default: the embedded USE-lite port. */
  model?: string;
  /** Folder holding `<model id>/config.json` etc.; default: the project's public/models. */
  modelsDir?: string;
  /** Load onnx/model_quantized.onnx (true) or onnx/model.onnx (false) instead of the registry's choice. The two
   *  give different vectors, so the fingerprint follows the file. */
  quantized?: boolean;
  /** Texts per ONNX run; default 32 (as the browser worker). */
  batchSize?: number;
  onProgress?: (p: EmbedProgress) => void;
}

export interface NodeEmbedder extends Embedder {
  /** sha256 over the model files (fingerprint.json's value when the folder has one): which model made a vector. */
  readonly fingerprint: string;
  readonly modelDir: string;
  /** Bench only: ms of one run of this embedder's ONNX session on `batch` × `tokens` synthetic tokens. */
  rawRun(batch: number, tokens: number): Promise<number>;
}

export class EmbedCancelledError extends Error {
  constructor() {
    super('embedding was cancelled');
    this.name = 'EmbedCancelledError';
  }
}

/** transformers.js reads its paths from a global `env`; loads are serialized so two folders never mix. */
let loading: Promise<unknown> = Promise.resolve();

function withEnv<T>(modelsDir: string, load: () => Promise<T>): Promise<T> {
  const run = loading.then(() => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
    return load();
  });
  loading = run.catch(() => undefined);
  return run;
}

function weightsFile(info: ModelInfo): string {
  return `onnx/${info.quantized ? 'model_quantized' : 'model'}.onnx`;
}

function checkFolder(info: ModelInfo, modelDir: string): void {
  const missing = ['config.json', 'tokenizer.json', weightsFile(info)].filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length === 0) return;
  const hint = info.id === DEFAULT_MODEL_ID ? ' — build it with `node scripts/build-model.mjs`' : '';
  throw new Error(`model "${info.id}" is not available offline: ${modelDir} lacks ${missing.join(', ')}${hint}`);
}

/** The fingerprint scheme of scripts/build-model.mjs: sha256 of "<sha256>  <file>\n" lines over the config, the
 *  tokenizer files and the weights file in use. A built folder records it; other folders are hashed here. */
function fingerprintOf(info: ModelInfo, modelDir: string): string {
  const recorded = join(modelDir, FINGERPRINT_FILE);
  if (existsSync(recorded)) {
    const value = (JSON.parse(readFileSync(recorded, 'utf8')) as { fingerprints?: Record<string, unknown> }).fingerprints?.[weightsFile(info)];
    if (typeof value === 'string' && value) return value;
  }
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', weightsFile(info)].filter((f) => existsSync(join(modelDir, f)));
  const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
  return sha(files.map((f) => `${sha(readFileSync(join(modelDir, f)))}  ${f}\n`).join(''));
}

export async function createNodeEmbedder(options: NodeEmbedderOptions = {}): Promise<NodeEmbedder> {
  const registered = getModel(options.model ?? DEFAULT_MODEL_ID);
  const info = options.quantized === undefined ? registered : { ...registered, quantized: options.quantized };
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const modelDir = join(modelsDir, ...info.id.split('/'));
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  checkFolder(info, modelDir);

  const extractor = await withEnv(modelsDir, () => pipeline('feature-extraction', info.id, {
    quantized: info.quantized,
    local_files_only: true,
    progress_callback: (p: { status: string; file?: string; loaded?: number; total?: number }) => {
      if (p.status === 'progress') options.onProgress?.({ phase: 'load', done: p.loaded ?? 0, total: p.total ?? 0, file: p.file });
    },
  }) as Promise<FeatureExtractionPipeline>);

  const run = (texts: string[]) => sentenceVectors(extractor, texts, info);

  const [probe] = await run(['dimension probe']);
  if (probe.length !== info.dims) {
    throw new Error(`model "${info.id}" in ${modelDir} gives ${probe.length}-d vectors but the registry says ${info.dims}`);
  }

  return {
    model: info.id,
    dims: info.dims,
    runtime: 'onnxruntime-node',
    fingerprint: fingerprintOf(info, modelDir),
    modelDir,
    rawRun: (batch, tokens) => rawSessionRun(extractor, Tensor as unknown as TensorClass, batch, tokens),
    async embed(texts, onProgress, signal) {
      if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('embed(texts): texts must be an array of strings');
      // Batches of similar length: a batch is padded to its longest text and attention cost grows with its square,
      // so one long text must not make 31 short ones pay for 128 tokens. Results go back in input order.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
      const vectors: Float32Array[] = new Array(texts.length);
      let done = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        if (signal?.aborted) throw new EmbedCancelledError();
        const ids = order.slice(start, start + batchSize);
        const batch = await run(ids.map((i) => texts[i]));
        ids.forEach((i, k) => (vectors[i] = batch[k]));
        done += ids.length;
        onProgress?.({ phase: 'embed', done, total: texts.length });
      }
      return vectors;
    },
  };
}
