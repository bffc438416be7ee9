import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InsightPool } from '../../src/adapters/insight-pool';
import { MemoryStore } from '../../src/adapters/store';
import { createIndex } from '../../src/adapters/index/choose';
import { formatPromptBlock } from '../../src/core/prompt-block';
import { contentHash, createMemory, keyText, type KeyMode } from '../../src/core/memory';
import { wordEmbedder } from './helpers/word-embedder';

let dbName: string;
let stores: MemoryStore[] = [];

async function openPool(opts: { seed?: boolean; embedder?: ReturnType<typeof wordEmbedder>; index?: 'flat' | 'voy'; keyMode?: KeyMode } = {}) {
  const store = await MemoryStore.open(dbName);
  stores.push(store);
  const pool = new InsightPool({
    store,
    embedder: opts.embedder ?? wordEmbedder(),
    createIndex: (kind, dims, size) => createIndex(kind, dims, size),
    index: opts.index ?? 'flat',
    keyMode: opts.keyMode,
    seed: opts.seed ? [{ title: 'Seeded memory', content: 'From the demo pool.' }] : undefined,
  });
  await pool.ready();
  return { pool, store };
}

const insights = [
  { title: 'Reproduce the failing test first', content: 'Write a reproduction before fixing.', domain: 'swe' },
  { title: 'Install missing packages with apt', content: 'Install the tool, rerun the command.', domain: 'terminal' },
  { title: 'Check input limits for complexity', content: 'Pick the algorithm from the limits.', domain: 'competitive-programming' },
  { title: 'Run the failing test after every edit', content: 'Short edit test loops.', domain: 'swe' },
];

beforeEach(() => {
  dbName = `pool-test-${Math.random()}`;
});
afterEach(() => {
  stores.forEach((s) => s.close());
  stores = [];
});

