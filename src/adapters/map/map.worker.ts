// Map worker: the domain-mixing score and the 2-D projection of a pool, off the main thread (UMAP on a few thousand
// memories takes seconds; the mixing score's k-NN up to 2,000 × N dot products). Both are the core functions the CLI
// uses, so the numbers match `insight-pool stats`.
import { mixingByLevel } from '../../core/mixing';
import { project } from '../../core/projection';
import type { MapReply, MapRequest } from './protocol';

const post = (reply: MapReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

self.onmessage = (event: MessageEvent<MapRequest>) => {
  const { ids, levels, domains, dims, vectors, seed } = event.data;
  try {
    const rows = ids.map((_, i) => vectors.subarray(i * dims, (i + 1) * dims));
    post({ type: 'mixing', mixing: mixingByLevel(ids.map((id, i) => ({ id, level: levels[i], domain: domains[i], vector: rows[i] }))) });
    const start = performance.now();
    const { coords, method } = project(rows, { seed, onProgress: (progress) => post({ type: 'progress', progress }) });
    post({ type: 'done', coords, method, ms: performance.now() - start }, [coords.buffer]);
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};
