// Import, step 2: decide what an incoming batch does to a pool, before anything is written. The plan is pure data;
// the caller shows it (duplicates, near-duplicates, id conflicts, injection flags), applies the user's choices with
// `resolveMerge`, and writes the result in one transaction.
import { contentHash, keyText, newId, type KeyMode, type Memory } from '../memory';
import type { EmbedProgress } from '../embedder';
import { cosine } from '../vectors';
import { addUsage, type Usage } from '../usage';
import { DEFAULT_NEAR_THRESHOLD, nearCopiesInPool, nearText, type NearSearch, type NearText } from '../near-copy';
import type { IncomingBatch, IncomingEntry } from './reader';
import type { ModelRef } from './schema';
import type { InjectionFlag } from './injection';

export { DEFAULT_NEAR_THRESHOLD };

/** A memory already in the pool, with its content hash when the store has it. */
export type ExistingMemory = Memory & { hash?: string };

export interface PoolModel {
  id: string;
  dims: number;
  fingerprint?: string;
  keyMode: KeyMode;
}

export interface MergeOptions {
  pool: PoolModel;
  /**
   * Cosine at or above which an incoming memory is reported as a near-duplicate of an existing one of the same level,
   * compared by whole text (see core/near-copy.ts).
   */
  nearThreshold?: number;
  /** `new-id` (default): an incoming memory whose id is taken by different content gets a fresh id.
   *  `report`: it is held back in `idConflicts` until the user decides. Never overwritten silently. */
  idConflict?: 'new-id' | 'report';
  /**
   * Embeds texts with the pool's model. When given, incoming memories without a usable vector (cross-model file,
   * no vectors, other key mode) are embedded during planning, so near-duplicates can be found for them too; and when
   * the pool's key is not the whole text, whole texts are embedded to judge near-duplicates (without it, those are
   * counted in `nearCheckSkipped`).
   */
  embed?: (texts: string[], onProgress?: (p: EmbedProgress) => void, signal?: AbortSignal) => Promise<Float32Array[]>;
  onProgress?: (p: EmbedProgress) => void;
  signal?: AbortSignal;
  /** Nearest existing memories of a level by stored vector; default: exact scan over `existing`. Lets the app and the
   *  CLI use an index. */
  nearest?: NearSearch<ExistingMemory>;
  /** Whole-text vectors of memories in the pool's model; default: `embed` of their whole texts. The app passes its cache. */
  wholeVectors?: (memories: NearText[]) => Promise<Float32Array[]>;
  /** Id generator (tests). */
  makeId?: () => string;
}

export interface PlannedMemory {
  /** Ready to insert: provenance set; `embedding` present only when in the pool's model and key mode. */
  memory: Memory;
  hash: string;
  /** True when the memory still has to be embedded with the pool's model before it is stored. */
  needsEmbedding: boolean;
  /** Id in the file, when it was changed because of a conflict. */
  originalId?: string;
  line: number;
  flags: InjectionFlag[];
}

export interface NearDuplicate {
  incoming: PlannedMemory;
  existing: ExistingMemory;
  score: number;
}

export interface IdConflict {
  incoming: PlannedMemory;
  existing: ExistingMemory;
  /** `renamed`: in `add` under a new id. `held`: waiting for a decision. */
  action: 'renamed' | 'held';
}

export interface MergePlan {
  /** New memories to insert (near-duplicates and held id conflicts are not in here). */
  add: PlannedMemory[];
  /** Same content as a memory already in the pool (or earlier in the file): skipped. */
  duplicates: { incoming: IncomingEntry; existingId: string }[];
  /**
   * Usage counts the file carries for memories the pool already holds (exact duplicates): added to theirs, not
   * dropped — a teammate's "it helped" counts as much as one's own. (Counts of a duplicate earlier in the same file are
   * added to that incoming memory instead.)
   */
  usage: { id: string; add: Usage }[];
  nearDuplicates: NearDuplicate[];
  idConflicts: IdConflict[];
  /** Every planned memory that carries injection flags (also present in add / nearDuplicates / idConflicts). */
  flagged: PlannedMemory[];
  /** True when the file's vectors were made by another model and were dropped. */
  crossModel: boolean;
  /** How many planned memories need embedding with the pool's model (0 after `embed` ran). */
  toEmbed: number;
  /** How many were embedded during planning. */
  embedded: number;
  source: { format: string; fileName?: string; author?: string; model?: ModelRef };
  /** Near-duplicate search skipped (no `embed` given) for memories without a pool-model vector, or, when the pool's
   *  key is not the whole text, with existing memories of their level to compare whole texts with. */
  nearCheckSkipped: number;
}

