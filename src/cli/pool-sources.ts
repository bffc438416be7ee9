// Retrieval sources over memories held in memory (a pool file the CLI read, an eval set): an exact cosine scan for
// the dense candidates and a lexical index built on the spot. The ranking itself is core's, as in the app.
import type { Embedder } from '../core/embedder';
import type { Memory } from '../core/memory';
import type { RetrievalSources } from '../core/retrieval';
import { dot } from '../core/vectors';
import { LexicalIndex } from '../adapters/index/lexical';

/**
 * `lexical`: a BM25 index already built over exactly these memories' texts (the MCP server keeps one between calls
 * while the texts stay the same); built here otherwise.
 */
export function memorySources(memories: Memory[], embedder: Pick<Embedder, 'embed'>, lexical?: LexicalIndex): RetrievalSources {
  const withVectors = memories.filter((m) => m.embedding);
  const byId = new Map(withVectors.map((m) => [m.id, m]));
  if (!lexical) {
    lexical = new LexicalIndex();
    lexical.build(withVectors);
  }
  const index = lexical;
  return {
    embed: (texts) => embedder.embed(texts),
    dense: (vector, n, accept) =>
      withVectors
        .filter((m) => accept(m.id))
        .map((m) => ({ id: m.id, score: dot(vector, m.embedding!.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, n)
        .map((c) => c.id),
    lexical: (text, n, accept) => index.query(text, n, accept),
    lookup: (id) => {
      const m = byId.get(id);
      return m && { memory: m, vector: m.embedding!.vector };
    },
  };
}
