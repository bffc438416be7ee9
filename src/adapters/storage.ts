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
