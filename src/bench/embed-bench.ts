// The browser engine of the embedding bench: a model in the app's own embedding worker (the built
// one), driven straight through the worker protocol so the batch size is ours to choose.
// scripts/bench/embed.mjs interleaves it with the Node engines, batch by batch.
import type { ModelSpec, WorkerRequest, WorkerResponse } from '../adapters/embedding/protocol';
import { DEFAULT_MODEL_ID, getModel } from '../core/models';
import { specFor } from '../adapters/model-library';
import { benchSentences } from './sentences';

let worker: Worker | undefined;
let nextId = 1;

type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;

function call(message: Unsent<Extract<WorkerRequest, { type: 'load' | 'embed' | 'raw-run' }>>): Promise<WorkerResponse> {
  worker ??= new Worker(new URL('../adapters/embedding/embed.worker.ts', import.meta.url), { type: 'module', name: 'bench-embedder' });
  const w = worker;
  const requestId = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<WorkerResponse>) => {
      const m = event.data;
      if (m.requestId !== requestId || m.type === 'progress') return;
      w.removeEventListener('message', onMessage);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', (e) => reject(new Error(`embedding worker failed: ${e.message || 'could not start'}`)), { once: true });
    w.postMessage({ ...message, requestId });
  });
}

/** Specs of the models this worker has loaded, by `id|quantized` (the worker keeps each pipeline too). */
const loaded = new Map<string, ModelSpec>();
const keyOf = (id: string, quantized: boolean) => `${id}|${quantized}`;

function loadedSpec(modelId: string, quantized: boolean): ModelSpec {
  const spec = loaded.get(keyOf(modelId, quantized));
  if (!spec) throw new Error(`embedLoad(${JSON.stringify(modelId)}, ${quantized}) first`);
  return spec;
}

/**
 * Loads a model in the app's embedding worker and warms it up (ORT's first runs allocate and pick kernels).
 * `quantized` picks onnx/model_quantized.onnx or onnx/model.onnx; default: what the app loads.
 * Rejects with the worker's message when the model cannot load.
 */
export async function embedLoad(modelId = DEFAULT_MODEL_ID, quantized?: boolean): Promise<{ model: string; quantized: boolean; dims: number; loadMs: number; runtime: string }> {
  const info = getModel(modelId);
  // The spec the app itself sends (sentence output, pooling, …).
  const spec = { ...specFor(info), quantized: quantized ?? info.quantized };
  const t0 = performance.now();
  const answer = await call({ type: 'load', model: spec });
  const loadMs = performance.now() - t0;
  if (answer.type !== 'loaded') throw new Error('embedding worker answered out of order');
  if (answer.dims !== info.dims) throw new Error(`${info.id} gives ${answer.dims}-d vectors but the registry says ${info.dims}`);
  loaded.set(keyOf(info.id, spec.quantized), spec);
  await call({ type: 'embed', model: spec, texts: benchSentences(64), batchSize: 64 });
  return { model: info.id, quantized: spec.quantized, dims: answer.dims, loadMs, runtime: answer.runtime };
}

/** Embeds `texts` in requests of `batch` (what the app pays: postMessage both ways included); returns ms. */
export async function embedRun(texts: string[], batch: number, modelId = DEFAULT_MODEL_ID, quantized = getModel(modelId).quantized): Promise<number> {
  const spec = loadedSpec(modelId, quantized);
  const t = performance.now();
  const res = await call({ type: 'embed', model: spec, texts, batchSize: batch });
  const ms = performance.now() - t;
  if (res.type !== 'result' || res.vectors.length !== texts.length) throw new Error('embed worker returned the wrong number of vectors');
  return ms;
}

/** ms of one run of the worker's session for this model on `batch` × `tokens` synthetic tokens (rawSessionRun), and
 *  the ORT threads it ran on. */
export async function embedRaw(batch: number, tokens: number, modelId = DEFAULT_MODEL_ID, quantized = getModel(modelId).quantized): Promise<{ ms: number; threads: number; runtime: string }> {
  const res = await call({ type: 'raw-run', model: loadedSpec(modelId, quantized), batch, tokens });
  if (res.type !== 'raw-ran') throw new Error('embed worker answered out of order');
  return { ms: res.ms, threads: res.threads, runtime: res.runtime };
}
