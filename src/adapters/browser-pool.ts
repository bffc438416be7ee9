// Wires the browser adapters into one pool: IndexedDB store + embedding worker + derived index.
import { DEFAULT_MODEL_ID, getModel, type ModelInfo } from '../core/models';
import { DEMO_POOL } from '../core/demo-pool';
import type { Embedder, EmbedProgress } from '../core/embedder';
import { InsightPool, type IndexKind } from './insight-pool';
import { createIndex } from './index/choose';
import { MemoryStore } from './store';
import { loadWorkerEmbedder } from './embedding/worker-embedder';
import { registerInstalledModels, specFor } from './model-library';
import { keepStorage, storageState } from './storage';

export interface BrowserPoolOptions {
  dbName?: string;
  model?: string;
  index?: IndexKind;
  /** Seed an empty, never-seeded pool with the demo memories. */
  demo?: boolean;
  onProgress?: (p: EmbedProgress) => void;
}

export async function openBrowserPool(options: BrowserPoolOptions = {}): Promise<InsightPool> {
  const store = await MemoryStore.open(options.dbName);
  const saved = await store.settings();
  registerInstalledModels();
  let model: ModelInfo;
  try {
    model = getModel(options.model ?? saved?.model ?? DEFAULT_MODEL_ID);
  } catch {
    // The pool's model is gone from this browser (site data cleared): the texts are all still here, so the pool
    // re-embeds with the default model on open instead of refusing to start.
    console.warn(`model "${saved?.model}" is not installed here; re-embedding the pool with ${DEFAULT_MODEL_ID}`);
    model = getModel(DEFAULT_MODEL_ID);
  }
  // The model loads in the worker while the pool reads the store and builds its index here: for a big pool the two
  // take about as long, so opening waits for the longer one, not for both. The registry knows the model's id and
  // dims before it loads; anything that needs vectors meanwhile (the demo seed, re-embedding) waits for the model.
  const loading = loadWorkerEmbedder(specFor(model), options.onProgress);
  let loaded: Embedder | undefined;
  void loading.then((e) => (loaded = e), () => undefined);
  const embedder: Embedder = {
    model: model.id,
    dims: model.dims,
    get runtime() {
      return loaded?.runtime;
    },
    get threads() {
      return loaded?.threads;
    },
    get simd() {
      return loaded?.simd;
    },
    get oneThread() {
      return loaded?.oneThread;
    },
    embed: async (...args) => (await loading).embed(...args),
  };
  const pool = new InsightPool({
    store,
    embedder,
    createIndex: (kind, dims, size) => createIndex(kind, dims, size),
    index: options.index ?? 'auto',
    seed: options.demo === false ? undefined : DEMO_POOL,
  });
  const [ready] = await Promise.all([loading, pool.ready()]);
  if (ready.dims !== model.dims) {
    throw new Error(`model "${model.id}" gives ${ready.dims}-d vectors, but this browser lists it as ${model.dims}-d: import or download it again`);
  }
  // The first change in this page means the pool now holds the user's own work: ask the browser then not to clear it
  // under disk pressure (Chrome answers silently; Firefox asks the user, who has just saved something).
  // A counted retrieval, or counts another tab changed, are not such a change.
  const stop = pool.subscribe((change) => {
    if (change === 'retrieved' || change === 'usage') return;
    stop();
    void storageState().then((s) => (s.persisted === false ? keepStorage() : undefined));
  });
  return pool;
}
