// Three-way merge of pool files by memory id, for git's merge driver (base = the common ancestor, ours, theirs).
// Git's line merge cannot do this: two additions next to each other, or two edits of one header line, conflict
// although the memories are independent. Here a memory is the unit:
//   - added on one side, or on both with the same text: kept;
//   - deleted on one side and untouched on the other: deleted;
//   - edited on one side: that side's version; edited on both: merged field by field, and only a field both sides
//     changed differently is a conflict — then both versions are written between git's conflict markers, so the file
//     cannot be imported by accident before someone chooses, and editors offer their usual "accept ours/theirs";
//   - deleted on one side and edited on the other: a conflict too (the edit is shown, the deletion named);
//   - `usage` counts add both sides' increments since the base, `lastUsedAt` takes the later date — counting is never
//     a conflict and never loses a teammate's retrievals.
// Unknown fields are merged like any other field and carried through unchanged.
import { keyText, type KeyMode } from '../memory';
import { sha256OfLines } from './checksum';
import { PoolFileError } from './errors';
import { byId, canonicalHeader, canonicalRecord, stableJson, type JsonObject } from './git-form';
import type { RawPoolFile, RawRecord } from './raw';
import { GIT_FORM } from './schema';

export interface MergeConflict {
  id: string;
  /** Title of the memory (ours, else theirs), for the marker line and the report. */
  title: string;
  /** `both-edited`, or one side deleted what the other edited. */
  kind: 'both-edited' | 'deleted-in-ours' | 'deleted-in-theirs';
  /** Fields both sides changed differently (both-edited only). */
  fields: string[];
  /** Undefined on the side that deleted it. */
  ours?: RawRecord;
  theirs?: RawRecord;
}

export type MergedEntry = { id: string; record: RawRecord; conflict?: undefined } | { id: string; conflict: MergeConflict; record?: undefined };

export interface ThreeWayResult {
  header: JsonObject;
  /** Sorted by id. */
  entries: MergedEntry[];
  conflicts: MergeConflict[];
  /** Header fields both sides changed differently (ours kept), and similar remarks for the person merging. */
  notes: string[];
  summary: { fromOurs: number; fromTheirs: number; deleted: number; merged: number; usageMerged: number };
}

/** Header fields that describe one export, not the pool: recomputed (or left out, in the git form), never merged. */
const PER_EXPORT = new Set(['counts', 'checksum', 'createdAt', 'appVersion']);
const NOT_MERGED_AS_FIELDS = new Set(['id', 'usage', 'embedding']);

const same = (x: unknown, y: unknown) => stableJson(x) === stableJson(y);

/** Plain three-way choice for one value: the side that changed it; `conflict` when both changed it differently. */
function pick(b: unknown, a: unknown, t: unknown): { value: unknown; conflict: boolean } {
  if (same(a, t)) return { value: a, conflict: false };
  if (same(a, b)) return { value: t, conflict: false };
  if (same(t, b)) return { value: a, conflict: false };
  return { value: a, conflict: true };
}

function withoutUsage(r: JsonObject | undefined): JsonObject | undefined {
  if (!r) return r;
  const { usage: _u, embedding: _e, ...rest } = r;
  return rest;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Usage counters: base + both sides' increments (never below 0); dates: the later one; anything else: three-way. */
export function mergeUsage(b: unknown, a: unknown, t: unknown): unknown {
  if (a === undefined && t === undefined) return undefined;
  if ((a !== undefined && !isObject(a)) || (t !== undefined && !isObject(t)) || (b !== undefined && !isObject(b))) return pick(b, a, t).value;
  const base = (b ?? {}) as JsonObject;
  const ours = (a ?? {}) as JsonObject;
  const theirs = (t ?? {}) as JsonObject;
  const out: JsonObject = {};
  for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const [vb, va, vt] = [base[k], ours[k], theirs[k]];
    const numeric = [vb, va, vt].every((v) => v === undefined || typeof v === 'number');
    if (numeric) {
      const from = typeof vb === 'number' ? vb : 0;
      const mine = typeof va === 'number' ? va : from;
      const yours = typeof vt === 'number' ? vt : from;
      out[k] = Math.max(0, mine + yours - from);
    } else if ((va === undefined || isDate(va)) && (vt === undefined || isDate(vt))) {
      out[k] = va === undefined ? vt : vt === undefined ? va : Date.parse(vt) > Date.parse(va) ? vt : va;
    } else {
      out[k] = pick(vb, va, vt).value;
    }
  }
  return out;
}

