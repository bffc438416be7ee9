// The app's Embedder: a thin promise API over the embedding worker.
import type { Embedder, EmbedProgress } from '../../core/embedder';
import type { ModelSpec, WorkerRequest, WorkerResponse } from './protocol';

export class EmbedCancelledError extends Error {
  constructor() {
    super('embedding was cancelled');
    this.name = 'EmbedCancelledError';
  }
}

interface Pending {
  resolve: (value: WorkerResponse) => void;
  reject: (error: Error) => void;
  onProgress?: (p: EmbedProgress) => void;
}

/** One worker shared by every model the app uses: transformers.js and ORT are loaded once. */
let sharedWorker: Worker | undefined;
let nextRequestId = 1;
const pending = new Map<number, Pending>();

function worker(): Worker {
  if (!sharedWorker) {
    sharedWorker = new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module', name: 'embedder' });
    sharedWorker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      const entry = pending.get(message.requestId);
      if (!entry) return;
      if (message.type === 'progress') {
        entry.onProgress?.({ phase: message.phase, done: message.done, total: message.total, file: message.file });
        return;
      }
      pending.delete(message.requestId);
      if (message.type === 'error') entry.reject(message.cancelled ? new EmbedCancelledError() : new Error(message.message));
      else entry.resolve(message);
    };
    sharedWorker.onerror = (event) => {
      const error = new Error(`embedding worker failed: ${event.message || 'could not start'}`);
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    };
  }
  return sharedWorker;
}

type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;

function request(
  message: Unsent<Extract<WorkerRequest, { type: 'load' | 'embed' }>>,
  onProgress?: (p: EmbedProgress) => void,
  signal?: AbortSignal,
): Promise<WorkerResponse> {
  if (signal?.aborted) return Promise.reject(new EmbedCancelledError());
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve, reject, onProgress });
    signal?.addEventListener('abort', () => worker().postMessage({ type: 'cancel', requestId } satisfies WorkerRequest), { once: true });
    worker().postMessage({ ...message, requestId } as WorkerRequest);
  });
}

/**
 * Loads a model in the worker and resolves with an Embedder for it, once it is ready.
 * `onProgress` reports model files loading.
 */
export async function loadWorkerEmbedder(spec: ModelSpec, onProgress?: (p: EmbedProgress) => void): Promise<Embedder> {
  const loaded = await request({ type: 'load', model: spec }, onProgress);
  if (loaded.type !== 'loaded') throw new Error('embedding worker answered out of order');
  const dims = loaded.dims;
  const offlineSpec = { ...spec, allowRemote: false };
  return {
    model: spec.id,
    dims,
    async embed(texts, progress, signal) {
      if (texts.length === 0) return [];
      const answer = await request({ type: 'embed', model: offlineSpec, texts, batchSize: 32 }, progress, signal);
      if (answer.type !== 'result') throw new Error('embedding worker answered out of order');
      return answer.vectors;
    },
  };
}
