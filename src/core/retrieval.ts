// Retrieval: top-3 by default, as in Memory Transfer Learning, but hybrid. The paper ranks by plain embedding
// similarity with a strong cloud embedder; the small offline model alone finds a right lesson for 12–18% of the dev
// set's tasks, BM25 for 37%, the two fused for 47% (docs/retrieval.md). Indexes only propose candidates; this
// file ranks them, the same for the app, the CLI and the eval.
import { z } from 'zod';
import { LEVELS, matchesFilter, type Level, type Memory, type MemoryFilter } from './memory';
import { cosine } from './vectors';
import { reciprocalRankFusion } from './fusion';
import { meanVector, segments } from './segment';
import { isHarmful } from './usage';

/**
 * `hybrid` (default): dense and lexical candidates fused by reciprocal rank. `dense`: cosine only, the paper's method.
 * `lexical`: BM25 only.
 */
export const RETRIEVAL_MODES = ['hybrid', 'dense', 'lexical'] as const;
export type RetrievalMode = (typeof RETRIEVAL_MODES)[number];

export interface RetrieveOptions {
  /** How many memories to return (the paper uses 3). */
  k?: number;
  levels?: Level[];
  domains?: string[];
  /**
   * Domains to leave out. The paper's transfer protocol, "pool = every domain except the task's own",
   * is `excludeDomains: [taskDomain]`.
   */
  excludeDomains?: string[];
  /** Drop results whose cosine (the dense part, whatever the mode) is below this. */
  minScore?: number;
  /** How candidates are ranked; default `hybrid`. */
  mode?: RetrievalMode;
  /**
   * Leave out memories whose feedback says they hurt more often than they helped (core/usage.ts). Default false: the
   * ranking itself does not use feedback.
   */
  excludeHarmful?: boolean;
}

export interface RetrievedMemory {
  memory: Memory;
  /**
   * What the ranking sorts by. Hybrid: the fused reciprocal-rank score, 1 = first in both the dense and the lexical
   * list. Dense: the cosine. Lexical: the BM25 score.
   */
  score: number;
  /** Exact cosine similarity between the query vector and the memory's stored vector, in [-1, 1]. */
  cosine: number;
  /** BM25 score of the memory for the query text (0: no query word in it). */
  lexical: number;
}

export const MAX_K = 100;
export const MAX_QUERY_CHARS = 20_000;

const optionsSchema = z
  .object({
    k: z
      .number({ error: 'k must be a number' })
      .int({ error: 'k must be a whole number' })
      .min(1, { error: 'k must be at least 1' })
      .max(MAX_K, { error: `k must be at most ${MAX_K}` })
      .default(3),
    levels: z.array(z.enum(LEVELS, { error: `levels must be among ${LEVELS.join(', ')}` }), { error: 'levels must be an array' }).optional(),
    domains: z.array(z.string({ error: 'domains must be strings' }), { error: 'domains must be an array' }).optional(),
    excludeDomains: z
      .array(z.string({ error: 'excludeDomains must be strings' }), { error: 'excludeDomains must be an array' })
      .optional(),
    minScore: z.number({ error: 'minScore must be a number' }).min(-1).max(1).optional(),
    mode: z.enum(RETRIEVAL_MODES, { error: `mode must be one of ${RETRIEVAL_MODES.join(', ')}` }).default('hybrid'),
    excludeHarmful: z.boolean({ error: 'excludeHarmful must be true or false' }).optional(),
  })
  .strict();

export type ResolvedRetrieveOptions = z.output<typeof optionsSchema>;

export class RetrievalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetrievalError';
  }
}

/** Validates the query and options, naming what is wrong. */
export function resolveRetrieval(query: unknown, options: unknown = {}): { query: string; options: ResolvedRetrieveOptions } {
  if (typeof query !== 'string') throw new RetrievalError('query must be a string');
  const trimmed = query.trim();
  if (!trimmed) throw new RetrievalError('query must not be empty');
  if (trimmed.length > MAX_QUERY_CHARS) throw new RetrievalError(`query is too long (max ${MAX_QUERY_CHARS} characters)`);
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue.code === 'unrecognized_keys' ? `unknown option: ${issue.keys.join(', ')}` : issue.message;
    throw new RetrievalError(`invalid retrieve options: ${message}`);
  }
  return { query: trimmed, options: parsed.data };
}

export function filterOf(options: ResolvedRetrieveOptions): MemoryFilter {
  return { levels: options.levels, domains: options.domains, excludeDomains: options.excludeDomains };
}

/** Whether a memory may be returned at all under these options (filters, and feedback when asked). */
function eligible(memory: Memory, filter: MemoryFilter, options: ResolvedRetrieveOptions): boolean {
  return matchesFilter(memory, filter) && !(options.excludeHarmful && isHarmful(memory));
}

