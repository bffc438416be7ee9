// Small statistics shared by the Node and browser halves of the bench, so both report the same way.

export interface BenchRow {
  name: 'query.top3' | 'query.hybrid' | 'lexical.build' | 'index.load' | 'edit' | 'embed' | 'import' | 'export' | 'coldstart' | 'bundle';
  runtime: 'chromium' | 'node';
  n?: number;
  dims?: number;
  index?: string;
  model?: string;
  batch?: number;
  p50_ms?: number;
  p95_ms?: number;
  recall_at_3?: number;
  per_s?: number;
  bytes?: number;
  /** How it was measured (e.g. `indexeddb`, `build`, `store.insert`); distinguishes rows with the same key. */
  via?: string;
  /** Data shape of synthetic vectors. */
  data?: string;
  queries?: number;
  reps?: number;
  skipped?: string;
  error?: string;
  [extra: string]: unknown;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function summarize(times: number[]): { p50: number; p95: number } {
  const s = [...times].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95) };
}

export const round = (x: number | undefined, digits = 3): number | undefined =>
  x === undefined || !Number.isFinite(x) ? undefined : Math.round(x * 10 ** digits) / 10 ** digits;

/** Fraction of the true top-k ids that each result list contains, over all queries. */
export function recallAt(results: string[][], truth: string[][]): number {
  let hit = 0;
  let total = 0;
  results.forEach((ids, i) => {
    const t = new Set(truth[i]);
    total += t.size;
    for (const id of ids) if (t.has(id)) hit++;
  });
  return total ? hit / total : 1;
}

/**
 * Smallest step performance.now() shows here. Chromium coarsens it to 100 µs unless the page is
 * cross-origin isolated, which would make sub-millisecond p50s meaningless; the bench records it.
 */
export function timerResolutionMs(): number {
  let best = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = a;
    while (b === a) b = performance.now();
    best = Math.min(best, b - a);
  }
  return best;
}
