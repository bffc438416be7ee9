// The pool: one object that ties the store (truth), the embedder and a derived vector index together.
// Both the UI and `window.insightPool` call this, so they behave the same by construction.
import { createMemory, contentHash, keyText, matchesFilter, MemoryValidationError, newestFirst, DEFAULT_KEY_MODE } from '../core/memory';
import type { KeyMode, Level, Memory, MemoryFilter, MemoryInput } from '../core/memory';
import type { Embedder, EmbedProgress } from '../core/embedder';
import { resolveRetrieval, retrieveFrom, RetrievalError, type RetrievalSources, type RetrievedMemory, type RetrieveOptions } from '../core/retrieval';
import { addUsage, recordEvent, type Usage, type UsageEvent } from '../core/usage';
import { formatPromptBlock } from '../core/prompt-block';
import { nearCopiesInPool, nearText, type NearPool, type NearText } from '../core/near-copy';
import type { VectorIndex } from './index/types';
import { LexicalLoader } from './index/lexical-loader';
import type { IndexKind } from './index/choose';
import { MemoryStore, type StoredMemory, type UsageChange, type VectorForm } from './store';

export type { IndexKind };
export type IndexFactory = (kind: IndexKind, dims: number, size: number) => Promise<VectorIndex>;

export interface InsightPoolOptions {
  store: MemoryStore;
  embedder: Embedder;
  createIndex: IndexFactory;
  index?: IndexKind;
  /** Key mode for a new pool; an existing pool keeps its own. */
  keyMode?: KeyMode;
  /** Memories added the first time the pool is opened empty. */
  seed?: MemoryInput[];
}

export interface IndexStatus {
  kind: string;
  size: number;
  revision: number;
  /** How many times the index was (re)built from the store since the pool opened. */
  rebuilds: number;
}

/** What the pool runs on in this browser: engines differ (WebKit: no relaxed SIMD; no isolation: one thread). */
export interface PoolSettingsInfo {
  model: string;
  dims: number;
  keyMode: KeyMode;
  /** Vector index kind, and what scans it. */
  index: string;
  kernel: string;
  /** What computes the vectors, on how many threads, with which wasm SIMD. */
  runtime: string;
  threads: number;
  /** Why one thread where more could be had (helper threads failed to start). */
  oneThread?: string;
  simd: string;
  /** How IndexedDB keeps the vector pages (store.ts VectorForm). */
  storage: VectorForm;
}

export const MAX_BATCH = 10_000;
/** Previewed vectors kept for the save that usually follows (see nearContent): 4096 × 512 floats = 8 MB at most. */
const MAX_PREVIEW_VECTORS = 4096;
/** Whole-text vectors kept for near-copy checks when the key is not the whole text (see wholeVectors): 8 MB at most. */
const MAX_WHOLE_VECTORS = 4096;

export interface AddOutcome {
  /** Per input, in order: the pool's memory for it (new, or the one that already held that content). */
  memories: Memory[];
  /** The memories this call stored. */
  added: Memory[];
  /** With `near: true`: stored memories that are near-copies (core/near-copy.ts) of one already in the pool. */
  near: { memory: Memory; existing: Memory; score: number }[];
}

/**
 * What changed: `memories` (added, edited, removed, imported, re-embedded), `feedback` (a person or agent said whether
 * memories helped), `retrieved` (a retrieval was counted; not the user's own work, so it does not, for instance, make
 * the app ask the browser to keep the pool), `usage` (another tab changed counts; they were read anew).
 */
export type PoolChange = 'memories' | 'feedback' | 'retrieved' | 'usage';
type Listener = (change: PoolChange) => void;

/** `retrieve` options of the pool: the core's, and whether this retrieval counts in the memories' usage. */
export interface PoolRetrieveOptions extends RetrieveOptions {
  /** Count this retrieval in each returned memory's `usage.retrieved` (default true; false to only peek). */
  record?: boolean;
}

