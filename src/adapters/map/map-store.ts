// The last computed map, kept in its own small IndexedDB database so a reload does not redo a projection that takes
// seconds (tens of seconds at 10k memories). Keyed by the pool state's signature: any change to the pool misses it.
// Separate from the pool's database on purpose: it is a cache, and the pool's schema and upgrades stay untouched.
import { openDB, type IDBPDatabase } from 'idb';
import type { PoolMap } from './map-client';

const DB = 'insight-pool-map';
const STORE = 'maps';
const KEY = 'latest';

let db: Promise<IDBPDatabase> | undefined;
function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB, 1, { upgrade: (d) => void d.createObjectStore(STORE) });
  return db;
}

/** The stored map, or undefined (none yet, or storage unavailable: a cache miss, never an error). */
export async function storedMap(): Promise<PoolMap | undefined> {
  try {
    return ((await (await open()).get(STORE, KEY)) as PoolMap | undefined) ?? undefined;
  } catch {
    return undefined;
  }
}

export async function storeMap(map: PoolMap): Promise<void> {
  try {
    await (await open()).put(STORE, map, KEY);
  } catch {
    // Out of quota or private mode: the map is simply recomputed next session.
  }
}
