// The JS API for agent playgrounds and other browser code: `window.insightPool`, also importable.
// Same pool object as the UI, so the two behave the same. Every method returns a promise.
import type { Memory, MemoryFilter, MemoryInput } from './core/memory';
import type { RetrievedMemory, RetrieveOptions } from './core/retrieval';
import type { EmbedProgress } from './core/embedder';
import type { InsightPool, PoolRetrieveOptions, PoolSettingsInfo } from './adapters/insight-pool';
import { openBrowserPool, type BrowserPoolOptions } from './adapters/browser-pool';
import { formatPromptBlock as formatBlock } from './core/prompt-block';

export interface InsightPoolApi {
  /** Resolves once the model is loaded and the index is built. */
  ready(): Promise<void>;
  /** Per input, the pool's memory for it: content already in the pool is not stored twice, you get that memory back. */
  add(memory: MemoryInput | MemoryInput[]): Promise<Memory[]>;
  /**
   * Per input, the pool's memory of the same level whose whole text (title, description, content) is within cosine
   * 0.95 of its own, and that score, or null: a near-copy would take a second slot in the top-3 for one lesson, so an
   * agent can update that memory instead. Stores nothing; an `add` of the same
   * input right after does not embed it again.
   */
  near(memory: MemoryInput | MemoryInput[]): Promise<({ memory: Memory; score: number } | null)[]>;
  update(id: string, patch: Partial<MemoryInput>): Promise<Memory>;
  remove(id: string | string[]): Promise<number>;
  get(id: string): Promise<Memory | undefined>;
  list(filter?: MemoryFilter): Promise<Memory[]>;
  count(filter?: MemoryFilter): Promise<number>;
  /**
   * Top-k memories for a task description, best first, with the fused score and its parts (cosine, lexical). Counts
   * the retrieval in each returned memory's `usage.retrieved` unless `record: false` (a playground that only peeks);
   * `excludeHarmful: true` leaves out memories that hurt more often than they helped.
   */
  retrieve(query: string, options?: PoolRetrieveOptions): Promise<RetrievedMemory[]>;
  /** Whether retrieved memories helped (`usage.helped`) or not (`usage.hurt`); answers them with the new counts. */
  feedback(ids: string | string[], helped: boolean): Promise<Memory[]>;
  /** The block to paste into an agent's system prompt for the given results. */
  promptBlock(results: RetrievedMemory[]): string;
  /** Embeds texts with the pool's model: plain number arrays, L2-normalized. */
  embed(texts: string[]): Promise<number[][]>;
  /** The pool's model, dims, key mode, index kind, and what computes its vectors. */
  info(): Promise<PoolSettingsInfo & { count: number }>;
}

export function createApi(poolPromise: Promise<InsightPool>): InsightPoolApi {
  const pool = () => poolPromise;
  return {
    ready: async () => void (await pool()),
    add: async (memory) => (await pool()).add(memory),
    near: async (memory) => (await (await pool()).nearContent(memory)).map((a) => (a.existing ? { memory: a.existing, score: a.score! } : null)),
    update: async (id, patch) => (await pool()).update(id, patch),
    remove: async (id) => (await pool()).remove(id),
    get: async (id) => (await pool()).get(id),
    list: async (filter) => (await pool()).list(filter),
    count: async (filter) => (await pool()).count(filter),
    retrieve: async (query, options) => (await pool()).retrieve(query, options),
    feedback: async (ids, helped) => (await pool()).feedback(ids, helped),
    promptBlock: (results) => formatBlock(results),
    embed: async (texts) => (await (await pool()).embed(texts)).map((v) => Array.from(v)),
    info: async () => {
      const p = await pool();
      return { ...p.settings, count: await p.count() };
    },
  };
}


let singleton: { pool: Promise<InsightPool>; api: InsightPoolApi } | undefined;

/** Opens (once) the page's pool and returns its API. The app calls this; so can any other module. */
export function insightPool(options: BrowserPoolOptions = {}): InsightPoolApi {
  if (!singleton) {
    const poolPromise = openBrowserPool(options);
    singleton = { pool: poolPromise, api: createApi(poolPromise) };
  }
  return singleton.api;
}

/** The pool object itself, for the UI (subscriptions, facets, index status). */
export function poolInstance(): Promise<InsightPool> {
  if (!singleton) insightPool();
  return singleton!.pool;
}

export type { Memory, MemoryFilter, MemoryInput, RetrievedMemory, RetrieveOptions, PoolRetrieveOptions, EmbedProgress };
export type { Usage } from './core/usage';