function mergeRecord(b: RawRecord | undefined, a: RawRecord, t: RawRecord): { merged: RawRecord; conflicts: string[]; oursOnly: JsonObject; theirsOnly: JsonObject } {
  const merged: JsonObject = { id: a.id };
  const conflicts: string[] = [];
  const oursOnly: JsonObject = {};
  const theirsOnly: JsonObject = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(t), ...Object.keys(b ?? {})])) {
    if (NOT_MERGED_AS_FIELDS.has(k)) continue;
    const r = pick(b?.[k], a[k], t[k]);
    if (r.conflict) {
      conflicts.push(k);
      oursOnly[k] = a[k];
      theirsOnly[k] = t[k];
    } else if (r.value !== undefined) merged[k] = r.value;
  }
  const usage = mergeUsage(b?.usage, a.usage, t.usage);
  if (usage !== undefined) merged.usage = usage;
  return { merged: merged as RawRecord, conflicts, oursOnly, theirsOnly };
}

const titleOf = (r: RawRecord | undefined) => (r && typeof r.title === 'string' ? r.title : '');

export function threeWayMerge(base: RawPoolFile, ours: RawPoolFile, theirs: RawPoolFile): ThreeWayResult {
  const notes: string[] = [];
  if (!ours.header && !theirs.header) throw new PoolFileError('empty', 'both sides of the merge are empty: there is no pool file to merge');
  const hb = base.header;
  // A side emptied to 0 bytes has no header: its header counts as unchanged, so the other side's (or the base's) stays.
  const ha = ours.header ?? hb ?? theirs.header;
  const ht = theirs.header ?? hb ?? ours.header;

  // Header: each field three-way; a field both sides changed differently keeps ours and is reported, not a conflict
  // (a description or a model name is not worth stopping a merge for; the records are).
  const header: JsonObject = {};
  for (const k of new Set([...Object.keys(ha ?? {}), ...Object.keys(ht ?? {})])) {
    if (PER_EXPORT.has(k)) continue;
    const r = pick(hb?.[k], ha?.[k], ht?.[k]);
    if (r.conflict) notes.push(`header.${k}: both sides changed it differently; kept ours (${stableJson(ha?.[k])}), theirs was ${stableJson(ht?.[k])}`);
    if (r.value !== undefined) header[k] = r.value;
  }
  const git = header.form === GIT_FORM;
  if (!git) {
    const dates = [ha?.createdAt, ht?.createdAt].filter(isDate);
    if (dates.length) header.createdAt = dates.sort((x, y) => Date.parse(y) - Date.parse(x))[0];
    const version = ha?.appVersion ?? ht?.appVersion;
    if (version !== undefined) header.appVersion = version;
  }

  const index = (f: RawPoolFile) => new Map(f.records.map((r) => [r.id, r]));
  const [B, A, T] = [index(base), index(ours), index(theirs)];
  const entries: MergedEntry[] = [];
  const conflicts: MergeConflict[] = [];
  const summary = { fromOurs: 0, fromTheirs: 0, deleted: 0, merged: 0, usageMerged: 0 };
  const ids = [...new Set([...A.keys(), ...T.keys(), ...B.keys()])].sort((x, y) => byId({ id: x }, { id: y }));
  for (const id of ids) {
    const [b, a, t] = [B.get(id), A.get(id), T.get(id)];
    if (!a && !t) {
      if (b) summary.deleted++;
      continue;
    }
    if (a && !t) {
      if (!b) {
        entries.push({ id, record: a });
        summary.fromOurs++;
      } else if (same(withoutUsage(a), withoutUsage(b))) summary.deleted++;
      else conflicts.push({ id, title: titleOf(a), kind: 'deleted-in-theirs', fields: [], ours: a });
      continue;
    }
    if (!a && t) {
      if (!b) {
        entries.push({ id, record: t });
        summary.fromTheirs++;
      } else if (same(withoutUsage(t), withoutUsage(b))) summary.deleted++;
      else conflicts.push({ id, title: titleOf(t), kind: 'deleted-in-ours', fields: [], theirs: t });
      continue;
    }
    const { merged, conflicts: fields, oursOnly, theirsOnly } = mergeRecord(b, a!, t!);
    if (!same(a!.usage, t!.usage) && merged.usage !== undefined) summary.usageMerged++;
    if (fields.length) {
      conflicts.push({
        id,
        title: titleOf(a),
        kind: 'both-edited',
        fields,
        ours: withEmbedding({ ...merged, ...oursOnly } as RawRecord, a!, t!),
        theirs: withEmbedding({ ...merged, ...theirsOnly } as RawRecord, t!, a!),
      });
      continue;
    }
    if (!same(withoutUsage(a), withoutUsage(t))) summary.merged++;
    entries.push({ id, record: withEmbedding(merged, a!, t!) });
  }
  for (const c of conflicts) entries.push({ id: c.id, conflict: c });
  entries.sort(byId);

  // Vectors survive only where they are still what the header says: same model and encoding on both sides, and the
  // key still the memory's text (an edit changes it). Anything else is re-embedded by whoever imports the file.
  const vectorsKept = !git && header.vectors !== 'none' && same(ha?.model, ht?.model ?? ha?.model) && same(ha?.vectors, ht?.vectors ?? ha?.vectors);
  const keyMode = header.keyMode as KeyMode;
  const keep = (r: RawRecord | undefined): RawRecord | undefined => {
    if (!r || !r.embedding) return r;
    const e = r.embedding as JsonObject;
    if (vectorsKept && e.key === keyText(r as unknown as { title: string; description: string; content: string }, keyMode)) return r;
    const { embedding: _drop, ...rest } = r;
    return rest as RawRecord;
  };
  for (const e of entries) {
    if (e.record) e.record = keep(e.record)!;
    else {
      e.conflict.ours = keep(e.conflict.ours);
      e.conflict.theirs = keep(e.conflict.theirs);
    }
  }
  if (!git && !entries.some((e) => e.record?.embedding || e.conflict?.ours?.embedding || e.conflict?.theirs?.embedding)) header.vectors = 'none';
  return { header, entries, conflicts, notes, summary };
}

