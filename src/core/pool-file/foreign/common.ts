// Shared by the foreign-format importers: turn loosely structured items into validated memories, with errors that
// name the file and line, and the same injection flags as pool files.
import { contentHash, createMemory, LIMITS, MemoryValidationError, type MemoryInput } from '../../memory';
import { PoolFileError } from '../errors';
import { scanMemory } from '../injection';
import type { IncomingBatch, IncomingEntry } from '../reader';

export interface ForeignOptions {
  fileName?: string;
  /** Domain for every memory of the file (default `general`). */
  domain?: string;
  /** Agent model behind the memories, when known. */
  sourceModel?: string;
  maxRecords?: number;
  now?: Date;
}

export interface ForeignItem {
  /** 1-based line where the item starts. */
  line: number;
  input: MemoryInput;
}

export const DEFAULT_FOREIGN_MAX_RECORDS = 50_000;

export async function toBatch(format: string, items: ForeignItem[], options: ForeignOptions): Promise<IncomingBatch> {
  const max = options.maxRecords ?? DEFAULT_FOREIGN_MAX_RECORDS;
  if (items.length > max) throw new PoolFileError('too-many-records', `${where(options)}too many memories: ${items.length} found, the limit is ${max}`);
  const entries: IncomingEntry[] = [];
  for (const item of items) {
    let memory;
    try {
      memory = createMemory(
        {
          level: 'insight',
          domain: options.domain || 'general',
          ...(options.sourceModel ? { sourceModel: options.sourceModel } : {}),
          ...item.input,
          provenance: { distiller: 'import', ...(options.fileName ? { file: options.fileName } : {}), ...item.input.provenance },
        },
        options.now,
      );
    } catch (error) {
      if (error instanceof MemoryValidationError) {
        throw new PoolFileError('foreign', `${where(options)}line ${item.line}: ${error.issues[0] ?? error.message}`, item.line);
      }
      throw error;
    }
    entries.push({ line: item.line, memory, hash: await contentHash(memory), flags: scanMemory(memory) });
  }
  return { format, fileName: options.fileName, entries };
}

function where(options: ForeignOptions): string {
  return options.fileName ? `${options.fileName}: ` : '';
}

/** First sentence, cut at a word boundary to a title-sized length. */
export function titleFrom(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return clip(sentence.replace(/[.!?]$/, ''), Math.min(max, LIMITS.title));
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.tag);
}

export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}
