// Reading a pool file as plain JSON objects, for the tools that work on files rather than on a pool: the git merge
// driver and the diff. They must carry every field through unchanged — including optional fields a newer app added
// (e.g. `usage`, `category`) — so records are checked for the known fields' rules but kept as they were written.
import { conflictMarkerError, type JsonObject } from './git-form';
import { lineError, PoolFileError } from './errors';
import { readLines, type PoolSource } from './lines';
import { describeIssue, POOL_FORMAT, POOL_VERSION, recordSchema } from './schema';
import { DEFAULT_READ_LIMITS } from './reader';

export type RawRecord = JsonObject & { id: string };

export interface RawPoolFile {
  /** Undefined for an empty file (git hands a merge driver an empty base when both sides added the file). */
  header?: JsonObject;
  /** In file order. */
  records: RawRecord[];
  /** 1-based line of each record, by id. */
  lines: Map<string, number>;
}

const looseRecord = recordSchema.loose();

export async function readRawPoolFile(source: PoolSource, options: { signal?: AbortSignal } = {}): Promise<RawPoolFile> {
  const records: RawRecord[] = [];
  const lines = new Map<string, number>();
  let header: JsonObject | undefined;
  for await (const line of readLines(source, { maxBytes: DEFAULT_READ_LIMITS.maxBytes, maxLineChars: DEFAULT_READ_LIMITS.maxLineChars }, undefined, options.signal)) {
    const text = line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
    const marker = conflictMarkerError(text, line.number);
    if (marker) throw marker;
    if (text.trim() === '') {
      if (line.number === 1) throw new PoolFileError('not-a-pool-file', 'line 1: not an insight-pool file (the first line is empty)', 1);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (line.number === 1) throw new PoolFileError('not-a-pool-file', 'line 1: not an insight-pool file (the first line is not a JSON header)', 1);
      throw lineError(line.terminated ? 'json' : 'truncated', line.number, undefined, line.terminated ? 'not valid JSON' : 'the file ends inside this record (cut off?)');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw lineError(line.number === 1 ? 'not-a-pool-file' : 'record', line.number, undefined, 'must be a JSON object');
    }
    const obj = json as JsonObject;
    if (line.number === 1) {
      if (obj.format !== POOL_FORMAT) throw new PoolFileError('not-a-pool-file', `line 1: header.format: not an insight-pool file (expected format "${POOL_FORMAT}")`, 1, 'header.format');
      if (obj.version !== POOL_VERSION) {
        throw new PoolFileError('version', `line 1: header.version: unsupported pool-file version ${JSON.stringify(obj.version)}; this tool reads version ${POOL_VERSION}`, 1, 'header.version');
      }
      header = obj;
      continue;
    }
    const parsed = looseRecord.safeParse(obj, { reportInput: true });
    if (!parsed.success) {
      const { field, problem } = describeIssue(parsed.error.issues[0], 'record');
      throw lineError('record', line.number, field, problem);
    }
    const id = obj.id as string;
    const previous = lines.get(id);
    if (previous !== undefined) throw lineError('duplicate-id', line.number, 'record.id', `"${id}" is already used on line ${previous}`);
    lines.set(id, line.number);
    records.push(obj as RawRecord);
  }
  return { header, records, lines };
}
