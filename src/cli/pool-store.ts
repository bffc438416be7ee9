// The CLI's pool is a pool file on disk: read it whole, change it in memory, write it back atomically (temp file in
// the same folder + rename), so a crash or a failed validation never leaves a half-written pool.
import * as fs from 'node:fs';
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { Readable } from 'node:stream';
import { DEFAULT_KEY_MODE, type KeyMode, type Memory } from '../core/memory';
import { encodePoolFile, gzipBytes, readMemoryFile, readPoolFile, type IncomingBatch, type ModelRef, type PoolFileHeader } from '../core/pool-file';
import type { ReadMemoryFileOptions } from '../core/pool-file';
import { InputError } from './errors';

export interface CliPool {
  path: string;
  exists: boolean;
  header?: PoolFileHeader;
  keyMode: KeyMode;
  /** Model of the vectors in the file (undefined for a new pool or one without vectors). */
  model?: ModelRef;
  memories: Memory[];
}

export function fileStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function requireFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`${path}: not a file`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: no such file`);
  }
}

/** Reads a pool file; a missing file is an empty pool when `create` is set, bad input otherwise. */
export async function loadPool(path: string, create: boolean): Promise<CliPool> {
  if (!(await exists(path))) {
    if (!create) throw new InputError(`${path}: no such pool file`);
    return { path, exists: false, keyMode: DEFAULT_KEY_MODE, memories: [] };
  }
  const contents = await readPoolFile(fileStream(path), { fileName: basename(path) }).catch(prefix(path));
  return {
    path,
    exists: true,
    header: contents.header,
    keyMode: contents.header.keyMode,
    model: contents.header.vectors === 'none' ? undefined : contents.header.model,
    memories: contents.entries.map((e) => e.memory),
  };
}

/** Reads any supported memory file (pool file or a foreign format). */
export async function loadMemoryFile(path: string, options: ReadMemoryFileOptions = {}): Promise<IncomingBatch> {
  await requireFile(path);
  return readMemoryFile(fileStream(path), { fileName: basename(path), ...options }).catch(prefix(path));
}

function prefix(path: string) {
  return (error: unknown): never => {
    if (error instanceof Error && error.name === 'PoolFileError' && !error.message.startsWith(basename(path))) {
      error.message = `${path}: ${error.message}`;
    }
    throw error;
  };
}

export interface SaveOptions {
  model: ModelRef;
  keyMode: KeyMode;
  appVersion: string;
  author?: string;
  description?: string;
  /** `git`: the pool file is a team's file in a repository; it stays in the git form (no vectors, sorted by id). */
  form?: 'git';
}

/** What a command that rewrites a loaded pool keeps of its header: author, description, and the git form. */
export function keptHeader(pool: CliPool): Pick<SaveOptions, 'author' | 'description' | 'form'> {
  const h = pool.header;
  return { author: h?.author, description: h?.description, ...(h?.form === 'git' ? { form: 'git' as const } : {}) };
}

export async function savePool(path: string, memories: Memory[], options: SaveOptions): Promise<void> {
  const { lines } = await encodePoolFile(memories, { ...options, levels: 'all', vectors: 'float32' });
  await writeAtomic(path, lines.map((l) => l + '\n').join(''));
}

/** Writes `data` to `path` via a temp file in the same folder and a rename: readers see the old file or the new one. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const bytes = path.endsWith('.gz') ? await gzipBytes(data) : typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    const lost = lostLocks.get(resolve(path));
    if (lost) throw new Error(`${path}: lost its lock while writing (${lost.message}); another process may have changed it, so this write was dropped. Run the command again`);
    await rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

export interface LockOptions {
  /** How long to wait for another writer before giving up (ms). Default 10 minutes: an ingest embeds while it holds it. */
  waitMs?: number;
  /** Told once, when this run has to wait for another one. */
  onWait?: (message: string) => void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * A holder refreshes its lock's mtime every STALE_MS / 2 (proper-lockfile does it on a timer); one left unrefreshed
 * longer is stale and taken over, wherever its process ran (a shared network folder too). Long enough that a busy
 * event loop (a large ingest parsing trajectories) never loses it; a dead process on this machine is seen at once.
 */
const STALE_MS = 20_000;

/** Its rmdir takes the holder note with it (proper-lockfile removes the lock directory with rmdir). */
const lockFs = {
  ...fs,
  rmdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) => fs.rm(path, { recursive: true, force: true }, callback),
  rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }),
};

/** Pools whose lock this process lost while holding it: writeAtomic refuses to replace them. */
const lostLocks = new Map<string, Error>();

/**
 * Runs `write` holding `<pool>.lock`, so CLI runs that change one pool file take turns. Each of them reads the whole
 * pool, adds to it and writes it back, so without the lock the later write silently drops the earlier one's memories.
 * The lock is proper-lockfile's (an atomic mkdir, kept fresh while held, stale when not); inside it `holder.json` names
 * the process, for the waiting run's message and so a lock left by a process that died on this machine is taken over
 * at once instead of after STALE_MS. Readers need no lock: the pool file itself is only ever replaced by a rename.
 */
export async function withPoolLock<T>(path: string, write: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { waitMs = 600_000, onWait } = options;
  const lock = `${path}.lock`;
  const target = resolve(path);
  const attempt = (retries: number) =>
    lockfile.lock(target, {
      lockfilePath: lock,
      realpath: false, // a new pool has no file yet
      stale: STALE_MS,
      fs: lockFs,
      retries: { retries, factor: 2, minTimeout: 20, maxTimeout: 500 },
      onCompromised: (error) => lostLocks.set(target, error),
    });
  let release: () => Promise<void>;
  try {
    release = await attempt(0);
  } catch (error) {
    if (!isLocked(error, path)) throw error;
    const holder = await readHolder(lock);
    if (holder && (await isDead(holder))) await fs.promises.rm(lock, { recursive: true, force: true });
    else onWait?.(`waiting for another insight-pool process writing ${path} (${describe(holder)})`);
    const retries = retriesFor(waitMs);
    const started = Date.now();
    try {
      release = await attempt(retries);
    } catch (error) {
      if (!isLocked(error, path)) throw error;
      const who = describe(await readHolder(lock));
      throw new Error(`${path} is being written by another insight-pool process (${who}); nothing was changed after waiting ${Math.round((Date.now() - started) / 1000)} s. Try again when it is done, or delete ${lock} if that process is gone`);
    }
  }
  lostLocks.delete(target);
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await fs.promises.writeFile(join(lock, 'holder.json'), JSON.stringify(mine));
  try {
    return await write();
  } finally {
    await release().catch(() => undefined); // a lost lock is no longer ours to remove
    lostLocks.delete(target);
  }
}

/** How many retries, waiting 20, 40, … 500 ms and then 500 ms each (the backoff given to proper-lockfile), span waitMs. */
function retriesFor(waitMs: number): number {
  let retries = 0;
  for (let waited = 0, delay = 20; waited < waitMs; delay = Math.min(500, delay * 2)) {
    waited += delay;
    retries++;
  }
  return retries;
}

function isLocked(error: unknown, path: string): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new InputError(`${path}: its folder ${dirname(path)} does not exist`);
  return code === 'ELOCKED';
}

function describe(holder: Holder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'holder unknown';
}

/** The holder note inside the lock directory; a lock file of an earlier version held the same JSON itself. */
async function readHolder(lock: string): Promise<Holder | undefined> {
  const text =
    (await fs.promises.readFile(join(lock, 'holder.json'), 'utf8').catch(() => undefined)) ??
    (await fs.promises.readFile(lock, 'utf8').catch(() => undefined));
  if (text === undefined) return undefined;
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? { pid: h.pid!, host: h.host, since: String(h.since ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

/** A holder whose process is gone from this machine (a pid means nothing on another one: those go stale instead). */
async function isDead(holder: Holder): Promise<boolean> {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Runs a read-modify-write of the pool at `path` under its lock (a dry run writes nothing, so takes none). */
export function changing<T>(path: string, dryRun: boolean, ctx: { note: (message: string) => void }, change: () => Promise<T>): Promise<T> {
  return dryRun ? change() : withPoolLock(path, change, { onWait: (message) => ctx.note(message) });
}
