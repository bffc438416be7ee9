// Hybrid retrieval's pure parts: rank fusion, query segmentation, the lexical index and the one ranking step.
import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from '../../src/core/fusion';
import { meanVector, segments } from '../../src/core/segment';
import { LexicalIndex } from '../../src/adapters/index/lexical';
import { rankCandidates, resolveRetrieval } from '../../src/core/retrieval';
import { createMemory } from '../../src/core/memory';
import { l2normalize } from '../../src/core/vectors';
import { betterOf, protocolQueries, readEvalSet, score } from '../../src/core/eval-set';

describe('reciprocal rank fusion', () => {
  it('scores 1 for first place in every list; a memory in both lists beats one that leads only one', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['a', 'c', 'd'],
    ]);
    expect(fused.get('a')).toBeCloseTo(1, 12);
    // c is 3rd and 2nd; b is only 2nd in one list; d only 3rd in one.
    expect(fused.get('c')!).toBeGreaterThan(fused.get('b')!);
    expect(fused.get('b')!).toBeGreaterThan(fused.get('d')!);
    expect(fused.get('b')).toBeCloseTo(1 / (RRF_K + 2) / (2 / (RRF_K + 1)), 12);
  });
});

describe('query segmentation', () => {
  it('cuts a plan into its steps and an issue into sentences; a one-line text stays whole', () => {
    // A bare step number is no sentence of its own: too short to carry meaning, left out.
    expect(segments('Plan: 1. Open the file.\n2. Add a guard.\n3. Run the tests')).toEqual(['Plan:', 'Open the file.', 'Add a guard.', 'Run the tests']);
    expect(segments('The CLI crashes. It reads a missing config! Why?')).toEqual(['The CLI crashes.', 'It reads a missing config!', 'Why?']);
    expect(segments('tests fail because a package is not installed')).toEqual(['tests fail because a package is not installed']);
    // A version or a path does not end a sentence.
    expect(segments('Python 3.11 with numpy 1.26 installed from ./vendor/x.whl fails')).toHaveLength(1);
  });

  it('averages sentence vectors into one unit vector', () => {
    const a = l2normalize(Float32Array.from([1, 0, 0]));
    const b = l2normalize(Float32Array.from([0, 1, 0]));
    const m = meanVector([a, b]);
    expect(Array.from(m)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0].map((x) => Math.fround(x)));
    expect(meanVector([a])).toBe(a);
    expect(() => meanVector([])).toThrow(/at least one/);
  });
});

describe('lexical index', () => {
  const docs = [
    { id: 'install', title: 'Install missing tools instead of working around them', description: 'A missing package is a setup problem.', content: 'Install it with the package manager.', tags: ['environment'] },
    { id: 'paths', title: 'Check the working directory before destructive commands', description: '', content: 'Print the path first.', tags: [] },
    { id: 'tests', title: 'Run the neighbouring tests', description: '', content: 'Narrow fixes break adjacent behaviour.', tags: [] },
  ];

  it('matches stemmed words across forms ("installed" finds "Install"), ignores stopwords, weighs titles and tags', () => {
    const index = new LexicalIndex();
    index.build(docs);
    const hits = index.query('the package is not installed', 10);
    expect(hits[0].id).toBe('install');
    expect(hits.map((h) => h.id)).not.toContain('paths');
    expect(index.query('the is not', 10)).toEqual([]);
    expect(index.query('environment', 10).map((h) => h.id)).toEqual(['install']);
  });

  it('follows adds, edits and removals, and filters', () => {
    const index = new LexicalIndex();
    index.build(docs);
    index.add([{ ...docs[2], content: 'Installing fixtures first.' }]);
    expect(index.size).toBe(3);
    expect(index.query('installing', 10).map((h) => h.id).sort()).toEqual(['install', 'tests']);
    expect(index.query('adjacent', 10)).toEqual([]);
    expect(index.query('installing', 10, (id) => id !== 'install').map((h) => h.id)).toEqual(['tests']);
    index.remove(['install', 'unknown']);
    expect(index.size).toBe(2);
    expect(index.query('install', 10).map((h) => h.id)).toEqual(['tests']);
  });
});

