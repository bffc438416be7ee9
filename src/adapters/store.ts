// IndexedDB store: the single source of truth. Memories and their raw Float32 vectors live here;
// every vector index is derived from it and can be rebuilt at any time.
//
// Layout (v4): memories live in pages of up to PAGE_ROWS rows, not one record each. Chromium pays a fixed cost
// per IndexedDB record, whatever its size (measured: 100k records of 2 KB or of 100k small Float32Arrays both read
// in ~2.5 s, while ~200 records holding the same memories read in ~0.5 s). A page is two records under one key:
// `pages` holds the ids and the memories as one JSON string, `vectors` every row's vector packed in one Blob,
// so the vectors can be read without the text. Blob, not Float32Array (v3): reading a record deserializes a typed
// array on the main thread (205 MB at 100k × 512: ~0.35 s, on top of ~0.6 s of I/O), while a Blob arrives as a
// handle whose bytes are read in parallel (the same 205 MB: 0.3-0.45 s, measured in Chromium 150), by a worker
// when there are many (read-blobs.ts). Edits never read vector bytes: a rewritten page is a new Blob made of slices of
// the old one. The price of pages: a write rewrites the pages it touches (≤ PAGE_ROWS rows, milliseconds), and finding
// a memory's page needs a directory, kept in memory and rebuilt from `pages` whenever the revision shows that another
// tab wrote.
//
// Not every IndexedDB can hold a Blob: WebKit refuses them in private windows and automation sessions ("Error
// preparing Blob/File data to be stored in object store"). The store asks once at open (storage.ts, blobsStorable)
// and there keeps each page's vectors as one ArrayBuffer instead: same schema version, same records, only `data`'s
// type differs, and readers take either, so a pool moves between the two forms without a migration.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Embedding, KeyMode, Memory } from '../core/memory';
import type { Usage } from '../core/usage';
import { concatBytes, formatBytes } from '../core/pool-file/bytes';
import { blobsStorable, storageState } from './storage';
import { readBlobs } from './read-blobs';

export const DB_NAME = 'insight-pool';
export const DB_VERSION = 4;
/**
 * 1024 rows × 512 dims = 2 MB of vectors per page. Measured in Chromium at 100k: 512-row pages read slower, and 2048-row
 * pages reload no faster (1.9 vs 1.8 s) while one edit, which rewrites its page, takes twice as long (36-58 vs 20-34 ms).
 */
export const PAGE_ROWS = 1024;

/**
 * How vector pages are kept: `blob` (one Blob per page; read off the main thread) where IndexedDB can store Blobs,
 * `arraybuffer` where it cannot (WebKit private windows and automation sessions).
 */
export type VectorForm = 'blob' | 'arraybuffer';

/** What is stored per memory: the memory itself plus the content hash used for duplicate detection. */
export interface StoredMemory extends Memory {
  hash: string;
}

export interface PoolSettings {
  /** Embedding model of the pool: every stored vector was made with it. */
  model: string;
  keyMode: KeyMode;
}

/** Bumped in the same transaction as every write, so a derived index can tell it is stale. */
export interface PoolRevision {
  revision: number;
}

export interface IndexSnapshot {
  kind: string;
  model: string;
  revision: number;
  count: number;
  data: string;
}

/**
 * A change of one memory's usage counts, applied to the row as the store holds it inside the write transaction (not to
 * a copy read earlier), so counts from two tabs add up instead of one overwriting the other.
 */
export interface UsageChange {
  id: string;
  change: (usage: Usage | undefined) => Usage | undefined;
  /** A missing id is skipped instead of failing the write (a retrieval counted after another tab deleted it). */
  optional?: boolean;
}

/** A memory as its page stores it: the vector lives in the page's vector record. */
type PageRow = Omit<StoredMemory, 'embedding'> & { embedding?: Omit<Embedding, 'vector'> };

interface PageRecord {
  ids: string[];
  /** JSON array of PageRow, in the order of `ids`. */
  rows: string;
}

