// Retrieval as in Memory Transfer Learning: plain embedding similarity, top-3 by default.
// Indexes only propose candidates; the score a user sees is always exact cosine from stored vectors.
import { z } from 'zod';
import { LEVELS, matchesFilter, type Level, type Memory, type MemoryFilter } from './memory';
import { cosine } from './vectors';

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
  /** Drop results whose cosine is below this. */
  minScore?: number;
}

export interface RetrievedMemory {
  memory: Memory;
  /** Exact cosine similarity between the query and the memory's key, in [-1, 1]. */
  score: number;
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

/**
 * Exact re-ranking of index candidates: cosine from the stored vectors, filters applied,
 * nearest first, ties broken by id so the order is stable across reloads.
 */
export function rankExact(
  query: Float32Array,
  candidateIds: Iterable<string>,
  lookup: (id: string) => { memory: Memory; vector: Float32Array } | undefined,
  options: ResolvedRetrieveOptions,
): RetrievedMemory[] {
  const filter = filterOf(options);
  const out: RetrievedMemory[] = [];
  const seen = new Set<string>();
  for (const id of candidateIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const entry = lookup(id);
    if (!entry || !matchesFilter(entry.memory, filter)) continue;
    const score = cosine(query, entry.vector);
    if (options.minScore !== undefined && score < options.minScore) continue;
    out.push({ memory: entry.memory, score });
  }
  out.sort((a, b) => b.score - a.score || (a.memory.id < b.memory.id ? -1 : 1));
  return out.slice(0, options.k);
}
