// The git form of a pool file: what a team commits to its repository. Git merges line by line, so the file is laid
// out for that: one memory per line, records sorted by id (an addition lands between the same two lines on every
// machine), fields in one fixed order (a re-export does not reorder a line), no vectors (tens of MB of base64 that
// every re-embedding rewrites), and a header with nothing that depends on the record set or the moment of export —
// no counts, checksum, createdAt or appVersion — so two branches that each add memories never both change line 1.
// Git's own object hashes guard the file's integrity in place of the checksum.
import { LEVELS } from '../memory';
import { PoolFileError } from './errors';
import { GIT_FORM, POOL_FORMAT, POOL_VERSION } from './schema';

export type JsonObject = Record<string, unknown>;

/** Field order of a record line. Fields not listed (added by a newer app) follow in alphabetical order; the vector last. */
const RECORD_ORDER = ['id', 'level', 'title', 'description', 'content', 'domain', 'sourceModel', 'outcome', 'scope', 'category', 'tags', 'createdAt', 'provenance', 'usage'];
const NESTED_ORDER: Record<string, string[]> = {
  provenance: ['file', 'trajectoryId', 'distiller', 'promptVersion', 'importedFrom', 'evidence'],
  usage: ['retrieved', 'helped', 'hurt', 'lastUsedAt'],
  embedding: ['key', 'vector'],
  model: ['id', 'dims', 'fingerprint'],
  counts: ['records', 'vectors', 'levels'],
  levels: [...LEVELS],
};
const HEADER_ORDER = ['format', 'version', 'form', 'createdAt', 'appVersion', 'model', 'keyMode', 'vectors', 'counts', 'checksum', 'author', 'description'];

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function ordered(obj: JsonObject, order: readonly string[], last: readonly string[] = []): JsonObject {
  const known = order.filter((k) => k in obj);
  const rest = Object.keys(obj)
    .filter((k) => !order.includes(k) && !last.includes(k))
    .sort();
  const out: JsonObject = {};
  for (const k of [...known, ...rest, ...last.filter((k) => k in obj)]) {
    const v = obj[k];
    if (v === undefined) continue;
    out[k] = isObject(v) ? ordered(v, NESTED_ORDER[k] ?? []) : v;
  }
  return out;
}

/** A record with its fields in the canonical order (unknown fields kept, alphabetically after the known ones). */
export function canonicalRecord(record: JsonObject): JsonObject {
  return ordered(record, RECORD_ORDER, ['embedding']);
}

export function canonicalHeader(header: JsonObject): JsonObject {
  return ordered(header, HEADER_ORDER);
}

/** JSON with object keys in canonical order: equal values give equal strings (used to compare fields in merges). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Ids compared by UTF-16 code units, not by locale: the same order on every machine. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface GitHeaderFields {
  model: { id: string; dims: number; fingerprint?: string };
  keyMode: string;
  description?: string;
}

/** The git form's header: only what describes the pool, never what describes one export of it. */
export function gitHeader(fields: GitHeaderFields): JsonObject {
  return canonicalHeader({
    format: POOL_FORMAT,
    version: POOL_VERSION,
    form: GIT_FORM,
    model: { id: fields.model.id, dims: fields.model.dims, fingerprint: fields.model.fingerprint ?? '' },
    keyMode: fields.keyMode,
    vectors: 'none',
    ...(fields.description ? { description: fields.description } : {}),
  });
}

/**
 * Provenance that describes one teammate's copy, not the memory: `importedFrom` (and `file` when the import stamped
 * the same name) differ between the person who wrote a memory and everyone who imported it from the team file, so
 * keeping them would make each re-export flip them back and forth.
 */
export function shareableProvenance(provenance: JsonObject | undefined): JsonObject | undefined {
  if (!provenance) return provenance;
  const { importedFrom, ...rest } = provenance;
  if (importedFrom !== undefined && rest.file === importedFrom) delete rest.file;
  return rest;
}

/** Header line, then the records sorted by id, each in canonical field order, without vectors. Lines without "\n". */
export function gitFormLines(header: JsonObject, records: JsonObject[]): string[] {
  const sorted = records.map((r) => {
    const { embedding: _vector, ...rest } = r;
    return canonicalRecord(rest);
  });
  sorted.sort((a, b) => byId(a as { id: string }, b as { id: string }));
  return [JSON.stringify(canonicalHeader(header)), ...sorted.map((r) => JSON.stringify(r))];
}

/** The marker lines git (and our merge driver) put around the two sides of a conflict. */
export const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?:\s|$)/;

/** A clear error for a line that is a leftover conflict marker, or null. */
export function conflictMarkerError(text: string, line: number): PoolFileError | null {
  if (!CONFLICT_MARKER.test(text)) return null;
  return new PoolFileError(
    'conflict',
    `line ${line}: unresolved merge conflict (a line starting with ${text.slice(0, 7)}): keep one of the two versions of the memory between the <<<<<<< and >>>>>>> lines, delete the marker lines, then \`git add\` the file`,
    line,
  );
}