interface VectorRecord {
  /** Length of each row's vector (0: no vector), in the order of the page's ids. */
  lengths: number[];
  /** The rows' Float32 vectors back to back (platform byte order, as Float32Array writes them); see VectorForm. */
  data: Blob | ArrayBuffer;
}

/** Bytes [start, end) of a stored page's data: a row's vector that an edit leaves alone, never read. */
interface Slice {
  from: Blob | ArrayBuffer;
  start: number;
  end: number;
}

/** A row's vector while its page is edited: still where the stored Blob has it, or a new vector. */
type RowVector = Float32Array | Slice | undefined;

interface PoolDB extends DBSchema {
  pages: { key: number; value: PageRecord };
  vectors: { key: number; value: VectorRecord };
  meta: {
    key: string;
    value: PoolSettings | PoolRevision | { seeded: boolean };
  };
  /** v2: serialized index snapshots (Voy), keyed by index kind. Derived data; safe to drop. */
  indexSnapshots: {
    key: string;
    value: IndexSnapshot;
  };
}

type Stores = ('pages' | 'vectors' | 'meta' | 'indexSnapshots')[];
type WriteTx = IDBPTransaction<PoolDB, Stores, 'readwrite' | 'versionchange'>;

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * After a failed write: aborts so nothing of it lands, lets the writes still in flight fail quietly (they reject with
 * AbortError, as does tx.done), and returns the error to throw.
 */
async function abandon(tx: { abort(): void; done: Promise<void> }, writes: Promise<unknown>[], error: unknown): Promise<unknown> {
  for (const w of writes) w.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    /* already finished */
  }
  await tx.done.catch(() => undefined);
  return explainWriteError(error);
}

/** A full disk or quota reaches us as a bare "QuotaExceededError"; say what it means for the pool and what to do. */
async function explainWriteError(error: unknown): Promise<unknown> {
  if ((error as { name?: unknown } | undefined)?.name !== 'QuotaExceededError') return error;
  const { usage, quota } = await storageState().catch(() => ({ usage: undefined, quota: undefined }));
  const used = usage !== undefined && quota !== undefined ? ` (it uses ${formatBytes(usage)} of the ${formatBytes(quota)} it may use)` : '';
  return new StoreError(
    `this browser has no room left for the pool${used}: nothing of this change was written. Free disk space, or export the pool and delete memories you do not need, then try again.`,
    { cause: error },
  );
}

/** Which page holds each memory, valid for one revision of the store. */
interface Directory {
  revision: number;
  pageOf: Map<string, number>;
  lastPage: number;
}

/** A page being edited inside a write transaction: rows decoded, written back once at the end. */
class EditedPage {
  constructor(
    readonly ids: string[],
    readonly rows: PageRow[],
    readonly vectors: RowVector[],
  ) {}

  static decode(page: PageRecord | undefined, vectors: VectorRecord | undefined): EditedPage {
    if (!page && !vectors) return new EditedPage([], [], []);
    // Half a page must not pass for an empty one: writing to it would overwrite the rows that are there.
    if (!page || !vectors) throw new StoreError(`store is damaged: a page has ${page ? 'rows but no vector record' : 'vectors but no row record'}`);
    checkRows(page, vectors);
    return new EditedPage([...page.ids], JSON.parse(page.rows) as PageRow[], slices(vectors));
  }

  indexOf(id: string): number {
    const i = this.ids.indexOf(id);
    if (i < 0) throw new StoreError(`store directory is out of date: "${id}" is not on its page`);
    return i;
  }

  set(i: number, memory: StoredMemory): void {
    const [row, vector] = split(memory);
    this.ids[i] = memory.id;
    this.rows[i] = row;
    this.vectors[i] = vector;
  }

  push(memory: StoredMemory): void {
    this.set(this.ids.length, memory);
  }