describe('rankCandidates', () => {
  const mem = (id: string, domain: string) => createMemory({ id, title: id, content: id, domain });
  const entries = new Map([
    ['a', { memory: mem('a', 'swe'), vector: l2normalize(Float32Array.from([1, 0])) }],
    ['b', { memory: mem('b', 'web'), vector: l2normalize(Float32Array.from([0.8, 0.6])) }],
    ['c', { memory: mem('c', 'web'), vector: l2normalize(Float32Array.from([0, 1])) }],
  ]);
  const query = Float32Array.from([1, 0]);
  const opts = (o: object) => resolveRetrieval('q', o).options;

  it('fuses the dense and lexical orders, shows both parts, applies filters and minScore to the cosine', () => {
    const lexical = [{ id: 'b', score: 9 }, { id: 'c', score: 4 }];
    const hybrid = rankCandidates(query, ['a', 'b'], lexical, (id) => entries.get(id), opts({ k: 3 }));
    // b: 2nd by cosine, 1st by BM25. c (proposed by the lexical index only): 3rd by cosine, 2nd by BM25, which beats
    // a, first by cosine but without a lexical vote.
    expect(hybrid.map((r) => r.memory.id)).toEqual(['b', 'c', 'a']);
    expect(hybrid[0].cosine).toBeCloseTo(0.8, 6);
    expect(hybrid[0].lexical).toBe(9);
    expect(hybrid[2].lexical).toBe(0);
    expect(rankCandidates(query, ['a', 'b'], lexical, (id) => entries.get(id), opts({ excludeDomains: ['web'] })).map((r) => r.memory.id)).toEqual(['a']);
    expect(rankCandidates(query, ['a', 'b'], lexical, (id) => entries.get(id), opts({ minScore: 0.5 })).map((r) => r.memory.id)).toEqual(['b', 'a']);
    const dense = rankCandidates(query, ['a', 'b', 'c'], [], (id) => entries.get(id), opts({ mode: 'dense' }));
    expect(dense.map((r) => [r.memory.id, r.score])).toEqual([['a', 1], ['b', dense[1].cosine], ['c', dense[2].cosine]]);
    const lex = rankCandidates(query, [], lexical, (id) => entries.get(id), opts({ mode: 'lexical' }));
    expect(lex.map((r) => [r.memory.id, r.score])).toEqual([['b', 9], ['c', 4]]);
  });

  it('refuses an unknown mode, naming it', () => {
    expect(() => resolveRetrieval('q', { mode: 'bm25' })).toThrow(/mode must be one of hybrid, dense, lexical/);
  });
});

describe('eval set', () => {
  const set = {
    memories: [
      { id: 'm1', title: 'one', content: 'one', domain: 'swe' },
      { id: 'm2', title: 'two', content: 'two', domain: 'web' },
    ],
    queries: [
      { id: 'q1', text: 'a', domain: 'swe', style: 'short', relevant: ['m1'], acceptable: ['m2'] },
      { id: 'q2', text: 'b', domain: 'swe', style: 'long', relevant: ['m2'] },
    ],
  };

  it('scores recall@3, hit@1, MRR and soft recall per style; transfer keeps tasks with a relevant memory elsewhere', () => {
    const s = readEvalSet(set);
    const whole = protocolQueries(s, 'whole');
    const m = score(whole, [['m2', 'm1'], ['m1', 'x', 'y', 'm2']]);
    expect(m.all).toEqual({ n: 2, recall3: 0.5, hit1: 0, mrr: (1 / 2 + 1 / 4) / 2, softRecall3: 0.5 });
    expect(m.short.recall3).toBe(1);
    const transfer = protocolQueries(s, 'transfer');
    expect(transfer.map((t) => [t.query.id, t.excludeDomains])).toEqual([['q2', ['swe']]]);
  });

  it('takes per task the ranking that puts a relevant memory first, the first one on a tie or when neither has one', () => {
    const whole = protocolQueries(readEvalSet(set), 'whole');
    // q1 (m1 relevant): the second ranking has it first. q2 (m2 relevant): both miss it, the first ranking stays.
    const dense = [['x', 'y', 'z', 'm1'], ['m1', 'x']];
    const lexical = [['m1', 'x'], ['x', 'm1']];
    expect(betterOf(whole, dense, lexical)).toEqual([lexical[0], dense[1]]);
    expect(betterOf(whole, lexical, dense)).toEqual([lexical[0], lexical[1]]);
    // Its recall@3 is at least each one's.
    const best = score(whole, betterOf(whole, dense, lexical)).all.recall3;
    expect(best).toBe(0.5);
    expect(score(whole, dense).all.recall3).toBe(0);
  });

  it('names the query and field that are wrong', () => {
    expect(() => readEvalSet({ ...set, queries: [{ ...set.queries[0], relevant: ['nope'] }] })).toThrow(/queries\[0\] \(q1\): names memory "nope"/);
    expect(() => readEvalSet({ ...set, queries: [{ id: 'q9', text: 'a', domain: 'swe' }] })).toThrow(/queries\[0\] \(q9\): relevant/);
    expect(() => readEvalSet({ memories: [] , queries: []})).toThrow(/"memories" must be a non-empty array/);
  });
});
