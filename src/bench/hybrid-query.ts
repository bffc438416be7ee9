// Hybrid retrieval at pool scale, in the browser: the app's ranking path (core's retrieveFrom: dense candidates from
// the index the app would choose, lexical candidates from the BM25 index, exact cosines, rank fusion) with the query
// embedding left out (it is timed by the embed rows). Queries are the demo pool's sentences, short and long, over
// memories whose text repeats the same 97 sentences: every word is in thousands of memories, the worst case for
// postings. Also the lexical index's own build, the part it adds to "index ready after reload".
import { createIndex } from '../adapters/index/choose';
import { LexicalIndex } from '../adapters/index/lexical';
import { resolveRetrieval, retrieveFrom, type RetrievalSources } from '../core/retrieval';
import { syntheticSet } from './synthetic';
import { benchSentences } from './sentences';
import { syntheticMemories } from './store-bench';
import { round, summarize, type BenchRow } from './stats';

export async function benchHybrid(n: number, dims: number, queries = 100): Promise<BenchRow[]> {
  const memories = syntheticMemories(n, dims);
  const byId = new Map(memories.map((m) => [m.id, m]));
  const index = await createIndex('auto', dims, n);
  index.build(memories.map((m) => ({ id: m.id, vector: m.embedding!.vector })));
  const lexical = new LexicalIndex();
  const t0 = performance.now();
  lexical.build(memories);
  const buildMs = performance.now() - t0;

  const text = benchSentences(97);
  const vectors = syntheticSet({ n: 0, dims, queries, seed: 7 }).queries;
  // One query in three is a ticket-sized sentence, the rest issue-sized: 4 to 10 sentences.
  const texts = vectors.map((_, i) => Array.from({ length: i % 3 === 0 ? 1 : 4 + (i % 7) }, (_, j) => text[(i * 11 + j * 5) % 97]).join(' '));
  let current = 0;
  const sources: RetrievalSources = {
    embed: async (pieces) => pieces.map(() => vectors[current]),
    dense: (vector, k, accept) => index.search(vector, k, accept).map((c) => c.id),
    lexical: (q, k, accept) => lexical.query(q, k, accept),
    lookup: (id) => {
      const m = byId.get(id);
      return m && { memory: m, vector: m.embedding!.vector };
    },
  };
  const times: number[] = [];
  const lexTimes: number[] = [];
  for (let i = -10; i < queries; i++) {
    current = (i + queries) % queries;
    const { query, options } = resolveRetrieval(texts[current], { k: 3 });
    const t = performance.now();
    const got = await retrieveFrom(sources, query, options);
    const ms = performance.now() - t;
    const tl = performance.now();
    lexical.query(query, 100);
    const lexMs = performance.now() - tl;
    if (got.length !== 3) throw new Error(`hybrid bench: ${got.length} results`);
    if (i >= 0) {
      times.push(ms);
      lexTimes.push(lexMs);
    }
  }
  const all = summarize(times);
  const lex = summarize(lexTimes);
  const common = { runtime: 'chromium' as const, n, dims };
  return [
    { name: 'query.hybrid', ...common, index: index.kind, via: 'retrieveFrom: dense + BM25 + RRF, top-3 (embedding excluded)', p50_ms: round(all.p50), p95_ms: round(all.p95), queries },
    { name: 'query.hybrid', ...common, index: 'lexical', via: 'BM25 alone, top-100 candidates', p50_ms: round(lex.p50), p95_ms: round(lex.p95), queries },
    { name: 'lexical.build', ...common, index: 'lexical', via: 'BM25 index from memories', p50_ms: round(buildMs, 1) },
  ];
}