  delete(i: number): void {
    this.ids.splice(i, 1);
    this.rows.splice(i, 1);
    this.vectors.splice(i, 1);
  }

  encode(form: VectorForm): [PageRecord, VectorRecord] {
    return [{ ids: this.ids, rows: JSON.stringify(this.rows) }, pack(this.vectors, form)];
  }
}

function split(memory: StoredMemory): [PageRow, Float32Array | undefined] {
  const { embedding, ...rest } = memory;
  if (!embedding) return [rest, undefined];
  const { vector, ...described } = embedding;
  if (!(vector instanceof Float32Array)) throw new StoreError(`memory "${memory.id}": vector must be a Float32Array`);
  return [{ ...rest, embedding: { ...described, dims: vector.length } }, vector];
}

/**
 * Untouched rows stay references into the old Blob, merged into one slice per contiguous run, and new
 * vectors are copied into one buffer per run: a Blob built from one part per row took ~1 s to store in
 * Chromium (a 2048-row page), one built from a few parts takes milliseconds.
 */
function pack(vectors: RowVector[], form: VectorForm): VectorRecord {
  const lengths = vectors.map((v) => (v instanceof Float32Array ? v.length : v ? (v.end - v.start) / 4 : 0));
  const parts: (Blob | Uint8Array)[] = [];
  let run: Slice | undefined;
  let fresh: Float32Array[] = [];
  const flush = () => {
    if (run) parts.push(isBlob(run.from) ? run.from.slice(run.start, run.end) : new Uint8Array(run.from, run.start, run.end - run.start));
    if (fresh.length) parts.push(concatBytes(fresh.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength))));
    run = undefined;
    fresh = [];
  };
  vectors.forEach((v, i) => {
    if (!v || lengths[i] === 0) return;
    if (v instanceof Float32Array) {
      if (run) flush();
      fresh.push(v);
    } else if (run && run.from === v.from && run.end === v.start) {
      run.end = v.end;
    } else {
      flush();
      run = { ...v };
    }
  });
  flush();
  if (form === 'blob') return { lengths, data: new Blob(parts as BlobPart[]) };
  // Reading a Blob's bytes is async, and an IndexedDB transaction does not survive waiting on it: an edit can only
  // keep rows from ArrayBuffer pages here (MemoryStore.open turns any Blob page into one first).
  if (parts.some(isBlob)) throw new StoreError('store holds a Blob vector page this browser cannot rewrite; reopen the pool');
  return { lengths, data: concatBytes(parts as Uint8Array[]).buffer as ArrayBuffer };
}

/** A Blob from IndexedDB (any realm); the other form of page data is an ArrayBuffer. */
function isBlob(data: unknown): data is Blob {
  return typeof (data as Blob | undefined)?.arrayBuffer === 'function';
}

function byteSize(data: Blob | ArrayBuffer): number {
  return isBlob(data) ? data.size : data.byteLength;
}

/** The bytes [start, end) of a page's data. */
async function bytesOf(data: Blob | ArrayBuffer, start = 0, end = byteSize(data)): Promise<ArrayBuffer> {
  return isBlob(data) ? data.slice(start, end).arrayBuffer() : start === 0 && end === data.byteLength ? data : data.slice(start, end);
}

/** Where each row's vector starts in the page, in floats. */
function offsets(lengths: number[]): number[] {
  let offset = 0;
  return lengths.map((n) => (offset += n) - n);
}

/** Refuses a page whose row and vector records disagree on how many rows it holds. */
function checkRows(page: PageRecord, vectors: VectorRecord): void {
  if (vectors.lengths.length !== page.ids.length) throw new StoreError(`store is damaged: a page has ${page.ids.length} rows but ${vectors.lengths.length} vector lengths`);
}

/** Refuses a vector page whose bytes do not match its rows' lengths (it would misplace every later vector). */
function checkSize({ lengths, data }: VectorRecord): void {
  const total = lengths.reduce((a, b) => a + b, 0);
  const size = data ? byteSize(data) : undefined;
  if (size !== total * 4) throw new StoreError(`store is damaged: a vector page holds ${size ?? 'no'} bytes, its rows need ${total * 4}`);
}