/** How deep each index's candidate list goes before fusion: a memory below it in one list gets no vote from it. */
export const CANDIDATES = 100;

/** What retrieval needs from a pool, whoever holds it (the app's IndexedDB mirror, a CLI pool file, the eval). */
export interface RetrievalSources {
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Ids of the memories nearest to the vector, best first (an index may be approximate: scores are recomputed). */
  dense(vector: Float32Array, n: number, accept: (id: string) => boolean): string[];
  /** Ids and BM25 scores of the memories matching the query text, best first. */
  lexical(query: string, n: number, accept: (id: string) => boolean): { id: string; score: number }[];
  lookup(id: string): { memory: Memory; vector: Float32Array } | undefined;
}

/** Settings the eval compares; the app and CLI use the defaults. */
export interface RetrievalTuning {
  /** Embed each sentence of the query and average (see segment.ts), instead of the whole text at once. */
  segment: boolean;
}
export const DEFAULT_TUNING: RetrievalTuning = { segment: true };

/** The query's vector: the mean of its sentences' vectors, or the whole text's. */
export async function queryVector(embed: RetrievalSources['embed'], query: string, tuning: RetrievalTuning = DEFAULT_TUNING): Promise<Float32Array> {
  const pieces = tuning.segment ? segments(query) : [query];
  return meanVector(await embed(pieces.length > 1 ? pieces : [query]));
}

/** Top-k memories for a validated query: candidates from each index, then `rankCandidates`. */
export async function retrieveFrom(
  sources: RetrievalSources,
  query: string,
  options: ResolvedRetrieveOptions,
  tuning: RetrievalTuning = DEFAULT_TUNING,
): Promise<RetrievedMemory[]> {
  const filter = filterOf(options);
  const accept = (id: string) => {
    const entry = sources.lookup(id);
    return entry !== undefined && eligible(entry.memory, filter, options);
  };
  const depth = Math.max(CANDIDATES, options.k);
  // The vector is needed in every mode: minScore and the cosine shown apply to lexical results too.
  const vector = await queryVector(sources.embed, query, tuning);
  const dense = options.mode === 'lexical' ? [] : sources.dense(vector, depth, accept);
  const lexical = options.mode === 'dense' ? [] : sources.lexical(query, depth, accept);
  return rankCandidates(vector, dense, lexical, sources.lookup, options);
}

/**
 * The one ranking step: exact cosine for every candidate from the stored vectors, the dense list re-ordered by it,
 * fused with the lexical list by reciprocal rank (hybrid), filters and minScore applied, ties broken by cosine and
 * then id so the order is stable across reloads.
 */
export function rankCandidates(
  query: Float32Array,
  denseIds: Iterable<string>,
  lexicalHits: readonly { id: string; score: number }[],
  lookup: (id: string) => { memory: Memory; vector: Float32Array } | undefined,
  options: ResolvedRetrieveOptions,
): RetrievedMemory[] {
  const filter = filterOf(options);
  const lexicalScore = new Map(lexicalHits.map((h) => [h.id, h.score]));
  const found = new Map<string, RetrievedMemory>();
  for (const id of [...denseIds, ...lexicalScore.keys()]) {
    if (found.has(id)) continue;
    const entry = lookup(id);
    if (!entry || !eligible(entry.memory, filter, options)) continue;
    const c = cosine(query, entry.vector);
    if (options.minScore !== undefined && c < options.minScore) continue;
    found.set(id, { memory: entry.memory, score: 0, cosine: c, lexical: lexicalScore.get(id) ?? 0 });
  }
  const byId = (a: RetrievedMemory, b: RetrievedMemory) => (a.memory.id < b.memory.id ? -1 : a.memory.id > b.memory.id ? 1 : 0);
  const all = [...found.values()];
  // Every candidate takes its place by exact cosine, also those only the lexical index proposed: its true dense rank
  // among the candidates, as a full scan would give it.
  const denseOrder = options.mode === 'lexical' ? [] : [...all].sort((a, b) => b.cosine - a.cosine || byId(a, b));
  const lexicalOrder = all.filter((r) => r.lexical > 0).sort((a, b) => b.lexical - a.lexical || byId(a, b));
  let ranked: RetrievedMemory[];
  if (options.mode === 'dense') ranked = denseOrder.map((r) => ({ ...r, score: r.cosine }));
  else if (options.mode === 'lexical') ranked = lexicalOrder.map((r) => ({ ...r, score: r.lexical }));
  else {
    const fused = reciprocalRankFusion([denseOrder.map((r) => r.memory.id), lexicalOrder.map((r) => r.memory.id)]);
    ranked = all.map((r) => ({ ...r, score: fused.get(r.memory.id) ?? 0 }));
  }
  ranked.sort((a, b) => b.score - a.score || b.cosine - a.cosine || byId(a, b));
  return ranked.slice(0, options.k);
}
