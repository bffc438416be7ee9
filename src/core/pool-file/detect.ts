// One entry point for "the user dropped a file": detect what it is, read it, return an incoming batch for the planner.
import { PoolFileError } from './errors';
import { collect, isGzip } from './gzip';
import { formatBytes } from './bytes';
import { toStream, type PoolSource } from './lines';
import { readPoolFile, type IncomingBatch, type ReadOptions } from './reader';
import { looksLikeDynamicCheatsheet, parseDynamicCheatsheet } from './foreign/dynamic-cheatsheet';
import { looksLikeReasoningBank, parseReasoningBank } from './foreign/reasoning-bank';
import { looksLikeRules, parseRules } from './foreign/rules';
import type { ForeignOptions } from './foreign/common';

export const MEMORY_FILE_FORMATS = ['insight-pool', 'reasoning-bank', 'dynamic-cheatsheet', 'claude-md', 'cursor-rules'] as const;
export type MemoryFileFormat = (typeof MEMORY_FILE_FORMATS)[number];

/** Foreign files are small text files; a bigger one is almost certainly not one. */
export const MAX_FOREIGN_BYTES = 16 * 1024 * 1024;

/** Format from the first bytes/characters and the file name. */
export function detectFormat(head: Uint8Array | string, fileName?: string): MemoryFileFormat | undefined {
  if (typeof head !== 'string' && isGzip(head)) return 'insight-pool';
  const text = typeof head === 'string' ? head : new TextDecoder().decode(head);
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (/^\{\s*"format"\s*:\s*"insight-pool"/.test(start)) return 'insight-pool';
  if (looksLikeDynamicCheatsheet(text)) return 'dynamic-cheatsheet';
  if (looksLikeReasoningBank(text)) return 'reasoning-bank';
  if (/\.jsonl(\.gz)?$/i.test(fileName ?? '')) return 'insight-pool';
  return looksLikeRules(fileName, text);
}

export interface ReadMemoryFileOptions extends ReadOptions, ForeignOptions {
  /** Skip detection. */
  format?: MemoryFileFormat;
}

/** Reads any supported memory file. Throws PoolFileError (with line/field) for anything it cannot use. */
export async function readMemoryFile(source: PoolSource, options: ReadMemoryFileOptions = {}): Promise<IncomingBatch> {
  const { stream, size } = toStream(source);
  // The head decides the format; it is read once and then replayed, so a stream source also works.
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array() : first.value;
  const replay = new ReadableStream<Uint8Array>({
    start(c) {
      if (head.length) c.enqueue(head);
    },
    async pull(c) {
      const { done, value } = await reader.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel: (r) => reader.cancel(r),
  });
  const format = options.format ?? detectFormat(head, options.fileName);
  if (format === 'insight-pool') return readPoolFile(replay, options);
  if (!format) {
    await replay.cancel();
    throw new PoolFileError(
      'foreign',
      `${options.fileName ? options.fileName + ': ' : ''}unrecognised file: expected an insight-pool file (.jsonl/.jsonl.gz), ReasoningBank "# Memory Item" markdown, Dynamic Cheatsheet <memory_item> blocks, CLAUDE.md/AGENTS.md or a .cursor/rules/*.mdc file`,
    );
  }
  const max = Math.min(options.maxBytes ?? MAX_FOREIGN_BYTES, MAX_FOREIGN_BYTES);
  if (size !== undefined && size > max) throw new PoolFileError('too-large', `file is too large: ${formatBytes(size)} exceeds the limit of ${formatBytes(max)} for ${format} files`);
  const bytes = await collectCapped(replay, max, format);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PoolFileError('encoding', `${options.fileName ? options.fileName + ': ' : ''}the file is not valid UTF-8 text`);
  }
  switch (format) {
    case 'reasoning-bank':
      return parseReasoningBank(text, options);
    case 'dynamic-cheatsheet':
      return parseDynamicCheatsheet(text, options);
    case 'claude-md':
    case 'cursor-rules':
      return parseRules(text, format, options);
  }
}

async function collectCapped(stream: ReadableStream<Uint8Array>, max: number, format: string): Promise<Uint8Array> {
  let seen = 0;
  return collect(
    stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          seen += chunk.length;
          if (seen > max) throw new PoolFileError('too-large', `file is too large: more than ${formatBytes(max)} for a ${format} file`);
          c.enqueue(chunk);
        },
      }),
    ),
  );
}