/** Where each row's vector is in the stored Blob: no bytes are read. */
function slices(record: VectorRecord): RowVector[] {
  checkSize(record);
  const { lengths, data } = record;
  const at = offsets(lengths);
  return lengths.map((n, i) => (n === 0 ? undefined : { from: data, start: at[i] * 4, end: (at[i] + n) * 4 }));
}

/**
 * Every page's vectors, the Blob pages read together (in a worker when they are many, read-blobs.ts); rows are views
 * into one buffer per page (a loaded pool holds ~100 buffers, not 100k).
 */
async function unpackAll(records: VectorRecord[]): Promise<(Float32Array | undefined)[][]> {
  records.forEach(checkSize);
  const read = await readBlobs(records.map((r) => r.data).filter(isBlob));
  let next = 0;
  return records.map(({ lengths, data }) => {
    const all = new Float32Array(isBlob(data) ? read[next++] : data);
    const at = offsets(lengths);
    return lengths.map((n, i) => (n === 0 ? undefined : all.subarray(at[i], at[i] + n)));
  });
}

/** Attaches the vector to a freshly parsed row (ours alone, so no copy: 100k spreads cost ~0.2 s on load). */
function join(row: PageRow, vector: Float32Array | undefined): StoredMemory {
  if (row.embedding && vector) (row.embedding as Embedding).vector = vector;
  return row as StoredMemory;
}

/** Packs memories into full pages starting at key `first` (initial load, migration, replaceAll). */
function paginate(memories: StoredMemory[], first: number, form: VectorForm): [number, PageRecord, VectorRecord][] {
  const out: [number, PageRecord, VectorRecord][] = [];
  for (let start = 0; start < memories.length; start += PAGE_ROWS) {
    const page = new EditedPage([], [], []);
    for (const m of memories.slice(start, start + PAGE_ROWS)) page.push(m);
    out.push([first + out.length, ...page.encode(form)]);
  }
  return out;
}

/** The page directory for pages read under one revision (keys[p] is the key of pages[p]). */
function directoryOf(revision: number, keys: number[], pages: PageRecord[]): Directory {
  const dir: Directory = { revision, pageOf: new Map(), lastPage: -1 };
  pages.forEach((page, p) => {
    for (const id of page.ids) dir.pageOf.set(id, keys[p]);
    dir.lastPage = Math.max(dir.lastPage, keys[p]);
  });
  return dir;
}

/** The stored revision record's number; 0 for a store that was never written. */
function revisionOf(value: unknown): number {
  return (value as PoolRevision | undefined)?.revision ?? 0;
}

/** Writes either land completely or not at all: one IndexedDB transaction per call. */
export class MemoryStore {
  private directory?: Directory;

  private constructor(
    private readonly db: IDBPDatabase<PoolDB>,
    /** How this store writes vector pages in this browser (see VectorForm). */
    readonly vectorForm: VectorForm,
  ) {}

