// Pool files read as plain JSON records (core/pool-file/raw.ts) for the git tools: merge driver, diff, textconv.
import { basename } from 'node:path';
import { readRawPoolFile, type RawPoolFile } from '../core/pool-file';
import { fileStream, requireFile } from './pool-store';

/** Reads a pool file without a model; errors name the file (`label`, e.g. the path in the repository). */
export async function loadRawPool(path: string, label = path): Promise<RawPoolFile> {
  await requireFile(path);
  try {
    return await readRawPoolFile(fileStream(path));
  } catch (error) {
    if (error instanceof Error && error.name === 'PoolFileError' && !error.message.startsWith(basename(label))) error.message = `${label}: ${error.message}`;
    throw error;
  }
}