/** Memories from `add`-style input (one or an array), all validated first; an error names the item that failed. */
function validated(input: MemoryInput | MemoryInput[], now: Date): Memory[] {
  const inputs = Array.isArray(input) ? input : [input];
  if (inputs.length > MAX_BATCH) throw new MemoryValidationError(`too many memories in one call (max ${MAX_BATCH})`, []);
  return inputs.map((item, i) => {
    try {
      return createMemory(item, now);
    } catch (error) {
      if (error instanceof MemoryValidationError && inputs.length > 1) {
        throw new MemoryValidationError(`memory #${i + 1}: ${error.message}`, error.issues);
      }
      throw error;
    }
  });
}

export class InsightPool {
  private memories = new Map<string, StoredMemory>();
  /** See byHash(); undefined when stale. */
  private hashes?: Map<string, StoredMemory>;
  private previewVectors = new Map<string, Float32Array>();
  /** Whole-text vectors by model and content hash (see wholeVectors). */
  private wholeCache = new Map<string, Float32Array>();
  private index!: VectorIndex;
  /** BM25 over the memories' text, the other half of hybrid retrieval; rebuilt with the vector index, behind it. */
  private lexical = new LexicalLoader();
  private indexRevision = -1;
  /** The store's content revision the mirror and indexes were built at (see MemoryStore.contentRevision). */
  private contentRevision: number | undefined;
  private rebuilds = 0;
  private keyMode: KeyMode = 'title';
  private listeners = new Set<Listener>();
  private readyPromise: Promise<void>;
  // Writes go through one queue so the in-memory mirror and the index follow the store in order.
  private queue: Promise<unknown> = Promise.resolve();

  private embedder: Embedder;

  constructor(private readonly options: InsightPoolOptions) {
    this.embedder = options.embedder;
    this.readyPromise = this.init();
  }

  get model(): string {
    return this.embedder.model;
  }

  get dims(): number {
    return this.embedder.dims;
  }

  get settings(): PoolSettingsInfo {
    return {
      model: this.model,
      dims: this.dims,
      keyMode: this.keyMode,
      index: this.index?.kind ?? 'none',
      runtime: this.embedder.runtime ?? 'unknown',
      threads: this.embedder.threads ?? 1,
      ...(this.embedder.oneThread ? { oneThread: this.embedder.oneThread } : {}),
      simd: this.embedder.simd ?? 'unknown',
      kernel: this.index?.kernel ?? 'unknown',
      storage: this.options.store.vectorForm,
    };
  }

