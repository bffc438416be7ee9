// Our lexical index exists for speed (see src/adapters/index/lexical.ts); its ranking must be MiniSearch's,
// the library the scoring was chosen with, on real text: the dev set's memories and tasks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/adapters/index/lexical';
import { referenceIndex, type LexDoc } from './helpers/minisearch-reference';

const set = JSON.parse(readFileSync(new URL('../../../shared/fixtures/retrieval/dev.json', import.meta.url), 'utf8')) as {
  memories: { id: string; title: string; description?: string; content: string; domain: string }[];
  queries: { text: string }[];
};
const docs: LexDoc[] = set.memories.map((m) => ({ ...m, tags: [m.domain] }));

type Hit = { id: string; score: number };
// Same scores rank for rank; memories with exactly equal scores may come in another order (MiniSearch orders them
// by its internal maps), so ids are compared as sorted within equal scores, leaving out the tie cut at the end.
function expectSameRanking(ours: Hit[], theirs: Hit[]) {
  expect(ours.length).toBe(theirs.length);
  ours.forEach((h, i) => expect(h.score).toBeCloseTo(theirs[i].score, 9));
  const last = theirs.at(-1)?.score ?? 0;
  const canonical = (hits: Hit[]) =>
    hits.filter((h) => h.score - last > 1e-9).map((h) => `${h.score.toFixed(9)} ${h.id}`).sort();
  expect(canonical(ours)).toEqual(canonical(theirs));
}

describe('the lexical index ranks as MiniSearch does', () => {
  it('on every dev task, long and short, over the dev memories', () => {
    const ours = new LexicalIndex();
    ours.build(docs);
    const ref = referenceIndex(docs);
    for (const q of set.queries) expectSameRanking(ours.query(q.text, 20), ref.query(q.text, 20));
    expect(ours.query('', 5)).toEqual([]);
    // A filter that throws leaves no partial scores behind for the next query.
    const text = set.queries[0].text;
    expect(() => ours.query(text, 20, () => { throw new Error('filter failed'); })).toThrow('filter failed');
    expectSameRanking(ours.query(text, 20), ref.query(text, 20));
  });

  it('after edits and removals, and after the removed memories are compacted away', () => {
    // Many copies so removals pass the compaction threshold (a third of the live memories, and over 1000).
    const many: LexDoc[] = [];
    for (let r = 0; r < 40; r++) for (const d of docs) many.push({ ...d, id: `${d.id}#${r}`, title: `${d.title} ${r % 7 ? '' : 'again'}` });
    const ours = new LexicalIndex();
    ours.build(many);
    const gone = many.filter((_, i) => i % 3 === 0).map((d) => d.id);
    ours.remove(gone.slice(0, 500));
    const edited = many.filter((_, i) => i % 5 === 1 && i % 3 !== 0).map((d) => ({ ...d, content: `${d.content} flaky retries` }));
    ours.add(edited);
    ours.remove(gone.slice(500));
    const byId = new Map(many.map((d) => [d.id, d]));
    for (const d of edited) byId.set(d.id, d);
    for (const id of gone) byId.delete(id);
    // Edited memories come last in insertion order in both, so equal scores tie-break alike.
    const survivors = [...byId.values()].filter((d) => !edited.some((e) => e.id === d.id)).concat(edited.filter((e) => byId.has(e.id)));
    const ref = referenceIndex(survivors);
    expect(ours.size).toBe(survivors.length);
    for (const q of set.queries.slice(0, 20)) expectSameRanking(ours.query(q.text, 10), ref.query(q.text, 10));
    expectSameRanking(ours.query('flaky retries', 10), ref.query('flaky retries', 10));
  });

  it('counts a field\'s empty tokens as MiniSearch does (text that starts and ends with punctuation)', () => {
    const odd: LexDoc[] = Array.from({ length: 30 }, (_, i) => ({
      id: `o${i}`,
      title: `"Retry ${i % 3 ? 'flaky' : 'slow'} tests."`,
      description: i % 2 ? '(optional).' : '',
      content: `...${'check, '.repeat(i % 4)}the exit code! (${i})`,
      tags: i % 5 ? ['ci'] : [],
    }));
    const ours = new LexicalIndex();
    ours.build(odd);
    const ref = referenceIndex(odd);
    for (const q of ['flaky tests', 'exit code check', 'optional slow retry', '"ci"']) expectSameRanking(ours.query(q, 30), ref.query(q, 30));
  });

  it('counts memories added or removed between queries at once (lengths, averages and frequencies kept per query)', () => {
    const ours = new LexicalIndex();
    const half = docs.length / 2;
    ours.build(docs.slice(0, half));
    const probe = set.queries.slice(0, 10);
    for (const q of probe) expectSameRanking(ours.query(q.text, 10), referenceIndex(docs.slice(0, half)).query(q.text, 10));
    ours.add(docs.slice(half));
    for (const q of probe) expectSameRanking(ours.query(q.text, 10), referenceIndex(docs).query(q.text, 10));
    ours.remove(docs.slice(0, 10).map((d) => d.id));
    for (const q of probe) expectSameRanking(ours.query(q.text, 10), referenceIndex(docs.slice(10)).query(q.text, 10));
  });
});

describe('past its postings budget, the lexical index leaves out a long query\'s most common words', () => {
  // "common" is in every memory, "rare" in two: a budget of 30 postings fits "rare" (2) but not "common" (40).
  const pool: LexDoc[] = Array.from({ length: 40 }, (_, i) => ({
    id: `p${i}`,
    title: `common lesson ${i}`,
    content: i < 2 ? 'rare words here' : 'common words here',
    tags: [],
  }));

  it('ranks as if the query held only the words within the budget, rarest first', () => {
    const budgeted = new LexicalIndex(30);
    budgeted.build(pool);
    const ref = referenceIndex(pool);
    expectSameRanking(budgeted.query('rare common common', 10), ref.query('rare', 10));
    // Without the budget the common word counts, and changes the scores.
    const exact = new LexicalIndex();
    exact.build(pool);
    expectSameRanking(exact.query('rare common common', 10), ref.query('rare common common', 10));
    expect(exact.query('rare common common', 10)[0].score).not.toBeCloseTo(budgeted.query('rare common common', 10)[0].score, 3);
  });

  it('always keeps the rarest word, even alone over the budget', () => {
    const tiny = new LexicalIndex(1);
    tiny.build(pool);
    expectSameRanking(tiny.query('common', 50), referenceIndex(pool).query('common', 50));
  });
});

