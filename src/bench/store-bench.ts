// IndexedDB side of the bench, in the browser: "index ready after reload" of an n-memory pool,
// import of memories with vectors, and export of them back out.
import type { Memory } from '../core/memory';
import { exportPool, planMerge, readPoolFile, resolveMerge } from '../core/pool-file';
import type { Embedder } from '../core/embedder';
import { InsightPool } from '../adapters/insight-pool';
import { createIndex } from '../adapters/index/choose';
import { LexicalIndex } from '../adapters/index/lexical';
import { MemoryStore, type StoredMemory } from '../adapters/store';
import { syntheticSet } from './synthetic';
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

/**
 * Fills a fresh database with n memories through the store (done before a page reload; not the measured part).
 * `model`: whose vectors they claim to be; the app's own model makes a pool the app opens without re-embedding.
 */
export async function fillStore(dbName: string, n: number, dims: number, model = BENCH_MODEL): Promise<{ ms: number }> {
  await deleteDb(dbName);
  const t = performance.now();
  const store = await MemoryStore.open(dbName);
  await store.saveSettings({ model, keyMode: 'title' });
  // A filled pool is not a first start: the app must not add its demo memories to it.
  await store.markSeeded();
  for (let start = 0; start < n; start += FILL_BATCH) {
    const part = syntheticMemories(Math.min(FILL_BATCH, n - start), dims, 11 + start).map((m, i) => ({
      ...m,
      id: `bench-${start + i}`,
      hash: `h${start + i}`,
      embedding: { ...m.embedding!, model },
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
 * app would choose (InsightPool.ready()). The index is complete then: the first search does no deferred work.
 */
export async function timeLoad(dbName: string, n: number, dims: number): Promise<BenchRow> {
  const t0 = performance.now();
  const store = await MemoryStore.open(dbName);
  const tOpen = performance.now();
  const pool = new InsightPool({ store, embedder: refusingEmbedder(dims), createIndex: (k, d, s) => createIndex(k, d, s), index: 'auto' });
  await pool.ready();
  const tReady = performance.now();
  // The lexical index fills in behind ready(); retrieval waits for it.
  await pool.searchable();
  const tSearchable = performance.now();
  const status = pool.indexStatus();
  // Where the time goes, measured again right after (IndexedDB now warm): reading every memory,
  // and building the same kind of index from their vectors.
  const t1 = performance.now();
  const all = await store.all();
  const t2 = performance.now();
  const index = await createIndex(status.kind as 'int8' | 'flat' | 'voy', dims, all.length);
  index.build(all.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
  const t3 = performance.now();
  new LexicalIndex().build(all);
  const t4 = performance.now();
  store.close();
  const row: BenchRow = {
    name: 'index.load',
    runtime: 'chromium',
    n,
    dims,
    index: status.kind,
    via: 'indexeddb',
    p50_ms: round(tReady - t0, 1),
    searchable_ms: round(tSearchable - t0, 1),
    open_ms: round(tOpen - t0, 1),
    read_ms: round(t2 - t1, 1),
    build_ms: round(t3 - t2, 1),
    lexical_ms: round(t4 - t3, 1),
  };
  if (status.size !== n) row.error = `index holds ${status.size} of ${n}`;
  return row;
}

export { deleteDb };

/**
 * One edit in an n-memory pool, as a user makes it: add a memory, change one, delete one. Each rewrites
 * the page it touches, so this is what the page size costs.
 */
export async function timeEdits(dbName: string, n: number, dims: number, reps = 5): Promise<BenchRow[]> {
  const store = await MemoryStore.open(dbName);
  await store.count(); // the page directory, as the app has it after loading
  const times = { add: [] as number[], change: [] as number[], delete: [] as number[] };
  const extra = syntheticMemories(reps, dims, 99);
  for (let r = 0; r < reps; r++) {
    const added: StoredMemory = { ...extra[r], id: `bench-edit-${r}`, hash: `edit-${r}` };
    let t = performance.now();
    await store.insert([added]);
    times.add.push(performance.now() - t);
    const target = await store.get(`bench-${Math.floor(((r + 0.5) * n) / reps)}`);
    if (!target) throw new Error('edit bench: memory to change is missing');
    t = performance.now();
    await store.update([{ ...target, title: `${target.title} (edited)` }]);
    times.change.push(performance.now() - t);
    t = performance.now();
    await store.remove([added.id]);
    times.delete.push(performance.now() - t);
  }
  store.close();
  return Object.entries(times).map(([op, ms]) => {
    const s = summarize(ms);
    return { name: 'edit', runtime: 'chromium', n, dims, via: `store: ${op} one memory`, p50_ms: round(s.p50, 1), p95_ms: round(s.p95, 1), reps };
  });
}

/**
 * Import and export of an n-memory pool file with vectors, through the pool-file code the app uses
 * (src/core/pool-file): read + validate + hash (readPoolFile), plan the merge against the (empty)
 * store, insert in one transaction. Export: read the store, encode the file (exportPool).
 */
export async function benchImportExport(n: number, dims: number, reps: number): Promise<BenchRow[]> {
  const source = syntheticMemories(n, dims, 5);
  const options = { model: { id: BENCH_MODEL, dims }, keyMode: 'title' as const, appVersion: 'bench', vectors: 'float32' as const };
  const file = await exportPool(source, options);
  const parts = { read: [] as number[], plan: [] as number[], insert: [] as number[], total: [] as number[] };
  const exportMs: number[] = [];
  let exportBytes = 0;
  for (let r = 0; r < reps; r++) {
    const dbName = `bench-import-${r}`;
    await deleteDb(dbName);
    const store = await MemoryStore.open(dbName);
    await store.saveSettings({ model: BENCH_MODEL, keyMode: 'title' });
    const t0 = performance.now();
    const contents = await readPoolFile(file, { fileName: 'bench.jsonl' });
    const t1 = performance.now();
    const existing = await store.all();
    const plan = await planMerge(existing, contents, { pool: { id: BENCH_MODEL, dims, keyMode: 'title' } });
    const resolved = resolveMerge(plan);
    if (resolved.insert.some((p) => p.needsEmbedding)) throw new Error('pool file vectors were not reused');
    const t2 = performance.now();
    await store.insert(resolved.insert.map((p): StoredMemory => ({ ...p.memory, hash: p.hash })));
    const t3 = performance.now();
    parts.read.push(t1 - t0);
    parts.plan.push(t2 - t1);
    parts.insert.push(t3 - t2);
    parts.total.push(t3 - t0);
    const stored = await store.count();
    if (stored !== n) throw new Error(`import stored ${stored} of ${n}`);

    const t4 = performance.now();
    const all = await store.all();
    const blob = await exportPool(all, options);
    exportBytes = (await blob.arrayBuffer()).byteLength;
    exportMs.push(performance.now() - t4);
    store.close();
    await deleteDb(dbName);
  }
  const imp = summarize(parts.total);
  const exp = summarize(exportMs);
  const p50 = (xs: number[]) => round(summarize(xs).p50, 1);
  return [
    {
      name: 'import', runtime: 'chromium', n, dims, via: 'pool file (read+plan+insert)',
      p50_ms: round(imp.p50, 1), p95_ms: round(imp.p95, 1), per_s: round(n / (imp.p50 / 1000), 0), bytes: file.size,
      read_ms: p50(parts.read), plan_ms: p50(parts.plan), insert_ms: p50(parts.insert), reps,
    },
    { name: 'export', runtime: 'chromium', n, dims, via: 'store.all+exportPool (f32 base64)', p50_ms: round(exp.p50, 1), p95_ms: round(exp.p95, 1), per_s: round(n / (exp.p50 / 1000), 0), bytes: exportBytes, reps },
  ];
}
