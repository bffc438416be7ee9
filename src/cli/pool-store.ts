// The CLI's pool is a pool file on disk: read it whole, change it in memory, write it back atomically (temp file in
// the same folder + rename), so a crash or a failed validation never leaves a half-written pool.
import { createReadStream } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

/** A lock file nobody finished writing (its creator died between create and write) is stale after this long. */
const UNREADABLE_LOCK_STALE_MS = 30_000;

/**
 * Runs `write` holding `<pool>.lock`, so CLI runs that change one pool file take turns. Each of them reads the whole
 * pool, adds to it and writes it back, so without the lock the later write silently drops the earlier one's memories.
 * The lock is a file created exclusively (O_EXCL); one left by a process that died (same host, pid gone) is taken over.
 * Readers need no lock: the pool file itself is only ever replaced by a rename.
 */
export async function withPoolLock<T>(path: string, write: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { waitMs = 600_000, onWait } = options;
  const lock = `${path}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Holder);
  const started = Date.now();
  let told = false;
  for (let delay = 20; ; delay = Math.min(500, delay * 2)) {
    try {
      const handle = await open(lock, 'wx');
      try {
        await handle.writeFile(mine);
      } catch (error) {
        // Not left behind empty: the next run would wait for it to go stale.
        await handle.close().catch(() => undefined);
        await unlink(lock).catch(() => undefined);
        throw error;
      }
      await handle.close();
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new InputError(`${path}: its folder ${dirname(path)} does not exist`);
      if (code !== 'EEXIST') throw error;
    }
    const seen = await readFile(lock, 'utf8').catch(() => undefined);
    if (seen === undefined) continue; // released meanwhile
    const holder = parseHolder(seen);
    if (await isStale(lock, holder)) {
      // Only the lock judged stale: another run may have taken it over meanwhile and made its own.
      if ((await readFile(lock, 'utf8').catch(() => undefined)) === seen) await unlink(lock).catch(() => undefined);
      continue;
    }
    const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'holder unknown';
    if (Date.now() - started >= waitMs) {
      throw new Error(`${path} is being written by another insight-pool process (${who}); nothing was changed. Try again when it is done, or delete ${lock} if that process is gone`);
    }
    if (!told && onWait) onWait(`waiting for another insight-pool process writing ${path} (${who})`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  try {
    return await write();
  } finally {
    if ((await readFile(lock, 'utf8').catch(() => undefined)) === mine) await unlink(lock).catch(() => undefined);
  }
}

/** Runs a read-modify-write of the pool at `path` under its lock (a dry run writes nothing, so takes none). */
export function changing<T>(path: string, dryRun: boolean, ctx: { note: (message: string) => void }, change: () => Promise<T>): Promise<T> {
  return dryRun ? change() : withPoolLock(path, change, { onWait: (message) => ctx.note(message) });
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? { pid: h.pid!, host: h.host, since: String(h.since ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(lock: string, holder: Holder | undefined): Promise<boolean> {
  if (!holder) {
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    return age > UNREADABLE_LOCK_STALE_MS;
  }
  // A pid means nothing on another machine (a shared network folder): wait for that one.
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