describe('InsightPool', () => {
  it('adds, lists newest first, counts and retrieves nearest first with exact cosine', async () => {
    const { pool } = await openPool();
    const added = await pool.add(insights);
    expect(added).toHaveLength(4);
    expect(await pool.count()).toBe(4);
    const results = await pool.retrieve('the test is failing', { k: 3 });
    expect(results).toHaveLength(3);
    expect(results.map((r) => r.memory.title).slice(0, 2).sort()).toEqual([
      'Reproduce the failing test first',
      'Run the failing test after every edit',
    ]);
    for (let i = 1; i < results.length; i++) expect(results[i - 1].score).toBeGreaterThanOrEqual(results[i].score);
    expect(results[0].score).toBeLessThanOrEqual(1);
  });

  it('leaves out the task\'s own domain when asked (the transfer protocol)', async () => {
    const { pool } = await openPool();
    await pool.add(insights);
    const results = await pool.retrieve('the test is failing', { k: 3, excludeDomains: ['swe'] });
    expect(results.map((r) => r.memory.domain)).not.toContain('swe');
    expect(results).toHaveLength(2);
    const onlySwe = await pool.retrieve('install', { domains: ['terminal'] });
    expect(onlySwe.map((r) => r.memory.domain)).toEqual(['terminal']);
    const high = await pool.retrieve('the test is failing', { minScore: 0.99 });
    expect(high).toEqual([]);
  });

  it('persists across reopen and gives the same top-3 with the same scores', async () => {
    const first = await openPool();
    await first.pool.add(insights);
    const before = await first.pool.retrieve('failing test', { k: 3 });
    first.store.close();
    const second = await openPool();
    const after = await second.pool.retrieve('failing test', { k: 3 });
    expect(after.map((r) => [r.memory.id, r.score])).toEqual(before.map((r) => [r.memory.id, r.score]));
  });

  it('rejects a batch with one bad memory and writes nothing', async () => {
    const { pool, store } = await openPool();
    await pool.add(insights[0]);
    const revision = await store.revision();
    await expect(pool.add([insights[1], { title: '', content: 'x' }])).rejects.toThrow(/memory #2: .*title must not be empty/);
    await expect(pool.add({ title: 'x'.repeat(301), content: 'y' })).rejects.toThrow(/title is too long/);
    await expect(pool.add({ title: 1 as unknown as string, content: 'y' })).rejects.toThrow(/title must be a string/);
    expect(await pool.count()).toBe(1);
    expect(await store.revision()).toBe(revision);
  });

  it('stores content once: adding it again, or twice in one batch, gives back the pool\'s memory and embeds nothing new', async () => {
    const embedder = wordEmbedder();
    const { pool } = await openPool({ embedder, keyMode: 'title' });
    const first = await pool.add(insights.slice(0, 2));
    const texts: string[] = [];
    const embed = embedder.embed.bind(embedder);
    embedder.embed = async (t: string[]) => (texts.push(...t), embed(t));
    const fresh = { title: 'Pin the tool version', content: 'Record the version that worked.', domain: 'terminal' };
    // Same content under another domain is still the same memory; padding spaces do not make it new either.
    const again = { ...insights[0], domain: 'ml-research', title: `  ${insights[0].title} ` };
    const outcome = await pool.addAll([again, fresh, insights[1], fresh]);
    expect(outcome.memories.map((m) => m.id)).toEqual([first[0].id, outcome.added[0].id, first[1].id, outcome.added[0].id]);
    expect(outcome.added.map((m) => m.title)).toEqual([fresh.title]);
    expect(outcome.memories[0].domain).toBe('swe');
    expect(texts).toEqual([fresh.title]);
    expect(await pool.count()).toBe(3);
    // add() is the same call, answering per input.
    expect((await pool.add(insights[0])).map((m) => m.id)).toEqual([first[0].id]);
    expect(await pool.count()).toBe(3);
    // Once deleted, the content is new again.
    await pool.remove(first[0].id);
    const back = await pool.addAll(insights[0]);
    expect(back.added).toHaveLength(1);
    expect(back.added[0].id).not.toBe(first[0].id);
    expect(await pool.count()).toBe(3);
  });

  it('says, without storing or embedding anything, which inputs the pool already holds', async () => {
    const embedder = wordEmbedder();
    const { pool } = await openPool({ embedder });
    const [first] = await pool.add(insights[0]);
    let embedded = 0;
    const embed = embedder.embed.bind(embedder);
    embedder.embed = async (t: string[]) => ((embedded += t.length), embed(t));
    const answers = await pool.sameContent([{ ...insights[0], title: ` ${insights[0].title}`, domain: 'terminal' }, insights[1], insights[1], { title: '', content: 'no title' }]);
    expect(answers[0].existing?.id).toBe(first.id);
    expect(answers[1].existing).toBeUndefined();
    // Same content, same hash: the caller can see repeats within its own list.
    expect(answers[1].hash).toBe(answers[2].hash);
    expect(answers[1].hash).not.toBe(answers[0].hash);
    expect(answers[3]).toEqual({ hash: undefined, existing: undefined });
    expect(embedded).toBe(0);
    expect(await pool.count()).toBe(1);
    // What it says matches what add does.
    const outcome = await pool.addAll([insights[0], insights[1]]);
    expect(outcome.added.map((m) => m.title)).toEqual([insights[1].title]);
  });

  it('previews which inputs come close to a memory in the pool, storing nothing; saving them then embeds nothing again', async () => {
    const embedder = wordEmbedder();
    const { pool } = await openPool({ embedder, keyMode: 'title' });
    const [first] = await pool.add(insights[0]);
    const texts: string[] = [];
    const embed = embedder.embed.bind(embedder);
    embedder.embed = async (t: string[]) => (texts.push(...t), embed(t));
    // The test embedder reads only the words: same words, other punctuation → cosine 1 on the whole text, yet other
    // content.
    const close = { ...insights[0], title: 'Reproduce the failing test first!', content: 'Write a reproduction, before fixing!' };
    const answers = await pool.nearContent([close, insights[2], insights[2]]);
    expect(answers[0].existing?.id).toBe(first.id);
    expect(answers[0].score).toBeCloseTo(1, 5);
    expect(answers[1].existing).toBeUndefined();
    expect(answers[1].vector).toHaveLength(pool.dims);
    expect(answers[2].vector).toBe(answers[1].vector);
    // The key (title) of each input; with a title key, the whole texts compared: the inputs', then the pool memory's.
    const whole = (m: { title: string; content: string }) => keyText({ description: '', ...m }, 'full');
    expect(texts).toEqual([close.title, insights[2].title, whole(close), whole(insights[2]), whole(insights[0])]);
    expect(answers[1].whole).toEqual((await embed([whole(insights[2])]))[0]);
    // Validated as add validates: one bad input rejects the call, naming it, before anything is embedded.
    await expect(pool.nearContent([close, { title: '', content: 'invalid' }])).rejects.toThrow(/memory #2: .*title must not be empty/);
    expect(texts).toHaveLength(5);
    expect(await pool.count()).toBe(1);
    // Saving, with the near-copy check again, embeds nothing: keys and whole texts are the previewed ones.
    const outcome = await pool.addAll([close, insights[2]], undefined, { near: true });
    expect(outcome.added).toHaveLength(2);
    expect(outcome.near.map((n) => n.existing.id)).toEqual([first.id]);
    expect(texts).toHaveLength(5);
    // The stored vectors are the previewed ones: retrieval finds them as if embedded at save.
    const [hit] = await pool.retrieve(insights[2].title, { k: 1 });
    expect(hit.memory.id).toBe(outcome.added[1].id);
    expect(hit.score).toBeCloseTo(1, 5);
  });

  it('says which new memories come close to one already in the pool, and stores them', async () => {
    const { pool } = await openPool();
    const [first] = await pool.add(insights[0]);
    // The test embedder reads only the words: same words, other punctuation → cosine 1, yet not the same content.
    const outcome = await pool.addAll([{ ...insights[0], title: 'Reproduce the failing test first!' }, insights[1]], undefined, { near: true });
    expect(outcome.added).toHaveLength(2);
    expect(outcome.near.map((n) => [n.memory.title, n.existing.id])).toEqual([['Reproduce the failing test first!', first.id]]);
    expect(outcome.near[0].score).toBeCloseTo(1, 5);
    expect(await pool.count()).toBe(3);
    // Only when asked: a bulk add does not pay an index search per memory.
    expect((await pool.addAll({ ...insights[0], title: 'Reproduce the failing test first?' })).near).toEqual([]);
  });

  describe.each<KeyMode>(['title', 'full'])('near-copies: same level, whole text (key mode %s)', (keyMode) => {
    // One run at two levels: the same task in the title (the test embedder reads only words: cosine 1 between the
    // titles), the trajectory's steps against the summary's account.
    const run = {
      trajectory: { level: 'trajectory' as const, title: 'Fix the crash when the config file is missing', content: 'step 1: python repro.py fails with FileNotFoundError. step 2: sed edits app/config.py. step 3: pytest passes.' },
      summary: { level: 'summary' as const, title: 'Fix the crash when the config file is missing.', content: 'The agent reproduced the crash, guarded the open call and ran the tests.' },
    };

    it("keeps a run's summary next to its trajectory: never a near-copy across levels", async () => {
      const { pool } = await openPool({ keyMode });
      await pool.add(run.trajectory);
      const [answer] = await pool.nearContent(run.summary);
      expect(answer.existing).toBeUndefined();
      // Even the very same text at another level is not one.
      const [sameText] = await pool.nearContent({ ...run.trajectory, level: 'summary' });
      expect(sameText.existing).toBeUndefined();
      const outcome = await pool.addAll([run.summary, { ...run.trajectory, level: 'workflow' }], undefined, { near: true });
      expect([outcome.added.length, outcome.near]).toEqual([2, []]);
      expect((await pool.list()).map((m) => m.level).sort()).toEqual(['summary', 'trajectory', 'workflow']);
    });

    it('flags a memory of the same level whose whole text is near-identical, not one that only shares the title', async () => {
      const { pool } = await openPool({ keyMode });
      const [stored] = await pool.add(run.summary);
      const reworded = { ...run.summary, title: 'Fix the crash, when the config file is missing!', content: 'The agent reproduced the crash; guarded the open call, and ran the tests!' };
      const otherLesson = { ...run.summary, content: 'Nothing was fixed: the agent ran out of steps while reading unrelated modules and never ran any test.' };
      const [near, far] = await pool.nearContent([reworded, otherLesson]);
      expect(near.existing?.id).toBe(stored.id);
      expect(near.score).toBeCloseTo(1, 5);
      expect(far.existing).toBeUndefined();
      const outcome = await pool.addAll([reworded, otherLesson], undefined, { near: true });
      expect(outcome.near.map((n) => [n.memory.content, n.existing.id])).toEqual([[reworded.content, stored.id]]);
    });
  });

  it('two adds of the same content at once, or from two tabs, store it once', async () => {
    const { pool } = await openPool();
    const [a, b] = await Promise.all([pool.add(insights[0]), pool.add(insights[0])]);
    expect(b[0].id).toBe(a[0].id);
    expect(await pool.count()).toBe(1);
    const { pool: otherTab } = await openPool();
    await otherTab.add(insights[1]);
    const [c] = await pool.add(insights[1]);
    expect(await pool.count()).toBe(2);
    expect((await otherTab.list()).map((m) => m.id).sort()).toEqual([a[0].id, c.id].sort());
  });

  it('an explicit id that already holds the same content is not an error, and writes nothing', async () => {
    const { pool, store } = await openPool();
    await pool.add({ ...insights[0], id: 'fixed-id' });
    const revision = await store.revision();
    expect((await pool.add({ ...insights[0], id: 'fixed-id' }))[0].id).toBe('fixed-id');
    expect(await pool.count()).toBe(1);
    // Nothing new, nothing written (other tabs see no change to reload).
    expect(await store.revision()).toBe(revision);
  });

  it('after an edit, the old content is new again and the edited content is known', async () => {
    const { pool } = await openPool();
    const [m] = await pool.add(insights[0]);
    await pool.add(insights[1]);
    await pool.update(m.id, { title: 'Reproduce it, then fix it' });
    const outcome = await pool.addAll([insights[0], { ...insights[0], title: 'Reproduce it, then fix it' }]);
    expect(outcome.added.map((a) => a.title)).toEqual([insights[0].title]);
    expect(outcome.memories[1].id).toBe(m.id);
    expect(await pool.count()).toBe(3);
  });

  it('an edit that would copy another memory\'s content is refused, and changes nothing', async () => {
    const { pool, store } = await openPool();
    const [a, b] = await pool.add(insights.slice(0, 2));
    const revision = await store.revision();
    await expect(pool.update(b.id, { title: a.title, content: a.content })).rejects.toThrow(`memory "${a.title}" (${a.id}) already has this content`);
    expect(await store.revision()).toBe(revision);
    expect((await pool.get(b.id))?.title).toBe(b.title);
    // Other edits of either still work.
    expect((await pool.update(b.id, { tags: ['kept'] })).tags).toEqual(['kept']);
    // Copies saved before this rule (an older pool) stay editable.
    const copy = async (id: string) => {
      const memory = createMemory({ ...insights[2], id });
      return { memory, hash: await contentHash(memory) };
    };
    await pool.importMemories([await copy('old-1'), await copy('old-2')]);
    expect((await pool.update('old-1', { tags: ['still'] })).tags).toEqual(['still']);
  });

  it('never overwrites on an id conflict', async () => {
    const { pool } = await openPool();
    await pool.add({ ...insights[0], id: 'fixed-id' });
    await expect(pool.add({ ...insights[1], id: 'fixed-id' })).rejects.toThrow(/already exists/);
    expect((await pool.get('fixed-id'))?.title).toBe(insights[0].title);
  });

  it('edits re-embed only when the key text changes, and deletes', async () => {
    const embedder = wordEmbedder();
    const { pool } = await openPool({ embedder, keyMode: 'title' });
    const [m] = await pool.add(insights[0]);
    const calls = embedder.calls;
    await pool.update(m.id, { content: 'Changed content, same title.' });
    expect(embedder.calls).toBe(calls);
    const edited = await pool.update(m.id, { title: 'Install packages first' });
    expect(embedder.calls).toBe(calls + 1);
    expect(edited.embedding?.key).toBe('Install packages first');
    expect((await pool.retrieve('install packages', { k: 1 }))[0].memory.id).toBe(m.id);
    await expect(pool.update(m.id, { level: 'poem' as never })).rejects.toThrow(/level must be one of/);
    await expect(pool.remove('missing')).rejects.toThrow(/no memory with id/);
    expect(await pool.remove(m.id)).toBe(1);
    expect(await pool.count()).toBe(0);
  });

  it('detects a stale index (another tab wrote) and rebuilds it from the store', async () => {
    const a = await openPool();
    const b = await openPool();
    await a.pool.add(insights.slice(0, 2));
    const rebuilds = b.pool.indexStatus().rebuilds;
    expect(await b.pool.count()).toBe(2);
    expect(b.pool.indexStatus().rebuilds).toBe(rebuilds + 1);
    expect(b.pool.indexStatus().size).toBe(2);
  });

  it('seeds the demo pool once, and not again after the user deletes it', async () => {
    const first = await openPool({ seed: true });
    const [seeded] = await first.pool.list();
    expect(seeded.title).toBe('Seeded memory');
    await first.pool.remove(seeded.id);
    const second = await openPool({ seed: true });
    expect(await second.pool.count()).toBe(0);
  });

  it('re-embeds memories made with another model when the pool model changes', async () => {
    const first = await openPool({ embedder: wordEmbedder(64, 'test/a') });
    await first.pool.add(insights);
    const second = await openPool({ embedder: wordEmbedder(32, 'test/b') });
    const all = await second.pool.list();
    expect(all.every((m) => m.embedding?.model === 'test/b' && m.embedding.vector.length === 32)).toBe(true);
    expect((await second.pool.retrieve('failing test'))[0].score).toBeGreaterThan(0);
  });

  it('validates retrieve input', async () => {
    const { pool } = await openPool();
    await expect(pool.retrieve('', {})).rejects.toThrow(/query must not be empty/);
    await expect(pool.retrieve(42 as unknown as string)).rejects.toThrow(/query must be a string/);
    await expect(pool.retrieve('x', { k: 0 })).rejects.toThrow(/k must be at least 1/);
    await expect(pool.retrieve('x', { k: '3' as unknown as number })).rejects.toThrow(/k must be a number/);
    await expect(pool.retrieve('x', { colour: 1 } as never)).rejects.toThrow(/unknown option: colour/);
  });

  it('formats a prompt block naming each memory with its domain and score', async () => {
    const { pool } = await openPool();
    await pool.add(insights);
    const results = await pool.retrieve('failing test', { k: 2 });
    const block = formatPromptBlock(results);
    expect(block.startsWith('<memories>')).toBe(true);
    expect(block).toContain(`1. Insight: ${results[0].memory.title}`);
    // The block shows the cosine (the fused score's scale means nothing to an agent).
    expect(block).toContain(`similarity ${results[0].cosine.toFixed(3)}`);
    expect(formatPromptBlock([])).toBe('');
  });

  it('switches model by re-embedding every memory; a cancelled switch changes nothing', async () => {
    const { pool, store } = await openPool();
    await pool.add(insights);
    const before = await store.all();
    const other = wordEmbedder(32, 'test/other');
    const controller = new AbortController();
    const slow: typeof other = {
      ...other,
      model: other.model,
      dims: other.dims,
      calls: 0,
      embed: async (texts: string[]) => {
        controller.abort();
        return other.embed(texts);
      },
    };
    await expect(pool.reembed({ embedder: slow }, undefined, controller.signal)).rejects.toThrow(/cancel/);
    expect(await store.all()).toEqual(before);
    expect((await store.settings())?.model).toBe('test/words');

    await pool.reembed({ embedder: other });
    expect(pool.model).toBe('test/other');
    expect((await store.settings())?.model).toBe('test/other');
    const after = await store.all();
    expect(after).toHaveLength(before.length);
    expect(after.every((m) => m.embedding?.model === 'test/other' && m.embedding.dims === 32)).toBe(true);
    const [top] = await pool.retrieve('install the missing tool', { k: 1 });
    expect(top.memory.title).toBe('Install missing packages with apt');
  });

  it('re-embeds a pool opened with another model and remembers the new model', async () => {
    const first = await openPool();
    await first.pool.add(insights);
    const second = await openPool({ embedder: wordEmbedder(48, 'test/second') });
    expect((await second.store.settings())?.model).toBe('test/second');
    expect((await second.store.all()).every((m) => m.embedding?.model === 'test/second')).toBe(true);
  });

  it('imports planned memories: re-embeds foreign vectors, replaces on request, writes nothing when cancelled', async () => {
    const { pool, store } = await openPool();
    const [keep, old] = await pool.add(insights.slice(0, 2));
    const foreign = {
      ...old,
      id: 'incoming-1',
      title: 'Verify the result, not the exit code',
      embedding: { model: 'someone-else/model', dims: 3, key: 'x', vector: new Float32Array([1, 0, 0]) },
    };
    const planned = [{ memory: foreign, hash: 'h-incoming-1' }];
    const before = await store.all();
    const controller = new AbortController();
    controller.abort();
    await expect(pool.importMemories(planned, [old.id], undefined, controller.signal)).rejects.toThrow();
    expect(await store.all()).toEqual(before);

    expect(await pool.importMemories(planned, [old.id])).toBe(1);
    const ids = (await pool.list()).map((m) => m.id).sort();
    expect(ids).toEqual([keep.id, 'incoming-1'].sort());
    const stored = await store.get('incoming-1');
    expect(stored?.embedding?.model).toBe('test/words');
    expect(stored?.embedding?.vector).toHaveLength(64);
    const [top] = await pool.retrieve('verify the result', { k: 1 });
    expect(top.memory.id).toBe('incoming-1');
  });

  it('finds the nearest memory to a vector through the index, with its exact cosine', async () => {
    const { pool } = await openPool();
    await pool.add(insights);
    const [query] = await pool.embed(['install the missing tool and rerun']);
    const [hit] = pool.nearest(query, 'insight');
    expect(hit?.memory.title).toBe('Install missing packages with apt');
    const [own] = pool.nearest(hit!.memory.embedding!.vector, 'insight');
    expect(own?.memory.id).toBe(hit!.memory.id);
    expect(own!.score).toBeCloseTo(1, 5);
    // Only the level asked for, best first.
    expect(pool.nearest(query, 'summary')).toEqual([]);
    const three = pool.nearest(query, 'insight', 3);
    expect(three).toHaveLength(3);
    expect(three.map((h) => h.score)).toEqual([...three.map((h) => h.score)].sort((a, b) => b - a));
  });
});
