// Voy (voy-search 0.6.3, a wasm k-d tree): the design card's index, kept available and tested.
// Its quirks shape this adapter:
// - it takes number[] and pads/truncates every vector to 768 dims, so dims > 768 are refused;
// - it ranks by squared Euclidean distance, which equals cosine ranking only for unit vectors, so rows
//   and queries are normalized on the way in;
// - it returns no scores, so candidate scores are exact cosine computed from the vectors we keep;
// - remove() needs the exact vector that was added, which we also keep;
// - it has no filter, so `accept` is served by over-fetching.
import * as bg from 'voy-search/voy_search_bg.js';
import initVoyWasm from 'voy-search/voy_search_bg.wasm?init';
import type { Candidate, IndexedVector, VectorIndex } from './types';
import { checkDims, checkItems, checkVector, IndexInputError, normalized } from './slots';
import type { Accept } from './topk';

export const VOY_MAX_DIMS = 768;

let voyReady: Promise<void> | undefined;
let voyMemory: WebAssembly.Memory | undefined;

/** Voy hands vectors to wasm as JSON text; chunks keep each string far below V8's ~512 MB limit. */
const CHUNK_NUMBERS = 1 << 21;

/** Instantiates Voy's wasm once per realm (page or worker). */
export function loadVoy(): Promise<void> {
  voyReady ??= initVoyWasm({ './voy_search_bg.js': bg as unknown as WebAssembly.ModuleImports }).then(
    (instance) => {
      bg.__wbg_set_wasm(instance.exports);
      voyMemory = instance.exports.memory as WebAssembly.Memory;
    },
    (err: unknown) => {
      voyReady = undefined;
      throw err;
    },
  );
  return voyReady;
}

export async function createVoyIndex(dims: number): Promise<VoyIndex> {
  await loadVoy();
  return new VoyIndex(dims);
}

/** Size of Voy's wasm heap, shared by every Voy index in this realm; it only ever grows. */
export function voyHeapBytes(): number {
  return voyMemory?.buffer.byteLength ?? 0;
}

function* chunks(entries: [string, Float32Array][], dims: number): Generator<[string, Float32Array][]> {
  const per = Math.max(1, Math.floor(CHUNK_NUMBERS / dims));
  for (let i = 0; i < entries.length; i += per) yield entries.slice(i, i + per);
}

function resource(items: Iterable<[string, Float32Array]>): bg.Resource {
  const embeddings: bg.EmbeddedResource[] = [];
  for (const [id, v] of items) embeddings.push({ id, title: '', url: '', embeddings: Array.from(v) });
  return { embeddings };
}

function dotf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export class VoyIndex implements VectorIndex {
  readonly kind = 'voy';
  private voy: bg.Voy;
  /** The exact (normalized) vectors given to Voy, by id: for scores and for remove(). */
  private vectors = new Map<string, Float32Array>();

  /** Use createVoyIndex(); the constructor needs loadVoy() to have resolved. */
  constructor(readonly dims: number) {
    checkDims('voy', dims);
    if (dims > VOY_MAX_DIMS) throw new IndexInputError(`voy index: dims ${dims} exceed Voy's fixed ${VOY_MAX_DIMS}`);
    this.voy = new bg.Voy();
  }

  get size(): number {
    return this.vectors.size;
  }

  build(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    const next = new Map<string, Float32Array>();
    for (const { id, vector } of items) next.set(id, normalized(vector));
    const voy = new bg.Voy();
    try {
      for (const part of chunks([...next], this.dims)) voy.add(resource(part));
    } catch (err) {
      voy.free();
      throw err;
    }
    this.voy.free();
    this.voy = voy;
    this.vectors = next;
  }

  add(items: IndexedVector[]): void {
    checkItems(this.kind, this.dims, items);
    const fresh = new Map<string, Float32Array>();
    for (const { id, vector } of items) fresh.set(id, normalized(vector));
    const replaced = [...fresh.keys()].filter((id) => this.vectors.has(id));
    this.remove(replaced);
    for (const part of chunks([...fresh], this.dims)) this.voy.add(resource(part));
    for (const [id, v] of fresh) this.vectors.set(id, v);
  }

  remove(ids: string[]): void {
    const gone: [string, Float32Array][] = [];
    for (const id of ids) {
      const v = this.vectors.get(id);
      if (v) {
        gone.push([id, v]);
        this.vectors.delete(id);
      }
    }
    for (const part of chunks(gone, this.dims)) this.voy.remove(resource(part));
  }

  has(id: string): boolean {
    return this.vectors.has(id);
  }

  search(query: Float32Array, k: number, accept?: Accept): Candidate[] {
    checkVector(this.kind, this.dims, query, 'query');
    k = Math.min(Math.floor(k), this.size);
    if (!(k > 0)) return [];
    const q = normalized(query);
    let fetch = accept ? Math.min(this.size, k * 4) : k;
    for (;;) {
      const { neighbors } = this.voy.search(q, fetch);
      const out: Candidate[] = [];
      for (const { id } of neighbors) {
        const v = this.vectors.get(id);
        if (v && (!accept || accept(id))) out.push({ id, score: dotf(q, v) });
        if (out.length === k) break;
      }
      if (out.length === k || fetch >= this.size) {
        // Voy's float distances can order near-ties differently from exact cosine; rank by the latter.
        return out.sort((a, b) => b.score - a.score);
      }
      fetch = Math.min(this.size, fetch * 4);
    }
  }

  /** Bytes we hold for vectors plus Voy's whole wasm heap (an upper bound: the heap never shrinks). */
  get bytes(): number {
    return this.vectors.size * this.dims * 4 + voyHeapBytes();
  }

  /** Voy's own snapshot (JSON); fails for large indexes (~60k vectors) inside Voy. */
  serialize(): string {
    return this.voy.serialize();
  }

  /** Restores from serialize() output; `vectors` must be the same items (for scores and remove). */
  static deserialize(dims: number, snapshot: string, items: IndexedVector[]): VoyIndex {
    const index = new VoyIndex(dims);
    checkItems(index.kind, dims, items);
    index.voy.free();
    index.voy = bg.Voy.deserialize(snapshot);
    for (const { id, vector } of items) index.vectors.set(id, normalized(vector));
    return index;
  }
}
