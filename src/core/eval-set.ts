// A labelled retrieval set and its metrics: memories, task texts, and for each task the memories whose lesson would
// help (`relevant`) or partly help (`acceptable`). The eval runs the product's own retrieval over it; this file only
// reads the set and scores rankings, so the numbers cannot drift from what the app does.
import { z } from 'zod';
import { createMemory, MemoryValidationError, type Memory } from './memory';

const querySchema = z
  .object({
    id: z.string({ error: 'id must be a string' }).min(1, { error: 'id must not be empty' }),
    text: z.string({ error: 'text must be a string' }).min(1, { error: 'text must not be empty' }),
    domain: z.string({ error: 'domain must be a string' }).min(1, { error: 'domain must not be empty' }),
    style: z.string({ error: 'style must be a string' }).default('all'),
    relevant: z.array(z.string(), { error: 'relevant must be an array of memory ids' }).min(1, { error: 'relevant must name at least one memory' }),
    acceptable: z.array(z.string(), { error: 'acceptable must be an array of memory ids' }).default([]),
  })
  .passthrough();

export type EvalQuery = z.output<typeof querySchema>;
export interface EvalSet {
  memories: Memory[];
  queries: EvalQuery[];
}

export class EvalSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalSetError';
  }
}

/** Validates a parsed set; the message names the memory or query and the field that is wrong. */
export function readEvalSet(data: unknown): EvalSet {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new EvalSetError('the set must be a JSON object with "memories" and "queries"');
  const { memories, queries } = data as Record<string, unknown>;
  if (!Array.isArray(memories) || memories.length === 0) throw new EvalSetError('"memories" must be a non-empty array');
  if (!Array.isArray(queries) || queries.length === 0) throw new EvalSetError('"queries" must be a non-empty array');
  const mems = memories.map((m, i) => {
    if (m === null || typeof m !== 'object' || typeof (m as { id?: unknown }).id !== 'string') throw new EvalSetError(`memories[${i}]: id must be a string`);
    try {
      return createMemory(m);
    } catch (error) {
      if (error instanceof MemoryValidationError) throw new EvalSetError(`memories[${i}] (${(m as { id: string }).id}): ${error.message}`);
      throw error;
    }
  });
  const ids = new Set<string>();
  for (const m of mems) {
    if (ids.has(m.id)) throw new EvalSetError(`memory id "${m.id}" appears twice`);
    ids.add(m.id);
  }
  const qs = queries.map((q, i) => {
    const parsed = querySchema.safeParse(q);
    const label = `queries[${i}]${q && typeof q === 'object' && typeof (q as { id?: unknown }).id === 'string' ? ` (${(q as { id: string }).id})` : ''}`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EvalSetError(`${label}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    }
    const unknown = [...parsed.data.relevant, ...parsed.data.acceptable].find((id) => !ids.has(id));
    if (unknown) throw new EvalSetError(`${label}: names memory "${unknown}", which the set does not have`);
    return parsed.data;
  });
  return { memories: mems, queries: qs };
}

export interface Metrics {
  /** Queries scored. */
  n: number;
  /** Share of queries with a relevant memory in the top 3. */
  recall3: number;
  /** Share whose first result is relevant. */
  hit1: number;
  /** Mean reciprocal rank of the first relevant memory (0 when none is returned). */
  mrr: number;
  /** recall@3 where an `acceptable` memory counts too. */
  softRecall3: number;
}

/** One task as scored: the ids it counts as right, given the protocol. */
export interface ScoredQuery {
  query: EvalQuery;
  relevant: string[];
  acceptable: string[];
  /** Domains left out of the pool for it (the transfer protocol: its own). */
  excludeDomains: string[];
}

/**
 * The tasks under a protocol. `whole`: every task against the whole pool. `transfer` (the paper's): the task's own
 * domain left out, and only tasks that still have a relevant memory in another domain are scored.
 */
export function protocolQueries(set: EvalSet, protocol: 'whole' | 'transfer'): ScoredQuery[] {
  const domainOf = new Map(set.memories.map((m) => [m.id, m.domain]));
  return set.queries.flatMap((query) => {
    if (protocol === 'whole') return [{ query, relevant: query.relevant, acceptable: query.acceptable, excludeDomains: [] }];
    const other = (id: string) => domainOf.get(id) !== query.domain;
    const relevant = query.relevant.filter(other);
    return relevant.length ? [{ query, relevant, acceptable: query.acceptable.filter(other), excludeDomains: [query.domain] }] : [];
  });
}

/** Metrics over rankings (ids, best first), one per scored query, for all of them and per query style. */
export function score(scored: ScoredQuery[], rankings: string[][]): Record<string, Metrics> {
  const groups = new Map<string, { n: number; r3: number; h1: number; mrr: number; s3: number }>();
  const bump = (style: string, hit: { r3: number; h1: number; mrr: number; s3: number }) => {
    const g = groups.get(style) ?? { n: 0, r3: 0, h1: 0, mrr: 0, s3: 0 };
    g.n++;
    g.r3 += hit.r3;
    g.h1 += hit.h1;
    g.mrr += hit.mrr;
    g.s3 += hit.s3;
    groups.set(style, g);
  };
  scored.forEach(({ query, relevant, acceptable }, i) => {
    const ids = rankings[i];
    const top3 = ids.slice(0, 3);
    const first = ids.findIndex((id) => relevant.includes(id));
    const hit = {
      r3: top3.some((id) => relevant.includes(id)) ? 1 : 0,
      h1: relevant.includes(ids[0]) ? 1 : 0,
      mrr: first >= 0 ? 1 / (first + 1) : 0,
      s3: top3.some((id) => relevant.includes(id) || acceptable.includes(id)) ? 1 : 0,
    };
    bump('all', hit);
    if (query.style !== 'all') bump(query.style, hit);
  });
  const out: Record<string, Metrics> = {};
  for (const [style, g] of groups) out[style] = { n: g.n, recall3: g.r3 / g.n, hit1: g.h1 / g.n, mrr: g.mrr / g.n, softRecall3: g.s3 / g.n };
  return out;
}

/**
 * Per task, whichever of two rankings puts a relevant memory first (the first on a tie). Not a method: no ranking can
 * know the labels. Its recall@3 bounds every fusion that takes its top 3 from the two lists' top 3s, which tells
 * whether a better way to mix them could still move recall@3 or only a new signal can.
 */
export function betterOf(scored: ScoredQuery[], a: string[][], b: string[][]): string[][] {
  const first = (ids: string[], relevant: string[]) => {
    const i = ids.findIndex((id) => relevant.includes(id));
    return i < 0 ? Infinity : i;
  };
  return scored.map(({ relevant }, i) => (first(b[i], relevant) < first(a[i], relevant) ? b[i] : a[i]));
}
