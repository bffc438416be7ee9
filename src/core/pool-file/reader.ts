// Import, step 1: read and validate a whole pool file into memory. Nothing here writes anywhere; a caller gets either
// the complete, validated contents or a PoolFileError naming the line and field — never a partial result.
import { contentHash, createMemory, MemoryValidationError, type Memory } from '../memory';
import { sha256OfLines } from './checksum';
import { lineError, PoolFileError } from './errors';
import { scanMemory, type InjectionFlag } from './injection';
import { formatBytes } from './bytes';
import { readLines, type PoolSource, type ReadProgress } from './lines';
import { describeIssue, headerSchema, POOL_FORMAT, POOL_VERSION, recordSchema, type ModelRef, type PoolFileHeader, type PoolFileHeaderLine } from './schema';
import { conflictMarkerError } from './git-form';
import { bytesPerValue, decodeVector } from './vector-codec';

export interface ReadLimits {
  /** Bytes, compressed and decompressed each. Default 512 MiB. */
  maxBytes: number;
  /** Records per file. Default 200,000. */
  maxRecords: number;
  /** Characters per line. Default 2,000,000 (a 100k-character memory with heavy JSON escaping). */
  maxLineChars: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 512 * 1024 * 1024, maxRecords: 200_000, maxLineChars: 2_000_000 };

export interface ReadOptions extends Partial<ReadLimits> {
  /** Shown in provenance and messages. */
  fileName?: string;
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
}

/** One validated memory of an incoming batch (a pool file or a foreign file). */
export interface IncomingEntry {
  /** Line (pool file) or line of the item's start (foreign file). */
  line: number;
  /** Validated memory; `embedding` is set only when the file carried a vector, in the file's model. */
  memory: Memory;
  hash: string;
  flags: InjectionFlag[];
}

/** What a file holds, ready for the merge planner. */
export interface IncomingBatch {
  /** `insight-pool` or the foreign format it was converted from. */
  format: string;
  fileName?: string;
  /** Teammate who shared it, from the header. */
  author?: string;
  /** Model the vectors were made with; absent when the batch has no vectors. */
  model?: ModelRef;
  entries: IncomingEntry[];
}

export interface PoolFileContents extends IncomingBatch {
  format: typeof POOL_FORMAT;
  header: PoolFileHeader;
}

export async function readPoolFile(source: PoolSource, options: ReadOptions = {}): Promise<PoolFileContents> {
  const limits: ReadLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_READ_LIMITS.maxBytes,
    maxRecords: options.maxRecords ?? DEFAULT_READ_LIMITS.maxRecords,
    maxLineChars: options.maxLineChars ?? DEFAULT_READ_LIMITS.maxLineChars,
  };
  let header: PoolFileHeaderLine | undefined;
  const entries: IncomingEntry[] = [];
  const hashed: Uint8Array[] = [];
  const ids = new Map<string, number>();
  let bytes = 0;
  let total: number | undefined;
  let vectors = 0;
  let lastLine = 0;

  const progress = () => options.onProgress?.({ bytes, totalBytes: total, records: entries.length });
  const lines = readLines(
    source,
    { maxBytes: limits.maxBytes, maxLineChars: limits.maxLineChars },
    (b, t) => {
      bytes = b;
      total = t;
    },
    options.signal,
  );

  for await (const line of lines) {
    lastLine = line.number;
    if (line.number === 1) {
      // A byte-order mark from a Windows editor is not part of the JSON.
      header = parseHeader(line.text.replace(/^\uFEFF/, ''), line.terminated);
      if (header.counts && header.counts.records > limits.maxRecords) throw tooMany(header.counts.records, limits.maxRecords);
      continue;
    }
    const h = header!;
    if (line.text.trim() === '' && line.terminated === false) continue;
    const marker = conflictMarkerError(line.text, line.number);
    if (marker) throw marker;
    // Without counts (the git form) a blank line is just a blank line; with them, one past the end is tolerated too.
    if (!h.counts && line.text.trim() === '') continue;
    if (h.counts && entries.length >= h.counts.records) {
      if (line.text.trim() === '') continue;
      throw lineError('counts', line.number, undefined, `more records than the header's counts.records (${h.counts.records}): the file was altered or corrupted`);
    }
    if (entries.length >= limits.maxRecords) throw tooMany(entries.length + 1, limits.maxRecords);
    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch {
      if (!line.terminated) {
        throw h.counts
          ? truncated(h.counts.records, entries.length, line.number)
          : new PoolFileError('truncated', `truncated file: it ends inside a record on line ${line.number}; the download or copy was cut off`, line.number);
      }
      throw lineError('json', line.number, undefined, line.text.trim() === '' ? 'empty line where a record was expected' : 'not valid JSON');
    }
    const entry = await parseRecord(json, line.number, h);
    const previous = ids.get(entry.memory.id);
    if (previous !== undefined) {
      throw lineError('duplicate-id', line.number, 'record.id', `"${entry.memory.id}" is already used on line ${previous}`);
    }
    ids.set(entry.memory.id, line.number);
    if (entry.memory.embedding) vectors++;
    hashed.push(line.bytes);
    entries.push(entry);
    if (entries.length % 500 === 0) progress();
  }

  if (!header) throw new PoolFileError('empty', 'empty file: expected an insight-pool header on line 1');
  const counted = countRecords(entries);
  // A header without counts (the git form) has nothing to check them against: git itself guards the file's integrity.
  const stated = header.counts ?? counted;
  if (entries.length < stated.records) throw truncated(stated.records, entries.length, lastLine + 1);
  if (vectors !== stated.vectors) {
    throw new PoolFileError('counts', `the header's counts.vectors is ${stated.vectors} but the file has ${vectors} vectors: the file was altered or corrupted`, 1, 'header.counts.vectors');
  }
  const levels = Object.entries(stated.levels);
  if (levels.length) {
    const actual: Record<string, number> = counted.levels;
    const wrong = Object.keys({ ...actual, ...stated.levels }).find((l) => (actual[l] ?? 0) !== ((stated.levels as Record<string, number>)[l] ?? 0));
    if (wrong) {
      throw new PoolFileError('counts', `the header's counts.levels.${wrong} does not match the records: the file was altered or corrupted`, 1, `header.counts.levels.${wrong}`);
    }
  }
  if (header.checksum !== undefined) {
    const actual = await sha256OfLines(hashed);
    if (actual !== header.checksum) {
      throw new PoolFileError(
        'checksum',
        `bad checksum: the records do not match the header's sha256 (expected ${header.checksum.slice(0, 12)}…, got ${actual.slice(0, 12)}…); the file was altered or corrupted`,
        1,
        'header.checksum',
      );
    }
  }
  progress();
  return {
    format: POOL_FORMAT,
    header: { ...header, counts: stated },
    fileName: options.fileName,
    author: header.author,
    model: header.vectors === 'none' ? undefined : header.model,
    entries,
  };
}

