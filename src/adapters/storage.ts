// The pool exists only in this browser's storage for the site. Unless asked, browsers keep that data "best-effort":
// when the disk runs low they may clear it without a prompt. Asking for persistent storage, and saying plainly
// whether the browser agreed, is the protection this app can offer short of exporting a copy.

export interface StorageState {
  /** Undefined when the browser has no StorageManager (insecure context, old browser): nothing to ask. */
  persisted?: boolean;
  /** Bytes this site uses and may use, as the browser estimates them. */
  usage?: number;
  quota?: number;
}

function manager(): StorageManager | undefined {
  return (globalThis as { navigator?: Navigator }).navigator?.storage;
}

export async function storageState(): Promise<StorageState> {
  const storage = manager();
  if (!storage?.persisted) return {};
  const [persisted, estimate] = await Promise.all([storage.persisted(), storage.estimate?.().catch(() => undefined)]);
  return { persisted, usage: estimate?.usage, quota: estimate?.quota };
}

/** Asks the browser to keep the site's data. Chrome decides silently (installed or bookmarked sites, engagement);
 *  Firefox asks the user. Resolves to the answer, or undefined when there is no one to ask. */
export async function keepStorage(): Promise<boolean | undefined> {
  const storage = manager();
  return storage?.persist ? storage.persist() : undefined;
}

let blobProbe: Promise<boolean> | undefined;

/**
 * Whether this browser's IndexedDB stores Blobs. WebKit refuses them in private windows and automation sessions
 * (UnknownError: "Error preparing Blob/File data to be stored in object store"), so the store keeps vector pages as
 * ArrayBuffers there. Asked once per page, by writing one byte as a Blob into a small database of its own (created once,
 * never upgraded or deleted, so no other tab's connection can block the question) and deleting it in the same
 * transaction. A question that gets no answer in PROBE_MS counts as a refusal: ArrayBuffer pages work everywhere.
 */
export function blobsStorable(): Promise<boolean> {
  blobProbe ??= probeBlobs();
  return blobProbe;
}

const PROBE_DB = 'insight-pool-blob-probe';
const PROBE_MS = 5000;

async function probeBlobs(): Promise<boolean> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb || typeof Blob === 'undefined') return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_MS)));
  try {
    return await Promise.race([storesBlob(idb), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function storesBlob(idb: IDBFactory): Promise<boolean> {
  let db: IDBDatabase | undefined;
  try {
    const open = idb.open(PROBE_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('probe');
    db = await request(open);
    const tx = db.transaction('probe', 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('probe transaction aborted'));
    });
    done.catch(() => undefined);
    const store = tx.objectStore('probe');
    await request(store.put(new Blob([new Uint8Array([1])]), 'blob'));
    store.delete('blob');
    await done;
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Forgets the answer (tests that inject a refusal). */
export function resetBlobProbe(): void {
  blobProbe = undefined;
}