  /** Resolves when the store is loaded and the vector index is built (the lexical index may still be filling). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Resolves when the lexical index is complete too, as retrieve() waits for it. */
  async searchable(): Promise<void> {
    await this.ready();
    await this.lexical.ready();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  indexStatus(): IndexStatus {
    return { kind: this.index.kind, size: this.index.size, revision: this.indexRevision, rebuilds: this.rebuilds };
  }

  /**
   * What `add` would make of each input, without embedding or storing anything: its content hash, and the pool's
   * memory that says the same, if there is one. An input that is not a valid memory gets neither (add would refuse
   * it and say why). The ingest preview uses this to untick copies before the user saves.
   */
  async sameContent(inputs: MemoryInput[]): Promise<{ hash?: string; existing?: Memory }[]> {
    const hashes = await Promise.all(
      inputs.map((input) => {
        try {
          return contentHash(createMemory(input));
        } catch {
          return undefined;
        }
      }),
    );
    await this.ready();
    await this.syncIfStale();
    const known = this.byHash();
    return hashes.map((hash) => {
      const stored = hash === undefined ? undefined : known.get(hash);
      return { hash, existing: stored && publicMemory(stored) };
    });
  }

  /**
   * For each input, its vector in the pool's key mode (`vector`, stored if it is added), its whole-text vector
   * (`whole`, what near-copies are judged on: the same array when the key is the whole text) and, when it is a
   * near-copy (core/near-copy.ts: same level, whole text within DEFAULT_NEAR_THRESHOLD cosine), the closest such memory
   * already in the pool; nothing is stored. Validated as `add` validates (one bad input rejects the call). The ingest
   * preview unticks such near-copies before the user saves; an agent can ask before it adds. The vectors are kept for
   * a while, so adding these inputs next does not embed them again.
   */
  async nearContent(
    input: MemoryInput | MemoryInput[],
    onProgress?: (p: EmbedProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ vector: Float32Array; whole: Float32Array; existing?: Memory; score?: number }[]> {
    const drafts = validated(input, new Date());
    const keys = drafts.map((m) => keyText(m, this.keyMode));
    await this.ready();
    await this.syncIfStale();
    const unique = [...new Set(keys)];
    const vectors = await this.embedder.embed(unique, onProgress, signal);
    const byKey = new Map(unique.map((k, i) => [k, vectors[i]]));
    for (const [key, vector] of byKey) this.rememberVector(key, vector);
    // Every input's whole text, also when the pool has nothing of its level: the preview compares later candidates
    // with it.
    const whole = this.keyMode === 'full' ? undefined : await this.wholeVectors(drafts, onProgress, signal);
    const subjects = drafts.map((m, i) => ({ memory: m, key: byKey.get(keys[i])!, whole: whole?.[i] }));
    const verdicts = await nearCopiesInPool(subjects, this.nearPool(onProgress, signal));
    return verdicts.map(({ hit, whole: w }, i) => ({
      vector: subjects[i].key,
      whole: w ?? subjects[i].key,
      ...(hit ? { existing: publicMemory(hit.memory), score: hit.score } : {}),
    }));
  }

  /**
   * Adds memories. Content already in the pool (same level, title, description and content: `contentHash`) is not
   * stored again: re-ingesting a folder, or a rule that mines the same insight from many runs, would otherwise fill
   * the top-3 with copies of one memory. Answers, per input, the pool's memory for it (also when the input named an id
   * of its own: the answer's id is the one that holds the content).
   */
  async add(input: MemoryInput | MemoryInput[], onProgress?: (p: EmbedProgress) => void): Promise<Memory[]> {
    return (await this.addAll(input, onProgress)).memories;
  }

  /**
   * `add`, also telling which memories are new (the rest were in the pool already, or earlier in the batch), and with
   * `near`, which new ones are near-copies of a memory already there (one index search each: ~3.5 ms at 100k memories;
   * with a key shorter than the whole text, also whole texts to embed, usually cached by a nearContent preview; so not
   * for bulk loads).
   */
  async addAll(input: MemoryInput | MemoryInput[], onProgress?: (p: EmbedProgress) => void, options: { near?: boolean } = {}): Promise<AddOutcome> {
    // Validate everything before embedding or writing anything: one bad item rejects the batch.
    const drafts = validated(input, new Date());
    if (drafts.length === 0) return { memories: [], added: [], near: [] };
    const ids = new Set<string>();
    for (const d of drafts) {
      if (ids.has(d.id)) throw new MemoryValidationError(`id "${d.id}" appears twice in this batch`, []);
      ids.add(d.id);
    }
    const hashes = await Promise.all(drafts.map((d) => contentHash(d)));
    const first = new Map<string, number>();
    hashes.forEach((h, i) => first.has(h) || first.set(h, i));
    await this.ready();
    await this.syncIfStale();
    // Embed only what looks new now; the write below checks again, since another add may land meanwhile.
    const unseen = (known: Map<string, StoredMemory>) => drafts.filter((_, i) => !known.has(hashes[i]) && first.get(hashes[i]) === i);
    const embedded = new Map((await this.withEmbeddings(unseen(this.byHash()), onProgress)).map((m) => [m.id, m]));
    return this.serialize(async () => {
      await this.syncIfStale();
      const known = this.byHash();
      // Embed here what was not embedded above (its copy was deleted meanwhile) or was embedded by a model the pool
      // has since switched from: never mix vector spaces.
      const missing = unseen(known).filter((d) => embedded.get(d.id)?.embedding!.model !== this.model);
      for (const m of await this.withEmbeddings(missing, onProgress)) embedded.set(m.id, m);
      const added = unseen(known).map((d) => embedded.get(d.id)!);
      // Not copies, but close to a memory already there: stored, and said (the importer asks first; here the user has
      // already picked what to save).
      const verdicts = options.near && added.length ? await nearCopiesInPool(added.map((m) => ({ memory: m, key: m.embedding!.vector })), this.nearPool(onProgress)) : [];
      const near = verdicts.flatMap(({ hit }, i) => (hit ? [{ memory: publicMemory(added[i]), existing: publicMemory(hit.memory), score: hit.score }] : []));
      const answer = () => ({ memories: hashes.map((h) => publicMemory(known.get(h)!)), added: added.map(publicMemory), near });
      // Nothing new: no write, so other tabs have nothing to reload.
      if (added.length === 0) return answer();
      const revision = await this.options.store.insert(added);
      for (const m of added) {
        this.memories.set(m.id, m);
        known.set(m.hash, m);
      }
      this.index.add(added.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
      this.lexical.add(added);
      this.wrote(revision);
      this.emit();
      return answer();
    });
  }

  /** Edits a memory; re-embeds it when its key text changed. */
  async update(id: string, patch: Partial<MemoryInput>): Promise<Memory> {
    await this.ready();
    requireId(id);
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new MemoryValidationError('update needs an object of fields to change', []);
    }
    if ('usage' in patch) throw new MemoryValidationError('usage cannot be edited: retrieve and feedback count it', ['usage']);
    const current = this.memories.get(id) ?? (await this.options.store.get(id));
    if (!current) throw new MemoryValidationError(`no memory with id "${id}"`, []);
    const { embedding: _e, hash: _h, ...base } = current;
    const next = createMemory({ ...base, ...patch, id, createdAt: current.createdAt });
    const key = keyText(next, this.keyMode);
    let [stored] =
      current.embedding && current.embedding.key === key && current.embedding.model === this.model
        ? [{ ...next, hash: await contentHash(next), embedding: current.embedding }]
        : await this.withEmbeddings([next]);
    return this.serialize(async () => {
      await this.syncIfStale();
      if (stored.embedding!.model !== this.model || stored.embedding!.key !== keyText(next, this.keyMode)) {
        [stored] = await this.withEmbeddings([next]);
      }
      // An edit must not turn one memory into a copy of another (add() keeps each content once). Only a change of
      // content is checked: a pool saved before that rule may hold copies, and their tags must stay editable.
      const holder = stored.hash !== current.hash ? this.byHash().get(stored.hash) : undefined;
      if (holder && holder.id !== id) {
        throw new MemoryValidationError(`memory "${holder.title}" (${holder.id}) already has this content: edit or delete that one instead`, []);
      }
      // The store keeps the row's own counts (MemoryStore.update); the mirror's, just synced, are the closest known.
      const { usage: _copy, ...edited } = stored;
      const counts = this.memories.get(id)?.usage;
      stored = counts ? { ...edited, usage: counts } : edited;
      const revision = await this.options.store.update([stored]);
      this.memories.set(id, stored);
      this.hashes = undefined;
      this.index.remove([id]);
      this.index.add([{ id, vector: stored.embedding!.vector }]);
      this.lexical.add([stored]);
      this.wrote(revision);
      this.emit();
      return publicMemory(stored);
    });
  }

  async remove(idOrIds: string | string[]): Promise<number> {
    const ids = Array.isArray(idOrIds) ? idOrIds : [idOrIds];
    ids.forEach(requireId);
    await this.ready();
    return this.serialize(async () => {
      await this.syncIfStale();
      const revision = await this.options.store.remove(ids);
      for (const id of ids) this.memories.delete(id);
      this.hashes = undefined;
      this.index.remove(ids);
      this.lexical.remove(ids);
      this.wrote(revision);
      this.emit();
      return ids.length;
    });
  }

  async get(id: string): Promise<Memory | undefined> {
    requireId(id);
    await this.ready();
    await this.syncIfStale();
    const m = this.memories.get(id);
    return m && publicMemory(m);
  }

  /** Memories matching the filter, newest first. */
  async list(filter: MemoryFilter = {}): Promise<Memory[]> {
    await this.ready();
    await this.syncIfStale();
    return [...this.memories.values()]
      .filter((m) => matchesFilter(m, filter ?? {}))
      .sort(newestFirst)
      .map(publicMemory);
  }

  async count(filter?: MemoryFilter): Promise<number> {
    if (!filter) {
      await this.ready();
      await this.syncIfStale();
      return this.memories.size;
    }
    return (await this.list(filter)).length;
  }

  /** Distinct values present in the pool, for filter menus. */
  facets(): { domains: string[]; sourceModels: string[]; importedFrom: string[] } {
    const domains = new Set<string>();
    const models = new Set<string>();
    const sources = new Set<string>();
    for (const m of this.memories.values()) {
      domains.add(m.domain);
      models.add(m.sourceModel);
      if (m.provenance.importedFrom) sources.add(m.provenance.importedFrom);
    }
    return { domains: [...domains].sort(), sourceModels: [...models].sort(), importedFrom: [...sources].sort() };
  }

  /**
   * Top-k memories for a task. Unless `record: false`, each returned memory's `usage.retrieved` counts it (and the
   * answer carries the new counts).
   */
  async retrieve(query: string, options: PoolRetrieveOptions = {}): Promise<RetrievedMemory[]> {
    const { record = true, ...rest } = options ?? {};
    if (typeof record !== 'boolean') throw new RetrievalError('invalid retrieve options: record must be true or false');
    const resolved = resolveRetrieval(query, rest);
    await this.ready();
    await this.syncIfStale();
    await this.lexical.ready();
    const results = await retrieveFrom(this.sources(), resolved.query, resolved.options);
    if (record && results.length) {
      // A memory another tab deleted since is skipped, not an error: the retrieval itself succeeded.
      const usage = await this.countUse(results.map((r) => r.memory.id), 'retrieved', true);
      return results.map((r) => ({ ...r, memory: { ...publicMemory(r.memory as StoredMemory), ...(usage.get(r.memory.id) ? { usage: usage.get(r.memory.id) } : {}) } }));
    }
    return results.map((r) => ({ ...r, memory: publicMemory(r.memory as StoredMemory) }));
  }

  /**
   * Feedback on retrieved memories: `helped` true counts `usage.helped`, false counts `usage.hurt`, once per memory.
   * Every id must be in the pool, or nothing is counted. Answers the memories with their new counts.
   */
  async feedback(idOrIds: string | string[], helped: boolean): Promise<Memory[]> {
    const ids = Array.isArray(idOrIds) ? idOrIds : [idOrIds];
    if (ids.length === 0) throw new MemoryValidationError('feedback needs at least one memory id', []);
    ids.forEach(requireId);
    if (typeof helped !== 'boolean') throw new MemoryValidationError('helped must be true or false', []);
    await this.ready();
    const unique = [...new Set(ids)];
    await this.countUse(unique, helped ? 'helped' : 'hurt', false);
    return unique.map((id) => publicMemory(this.memories.get(id)!));
  }

  /** Counts one usage event per memory in the store (read and changed inside its transaction) and in the mirror. */
  private countUse(ids: string[], event: UsageEvent, optional: boolean): Promise<Map<string, Usage | undefined>> {
    const now = new Date();
    return this.serialize(async () => {
      await this.syncIfStale();
      const { revision, usage } = await this.options.store.changeUsage(ids.map((id) => ({ id, change: (u) => recordEvent(u, event, now), optional })));
      this.applyUsage(usage);
      this.wrote(revision, false);
      this.emit(event === 'retrieved' ? 'retrieved' : 'feedback');
      return usage;
    });
  }

  /** New counts into the in-memory mirror (the indexes do not depend on them). */
  private applyUsage(usage: Map<string, Usage | undefined>): void {
    for (const [id, u] of usage) {
      const m = this.memories.get(id);
      if (!m) continue;
      const { usage: _old, ...rest } = m;
      this.memories.set(id, u ? { ...rest, usage: u } : rest);
    }
    // byHash() holds the old objects.
    if (usage.size) this.hashes = undefined;
  }

  /** The pool as retrieval sees it: the same ranking code runs over the CLI's pool files and the eval's sets. */
  private sources(): RetrievalSources {
    return {
      embed: (texts) => this.embedder.embed(texts),
      dense: (vector, n, accept) => this.index.search(vector, n, accept).map((c) => c.id),
      lexical: (text, n, accept) => this.lexical.query(text, n, accept),
      lookup: (id) => {
        const m = this.memories.get(id);
        // The stored record itself (no copy per candidate): retrieve() strips the hash from the few it returns.
        return m?.embedding ? { memory: m, vector: m.embedding.vector } : undefined;
      },
    };
  }

  promptBlock(results: RetrievedMemory[]): string {
    return formatPromptBlock(results);
  }

  async embed(texts: string[], onProgress?: (p: EmbedProgress) => void, signal?: AbortSignal): Promise<Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new MemoryValidationError('embed needs an array of strings', []);
    }
    return this.embedder.embed(texts, onProgress, signal);
  }

