// The CLI's pool is a pool file on disk: read it whole, change it in memory, write it back atomically (temp file in
// the same folder + rename), so a crash or a failed validation never leaves a half-written pool.
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { KeyMode, Memory } from '../core/memory';
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
    return { path, exists: false, keyMode: 'title', memories: [] };
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