function countRecords(entries: IncomingEntry[]): PoolFileHeader['counts'] {
  const levels: Record<string, number> = {};
  for (const e of entries) levels[e.memory.level] = (levels[e.memory.level] ?? 0) + 1;
  return { records: entries.length, vectors: entries.filter((e) => e.memory.embedding).length, levels };
}

function truncated(records: number, found: number, line: number): PoolFileError {
  return new PoolFileError(
    'truncated',
    `truncated file: the header announces ${records} records but the file ends after ${found} (line ${line}); the download or copy was cut off`,
    line,
  );
}

function tooMany(n: number, max: number): PoolFileError {
  return new PoolFileError('too-many-records', `too many records: the file has ${n}, the limit is ${max}`, 1, 'header.counts.records');
}

function parseHeader(text: string, terminated: boolean): PoolFileHeaderLine {
  const marker = conflictMarkerError(text, 1);
  if (marker) throw marker;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (!terminated && text.trimStart().startsWith('{"format":"insight-pool"')) {
      throw new PoolFileError('truncated', 'truncated file: it ends inside the header on line 1', 1);
    }
    throw new PoolFileError('not-a-pool-file', 'line 1: not an insight-pool file (the first line is not a JSON header)', 1);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json) || (json as { format?: unknown }).format !== POOL_FORMAT) {
    throw new PoolFileError('not-a-pool-file', `line 1: header.format: not an insight-pool file (expected format "${POOL_FORMAT}")`, 1, 'header.format');
  }
  // Checked before the rest of the header: a newer version may have different fields, and the user needs to hear
  // "update the app", not a list of unknown fields.
  const version = (json as { version?: unknown }).version;
  if (version !== POOL_VERSION) {
    throw new PoolFileError(
      'version',
      `line 1: header.version: unsupported pool-file version ${JSON.stringify(version)}; this app reads version ${POOL_VERSION}${typeof version === 'number' && version > POOL_VERSION ? ' (the file was written by a newer Insight Pool: update the app)' : ''}`,
      1,
      'header.version',
    );
  }
  const parsed = headerSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const { field, problem } = describeIssue(parsed.error.issues[0], 'header');
    throw lineError('header', 1, field, problem);
  }
  return parsed.data;
}

async function parseRecord(json: unknown, line: number, header: PoolFileHeaderLine): Promise<IncomingEntry> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw lineError('record', line, 'record', 'must be a JSON object');
  const parsed = recordSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const { field, problem } = describeIssue(parsed.error.issues[0], 'record');
    throw lineError('record', line, field, problem);
  }
  const { embedding, ...fields } = parsed.data;
  let memory: Memory;
  try {
    memory = createMemory(fields);
  } catch (error) {
    if (error instanceof MemoryValidationError) throw lineError('record', line, 'record', error.issues[0] ?? error.message);
    throw error;
  }
  if (embedding) {
    if (header.vectors === 'none') {
      throw lineError('record', line, 'record.embedding', 'the header says the file has no vectors (vectors: "none")');
    }
    const decoded = decodeVector(embedding.vector, header.vectors);
    if (!decoded.ok) {
      if (decoded.problem === 'base64') throw lineError('record', line, 'record.embedding.vector', 'is not valid base64');
      if (decoded.problem === 'not-finite') throw lineError('record', line, 'record.embedding.vector', 'contains NaN or infinite values');
    }
    const size = bytesPerValue(header.vectors);
    const dims = decoded.ok ? decoded.vector.length : undefined;
    if (!decoded.ok || dims !== header.model.dims) {
      const what = dims === undefined ? `is not a whole number of ${header.vectors} values` : `has ${dims} dimensions`;
      throw lineError(
        'dims',
        line,
        'record.embedding.vector',
        `wrong dims: the vector ${what} but header.model.dims is ${header.model.dims} (${header.model.id}, ${header.model.dims * size} bytes per vector)`,
      );
    }
    memory.embedding = { model: header.model.id, dims, key: embedding.key, vector: decoded.vector };
  }
  return { line, memory, hash: await contentHash(memory), flags: scanMemory(memory) };
}

export { formatBytes };