/** The merged record keeps a side's vector only if its text is that side's (checked again against the key later). */
function withEmbedding(merged: RawRecord, first: RawRecord, second: RawRecord): RawRecord {
  const text = (r: JsonObject) => stableJson([r.title, r.description, r.content]);
  const source = [first, second].find((s) => s.embedding && text(s) === text(merged));
  return source ? { ...merged, embedding: source.embedding } : merged;
}

/** A short description of a conflict, for the marker line and the CLI's report. */
export function describeConflict(c: MergeConflict): string {
  const what = `"${c.title}" (id ${c.id})`;
  if (c.kind === 'deleted-in-ours') return `${what}: deleted in ours, changed in theirs`;
  if (c.kind === 'deleted-in-theirs') return `${what}: changed in ours, deleted in theirs`;
  return `${what}: both sides changed ${c.fields.join(', ')}`;
}

/**
 * The merged file's lines (without "\n"). The git form stays the git form; a plain file gets fresh counts and
 * checksum. With conflicts, counts and checksum are left out: whichever version the person resolving keeps, the
 * file then reads (checksum and counts are optional), and the next export writes them again.
 */
export async function mergedPoolLines(result: ThreeWayResult): Promise<string[]> {
  const blocks = result.entries.map((e) => {
    if (e.record) return [JSON.stringify(canonicalRecord(stripped(e.record, result)))];
    const c = e.conflict;
    return [
      `<<<<<<< ours: ${describeConflict(c)}`,
      ...(c.ours ? [JSON.stringify(canonicalRecord(stripped(c.ours, result)))] : []),
      '=======',
      ...(c.theirs ? [JSON.stringify(canonicalRecord(stripped(c.theirs, result)))] : []),
      `>>>>>>> theirs`,
    ];
  });
  const recordLines = blocks.flat();
  if (result.header.form === GIT_FORM) return [JSON.stringify(canonicalHeader(result.header)), ...recordLines];
  const header: JsonObject = { ...result.header };
  if (!result.conflicts.length) {
    const records = result.entries.map((e) => e.record!);
    const levels: Record<string, number> = {};
    for (const r of records) levels[r.level as string] = (levels[r.level as string] ?? 0) + 1;
    header.counts = { records: records.length, vectors: records.filter((r) => r.embedding).length, levels };
    const utf8 = new TextEncoder();
    header.checksum = await sha256OfLines(recordLines.map((l) => utf8.encode(l)));
  }
  return [JSON.stringify(canonicalHeader(header)), ...recordLines];
}

function stripped(r: RawRecord, result: ThreeWayResult): RawRecord {
  if (result.header.form !== GIT_FORM || !r.embedding) return r;
  const { embedding: _drop, ...rest } = r;
  return rest as RawRecord;
}
