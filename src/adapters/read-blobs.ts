// The bytes of many Blobs (the store's vector pages), read in a worker when there are enough of them to matter.
//
// Why: reading a Blob's bytes costs the thread that asks for them. A 100k-memory reload reads 205 MB of vectors; asked
// from the page, in Chromium 150 on a VM where fresh memory is slow, the reads held the main thread while the rows'
// JSON and the BM25 build waited behind them (timestamps of one reload: rows parsed at 1.2 s, vectors in at 2.8-3.1 s,
// BM25 done at 4.4-5.2 s). Bench, 100k, two A/B pairs: lexical index ready 3.60 / 4.70 s read in the page, 3.33 /
// 3.47 s read here. The buffers come back transferred, not copied. Below WORKER_MIN_BYTES the worker's start (~40 ms)
// costs more than it frees (1k and 10k memories read as fast or faster in the page).

/** What the worker answers: every Blob's bytes, in order, or why one could not be read. */
export type ReadBlobsReply = { buffers: ArrayBuffer[] } | { error: { name: string; message: string } };

/** 32 MiB: 16 full pages of 512-dimension vectors, about 16k memories. */
export const WORKER_MIN_BYTES = 32 * 1024 * 1024;

/** The bytes of each Blob, in order. A worker that cannot start or load is not an error: the page reads them itself. */
export async function readBlobs(blobs: readonly Blob[]): Promise<ArrayBuffer[]> {
  const bytes = blobs.reduce((sum, b) => sum + b.size, 0);
  if (bytes < WORKER_MIN_BYTES || typeof Worker === 'undefined') return readHere(blobs);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./read-blobs.worker.ts', import.meta.url), { type: 'module', name: 'read-blobs' });
  } catch {
    return readHere(blobs);
  }
  try {
    const reply = await new Promise<ReadBlobsReply | undefined>((resolve) => {
      worker.onmessage = (e: MessageEvent<ReadBlobsReply>) => resolve(e.data);
      // The script failed to load or the reply could not be cloned: read here instead.
      worker.onerror = (e) => (e.preventDefault(), resolve(undefined));
      worker.onmessageerror = () => resolve(undefined);
      worker.postMessage(blobs);
    });
    if (!reply) return readHere(blobs);
    if ('error' in reply) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
    return reply.buffers;
  } finally {
    worker.terminate();
  }
}

function readHere(blobs: readonly Blob[]): Promise<ArrayBuffer[]> {
  return Promise.all(blobs.map((b) => b.arrayBuffer()));
}