  /** `vectorForm` is asked of the browser unless given (tests pin it). */
  static async open(name = DB_NAME, options: { vectorForm?: VectorForm } = {}): Promise<MemoryStore> {
    // Asked before the upgrade, which writes vector pages of its own.
    const form = options.vectorForm ?? ((await blobsStorable()) ? 'blob' : 'arraybuffer');
    const db = await openDB<PoolDB>(name, DB_VERSION, {
      async upgrade(db, oldVersion, _newVersion, tx) {
        // Fall through on purpose: each step brings any older version one version forward.
        const legacy = db as unknown as IDBPDatabase;
        const legacyTx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
        // Anything unexpected aborts the upgrade, so the old store stays as it was rather than half converted.
        const convert = async (step: () => Promise<void>) => {
          try {
            await step();
          } catch (error) {
            tx.abort();
            throw error;
          }
        };
        if (oldVersion < 1) db.createObjectStore('meta');
        if (oldVersion < 2) db.createObjectStore('indexSnapshots');
        if (oldVersion < 3) {
          db.createObjectStore('pages');
          db.createObjectStore('vectors');
          // v1/v2 kept one record per memory: move them into pages in this same upgrade transaction.
          if (oldVersion >= 1) {
            await convert(async () => {
              const writes: Promise<unknown>[] = [];
              for (const [key, page, vectors] of paginate((await legacyTx.objectStore('memories').getAll()) as StoredMemory[], 0, form)) {
                writes.push(tx.objectStore('pages').add(page, key), tx.objectStore('vectors').add(vectors, key));
              }
              await Promise.all(writes);
              legacy.deleteObjectStore('memories');
            });
          }
        }
        // v3 kept each page's vectors as a Float32Array: wrap them in Blobs (or copy them into ArrayBuffers where
        // Blobs cannot be stored), in this same upgrade transaction.
        if (oldVersion === 3) {
          await convert(async () => {
            for (let c = await legacyTx.objectStore('vectors').openCursor(); c; c = await c.continue()) {
              const { lengths, data } = c.value as { lengths: number[]; data: Float32Array };
              const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
              await c.update({ lengths, data: form === 'blob' ? new Blob([bytes as BlobPart]) : bytes.slice().buffer });
            }
          });
        }
      },
      blocking() {
        // Another tab wants a newer schema: step aside instead of blocking its upgrade.
        db.close();
      },
    });
    const store = new MemoryStore(db, form);
    if (form === 'arraybuffer') await store.unblob();
    return store;
  }

