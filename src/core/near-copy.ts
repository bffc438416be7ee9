// Near-copies: a new memory that says what one already there says, in other words. It would take a second slot in an
// agent's top-3 for one lesson, so the ingest preview unticks it, `ingest` leaves it out, `add` names it and an import
// asks. One rule wherever that is judged (app, window.insightPool.near, CLI, import/merge planning):
//
//   a near-copy is a memory of the SAME LEVEL whose WHOLE TEXT (title + description + content) is within
//   DEFAULT_NEAR_THRESHOLD cosine.
//
// Why not the retrieval key (by default the title): a run's trajectory, workflow and summary share its title, so judged
// on keys, ingesting all four levels dropped a run's summary and workflow as copies of its own trajectory; and two
// insights with one title but different principles looked like copies. Why never across levels: each level is a
// different abstraction of a run, asked for on purpose (retrieval filters by level).
import { keyText, type KeyMode, type Level, type Memory } from './memory';
import { closestAbove, dot } from './vectors';

export const DEFAULT_NEAR_THRESHOLD = 0.95;

/** What a near-copy is judged on: a memory's level and text. */
export type NearText = Pick<Memory, 'level' | 'title' | 'description' | 'content'>;

/** The text compared, whatever the pool's key mode: the memory's whole text. */
export function nearText(m: Pick<Memory, 'title' | 'description' | 'content'>): string {
  return keyText(m, 'full');
}

/**
 * When the pool's key is not the whole text, how many memories of the level, nearest by stored (key) vector, are
 * compared by whole text. See nearCopiesInPool for why not all of them.
 */
export const NEAR_CANDIDATES = 8;

/** Up to k pool memories of `level`, nearest to `vector` by their stored vectors, best first, with that exact cosine. */
export type NearSearch<T> = (vector: Float32Array, level: Level, k: number) => { memory: T; score: number }[];

export interface NearPool<T> {
  keyMode: KeyMode;
  search: NearSearch<T>;
  /**
   * Whole-text vectors (the pool's model) of these memories, in order; needed only when keyMode is not 'full'. The app
   * caches them by content hash; without it, subjects that have candidates are not judged (`skipped`).
   */
  wholeVectors?: (memories: NearText[]) => Promise<Float32Array[]>;
}

export interface NearSubject {
  memory: NearText;
  /** Its vector in the pool's space and key mode (what the pool's index holds for its memories). */
  key: Float32Array;
  /** Its whole-text vector, when the caller has it already (in a 'full' pool, `key` is that). */
  whole?: Float32Array;
}

export interface NearVerdict<T> {
  /** The closest pool memory it is a near-copy of. */
  hit?: { memory: T; score: number };
  /** Its whole-text vector, when known: compare later subjects with it (earlierNearCopy). */
  whole?: Float32Array;
  /** Not judged: the pool's key is not the whole text and no whole-text vectors could be made. */
  skipped?: boolean;
}

/**
 * Per subject, the pool memory it is a near-copy of (see the rule above).
 *
 * With key mode 'full' the stored vectors are whole-text vectors: one index search among the level, exact. With a
 * shorter key the pool holds no whole-text vectors, and making them for every memory would cost a 100k pool minutes of
 * embedding (or a second stored vector per memory, a store format change). So the NEAR_CANDIDATES memories of the level
 * whose keys are nearest are compared by whole text (their vectors embedded in one batch; the app caches them). A
 * whole-text near-copy whose key is not among those is not flagged; it also does not compete for the same top-3 slots,
 * since retrieval ranks by the key, which is the harm a near-copy does.
 */
export async function nearCopiesInPool<T extends NearText>(
  subjects: NearSubject[],
  pool: NearPool<T>,
  threshold = DEFAULT_NEAR_THRESHOLD,
): Promise<NearVerdict<T>[]> {
  if (pool.keyMode === 'full') {
    return subjects.map(({ memory, key }) => {
      const [best] = pool.search(key, memory.level, 1);
      return { whole: key, hit: best && best.score >= threshold ? best : undefined };
    });
  }
  const candidates = subjects.map(({ memory, key }) => pool.search(key, memory.level, NEAR_CANDIDATES).map((c) => c.memory));
  const verdicts: NearVerdict<T>[] = subjects.map(({ whole }) => ({ whole }));
  const judged = subjects.map((_, i) => i).filter((i) => candidates[i].length > 0);
  if (judged.length === 0) return verdicts;
  if (!pool.wholeVectors) {
    for (const i of judged) verdicts[i].skipped = true;
    return verdicts;
  }
  // One batch: the subjects' whole texts that are missing, then every candidate once.
  const missing = judged.filter((i) => !verdicts[i].whole);
  const others = [...new Set(judged.flatMap((i) => candidates[i]))];
  const vectors = await pool.wholeVectors([...missing.map((i) => subjects[i].memory), ...others]);
  missing.forEach((i, j) => (verdicts[i].whole = vectors[j]));
  const wholeOf = new Map(others.map((m, j) => [m, vectors[missing.length + j]]));
  for (const i of judged) {
    const v = verdicts[i].whole!;
    let best: { memory: T; score: number } | undefined;
    for (const m of candidates[i]) {
      const score = dot(wholeOf.get(m)!, v);
      if (score >= threshold && (!best || score > best.score)) best = { memory: m, score };
    }
    verdicts[i].hit = best;
  }
  return verdicts;
}

/**
 * Among memories before it in one batch (not in the pool yet), the closest near-copy of a memory: same level, whole-text
 * vectors within the threshold. A linear scan: batches are small; for a pool, use nearCopiesInPool.
 */
export function earlierNearCopy<E>(
  earlier: readonly E[],
  of: (entry: E) => { level: Level; whole: ArrayLike<number> },
  subject: { level: Level; whole: ArrayLike<number> },
  threshold = DEFAULT_NEAR_THRESHOLD,
): { entry: E; score: number } | undefined {
  const sameLevel = earlier.filter((e) => of(e).level === subject.level);
  return closestAbove(sameLevel, (e) => of(e).whole, subject.whole, threshold);
}
