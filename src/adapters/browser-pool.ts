// Wires the browser adapters into one pool: IndexedDB store + embedding worker + derived index.
import { DEFAULT_MODEL_ID, getModel } from '../core/models';
import { DEMO_POOL } from '../core/demo-pool';
import type { EmbedProgress } from '../core/embedder';
import { InsightPool, type IndexKind } from './insight-pool';
import { createIndex } from './index/choose';
import { MemoryStore } from './store';
import { loadWorkerEmbedder } from './embedding/worker-embedder';

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
  const model = getModel(options.model ?? saved?.model ?? DEFAULT_MODEL_ID);
  const embedder = await loadWorkerEmbedder(
    { id: model.id, pooling: model.pooling, normalize: model.normalize, quantized: model.quantized },
    options.onProgress,
  );
  const pool = new InsightPool({
    store,
    embedder,
    createIndex: (kind, dims, size) => createIndex(kind, dims, size),
    index: options.index ?? 'auto',
    seed: options.demo === false ? undefined : DEMO_POOL,
  });
  await pool.ready();
  return pool;
}
