// An experiment, not the app: would a different IndexedDB layout meet the load and import targets?
// Memories without their vectors (one record each) plus vectors packed into one Float32Array per
// chunk of rows. Reading a few large ArrayBuffers is a memcpy for structured clone, where reading n
// small Float32Arrays inside n objects costs per object. Same synthetic memories as store-bench.ts.
import { openDB } from 'idb';
import { createIndex } from '../adapters/index/choose';
import { syntheticMemories, deleteDb } from './store-bench';
import { round, type BenchRow } from './stats';

const CHUNK = 4096;

interface Chunk {
  start: number;
  ids: string[];
  data: Float32Array;
}

async function open(name: string) {
  return openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore('memories', { keyPath: 'id' });
      db.createObjectStore('vectorChunks', { keyPath: 'start' });
    },
  });
}

export async function benchPackedLayout(n: number, dims: number): Promise<BenchRow[]> {
  const name = `bench-layout-${n}`;
  await deleteDb(name);
  const memories = syntheticMemories(n, dims, 5);
  const t0 = performance.now();
  let db = await open(name);
  const tx = db.transaction(['memories', 'vectorChunks'], 'readwrite');
  const ms = tx.objectStore('memories');
  const vs = tx.objectStore('vectorChunks');
  for (let start = 0; start < n; start += CHUNK) {
    const part = memories.slice(start, start + CHUNK);
    const data = new Float32Array(part.length * dims);
    part.forEach((m, i) => data.set(m.embedding!.vector, i * dims));
    void vs.add({ start, ids: part.map((m) => m.id), data } satisfies Chunk);
    for (const { embedding, ...m } of part) void ms.add({ ...m, embedding: { model: embedding!.model, dims, key: embedding!.key } });
  }
  await tx.done;
  const writeMs = performance.now() - t0;
  db.close();

  const t1 = performance.now();
  db = await open(name);
  // Vectors first: an index could be ready from them alone, with memory records read after.
  const chunks = (await db.getAll('vectorChunks')) as Chunk[];
  const tv = performance.now();
  const all = await db.getAll('memories');
  const t2 = performance.now();
  const items: { id: string; vector: Float32Array }[] = [];
  for (const c of chunks) c.ids.forEach((id, i) => items.push({ id, vector: c.data.subarray(i * dims, (i + 1) * dims) }));
  const index = await createIndex('auto', dims, items.length);
  index.build(items);
  const t3 = performance.now();
  db.close();
  await deleteDb(name);
  if (all.length !== n || index.size !== n) throw new Error(`layout experiment read ${all.length}/${index.size} of ${n}`);
  const via = 'EXPERIMENT packed vector chunks';
  return [
    { name: 'import', runtime: 'chromium', n, dims, via: `${via}: write`, p50_ms: round(writeMs, 1), per_s: round(n / (writeMs / 1000), 0) },
    { name: 'index.load', runtime: 'chromium', n, dims, index: index.kind, via: `${via}: read+build`, p50_ms: round(t3 - t1, 1), vectors_read_ms: round(tv - t1, 1), records_read_ms: round(t2 - tv, 1), build_ms: round(t3 - t2, 1) },
  ];
}