  /**
   * Re-embeds every memory with another model and/or key mode. All vectors are computed first and written in one
   * transaction, so a cancel (signal) or a failure leaves the pool exactly as it was.
   */
  async reembed(
    change: { embedder?: Embedder; keyMode?: KeyMode },
    onProgress?: (p: EmbedProgress) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.ready();
    await this.serialize(async () => {
      await this.syncIfStale();
      const embedder = change.embedder ?? this.embedder;
      const keyMode = change.keyMode ?? this.keyMode;
      const all = [...this.memories.values()];
      const keys = all.map((m) => keyText(m, keyMode));
      const vectors = await embedder.embed(keys, onProgress, signal);
      if (signal?.aborted) throw new DOMException('re-embedding was cancelled', 'AbortError');
      const stored = all.map((m, i) => ({
        ...m,
        embedding: { model: embedder.model, dims: vectors[i].length, key: keys[i], vector: vectors[i] },
      }));
      await this.options.store.replaceAll(stored, { model: embedder.model, keyMode });
      this.embedder = embedder;
      this.keyMode = keyMode;
      await this.reload();
      this.emit();
    });
  }

  /** Every memory with its hash and vector (for merge planning and export); newest first. */
  async entries(): Promise<StoredMemory[]> {
    await this.ready();
    await this.syncIfStale();
    return [...this.memories.values()].sort(newestFirst);
  }

