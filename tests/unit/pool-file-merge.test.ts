// What an import does to a pool is decided up front: duplicates skipped, near-duplicates held for the user,
// id conflicts never overwrite, and vectors of another model are never compared — those memories are re-embedded.
import { describe, expect, it } from 'vitest';
import { contentHash, createMemory, type Memory } from '../../src/core/memory';
import { encodePoolFile, planMerge, readPoolFile, resolveMerge, type PoolModel } from '../../src/core/pool-file';
import { wordEmbedder } from './helpers/word-embedder';
import { embedded, exportOptions, SAMPLE } from './pool-file-helpers';

const A = wordEmbedder(32, 'test/model-a');
const B = wordEmbedder(24, 'test/model-b');
const poolA: PoolModel = { id: A.model, dims: A.dims, keyMode: 'title' };

async function fileOf(memories: Memory[], embedder = A, extra = {}) {
  const { lines } = await encodePoolFile(memories, exportOptions(embedder, extra));
  return readPoolFile(lines.join('\n') + '\n', { fileName: 'team.jsonl' });
}

async function withHash(memories: Memory[]) {
  return Promise.all(memories.map(async (m) => ({ ...m, hash: await contentHash(m) })));
}

let n = 0;
const ids = () => `new-${++n}`;

describe('planMerge', () => {
  it('skips exact duplicates (same content, any id) and adds the rest with provenance', async () => {
    const existing = await embedded(SAMPLE.slice(0, 2), A);
    const incoming = await embedded(SAMPLE, A);
    const file = await fileOf(incoming, A, { author: 'dana' });
    const plan = await planMerge(await withHash(existing), file, { pool: poolA, makeId: ids });
    expect(plan.duplicates.map((d) => d.existingId)).toEqual(existing.map((m) => m.id));
    expect(plan.add.map((p) => p.memory.title)).toEqual([SAMPLE[2].title, SAMPLE[3].title]);
    expect(plan.add[0].memory.provenance).toMatchObject({ importedFrom: 'dana', file: 'team.jsonl', distiller: 'rules', trajectoryId: 'run-7' });
    expect(plan.add.every((p) => !p.needsEmbedding && p.memory.embedding?.model === A.model)).toBe(true);
    expect(plan.crossModel).toBe(false);
  });

  it('reports near-duplicates (same level, whole text) at the threshold for keep-both / keep-one', async () => {
    const existing = await embedded([{ title: 'Run the tests after every edit', content: 'Short loops catch mistakes early.' }], A);
    const incoming = await embedded(
      [
        // The test embedder reads only the words: the whole text reworded by punctuation is cosine 1.
        { title: 'Run the tests after every edit!', content: 'Short loops catch mistakes, early!' },
        { title: 'Pin dependency versions', content: 'Unpinned versions drift.' },
        // The same title over other content, and the same text at another level, are not near-duplicates.
        { title: 'Run the tests after every edit.', content: 'Flaky suites waste a whole afternoon of bisecting.' },
        { title: 'Run the tests after every edit', content: 'Short loops catch mistakes early.', level: 'summary' },
      ],
      A,
    );
    const embed = (t: string[]) => A.embed(t);
    const plan = await planMerge(existing, await fileOf(incoming), { pool: poolA, nearThreshold: 0.95, embed });
    expect(plan.nearDuplicates).toHaveLength(1);
    expect(plan.nearDuplicates[0].score).toBeGreaterThanOrEqual(0.95);
    expect(plan.nearDuplicates[0].existing.id).toBe(existing[0].id);
    expect(plan.add.map((p) => p.memory.title)).toEqual(['Pin dependency versions', 'Run the tests after every edit.', 'Run the tests after every edit']);
    expect(plan.nearCheckSkipped).toBe(0);
    // With a title key the pool holds no whole-text vectors: without a model to make them, the check is skipped and
    // counted (the CLI then plans again with its model); with a whole-text key the stored vectors are enough.
    const noModel = await planMerge(existing, await fileOf(incoming), { pool: poolA });
    expect([noModel.nearDuplicates.length, noModel.nearCheckSkipped]).toEqual([0, 3]);
    const fullPool = { ...poolA, keyMode: 'full' as const };
    const [existingFull, incomingFull] = [await embedded(existing, A, 'full'), await embedded(incoming, A, 'full')];
    const full = await planMerge(existingFull, await fileOf(incomingFull, A, { keyMode: 'full' }), { pool: fullPool });
    expect(full.nearDuplicates.map((d) => d.incoming.memory.title)).toEqual(['Run the tests after every edit!']);
    // The threshold is the user's: a looser pair (one word of the content differs, cosine ≈ 0.92) is near only below it.
    const [loose] = await embedded([{ title: 'Run the tests after every edit', content: 'Short loops catch bugs early.' }], A);
    const at95 = await planMerge(existing, await fileOf([loose]), { pool: poolA, embed });
    const at80 = await planMerge(existing, await fileOf([loose]), { pool: poolA, nearThreshold: 0.8, embed });
    expect([at95.nearDuplicates.length, at95.add.length]).toEqual([0, 1]);
    expect([at80.nearDuplicates.length, at80.add.length]).toEqual([1, 0]);
    expect(at80.nearDuplicates[0].score).toBeGreaterThan(0.8);
    expect(at80.nearDuplicates[0].score).toBeLessThan(0.95);

    const near = plan.nearDuplicates[0].incoming.memory.id;
    expect(resolveMerge(plan).insert).toHaveLength(4); // keep-both by default
    expect(resolveMerge(plan, { near: { [near]: 'keep-existing' } })).toEqual({ insert: plan.add, replace: [], usage: [] });
    expect(resolveMerge(plan, { defaultNear: 'keep-incoming' }).replace).toEqual([existing[0].id]);
  });

  it('never overwrites on an id conflict: renames by default, or holds it for a decision', async () => {
    const [mine] = await embedded([{ id: 'shared-id', title: 'My lesson', content: 'Mine.' }], A);
    const [theirs] = await embedded([{ id: 'shared-id', title: 'Their lesson', content: 'Theirs.' }], A);
    const file = await fileOf([theirs]);
    const renamed = await planMerge([mine], file, { pool: poolA, makeId: () => 'fresh-id' });
    expect(renamed.add[0].memory.id).toBe('fresh-id');
    expect(renamed.add[0].originalId).toBe('shared-id');
    expect(renamed.idConflicts).toMatchObject([{ action: 'renamed', existing: { id: 'shared-id' } }]);

    const held = await planMerge([mine], file, { pool: poolA, idConflict: 'report' });
    expect(held.add).toHaveLength(0);
    expect(held.idConflicts).toMatchObject([{ action: 'held' }]);
    expect(resolveMerge(held).insert).toHaveLength(0); // skip unless the user decides
    expect(resolveMerge(held, { conflicts: { 'shared-id': 'replace' } })).toMatchObject({ replace: ['shared-id'] });
    const kept = resolveMerge(held, { conflicts: { 'shared-id': 'new-id' }, makeId: () => 'other-id' });
    expect(kept.insert[0].memory.id).toBe('other-id');
  });

  it('cross-model: drops the file vectors, never compares them, and re-embeds with the pool model', async () => {
    const existing = await embedded([{ title: 'Run the tests after every edit', content: 'Short loops.' }], A);
    const incoming = await embedded([{ title: 'Run the tests after every edit!', content: 'Short loops!' }, { title: 'Read logs', content: 'Tail them.' }], B);
    const file = await fileOf(incoming, B);
    expect(file.model).toMatchObject({ id: 'test/model-b', dims: 24 });

    const noEmbed = await planMerge(existing, file, { pool: poolA });
    expect(noEmbed.crossModel).toBe(true);
    expect(noEmbed.add.every((p) => p.needsEmbedding && !p.memory.embedding)).toBe(true);
    expect(noEmbed.nearDuplicates).toHaveLength(0);
    expect(noEmbed.nearCheckSkipped).toBe(2);
    expect(noEmbed.toEmbed).toBe(2);

    const progress: number[] = [];
    // Keyed by title: the near-duplicate is judged on whole texts, also embedded with the pool's model (the two
    // incoming ones, then the existing one).
    const plan = await planMerge(existing, file, {
      pool: poolA,
      embed: async (t, p) => {
        const v = await A.embed(t);
        p?.({ phase: 'embed', done: t.length, total: t.length });
        return v;
      }, onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([2, 3]);
    expect(plan.embedded).toBe(2);
    expect(plan.toEmbed).toBe(0);
    // After re-embedding in the pool's space, the near-duplicate is found.
    expect(plan.nearDuplicates.map((d) => d.incoming.memory.title)).toEqual(['Run the tests after every edit!']);
    const all = [...plan.add, ...plan.nearDuplicates.map((d) => d.incoming)];
    expect(all.every((p) => p.memory.embedding!.model === A.model && p.memory.embedding!.vector.length === 32)).toBe(true);
  });

  it('same model id but a different fingerprint counts as another model', async () => {
    const incoming = await embedded([{ title: 'x y', content: 'z' }], A);
    const file = await fileOf(incoming, A, { model: { id: A.model, dims: A.dims, fingerprint: 'aaa' } });
    const plan = await planMerge([], file, { pool: { ...poolA, fingerprint: 'bbb' } });
    expect(plan.crossModel).toBe(true);
    expect(plan.add[0].needsEmbedding).toBe(true);
  });

  it('re-embeds when the file was keyed differently than the pool', async () => {
    const incoming = await embedded([{ title: 'Title only', description: 'and more', content: 'z' }], A, 'title');
    const plan = await planMerge([], await fileOf(incoming), { pool: { ...poolA, keyMode: 'title+description' } });
    expect(plan.crossModel).toBe(false);
    expect(plan.add[0].needsEmbedding).toBe(true);
  });

  it('drops duplicates inside the file itself and honours cancel', async () => {
    const one = createMemory({ title: 'Same', content: 'Same.' });
    const two = { ...createMemory({ title: 'Same', content: 'Same.' }) };
    const plan = await planMerge([], await fileOf([one, two]), { pool: poolA });
    expect(plan.add).toHaveLength(1);
    expect(plan.duplicates).toHaveLength(1);
    const ctl = new AbortController();
    ctl.abort();
    await expect(planMerge([], await fileOf([one]), { pool: poolA, embed: A.embed, signal: ctl.signal })).rejects.toThrow('import cancelled');
  });
});
