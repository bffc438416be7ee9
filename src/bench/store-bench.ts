// IndexedDB side of the bench, in the browser: "index ready after reload" of an n-memory pool,
// import of memories with vectors, and export of them back out.
import { createMemory, contentHash, type Memory } from '../core/memory';
import type { Embedder } from '../core/embedder';
import { InsightPool } from '../adapters/insight-pool';
import { createIndex } from '../adapters/index/choose';
import { MemoryStore, type StoredMemory } from '../adapters/store';
import { syntheticSet } from '../../scripts/bench/synthetic';
import { benchSentences } from './sentences';
import { round, summarize, type BenchRow } from './stats';

export const BENCH_MODEL = 'bench/synthetic';
const FILL_BATCH = 10_000;

/** Memories with realistic text and synthetic unit vectors, valid per the app's schema. */
export function syntheticMemories(n: number, dims: number, seed = 11): Memory[] {
  const { vectors } = syntheticSet({ n, dims, queries: 0, seed });
  const text = benchSentences(97);
  const created = new Date('2026-01-01T00:00:00Z').toISOString();
  return vectors.map((vector, i) => {
    const title = `${text[i % 97]} (#${i})`;
    return {
      id: `bench-${i}`,
      level: 'insight',
      title,
      description: text[(i + 1) % 97],
      content: `${text[(i + 2) % 97]} ${text[(i + 3) % 97]}`,
      domain: ['swe', 'terminal', 'ml-research', 'competitive-programming'][i % 4],
      sourceModel: 'bench',
      outcome: 'success',
      scope: 'task-agnostic',
      tags: ['bench'],
      createdAt: created,
      provenance: { distiller: 'manual' },
      embedding: { model: BENCH_MODEL, dims, key: title, vector },
    };
  });
}

async function deleteDb(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}

/** Fills a fresh database with n memories (done before a page reload; not the measured part). */
export async function fillStore(dbName: string, n: number, dims: number): Promise<{ ms: number }> {
  await deleteDb(dbName);
  const t = performance.now();
  const store = await MemoryStore.open(dbName);
  await store.saveSettings({ model: BENCH_MODEL, keyMode: 'title' });
  for (let start = 0; start < n; start += FILL_BATCH) {
    const part = syntheticMemories(Math.min(FILL_BATCH, n - start), dims, 11 + start).map((m, i) => ({
      ...m,
      id: `bench-${start + i}`,
      hash: `h${start + i}`,
    }));
    await store.insert(part);
  }
  store.close();
  return { ms: performance.now() - t };
}

/** An embedder the load path must never need: every stored vector already matches the pool's model. */
function refusingEmbedder(dims: number): Embedder {
  return {
    model: BENCH_MODEL,
    dims,
    embed: () => Promise.reject(new Error('bench: the pool tried to re-embed stored memories')),
  };
}

/**
 * The app's own load path after a reload: open the store, read every memory, build the index the
 * app would choose (InsightPool.ready()), then answer one query.
 */
export async function timeLoad(dbName: string, n: number, dims: number): Promise<BenchRow> {
  const t0 = performance.now();
  const store = await MemoryStore.open(dbName);
  const tOpen = performance.now();
  const pool = new InsightPool({ store, embedder: refusingEmbedder(dims), createIndex: (k, d, s) => createIndex(k, d, s), index: 'auto' });
  await pool.ready();
  const tReady = performance.now();
  const status = pool.indexStatus();
  store.close();
  const row: BenchRow = {
    name: 'index.load',
    runtime: 'chromium',
    n,
    dims,
    index: status.kind,
    via: 'indexeddb',
    p50_ms: round(tReady - t0, 1),
    open_ms: round(tOpen - t0, 1),
  };
  if (status.size !== n) row.error = `index holds ${status.size} of ${n}`;
  return row;
}

export { deleteDb };

/**
 * The pool-file importer/exporter, when src/core/pool-file/ exists (another change is adding it);
 * a glob import, so the bench still builds without it.
 */
const poolFileModules = import.meta.glob('../core/pool-file/index.ts');

/**
 * Import proxy: validating, hashing and inserting memories with vectors in one store transaction,
 * which is what importing a pool file does once the file is parsed.
 */
export async function benchImportExport(n: number, dims: number, reps: number): Promise<BenchRow[]> {
  const memories = syntheticMemories(n, dims, 5);
  const importMs: number[] = [];
  const insertMs: number[] = [];
  const exportMs: number[] = [];
  let exportBytes = 0;
  const poolFile = Object.keys(poolFileModules).length > 0;
  for (let r = 0; r < reps; r++) {
    const dbName = `bench-import-${r}`;
    await deleteDb(dbName);
    const store = await MemoryStore.open(dbName);
    await store.saveSettings({ model: BENCH_MODEL, keyMode: 'title' });
    const t0 = performance.now();
    const stored: StoredMemory[] = [];
    for (const m of memories) {
      const { embedding, ...rest } = m;
      const valid = createMemory(rest);
      stored.push({ ...valid, embedding, hash: await contentHash(valid) });
    }
    const t1 = performance.now();
    await store.insert(stored);
    const t2 = performance.now();
    importMs.push(t2 - t0);
    insertMs.push(t2 - t1);
    if ((await store.count()) !== n) throw new Error(`import stored ${await store.count()} of ${n}`);

    const t3 = performance.now();
    const all = await store.all();
    const blob = new Blob([exportJsonl(all)], { type: 'application/x-ndjson' });
    const bytes = (await blob.arrayBuffer()).byteLength;
    exportMs.push(performance.now() - t3);
    exportBytes = bytes;
    store.close();
    await deleteDb(dbName);
  }
  const imp = summarize(importMs);
  const ins = summarize(insertMs);
  const exp = summarize(exportMs);
  const via = 'validate+hash+store.insert';
  return [
    { name: 'import', runtime: 'chromium', n, dims, via, p50_ms: round(imp.p50, 1), p95_ms: round(imp.p95, 1), per_s: round(n / (imp.p50 / 1000), 0), insert_p50_ms: round(ins.p50, 1), reps, pool_file_module: poolFile },
    { name: 'export', runtime: 'chromium', n, dims, via: 'store.all+JSONL (base64 f32 vectors)', p50_ms: round(exp.p50, 1), p95_ms: round(exp.p95, 1), per_s: round(n / (exp.p50 / 1000), 0), bytes: exportBytes, reps },
  ];
}

function base64(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Stand-in for the pool-file writer: one JSON line per memory, vector as base64 little-endian f32. */
function exportJsonl(all: StoredMemory[]): string {
  const lines: string[] = [];
  for (const { hash: _h, embedding, ...m } of all) {
    lines.push(JSON.stringify({ ...m, embedding: embedding && { model: embedding.model, dims: embedding.dims, key: embedding.key, vector: base64(embedding.vector) } }));
  }
  return lines.join('\n') + '\n';
}
