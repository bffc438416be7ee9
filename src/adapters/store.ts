// IndexedDB store: the single source of truth. Memories and their raw Float32 vectors live here;
// every vector index is derived from it and can be rebuilt at any time.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { KeyMode, Memory } from '../core/memory';

export const DB_NAME = 'insight-pool';
export const DB_VERSION = 2;

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

interface PoolDB extends DBSchema {
  memories: {
    key: string;
    value: StoredMemory;
    indexes: { level: string; domain: string; hash: string; createdAt: string };
  };
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

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Writes either land completely or not at all: one IndexedDB transaction per call. */
export class MemoryStore {
  private constructor(private readonly db: IDBPDatabase<PoolDB>) {}

  static async open(name = DB_NAME): Promise<MemoryStore> {
    const db = await openDB<PoolDB>(name, DB_VERSION, {
      upgrade(db, oldVersion, _newVersion, tx) {
        // Fall through on purpose: each step brings any older version one version forward.
        if (oldVersion < 1) {
          const memories = db.createObjectStore('memories', { keyPath: 'id' });
          memories.createIndex('level', 'level');
          memories.createIndex('domain', 'domain');
          memories.createIndex('createdAt', 'createdAt');
          db.createObjectStore('meta');
        }
        if (oldVersion < 2) {
          db.createObjectStore('indexSnapshots');
          const memories = tx.objectStore('memories');
          if (!memories.indexNames.contains('hash')) memories.createIndex('hash', 'hash');
        }
      },
      blocking() {
        // Another tab wants a newer schema: step aside instead of blocking its upgrade.
        db.close();
      },
    });
    return new MemoryStore(db);
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
    return ((await this.db.get('meta', 'revision')) as PoolRevision | undefined)?.revision ?? 0;
  }

  async wasSeeded(): Promise<boolean> {
    return Boolean(((await this.db.get('meta', 'seeded')) as { seeded: boolean } | undefined)?.seeded);
  }

  async markSeeded(): Promise<void> {
    await this.db.put('meta', { seeded: true }, 'seeded');
  }

  async count(): Promise<number> {
    return this.db.count('memories');
  }

  async get(id: string): Promise<StoredMemory | undefined> {
    return this.db.get('memories', id);
  }

  async all(): Promise<StoredMemory[]> {
    return this.db.getAll('memories');
  }

  async findByHash(hash: string): Promise<StoredMemory[]> {
    return this.db.getAllFromIndex('memories', 'hash', hash);
  }

  /**
   * Inserts new memories. Fails the whole batch (nothing written) if any id already exists,
   * so an id conflict never overwrites silently.
   */
  async insert(memories: StoredMemory[]): Promise<number> {
    return this.write(memories, [], 'insert');
  }

  /** Replaces existing memories (edit); fails the whole batch if any id is missing. */
  async update(memories: StoredMemory[]): Promise<number> {
    return this.write(memories, [], 'update');
  }

  /** Removes some memories and inserts others in one transaction (an import that replaces near-duplicates). */
  async removeAndInsert(remove: string[], insert: StoredMemory[]): Promise<number> {
    return this.write(insert, remove, 'insert');
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
    const tx = this.db.transaction(['memories', 'meta', 'indexSnapshots'], 'readwrite');
    const store = tx.objectStore('memories');
    await store.clear();
    for (const m of memories) void store.add(m);
    await tx.objectStore('indexSnapshots').clear();
    void tx.objectStore('meta').put(settings, 'settings');
    const revision = await this.bump(tx.objectStore('meta'));
    await tx.done;
    return revision;
  }

  async saveSnapshot(snapshot: IndexSnapshot): Promise<void> {
    await this.db.put('indexSnapshots', snapshot, snapshot.kind);
  }

  async snapshot(kind: string): Promise<IndexSnapshot | undefined> {
    return this.db.get('indexSnapshots', kind);
  }

  private async write(puts: StoredMemory[], deletes: string[], mode: 'insert' | 'update'): Promise<number> {
    const tx = this.db.transaction(['memories', 'meta'], 'readwrite');
    const store = tx.objectStore('memories');
    try {
      // Deletes first: an import that replaces a memory may reuse its id.
      for (const id of deletes) {
        if ((await store.getKey(id)) === undefined) throw new StoreError(`no memory with id "${id}"`);
        await store.delete(id);
      }
      if (mode === 'update') {
        const keys = await Promise.all(puts.map((m) => store.getKey(m.id)));
        const missing = puts.find((_, i) => keys[i] === undefined);
        if (missing) throw new StoreError(`no memory with id "${missing.id}"`);
      }
      // Requests are queued without waiting for each one: a 10k-memory import is one pipelined transaction. `add`
      // refuses an existing id, which aborts the whole transaction, so nothing of the batch lands.
      const revision = await this.bump(tx.objectStore('meta'));
      let failure: unknown;
      const requests = puts.map((m) =>
        (mode === 'insert' ? store.add(m) : store.put(m)).catch((error: DOMException) => {
          // The first failure is the cause; the rest are the AbortErrors it triggers.
          failure ??= error?.name === 'ConstraintError' ? new StoreError(`a memory with id "${m.id}" already exists`) : error;
        }),
      );
      await Promise.all(requests);
      if (failure) throw failure;
      await tx.done;
      return revision;
    } catch (error) {
      // Abort so nothing of the batch lands; tx.done then rejects with AbortError, which we swallow.
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      await tx.done.catch(() => undefined);
      throw error;
    }
  }

  private async bump(meta: { get(key: string): Promise<unknown>; put(value: PoolRevision, key: string): Promise<unknown> }) {
    const current = ((await meta.get('revision')) as PoolRevision | undefined)?.revision ?? 0;
    await meta.put({ revision: current + 1 }, 'revision');
    return current + 1;
  }
}
