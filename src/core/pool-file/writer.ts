// Export: memories → a version-1 pool file (JSONL; header first, one record per line). The header needs the
// checksum of the records, so records are encoded first; each is a separate string, so a big pool is never one
// giant string and a Blob can be built from the parts.
import { LEVELS, matchesFilter, type KeyMode, type Level, type Memory, type MemoryFilter } from '../memory';
import { sha256OfLines } from './checksum';
import { collect, gzipStream } from './gzip';
import { gitFormLines, gitHeader, shareableProvenance } from './git-form';
import { POOL_FORMAT, POOL_VERSION, type PoolFileHeader, type PoolFileHeaderLine, type PoolRecord } from './schema';
import { encodeVector, type VectorEncoding } from './vector-codec';

const utf8 = new TextEncoder();

export interface ExportOptions {
  /** The pool's embedding model: only vectors made with it are written. */
  model: { id: string; dims: number; fingerprint?: string };
  keyMode: KeyMode;
  appVersion: string;
  /** Levels to include; default insights only (the level that transfers). `'all'` for every level. */
  levels?: Level[] | 'all';
  /** Further selection, e.g. the UI's current filter. */
  filter?: MemoryFilter;
  /** Only these ids (the user's selection). */
  ids?: string[];
  /** Vector encoding, or `none` to leave vectors out (the importer re-embeds). Default float32 (exact). */
  vectors?: VectorEncoding | 'none';
  /** Teammate name shown as the source on import. */
  author?: string;
  description?: string;
  now?: Date;
  /**
   * `git`: the form a team keeps in its repository (git-form.ts) — sorted by id, no vectors, a header without
   * counts, checksum, dates or author. `vectors` and `author` are ignored.
   */
  form?: 'git';
}

export interface EncodedPoolFile {
  /** The header; for the git form its counts are reported here but not written to the file. */
  header: PoolFileHeader;
  /** Header line then record lines, without newlines. */
  lines: string[];
}

/** Which memories an export with these options contains, in the given order. */
export function selectForExport(memories: Memory[], options: Pick<ExportOptions, 'levels' | 'filter' | 'ids'>): Memory[] {
  const levels = options.levels === 'all' ? [...LEVELS] : (options.levels ?? ['insight']);
  const ids = options.ids ? new Set(options.ids) : undefined;
  return memories.filter((m) => levels.includes(m.level) && (!ids || ids.has(m.id)) && matchesFilter(m, options.filter ?? {}));
}

export function toRecord(memory: Memory, options: Pick<ExportOptions, 'model' | 'vectors'>): PoolRecord {
  const record: PoolRecord = {
    id: memory.id,
    level: memory.level,
    title: memory.title,
    description: memory.description,
    content: memory.content,
    domain: memory.domain,
    sourceModel: memory.sourceModel,
    outcome: memory.outcome,
    scope: memory.scope,
    tags: memory.tags,
    createdAt: memory.createdAt,
    provenance: memory.provenance,
    ...(memory.category ? { category: memory.category } : {}),
    ...(memory.usage ? { usage: memory.usage } : {}),
  };
  const encoding = options.vectors ?? 'float32';
  const e = memory.embedding;
  // A vector from another model would be read as if it were the header's model: leave it out instead.
  if (encoding !== 'none' && e && e.model === options.model.id && e.vector.length === options.model.dims) {
    record.embedding = { key: e.key, vector: encodeVector(e.vector, encoding) };
  }
  return record;
}

export async function encodePoolFile(memories: Memory[], options: ExportOptions): Promise<EncodedPoolFile> {
  const selected = selectForExport(memories, options);
  if (options.form === 'git') {
    const header = gitHeader({ model: options.model, keyMode: options.keyMode, description: options.description });
    const records = selected.map((m) => {
      const record: PoolRecord = toRecord(m, { ...options, vectors: 'none' });
      return { ...record, provenance: shareableProvenance(record.provenance) };
    });
    const levels: Partial<Record<Level, number>> = {};
    for (const m of selected) levels[m.level] = (levels[m.level] ?? 0) + 1;
    const counts = { records: records.length, vectors: 0, levels };
    return { header: { ...(header as PoolFileHeaderLine), counts }, lines: gitFormLines(header, records) };
  }
  const records = selected.map((m) => toRecord(m, options));
  const lines = records.map((r) => JSON.stringify(r));
  const levels: Partial<Record<Level, number>> = {};
  for (const m of selected) levels[m.level] = (levels[m.level] ?? 0) + 1;
  const header: PoolFileHeader = {
    format: POOL_FORMAT,
    version: POOL_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    appVersion: options.appVersion,
    model: { id: options.model.id, dims: options.model.dims, fingerprint: options.model.fingerprint ?? '' },
    keyMode: options.keyMode,
    vectors: options.vectors ?? 'float32',
    counts: { records: records.length, vectors: records.filter((r) => r.embedding).length, levels },
    checksum: await sha256OfLines(lines.map((l) => utf8.encode(l))),
    ...(options.author ? { author: options.author } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
  return { header, lines: [JSON.stringify(header), ...lines] };
}

/** The file as a Blob (what the browser downloads), gzip-compressed when asked. */
export async function exportPool(memories: Memory[], options: ExportOptions & { gzip?: boolean }): Promise<Blob> {
  const { lines } = await encodePoolFile(memories, options);
  const plain = new Blob(lines.map((l) => l + '\n'), { type: 'application/x-ndjson' });
  if (!options.gzip) return plain;
  return new Blob([(await collect(gzipStream(plain.stream()))) as BlobPart], { type: 'application/gzip' });
}

/** `insight-pool-2026-11-26.jsonl` / `.jsonl.gz`. */
export function poolFileName(now = new Date(), gzip = false): string {
  return `insight-pool-${now.toISOString().slice(0, 10)}.jsonl${gzip ? '.gz' : ''}`;
}
