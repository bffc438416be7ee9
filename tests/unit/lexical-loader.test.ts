// A large pool opens before its lexical index is full: the build yields to the page, edits made meanwhile are not
// lost or overwritten by the build's older copies, and searches wait for the complete index.
import { describe, expect, it } from 'vitest';
import { LexicalLoader } from '../../src/adapters/index/lexical-loader';

const doc = (i: number, word = 'install') => ({ id: `m${i}`, title: `memory ${i} ${word}`, content: 'text', tags: [] as string[] });
const many = (n: number) => Array.from({ length: n }, (_, i) => doc(i));

describe('LexicalLoader', () => {
  it('a pool under one slice is searchable at once', () => {
    const loader = new LexicalLoader();
    loader.rebuild(many(10));
    expect(loader.query('install', 20)).toHaveLength(10);
  });

  it('builds a large pool in slices that let the page run, then answers from the whole pool', async () => {
    const loader = new LexicalLoader();
    let pageRan = false;
    loader.rebuild(many(12_000));
    setTimeout(() => (pageRan = true), 0);
    expect(loader.query('install', 5)).toEqual([]); // nothing complete yet: the previous (empty) index answers
    await loader.ready();
    expect(pageRan).toBe(true);
    expect(loader.size).toBe(12_000);
  });

  it('keeps edits made during a build, in order, over the build’s older copies', async () => {
    const loader = new LexicalLoader();
    loader.rebuild(many(12_000));
    loader.add([doc(11_999, 'migration')]); // an edit of a memory the build has not reached yet
    loader.remove(['m0']);
    loader.add([doc(20_000, 'flaky')]);
    await loader.ready();
    expect(loader.size).toBe(12_000);
    expect(loader.query('migration', 5).map((h) => h.id)).toEqual(['m11999']);
    expect(loader.query('flaky', 5).map((h) => h.id)).toEqual(['m20000']);
    expect(loader.query('install', 20_000).map((h) => h.id)).not.toContain('m0');
    expect(loader.query('install', 20_000).map((h) => h.id)).not.toContain('m11999');
  });

  it('a newer rebuild replaces one in flight; ready() waits for the newest', async () => {
    const loader = new LexicalLoader();
    loader.rebuild(many(12_000));
    const first = loader.ready();
    loader.rebuild([doc(1, 'overflow')]);
    await first;
    expect(loader.size).toBe(1);
    expect(loader.query('overflow', 5).map((h) => h.id)).toEqual(['m1']);
  });
});
