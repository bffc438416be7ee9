// The pool's map (2-D projection + mixing scores), computed in a worker and kept until the pool changes: switching
// tabs or filters reuses it; adding, editing, importing or deleting memories recomputes it.
import type { Memory } from '../../core/memory';
import { mixingPoints, type LevelMixing } from '../../core/mixing';
// Types only from core/projection: a value import would pull umap-js and ml-matrix into the page's first bundle
// (initial JS 157 → 133 kB gzip); they belong in the map worker.
import type { ProjectionProgress } from '../../core/projection';
import type { MapReply, MapRequest } from './protocol';
import { storedMap, storeMap } from './map-store';

export interface PoolMap {
  /** What was projected: changes whenever a memory is added, removed, re-embedded or moved to another level/domain. */
  signature: string;
  /** Memories in projection order; coords[2i], coords[2i+1] is memories[i]. */
  ids: string[];
  coords: Float32Array;
  method: 'umap' | 'pca' | 'none';
  mixing: LevelMixing;
  /** Projection time in the worker. */
  ms: number;
  /** When the worker computed it (ISO): unchanged while the map is reused, from memory or from storage. */
  computedAt: string;
}

/** Memories with a vector of the pool's model (the same ones the mixing score uses), in id order. */
function mappable(memories: readonly Memory[]): Memory[] {
  const keep = new Set(mixingPoints(memories).map((p) => p.id));
  return memories.filter((m) => keep.has(m.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * What the map depends on, hashed: per memory its id, level, domain, model and a few vector values (a re-embedded
 * memory gets a new vector). Not the key text: with the whole-text key that would be every memory's full text.
 */
export function mapSignature(memories: readonly Memory[]): string {
  // Two FNV-1a 32-bit hashes with different offsets: 64 bits, so two pool states colliding is not a practical concern.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  let count = 0;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
    }
  };
  for (const m of mappable(memories)) {
    const v = m.embedding!.vector;
    feed(`${m.id}\u0001${m.level}\u0001${m.domain}\u0001${m.embedding!.model}\u0001${v[0]},${v[1]},${v[v.length >> 1]},${v[v.length - 1]}\u0002`);
    count++;
  }
  return `${count}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

let cached: PoolMap | undefined;
let running:
  | { signature: string; worker: Worker; promise: Promise<PoolMap>; listeners: Set<(p: ProjectionProgress) => void>; cancel: () => void }
  | undefined;

/** Rejects a run that a newer pool state replaced; callers waiting on it can ignore this error. */
export class MapSuperseded extends Error {
  constructor() {
    super('the pool changed: a newer map is being computed');
    this.name = 'MapSuperseded';
  }
}

/**
 * The map of these memories: the one in memory or in storage when nothing changed, else a fresh worker run (an older
 * run is stopped).
 */
export async function poolMap(memories: readonly Memory[], onProgress?: (p: ProjectionProgress) => void): Promise<PoolMap> {
  const list = mappable(memories);
  const signature = mapSignature(list);
  const reuse = () => {
    if (cached?.signature === signature) return Promise.resolve(cached);
    if (running?.signature === signature) {
      if (onProgress) running.listeners.add(onProgress);
      return running.promise;
    }
    return undefined;
  };
  const first = reuse();
  if (first) return first;
  const stored = await storedMap();
  if (stored?.signature === signature) cached = stored;
  const again = reuse();
  if (again) return again;
  running?.cancel();
  const dims = list[0]?.embedding?.dims ?? 0;
  const vectors = new Float32Array(list.length * dims);
  list.forEach((m, i) => vectors.set(m.embedding!.vector, i * dims));
  const request: MapRequest = { ids: list.map((m) => m.id), levels: list.map((m) => m.level), domains: list.map((m) => m.domain), dims, vectors };
  const worker = new Worker(new URL('./map.worker.ts', import.meta.url), { type: 'module', name: 'pool-map' });
  const listeners = new Set<(p: ProjectionProgress) => void>(onProgress ? [onProgress] : []);
  let cancel = () => {};
  const promise = new Promise<PoolMap>((resolve, reject) => {
    cancel = () => {
      worker.terminate();
      reject(new MapSuperseded());
    };
    let mixing: LevelMixing | undefined;
    worker.onmessage = (event: MessageEvent<MapReply>) => {
      const r = event.data;
      if (r.type === 'mixing') mixing = r.mixing;
      else if (r.type === 'progress') listeners.forEach((l) => l(r.progress));
      else if (r.type === 'error') reject(new Error(`map: ${r.message}`));
      else {
        cached = { signature, ids: request.ids, coords: r.coords, method: r.method, mixing: mixing!, ms: r.ms, computedAt: new Date().toISOString() };
        void storeMap(cached);
        resolve(cached);
      }
      if (r.type === 'done' || r.type === 'error') {
        worker.terminate();
        if (running?.worker === worker) running = undefined;
      }
    };
    worker.onerror = (event) => {
      reject(new Error(`map worker failed: ${event.message}`));
      worker.terminate();
      if (running?.worker === worker) running = undefined;
    };
  });
  running = { signature, worker, promise, listeners, cancel };
  worker.postMessage(request, [vectors.buffer]);
  return promise;
}
