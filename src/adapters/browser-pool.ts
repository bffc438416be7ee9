// Wires the browser adapters into one pool: IndexedDB store + embedding worker + derived index.
import { DEFAULT_MODEL_ID, getModel, type ModelInfo } from '../core/models';
import { DEMO_POOL } from '../core/demo-pool';
import type { EmbedProgress } from '../core/embedder';
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
  const embedder = await loadWorkerEmbedder(specFor(model), options.onProgress);
  const pool = new InsightPool({
    store,
    embedder,
    createIndex: (kind, dims, size) => createIndex(kind, dims, size),
    index: options.index ?? 'auto',
    seed: options.demo === false ? undefined : DEMO_POOL,
  });
  await pool.ready();
  // The first change in this page means the pool now holds the user's own work: ask the browser then not to clear it
  // under disk pressure (Chrome answers silently; Firefox asks the user, who has just saved something).
  const stop = pool.subscribe(() => {
    stop();
    void storageState().then((s) => (s.persisted === false ? keepStorage() : undefined));
  });
  return pool;
}