  /**
   * Up to k memories of a level closest to a vector in the pool's space (its key vectors), best first, with exact
   * cosine, found through the index (an import checks every incoming memory for near-duplicates this way instead of
   * scanning the whole pool each time). Only that level: near-copies are never judged across levels.
   * Call after `entries()` or `ready()`; synchronous so a merge planner can call it in a loop.
   */
  nearest(vector: Float32Array, level: Level, k = 1): { memory: StoredMemory; score: number }[] {
    return this.index
      .search(vector, k, (id) => this.memories.get(id)?.level === level)
      .flatMap(({ id }) => {
        const m = this.memories.get(id);
        if (!m?.embedding) return [];
        let score = 0;
        const v = m.embedding.vector;
        for (let i = 0; i < v.length; i++) score += v[i] * vector[i];
        return [{ memory: m, score }];
      })
      .sort((a, b) => b.score - a.score);
  }

  /**
   * Whole-text vectors (the pool's model) of memories, for near-copy checks in a pool whose key is shorter. Kept by
   * model and content hash, a bounded 4096 (8 MB): what one ingest preview and the save after it compare, or one
   * import, without re-embedding; not a second vector for every memory of a 100k pool (see nearCopiesInPool).
   */
  async wholeVectors(memories: NearText[], onProgress?: (p: EmbedProgress) => void, signal?: AbortSignal): Promise<Float32Array[]> {
    const ids = await Promise.all(memories.map(async (m) => `${this.model}\n${(m as Partial<StoredMemory>).hash ?? (await contentHash(m))}`));
    // Hits taken before embedding: another check may evict them meanwhile.
    const known = new Map<string, Float32Array>();
    const missing = new Map<string, string>();
    ids.forEach((id, i) => {
      const hit = this.wholeCache.get(id);
      if (hit) known.set(id, hit);
      else missing.set(id, nearText(memories[i]));
    });
    const fresh = missing.size ? await this.embedder.embed([...missing.values()], onProgress, signal) : [];
    [...missing.keys()].forEach((id, i) => known.set(id, fresh[i]));
    const answer = ids.map((id) => known.get(id)!);
    // Used last, dropped last.
    ids.forEach((id, i) => {
      this.wholeCache.delete(id);
      this.wholeCache.set(id, answer[i]);
    });
    for (const oldest of this.wholeCache.keys()) {
      if (this.wholeCache.size <= MAX_WHOLE_VECTORS) break;
      this.wholeCache.delete(oldest);
    }
    return answer;
  }

