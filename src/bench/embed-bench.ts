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

function call(message: Unsent<Extract<WorkerRequest, { type: 'load' | 'embed' }>>): Promise<WorkerResponse> {
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

let loadedSpec: ModelSpec | undefined;

/**
 * Loads a model in a fresh copy of the app's embedding worker and warms it up (ORT's first runs
 * allocate and pick kernels). Rejects with the worker's message when the model cannot load.
 */
export async function embedLoad(modelId = DEFAULT_MODEL_ID): Promise<{ model: string; dims: number; loadMs: number }> {
  const info = getModel(modelId);
  // The spec the app itself sends (sentence output, quantized, …).
  const spec = specFor(info);
  const t0 = performance.now();
  const loaded = await call({ type: 'load', model: spec });
  const loadMs = performance.now() - t0;
  if (loaded.type !== 'loaded') throw new Error('embedding worker answered out of order');
  loadedSpec = spec;
  await call({ type: 'embed', model: spec, texts: benchSentences(64), batchSize: 64 });
  return { model: info.id, dims: loaded.dims, loadMs };
}

/** Embeds `texts` in requests of `batch` (what the app pays: postMessage both ways included); returns ms. */
export async function embedRun(texts: string[], batch: number): Promise<number> {
  if (!loadedSpec) throw new Error('embedLoad() first');
  const t = performance.now();
  const res = await call({ type: 'embed', model: loadedSpec, texts, batchSize: batch });
  const ms = performance.now() - t;
  if (res.type !== 'result' || res.vectors.length !== texts.length) throw new Error('embed worker returned the wrong number of vectors');
  return ms;
}
