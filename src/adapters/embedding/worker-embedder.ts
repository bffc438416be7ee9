// The app's Embedder: a thin promise API over the embedding worker.
import type { Embedder, EmbedProgress } from '../../core/embedder';
import type { ModelSpec } from './protocol';
import { workerClient, type ProgressMessage } from './worker-client';

export class EmbedCancelledError extends Error {
  constructor() {
    super('embedding was cancelled');
    this.name = 'EmbedCancelledError';
  }
}

/** One worker shared by every model the app uses: transformers.js and ORT are loaded once. */
const request = workerClient({
  name: 'embedder',
  cancelled: () => new EmbedCancelledError(),
  failed: (message) => new Error(message),
  crashed: (detail) => new Error(`embedding worker failed: ${detail}`),
});

/** The worker's progress messages as EmbedProgress (model files loading, then texts embedded). */
function asEmbedProgress(onProgress?: (p: EmbedProgress) => void) {
  return onProgress && ((m: ProgressMessage) => m.type === 'progress' && onProgress({ phase: m.phase, done: m.done, total: m.total, file: m.file }));
}

/**
 * Loads a model in the worker and resolves with an Embedder for it, once it is ready.
 * `onProgress` reports model files loading.
 */
export async function loadWorkerEmbedder(spec: ModelSpec, onProgress?: (p: EmbedProgress) => void): Promise<Embedder> {
  const loaded = await request({ type: 'load', model: spec }, asEmbedProgress(onProgress));
  if (loaded.type !== 'loaded') throw new Error('embedding worker answered out of order');
  const dims = loaded.dims;
  const offlineSpec = { ...spec, allowRemote: false };
  return {
    model: spec.id,
    dims,
    runtime: loaded.runtime,
    threads: loaded.threads,
    simd: loaded.simd,
    oneThread: loaded.oneThread,
    async embed(texts, progress, signal) {
      if (texts.length === 0) return [];
      const answer = await request({ type: 'embed', model: offlineSpec, texts, batchSize: 32 }, asEmbedProgress(progress), signal);
      if (answer.type !== 'result') throw new Error('embedding worker answered out of order');
      return answer.vectors;
    },
  };
}