  /** The pool as core/near-copy.ts sees it: its key mode, its index by level, its whole-text vectors. */
  private nearPool(onProgress?: (p: EmbedProgress) => void, signal?: AbortSignal): NearPool<StoredMemory> {
    return {
      keyMode: this.keyMode,
      search: (vector, level, k) => this.nearest(vector, level, k),
      wholeVectors: (ms) => this.wholeVectors(ms, onProgress, signal),
    };
  }

  /**
   * Writes memories that an import planned (already validated): embeds those without a vector in the pool's model,
   * then removes `replace` and inserts the rest in one transaction. A cancel or an error writes nothing.
   */
  async importMemories(
    planned: { memory: Memory; hash: string }[],
    replace: string[] = [],
    onProgress?: (p: EmbedProgress) => void,
    signal?: AbortSignal,
    /** A teammate's counts for memories already in the pool (MergePlan.usage): added to theirs in the same write. */
    usage: { id: string; add: Usage }[] = [],
  ): Promise<number> {
    await this.ready();
    return this.serialize(async () => {
      await this.syncIfStale();
      const usable = (m: Memory) => m.embedding?.model === this.model && m.embedding.key === keyText(m, this.keyMode) && m.embedding.vector.length === this.dims;
      const missing = planned.filter((p) => !usable(p.memory));
      const vectors = await this.embedder.embed(missing.map((p) => keyText(p.memory, this.keyMode)), onProgress, signal);
      if (signal?.aborted) throw new DOMException('import was cancelled', 'AbortError');
      const fresh = new Map(missing.map((p, i) => [p, vectors[i]]));
      const stored: StoredMemory[] = planned.map((p) => {
        const vector = fresh.get(p);
        const embedding = vector
          ? { model: this.model, dims: vector.length, key: keyText(p.memory, this.keyMode), vector }
          : p.memory.embedding!;
        return { ...p.memory, hash: p.hash, embedding };
      });
      const changes: UsageChange[] = usage.map(({ id, add }) => ({ id, change: (u) => addUsage(u, add), optional: true }));
      const revision = await this.options.store.removeAndInsert(replace, stored, changes);
      this.applyUsage(new Map(usage.filter(({ id }) => this.memories.has(id)).map(({ id, add }) => [id, addUsage(this.memories.get(id)!.usage, add)])));
      for (const id of replace) this.memories.delete(id);
      for (const m of stored) this.memories.set(m.id, m);
      this.hashes = undefined;
      this.index.remove(replace);
      this.index.add(stored.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
      this.lexical.remove(replace);
      this.lexical.add(stored);
      this.wrote(revision, stored.length > 0 || replace.length > 0);
      this.emit();
      return stored.length;
    });
  }

  /** Drops the in-memory index and rebuilds it from the store. */
  async rebuildIndex(): Promise<void> {
    await this.serialize(() => this.reload());
  }

  private async init(): Promise<void> {
    const { store } = this.options;
    const saved = await store.settings();
    this.keyMode = saved?.keyMode ?? this.options.keyMode ?? DEFAULT_KEY_MODE;
    await this.reload();
    if (this.contentRevision === undefined) {
      // A store from before content revisions: give it one, and take it if it describes what was just loaded.
      const content = await store.ensureContentRevision();
      if (content === this.indexRevision) this.contentRevision = content;
    }
    // Opened with another model than the pool's (reload re-embedded what needed it): the pool now uses this one.
    if (!saved || saved.model !== this.model) await store.saveSettings({ model: this.model, keyMode: this.keyMode });
    if (this.options.seed?.length && this.memories.size === 0 && !(await store.wasSeeded())) {
      const drafts = this.options.seed.map((s) => createMemory(s));
      const stored = await this.withEmbeddings(drafts);
      this.wrote(await store.insert(stored));
      // Only once: a user who deletes the demo memories does not get them back on reload.
      await store.markSeeded();
      for (const m of stored) this.memories.set(m.id, m);
      this.hashes = undefined;
      this.index.add(stored.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
      this.lexical.add(stored);
    }
  }

  /** This pool's own write reached `revision`; `content`: it changed memories, not only usage counts. */
  private wrote(revision: number, content = true): void {
    this.indexRevision = revision;
    if (content) this.contentRevision = revision;
  }

  /** Loads memories from the store and builds a fresh index. Memories embedded by another model are re-embedded. */
  private async reload(): Promise<void> {
    const { store } = this.options;
    // Read before the memories: a write landing in between leaves these older, so the next sync reloads again.
    const content = await store.contentRevision();
    const revision = await store.revision();
    // BM25 needs only the texts: its build starts while the vector bytes are still being read.
    const all = await store.all({ onRows: (rows) => this.lexical.rebuild(rows) });
    const foreign = all.filter((m) => !m.embedding || m.embedding.model !== this.model || m.embedding.key !== keyText(m, this.keyMode));
    if (foreign.length) {
      const fixed = await this.withEmbeddings(foreign.map(({ hash: _h, embedding: _e, ...m }) => m));
      await store.update(fixed);
      const byId = new Map(fixed.map((m) => [m.id, m]));
      for (let i = 0; i < all.length; i++) all[i] = byId.get(all[i].id) ?? all[i];
    }
    this.memories = new Map(all.map((m) => [m.id, m]));
    this.hashes = undefined;
    const index = await this.options.createIndex(this.options.index ?? 'auto', this.dims, all.length);
    index.build(all.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
    this.index = index;
    this.indexRevision = foreign.length ? await store.revision() : revision;
    this.contentRevision = foreign.length ? await store.contentRevision() : content;
    this.rebuilds++;
  }

  /** Another tab (or an import) may have written since we built the index: detect it and rebuild. */
  private async syncIfStale(): Promise<void> {
    const revision = await this.options.store.revision();
    if (revision === this.indexRevision && this.index.size === this.memories.size) return;
    const content = await this.options.store.contentRevision();
    if (content !== undefined && content === this.contentRevision && this.index.size === this.memories.size) {
      // Another tab only counted retrievals or feedback: refresh the counts, keep the vectors and indexes.
      const usage = await this.options.store.usages();
      for (const [id, m] of this.memories) {
        const u = usage.get(id);
        if (u === m.usage) continue;
        const { usage: _old, ...rest } = m;
        this.memories.set(id, u ? { ...rest, usage: u } : rest);
      }
      this.hashes = undefined;
      this.indexRevision = revision;
      this.emit('usage');
      return;
    }
    await this.reload();
    this.emit();
  }

  /** Memories by content hash. Kept between adds (building it costs ~25 ms at 100k); any other write drops it. */
  private byHash(): Map<string, StoredMemory> {
    if (!this.hashes) {
      this.hashes = new Map();
      for (const m of this.memories.values()) this.hashes.set(m.hash, m);
    }
    return this.hashes;
  }

  /** Keeps a previewed vector (see nearContent) under the model that made it; the oldest go first past the limit. */
  private rememberVector(key: string, vector: Float32Array): void {
    const id = `${this.model}\n${key}`;
    this.previewVectors.delete(id);
    this.previewVectors.set(id, vector);
    for (const oldest of this.previewVectors.keys()) {
      if (this.previewVectors.size <= MAX_PREVIEW_VECTORS) break;
      this.previewVectors.delete(oldest);
    }
  }

  private async withEmbeddings(drafts: Memory[], onProgress?: (p: EmbedProgress) => void): Promise<StoredMemory[]> {
    if (drafts.length === 0) return [];
    const keys = drafts.map((m) => keyText(m, this.keyMode));
    const previewed = (key: string) => this.previewVectors.get(`${this.model}\n${key}`);
    const toEmbed = [...new Set(keys.filter((k) => !previewed(k)))];
    const fresh = new Map(toEmbed.length ? (await this.embedder.embed(toEmbed, onProgress)).map((v, i) => [toEmbed[i], v]) : []);
    const vectors = keys.map((k) => previewed(k) ?? fresh.get(k)!);
    return Promise.all(
      drafts.map(async (m, i) => ({
        ...m,
        hash: await contentHash(m),
        embedding: { model: this.model, dims: vectors[i].length, key: keys[i], vector: vectors[i] },
      })),
    );
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private emit(change: PoolChange = 'memories'): void {
    for (const l of this.listeners) l(change);
  }
}

function requireId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !id) throw new MemoryValidationError('id must be a non-empty string', []);
}

/** What callers get: the memory with its embedding description, but no internal hash. */
function publicMemory(m: StoredMemory): Memory {
  const { hash: _hash, ...memory } = m;
  return memory;
}
