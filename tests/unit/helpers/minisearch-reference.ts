// MiniSearch configured as the lexical index once was: the reference our own index must score exactly like.
import MiniSearch from 'minisearch';
import { indexTerm } from '../../../src/core/terms';

export interface LexDoc {
  id: string;
  title: string;
  description?: string;
  content: string;
  tags: string[];
}

export function referenceIndex(docs: LexDoc[]) {
  const search = new MiniSearch<LexDoc>({
    fields: ['title', 'description', 'content', 'tags'],
    storeFields: [],
    extractField: (doc, field) => (field === 'tags' ? doc.tags.join(' ') : String((doc as unknown as Record<string, unknown>)[field] ?? '')),
    processTerm: indexTerm,
    searchOptions: { boost: { title: 2, description: 1.5, tags: 1.5, content: 1 }, combineWith: 'OR' },
  });
  search.addAll(docs);
  return {
    search,
    query: (text: string, n: number) => search.search(text).slice(0, n).map((h) => ({ id: h.id as string, score: h.score })),
  };
}