  /**
   * Rewrites any Blob vector page as an ArrayBuffer (same bytes, same revision): a pool written where Blobs could be
   * stored, opened where they cannot. An edit must be able to keep a page's other rows without an async read inside
   * its transaction. Reads every vector page once, so only this fallback pays it; nothing to do for a pool that has
   * never held a Blob beyond that read.
   */
  private async unblob(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const read = this.db.transaction(['vectors', 'meta']);
      const [revision, keys, records] = await Promise.all([this.readRevision(read), read.objectStore('vectors').getAllKeys(), read.objectStore('vectors').getAll()]);
      const blobbed = keys.map((key, i) => [key, records[i]] as const).filter(([, r]) => isBlob(r.data));
      if (blobbed.length === 0) return;
      const converted = await Promise.all(blobbed.map(async ([key, r]) => [key, { lengths: r.lengths, data: await bytesOf(r.data) }] as const));
      const tx = this.db.transaction(['vectors', 'meta'], 'readwrite');
      // Another tab wrote meanwhile: its pages may differ from what was read, so read again.
      if ((await this.readRevision(tx)) !== revision) continue;
      await Promise.all([...converted.map(([key, r]) => tx.objectStore('vectors').put(r, key)), tx.done]);
      return;
    }
    throw new StoreError('could not convert the pool\'s vector pages for this browser: another tab kept writing; close it and reload');
  }

  close(): void {
    this.db.close();
  }

  async settings(): Promise<PoolSettings | undefined> {
    return (await this.db.get('meta', 'settings')) as PoolSettings | undefined;
  }

  async saveSettings(settings: PoolSettings): Promise<void> {
    await this.db.put('meta', settings, 'settings');
  }

  async revision(): Promise<number> {
    return revisionOf(await this.db.get('meta', 'revision'));
  }

  /** The revision of the last write that changed memories, not only their usage; undefined in a store written
   *  before this was kept (then any write counts as one). */
  async contentRevision(): Promise<number | undefined> {
    return (await this.db.get('meta', 'content') as PoolRevision | undefined)?.revision;
  }

  /**
   * Gives a store written before the content revision was kept one: its current revision (safe, since it claims no
   * content change later than the real one). Returns the content revision.
   */
  async ensureContentRevision(): Promise<number> {
    const tx = this.db.transaction('meta', 'readwrite');
    const meta = tx.objectStore('meta');
    const have = (await meta.get('content')) as PoolRevision | undefined;
    const revision = have?.revision ?? revisionOf(await meta.get('revision'));
    if (!have) await meta.put({ revision }, 'content');
    await tx.done;
    return revision;
  }

  /** Every memory's usage counts, read from the rows alone (no vector bytes). */
  async usages(): Promise<Map<string, Usage | undefined>> {
    const pages = await this.db.getAll('pages');
    const out = new Map<string, Usage | undefined>();
    for (const page of pages) for (const row of JSON.parse(page.rows) as PageRow[]) out.set(row.id, row.usage);
    return out;
  }

  async wasSeeded(): Promise<boolean> {
    return Boolean(((await this.db.get('meta', 'seeded')) as { seeded: boolean } | undefined)?.seeded);
  }

  async markSeeded(): Promise<void> {
    await this.db.put('meta', { seeded: true }, 'seeded');
  }

  async count(): Promise<number> {
    const tx = this.db.transaction(['pages', 'meta']);
    const dir = await this.directoryFor(tx);
    return dir.pageOf.size;
  }

  async get(id: string): Promise<StoredMemory | undefined> {
    const tx = this.db.transaction(['pages', 'vectors', 'meta']);
    const dir = await this.directoryFor(tx);
    const key = dir.pageOf.get(id);
    if (key === undefined) return undefined;
    const [page, vectors] = await Promise.all([tx.objectStore('pages').get(key), tx.objectStore('vectors').get(key)]);
    const edited = EditedPage.decode(page, vectors);
    const i = edited.indexOf(id);
    const v = edited.vectors[i];
    return join(edited.rows[i], v && !(v instanceof Float32Array) ? new Float32Array(await bytesOf(v.from, v.start, v.end)) : v);
  }

  /**
   * Every memory with its vector; also refreshes the page directory, which costs nothing extra here. `onRows` gets the
   * same memories as soon as their rows are parsed, while the vector bytes are still being read (~1 s of a 100k
   * reload): work that needs only the texts (the lexical index) can use that wait. Their vectors are attached in
   * place when the bytes arrive.
   */
  async all(options: { onRows?: (memories: readonly StoredMemory[]) => void } = {}): Promise<StoredMemory[]> {
    const tx = this.db.transaction(['pages', 'vectors', 'meta']);
    const [revision, keys, pages, vectors] = await Promise.all([
      this.readRevision(tx),
      tx.objectStore('pages').getAllKeys(),
      tx.objectStore('pages').getAll(),
      tx.objectStore('vectors').getAll(),
    ]);
    if (vectors.length !== pages.length) throw new StoreError(`store is damaged: ${pages.length} pages but ${vectors.length} vector pages`);
    pages.forEach((page, p) => checkRows(page, vectors[p]));
    // The vector bytes are read off the main thread while the rows are parsed here.
    const reading = unpackAll(vectors);
    reading.catch(() => undefined); // awaited below; this only keeps a parse error from leaving it unhandled
    const parsed = pages.map((page) => JSON.parse(page.rows) as PageRow[]);
    const out = parsed.flat() as StoredMemory[];
    options.onRows?.(out);
    const unpacked = await reading;
    parsed.forEach((rows, p) => rows.forEach((r, i) => join(r, unpacked[p][i])));
    this.directory = directoryOf(revision, keys, pages);
    return out;
  }

  /**
   * Inserts new memories. Fails the whole batch (nothing written) if any id already exists,
   * so an id conflict never overwrites silently.
   */
  async insert(memories: StoredMemory[]): Promise<number> {
    return this.write(memories, [], 'insert');
  }

  /** Replaces existing memories (edit), keeping each one's stored usage counts; fails the whole batch if any id is missing. */
  async update(memories: StoredMemory[]): Promise<number> {
    return this.write(memories, [], 'update');
  }

  /**
   * Removes some memories, inserts others and changes the usage counts of others in one transaction (an import that
   * replaces near-duplicates and adds a teammate's counts to memories already here).
   */
  async removeAndInsert(remove: string[], insert: StoredMemory[], usage: UsageChange[] = []): Promise<number> {
    return this.write(insert, remove, 'insert', usage);
  }

  /**
   * Changes usage counts (a retrieval, feedback) in one transaction, reading each row inside it. Rewrites only the rows'
   * pages; vector bytes are not read. Returns the new revision and each changed memory's counts as stored.
   */
  async changeUsage(changes: UsageChange[]): Promise<{ revision: number; usage: Map<string, Usage | undefined> }> {
    const usage = new Map<string, Usage | undefined>();
    const revision = await this.write([], [], 'insert', changes, usage);
    return { revision, usage };
  }

  /** Deletes by id; fails the whole batch if any id is missing. */
  async remove(ids: string[]): Promise<number> {
    return this.write([], ids, 'update');
  }

  /**
   * Replaces every memory and the settings in one transaction (re-embedding with another model):
   * readers see the old pool or the new one, never a mix of vector spaces.
   */
  async replaceAll(memories: StoredMemory[], settings: PoolSettings): Promise<number> {
    const tx = this.db.transaction(['pages', 'vectors', 'meta', 'indexSnapshots'], 'readwrite');
    this.directory = undefined;
    const writes: Promise<unknown>[] = [];
    try {
      const pages = paginate(memories, 0, this.vectorForm);
      await Promise.all([tx.objectStore('pages').clear(), tx.objectStore('vectors').clear(), tx.objectStore('indexSnapshots').clear()]);
      writes.push(tx.objectStore('meta').put(settings, 'settings'));
      // One push per request: a write that throws at once must not orphan the one issued before it.
      for (const [key, page, vectors] of pages) {
        writes.push(tx.objectStore('pages').add(page, key));
        writes.push(tx.objectStore('vectors').add(vectors, key));
      }
      // A failed write aborts the transaction (the old pool stays); awaiting all of them at once observes every one.
      const revision = this.bump(tx);
      writes.push(revision);
      await Promise.all([...writes, tx.done]);
      return revision;
    } catch (error) {
      throw await abandon(tx, writes, error);
    }
  }

  async saveSnapshot(snapshot: IndexSnapshot): Promise<void> {
    await this.db.put('indexSnapshots', snapshot, snapshot.kind);
  }

  async snapshot(kind: string): Promise<IndexSnapshot | undefined> {
    return this.db.get('indexSnapshots', kind);
  }

  private async readRevision(tx: { objectStore(name: 'meta'): { get(key: string): Promise<unknown> } }): Promise<number> {
    return revisionOf(await tx.objectStore('meta').get('revision'));
  }

  /** The page directory for the store's current revision, rebuilt from the page ids if another tab wrote. */
  private async directoryFor(tx: IDBPTransaction<PoolDB, Stores, IDBTransactionMode>): Promise<Directory> {
    const revision = await this.readRevision(tx as never);
    if (this.directory?.revision === revision) return this.directory;
    const pages = tx.objectStore('pages' as never) as unknown as IDBPTransaction<PoolDB, ['pages']>['store'];
    const [keys, values] = await Promise.all([pages.getAllKeys(), pages.getAll()]);
    this.directory = directoryOf(revision, keys, values);
    return this.directory;
  }

  private async write(
    puts: StoredMemory[],
    deletes: string[],
    mode: 'insert' | 'update',
    usage: UsageChange[] = [],
    changed = new Map<string, Usage | undefined>(),
  ): Promise<number> {
    const tx = this.db.transaction(['pages', 'vectors', 'meta'], 'readwrite');
    const writes: Promise<unknown>[] = [];
    try {
      const dir = await this.directoryFor(tx);
      // The directory changes as we go; if anything below fails it no longer matches the store.
      this.directory = undefined;
      const edited = new Map<number, EditedPage>();
      const page = async (key: number) => {
        let p = edited.get(key);
        if (!p) {
          const [rows, vectors] = await Promise.all([tx.objectStore('pages').get(key), tx.objectStore('vectors').get(key)]);
          p = EditedPage.decode(rows, vectors);
          edited.set(key, p);
        }
        return p;
      };
      // Deletes first: an import that replaces a memory may reuse its id.
      for (const id of deletes) {
        const key = dir.pageOf.get(id);
        if (key === undefined) throw new StoreError(`no memory with id "${id}"`);
        const p = await page(key);
        p.delete(p.indexOf(id));
        dir.pageOf.delete(id);
      }
      if (mode === 'update') {
        const missing = puts.find((m) => !dir.pageOf.has(m.id));
        if (missing) throw new StoreError(`no memory with id "${missing.id}"`);
        for (const m of puts) {
          const p = await page(dir.pageOf.get(m.id)!);
          const i = p.indexOf(m.id);
          // Usage counts are changed only by changeUsage (in this transaction, on the stored row): an edit made from a
          // tab's copy must not put back counts another tab has added since.
          const { usage: _theirs, ...edited } = m;
          const stored = p.rows[i].usage;
          p.set(i, stored ? { ...edited, usage: stored } : edited);
        }
      } else {
        // New memories fill the last page, then open new ones.
        let key = dir.lastPage < 0 ? 0 : dir.lastPage;
        for (const m of puts) {
          if (dir.pageOf.has(m.id)) throw new StoreError(`a memory with id "${m.id}" already exists`);
          let p = await page(key);
          if (p.ids.length >= PAGE_ROWS) p = await page(++key);
          p.push(m);
          dir.pageOf.set(m.id, key);
        }
      }
      for (const u of usage) {
        const key = dir.pageOf.get(u.id);
        if (key === undefined) {
          if (u.optional) continue;
          throw new StoreError(`no memory with id "${u.id}"`);
        }
        const p = await page(key);
        const i = p.indexOf(u.id);
        const { usage: current, ...row } = p.rows[i];
        const next = u.change(current);
        p.rows[i] = next ? { ...row, usage: next } : row;
        changed.set(u.id, next);
      }
      // Issued together, awaited together: a failing write (quota) rejects here and aborts the batch.
      for (const [key, p] of edited) {
        if (p.ids.length === 0) {
          writes.push(tx.objectStore('pages').delete(key));
          writes.push(tx.objectStore('vectors').delete(key));
        } else {
          const [rows, vectors] = p.encode(this.vectorForm);
          // One push per request: a write that throws at once must not orphan the one issued before it.
          writes.push(tx.objectStore('pages').put(rows, key));
          writes.push(tx.objectStore('vectors').put(vectors, key));
        }
        dir.lastPage = Math.max(dir.lastPage, key);
      }
      await Promise.all(writes);
      const revision = await this.bump(tx, puts.length > 0 || deletes.length > 0);
      await tx.done;
      this.directory = { ...dir, revision };
      return revision;
    } catch (error) {
      throw await abandon(tx, writes, error);
    }
  }

  /**
   * Bumps the revision. A write that changes what memories there are or say (not only usage counts) also records it as
   * the `content` revision: another tab that sees only the revision move can then refresh the counts alone
   * (usages()) instead of reloading every vector and rebuilding its indexes (5 s at 20k memories).
   */
  private async bump(tx: WriteTx | IDBPTransaction<PoolDB, Stores, 'readwrite'>, content = true): Promise<number> {
    const meta = tx.objectStore('meta');
    const current = revisionOf(await meta.get('revision'));
    await meta.put({ revision: current + 1 }, 'revision');
    if (content) await meta.put({ revision: current + 1 }, 'content');
    return current + 1;
  }
}