/** Same model = same id and dims, and the same fingerprint when both sides know it. */
export function sameModel(a: { id: string; dims: number; fingerprint?: string }, b: { id: string; dims: number; fingerprint?: string }): boolean {
  if (a.id !== b.id || a.dims !== b.dims) return false;
  return !a.fingerprint || !b.fingerprint || a.fingerprint === b.fingerprint;
}

/** Whether a memory's vector can be compared with the pool's: made by its model, at its dims. Near-duplicate
 *  search looks only among these, whoever runs it (planMerge's own scan, or a caller's `nearest`). */
export function inPoolSpace(m: Memory, pool: { id: string; dims: number }): boolean {
  return Boolean(m.embedding) && m.embedding!.model === pool.id && m.embedding!.dims === pool.dims;
}

export class MergeCancelledError extends Error {
  constructor() {
    super('import cancelled');
    this.name = 'MergeCancelledError';
  }
}

export async function planMerge(existing: ExistingMemory[], incoming: IncomingBatch, options: MergeOptions): Promise<MergePlan> {
  const { pool } = options;
  const threshold = options.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  if (!(threshold >= -1 && threshold <= 1)) throw new RangeError('nearThreshold must be between -1 and 1');
  const makeId = options.makeId ?? newId;
  const crossModel = incoming.model !== undefined && !sameModel(incoming.model, pool);
  const byHash = new Map<string, string>();
  const byId = new Map<string, ExistingMemory>();
  for (const m of existing) {
    byId.set(m.id, m);
    if (m.hash) byHash.set(m.hash, m.id);
  }
  // Existing memories without a stored hash are hashed on demand, once.
  for (const m of existing) if (!m.hash) byHash.set(await contentHash(m), m.id);

  const importedFrom = incoming.author || incoming.fileName;
  const plan: MergePlan = {
    add: [],
    duplicates: [],
    usage: [],
    nearDuplicates: [],
    idConflicts: [],
    flagged: [],
    crossModel,
    toEmbed: 0,
    embedded: 0,
    source: { format: incoming.format, fileName: incoming.fileName, author: incoming.author, model: incoming.model },
    nearCheckSkipped: 0,
  };

  const planned: PlannedMemory[] = [];
  const plannedByHash = new Map<string, PlannedMemory>();
  const usageAdds = new Map<string, Usage>();
  const usedIds = new Set(byId.keys());
  for (const entry of incoming.entries) {
    const dup = byHash.get(entry.hash);
    if (dup !== undefined) {
      plan.duplicates.push({ incoming: entry, existingId: dup });
      if (entry.memory.usage) {
        const earlier = plannedByHash.get(entry.hash);
        if (earlier) earlier.memory.usage = addUsage(earlier.memory.usage, entry.memory.usage);
        else usageAdds.set(dup, addUsage(usageAdds.get(dup), entry.memory.usage)!);
      }
      continue;
    }
    byHash.set(entry.hash, entry.memory.id);
    const { embedding, ...rest } = entry.memory;
    const memory: Memory = {
      ...rest,
      provenance: {
        ...rest.provenance,
        ...(rest.provenance.file || !incoming.fileName ? {} : { file: incoming.fileName }),
        ...(importedFrom ? { importedFrom } : {}),
      },
    };
    // A vector is kept only if it lives in the pool's space and was made from the key the pool would embed.
    const usable = !crossModel && embedding && embedding.model === pool.id && embedding.dims === pool.dims && embedding.key === keyText(memory, pool.keyMode);
    if (usable) memory.embedding = embedding;
    const p: PlannedMemory = { memory, hash: entry.hash, needsEmbedding: !usable, line: entry.line, flags: entry.flags };
    planned.push(p);
    plannedByHash.set(entry.hash, p);
  }
  plan.usage = [...usageAdds].map(([id, add]) => ({ id, add }));

  const missing = planned.filter((p) => p.needsEmbedding);
  if (options.embed && missing.length) {
    if (options.signal?.aborted) throw new MergeCancelledError();
    const keys = missing.map((p) => keyText(p.memory, pool.keyMode));
    const vectors = await options.embed(keys, options.onProgress, options.signal);
    if (options.signal?.aborted) throw new MergeCancelledError();
    missing.forEach((p, i) => {
      p.memory.embedding = { model: pool.id, dims: vectors[i].length, key: keys[i], vector: vectors[i] };
      p.needsEmbedding = false;
    });
    plan.embedded = missing.length;
  }

  // Only vectors of the pool's model are compared: never a file vector from another model.
  const comparable = existing.filter((m) => inPoolSpace(m, pool));
  const search: NearSearch<ExistingMemory> =
    options.nearest ??
    ((vector, level, k) =>
      comparable
        .filter((m) => m.level === level)
        .map((m) => ({ memory: m, score: cosine(vector, m.embedding!.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k));
  const embed = options.embed;
  const wholeVectors = options.wholeVectors ?? (embed && ((ms: NearText[]) => embed(ms.map(nearText), options.onProgress, options.signal)));
  const withVector = planned.filter((p) => p.memory.embedding);
  const verdicts = new Map(
    (
      await nearCopiesInPool(
        withVector.map((p) => ({ memory: p.memory, key: p.memory.embedding!.vector })),
        { keyMode: pool.keyMode, search, wholeVectors },
        threshold,
      )
    ).map((v, i) => [withVector[i], v]),
  );
  if (options.signal?.aborted) throw new MergeCancelledError();

  for (const p of planned) {
    if (p.flags.length) plan.flagged.push(p);
    const taken = usedIds.has(p.memory.id);
    if (taken) {
      const owner = byId.get(p.memory.id);
      if (owner && options.idConflict === 'report') {
        plan.idConflicts.push({ incoming: p, existing: owner, action: 'held' });
        continue;
      }
      p.originalId = p.memory.id;
      p.memory = { ...p.memory, id: uniqueId(makeId, usedIds) };
      if (owner) plan.idConflicts.push({ incoming: p, existing: owner, action: 'renamed' });
    }
    usedIds.add(p.memory.id);
    const verdict = verdicts.get(p);
    if (verdict?.hit) {
      plan.nearDuplicates.push({ incoming: p, existing: verdict.hit.memory, score: verdict.hit.score });
      continue;
    }
    if (!verdict || verdict.skipped) plan.nearCheckSkipped++;
    plan.add.push(p);
  }
  plan.toEmbed = [...plan.add, ...plan.nearDuplicates.map((n) => n.incoming), ...plan.idConflicts.map((c) => c.incoming)].filter(
    (p, i, all) => p.needsEmbedding && all.indexOf(p) === i,
  ).length;
  return plan;
}

function uniqueId(makeId: () => string, used: Set<string>): string {
  for (;;) {
    const id = makeId();
    if (!used.has(id)) return id;
  }
}

export type NearDecision = 'keep-both' | 'keep-existing' | 'keep-incoming';
export type ConflictDecision = 'new-id' | 'skip' | 'replace';

export interface MergeDecisions {
  /** Per incoming id (after renaming); default `defaultNear`. */
  near?: Record<string, NearDecision>;
  defaultNear?: NearDecision;
  /** Per incoming id for held id conflicts; default `skip`. */
  conflicts?: Record<string, ConflictDecision>;
  makeId?: () => string;
}

export interface ResolvedMerge {
  /** Memories to insert (may need embedding: see `needsEmbedding`). */
  insert: PlannedMemory[];
  /** Existing memories the user chose to replace (remove these, insert the incoming ones, in one transaction). */
  replace: string[];
  /** Counts to add to memories that stay in the pool (see MergePlan.usage), in the same transaction. */
  usage: { id: string; add: Usage }[];
}

/** Applies the user's choices to a plan. Replacing happens only on an explicit `keep-incoming` / `replace`. */
export function resolveMerge(plan: MergePlan, decisions: MergeDecisions = {}): ResolvedMerge {
  const insert = [...plan.add];
  const replace: string[] = [];
  const used = new Set(insert.map((p) => p.memory.id));
  for (const n of plan.nearDuplicates) {
    const d = decisions.near?.[n.incoming.memory.id] ?? decisions.defaultNear ?? 'keep-both';
    if (d === 'keep-existing') continue;
    if (d === 'keep-incoming') replace.push(n.existing.id);
    insert.push(n.incoming);
    used.add(n.incoming.memory.id);
  }
  for (const c of plan.idConflicts) {
    if (c.action === 'renamed') continue;
    const d = decisions.conflicts?.[c.incoming.memory.id] ?? 'skip';
    if (d === 'skip') continue;
    if (d === 'replace') {
      replace.push(c.existing.id);
      insert.push(c.incoming);
    } else {
      const id = uniqueId(decisions.makeId ?? newId, new Set([...used, c.existing.id]));
      insert.push({ ...c.incoming, originalId: c.incoming.memory.id, memory: { ...c.incoming.memory, id } });
    }
  }
  const replaced = new Set(replace);
  return { insert, replace: [...replaced], usage: plan.usage.filter((u) => !replaced.has(u.id)) };
}
