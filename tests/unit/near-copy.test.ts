// The near-copy rule every caller shares (app preview and add, window.insightPool.near, CLI add/ingest, import/merge):
// same level, whole text within the threshold; never across levels. With a title key the pool's vectors are title
// vectors, so whole texts are compared among the level's nearest by key.
import { describe, expect, it } from 'vitest';
import { createMemory, keyText, type KeyMode, type Level, type Memory } from '../../src/core/memory';
import { earlierNearCopy, nearCopiesInPool, nearText, NEAR_CANDIDATES, type NearPool } from '../../src/core/near-copy';
import { cosine } from '../../src/core/vectors';
import { wordEmbedder } from './helpers/word-embedder';

const embedder = wordEmbedder(64);
const vec = async (text: string) => (await embedder.embed([text]))[0];

/** A pool over memories keyed `keyMode`, searched by exact scan, with whole-text vectors from the test embedder. */
async function poolOf(inputs: { level: Level; title: string; content: string }[], keyMode: KeyMode) {
  const memories = inputs.map((i) => createMemory(i));
  const keys = await embedder.embed(memories.map((m) => keyText(m, keyMode)));
  const asked: string[] = [];
  const pool: NearPool<Memory> = {
    keyMode,
    search: (vector, level, k) =>
      memories
        .map((memory, i) => ({ memory, score: cosine(vector, keys[i]) }))
        .filter((h) => h.memory.level === level)
        .sort((a, b) => b.score - a.score)
        .slice(0, k),
    wholeVectors: async (ms) => {
      asked.push(...ms.map((m) => m.title));
      return embedder.embed(ms.map(nearText));
    },
  };
  return { memories, pool, asked };
}

async function subject(input: { level: Level; title: string; content: string }, keyMode: KeyMode) {
  const memory = createMemory(input);
  return { memory, key: await vec(keyText(memory, keyMode)) };
}

// One run at two levels: the same task as title (the test embedder reads only words, so the titles are cosine 1).
const trajectory = { level: 'trajectory' as const, title: 'Fix the crash when the config file is missing', content: 'ran repro.py, it failed; edited config.py; pytest passed' };
const summary = { level: 'summary' as const, title: 'Fix the crash when the config file is missing!', content: 'The agent reproduced the crash, guarded the open call and ran the tests.' };

describe.each<KeyMode>(['title', 'title+description', 'full'])('nearCopiesInPool (key %s)', (keyMode) => {
  it("never across levels: a run's summary is no near-copy of its trajectory, even with the very same text", async () => {
    const { pool } = await poolOf([trajectory], keyMode);
    const verdicts = await nearCopiesInPool([await subject(summary, keyMode), await subject({ ...trajectory, level: 'summary' }, keyMode)], pool);
    expect(verdicts.map((v) => v.hit)).toEqual([undefined, undefined]);
  });

  it('flags a memory of the same level with a near-identical whole text, not one that only shares the title', async () => {
    const { memories, pool } = await poolOf([summary, trajectory], keyMode);
    const reworded = { ...summary, title: 'Fix the crash, when the config file is missing.', content: 'The agent reproduced the crash; guarded the open call, and ran the tests!' };
    const otherLesson = { ...summary, content: 'Nothing was fixed: the agent ran out of steps reading unrelated modules and never ran a test.' };
    const [near, far] = await nearCopiesInPool([await subject(reworded, keyMode), await subject(otherLesson, keyMode)], pool);
    expect(near.hit?.memory).toBe(memories[0]);
    expect(near.hit?.score).toBeCloseTo(1, 5);
    expect(far.hit).toBeUndefined();
    // Each verdict carries the subject's whole-text vector, for the check against later ones in the batch.
    expect(far.whole).toEqual(await vec(nearText(createMemory(otherLesson))));
  });

  it('earlierNearCopy: among a batch, the closest earlier one of the same level only', async () => {
    const batch = await Promise.all([trajectory, summary].map(async (m) => ({ level: m.level, whole: await vec(nearText(createMemory(m))), title: m.title })));
    const again = { level: 'summary' as const, whole: await vec(nearText(createMemory({ ...summary, content: `${summary.content}!` }))) };
    expect(earlierNearCopy(batch, (e) => e, again)?.entry.title).toBe(summary.title);
    expect(earlierNearCopy(batch.slice(0, 1), (e) => e, again)).toBeUndefined();
    expect(earlierNearCopy(batch, (e) => e, { ...again, level: 'insight' })).toBeUndefined();
  });
});

describe('nearCopiesInPool with a key shorter than the whole text', () => {
  it('embeds the whole texts of the subjects and of the level\'s nearest memories by key, each once, in one batch', async () => {
    const many = Array.from({ length: NEAR_CANDIDATES + 4 }, (_, i) => ({ level: 'insight' as const, title: `Lesson ${'abcdefghijklmnop'[i]} about tests`, content: `Content ${i}.` }));
    const { pool, asked } = await poolOf([...many, trajectory], 'title');
    const subjects = [await titleKeyed({ level: 'insight', title: 'Lesson a about tests', content: 'Content 0!' }), await titleKeyed({ level: 'insight', title: 'Lesson a about tests', content: 'Other.' })];
    const verdicts = await nearCopiesInPool(subjects, pool);
    expect(verdicts[0].hit?.memory.title).toBe('Lesson a about tests');
    expect(verdicts[1].hit).toBeUndefined();
    // The two subjects, then NEAR_CANDIDATES pool memories (both subjects have the same nearest ones): no trajectory.
    expect(asked).toHaveLength(2 + NEAR_CANDIDATES);
    expect(new Set(asked.slice(2)).size).toBe(NEAR_CANDIDATES);
    expect(asked).not.toContain(trajectory.title);
  });

  it('without whole-text vectors the subjects that have candidates are not judged, and say so', async () => {
    const { pool } = await poolOf([summary], 'title');
    const [judged, alone] = await nearCopiesInPool([await titleKeyed(summary), await titleKeyed({ ...summary, level: 'workflow' })], { ...pool, wholeVectors: undefined });
    expect([judged.skipped, judged.hit]).toEqual([true, undefined]);
    // Nothing of its level to compare with: judged, not a near-copy.
    expect(alone.skipped).toBeUndefined();
  });

  async function titleKeyed(input: { level: Level; title: string; content: string }) {
    const memory = createMemory(input);
    return { memory, key: await vec(memory.title) };
  }
});
