// Usage and feedback counts: carried by pool files (an optional field, older files still read), added up on import and
// merge instead of dropped, counted by `query --record`, shown by `list --json` and `stats`, and `--exclude-harmful`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemory, type Memory } from '../../src/core/memory';
import { addUsage, isHarmful, recordEvent } from '../../src/core/usage';
import { encodePoolFile, planMerge, readPoolFile, resolveMerge } from '../../src/core/pool-file';
import { wordEmbedder } from './helpers/word-embedder';
import { cli, tempDir } from './cli-helpers';
import { embedded, exportOptions, SAMPLE } from './pool-file-helpers';

const model = wordEmbedder(32, 'insight-pool/use-lite');

async function poolFile(path: string, memories: Memory[]) {
  const { lines } = await encodePoolFile(memories, exportOptions(model));
  writeFileSync(path, lines.join('\n') + '\n');
}

async function read(path: string) {
  return (await readPoolFile(readFileSync(path))).entries.map((e) => e.memory);
}

describe('usage in the memory model', () => {
  it('counts events, adds counts with the later lastUsedAt, and calls hurt > helped harmful', () => {
    const a = recordEvent(recordEvent(undefined, 'retrieved', new Date('2026-01-01T00:00:00Z')), 'hurt', new Date('2026-01-02T00:00:00Z'));
    expect(a).toEqual({ retrieved: 1, helped: 0, hurt: 1, lastUsedAt: '2026-01-02T00:00:00.000Z' });
    expect(isHarmful({ usage: a })).toBe(true);
    const b = { retrieved: 4, helped: 2, hurt: 0, lastUsedAt: '2025-12-01T00:00:00.000Z' };
    expect(addUsage(a, b)).toEqual({ retrieved: 5, helped: 2, hurt: 1, lastUsedAt: '2026-01-02T00:00:00.000Z' });
    expect(isHarmful({ usage: addUsage(a, b) })).toBe(false);
    expect(isHarmful({})).toBe(false);
  });

  it('validates usage naming the field; memories without it stay without it', () => {
    expect(createMemory({ title: 't', content: 'c' }).usage).toBeUndefined();
    expect(createMemory({ title: 't', content: 'c', usage: { helped: 2 } }).usage).toEqual({ retrieved: 0, helped: 2, hurt: 0 });
    expect(() => createMemory({ title: 't', content: 'c', usage: { retrieved: -1 } })).toThrow(/usage\.retrieved: must not be negative/);
    expect(() => createMemory({ title: 't', content: 'c', usage: { retrieved: 1, colour: 2 } })).toThrow(/unknown field: colour/);
  });
});

describe('usage in pool files', () => {
  it('round-trips usage, reads files without it, and names a bad count with its line', async () => {
    const dir = tempDir();
    const [first, second] = await embedded(SAMPLE.slice(0, 2), model);
    const used = { ...first, usage: { retrieved: 3, helped: 2, hurt: 1, lastUsedAt: '2026-11-20T10:00:00.000Z' } };
    const path = join(dir, 'p.jsonl');
    await poolFile(path, [used, second]);
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[1]).toContain('"usage":{"retrieved":3,"helped":2,"hurt":1,"lastUsedAt":"2026-11-20T10:00:00.000Z"}');
    // The record without counts carries no usage field at all: older readers see what they always saw.
    expect(text.split('\n')[2]).not.toContain('usage');
    const back = await read(path);
    expect(back[0].usage).toEqual(used.usage);
    expect(back[1].usage).toBeUndefined();

    const bad = text.replace('"helped":2', '"helped":2.5');
    // The checksum would catch the edit first; a file without one (another tool's) gets the field error.
    const header = JSON.parse(bad.split('\n')[0]);
    delete header.checksum;
    const noChecksum = [JSON.stringify(header), ...bad.split('\n').slice(1)].join('\n');
    await expect(readPoolFile(noChecksum)).rejects.toThrow(/line 2: record\.usage\.helped: must be a whole number/);
  });

  it('import adds the file counts to the same memory already in the pool, and keeps those of new memories', async () => {
    const [a, b] = await embedded(SAMPLE.slice(0, 2), model);
    const mine = { ...a, usage: { retrieved: 5, helped: 1, hurt: 0, lastUsedAt: '2026-11-01T00:00:00.000Z' } };
    // The teammate's copy of `a` has another id (made on their machine): same content is what counts.
    const theirs = [
      { ...a, id: 'their-a', usage: { retrieved: 2, helped: 0, hurt: 3, lastUsedAt: '2026-11-05T00:00:00.000Z' } },
      { ...b, usage: { retrieved: 1, helped: 1, hurt: 0 } },
    ];
    const file = await readPoolFile((await encodePoolFile(theirs, exportOptions(model))).lines.join('\n'));
    const plan = await planMerge([mine], file, { pool: { id: model.model, dims: model.dims, keyMode: 'title' } });
    expect(plan.duplicates).toHaveLength(1);
    expect(plan.usage).toEqual([{ id: a.id, add: theirs[0].usage }]);
    const resolved = resolveMerge(plan);
    expect(resolved.insert.map((p) => p.memory.usage)).toEqual([theirs[1].usage]);
    expect(resolved.usage).toEqual([{ id: a.id, add: theirs[0].usage }]);
  });
});

describe('usage in the CLI', () => {
  it('query --record counts retrievals in the file; list --json shows usage on every memory', async () => {
    const dir = tempDir();
    const path = join(dir, 'pool.jsonl');
    await poolFile(path, await embedded(SAMPLE, model));
    const peek = await cli(['query', '--pool', path, 'reproduce the bug', '-k', '2', '--json']);
    expect(peek.code).toBe(0);
    expect((await read(path)).every((m) => !m.usage)).toBe(true);

    const q = await cli(['query', '--pool', path, 'reproduce the bug', '-k', '2', '--json', '--record']);
    expect(q.code).toBe(0);
    const ids = JSON.parse(q.stdout).results.map((r: { id: string }) => r.id);
    expect(JSON.parse(q.stdout).results.map((r: { usage: { retrieved: number } }) => r.usage.retrieved)).toEqual([1, 1]);
    await cli(['query', '--pool', path, 'reproduce the bug', '-k', '2', '--record']);
    const after = await read(path);
    expect(after.filter((m) => ids.includes(m.id)).map((m) => m.usage!.retrieved)).toEqual([2, 2]);
    expect(after.filter((m) => !ids.includes(m.id)).every((m) => !m.usage)).toBe(true);

    const listed = JSON.parse((await cli(['list', '--pool', path, '--json'])).stdout) as Memory[];
    expect(listed).toHaveLength(SAMPLE.length);
    for (const m of listed) expect(m.usage).toEqual(expect.objectContaining({ retrieved: ids.includes(m.id) ? 2 : 0, helped: 0, hurt: 0 }));
  });

  it('stats names the most helpful and the harmful memories; --exclude-harmful leaves the harmful out', async () => {
    const dir = tempDir();
    const path = join(dir, 'pool.jsonl');
    const [good, bad, ...rest] = await embedded(SAMPLE, model);
    await poolFile(path, [
      { ...good, usage: { retrieved: 4, helped: 3, hurt: 1 } },
      { ...bad, usage: { retrieved: 4, helped: 1, hurt: 3 } },
      ...rest,
    ]);
    const s = JSON.parse((await cli(['stats', '--pool', path, '--json'])).stdout);
    expect(s.usage).toMatchObject({ retrieved: 8, helped: 4, hurt: 4, withFeedback: 2 });
    expect(s.usage.mostHelpful.map((m: { id: string }) => m.id)).toEqual([good.id]);
    expect(s.usage.harmful.map((m: { id: string }) => m.id)).toEqual([bad.id]);
    const text = (await cli(['stats', '--pool', path])).stdout;
    expect(text).toMatch(new RegExp(`most helpful:\\n  \\+3 -1 \\(retrieved 4\\)  ${good.id}`));
    expect(text).toMatch(new RegExp(`harmful.*\\n  \\+1 -3 \\(retrieved 4\\)  ${bad.id}`));

    const all = JSON.parse((await cli(['query', '--pool', path, bad.title, '-k', '4', '--json'])).stdout).results.map((r: { id: string }) => r.id);
    expect(all).toContain(bad.id);
    const safe = JSON.parse((await cli(['query', '--pool', path, bad.title, '-k', '4', '--json', '--exclude-harmful'])).stdout).results.map((r: { id: string }) => r.id);
    expect(safe).toEqual(all.filter((id: string) => id !== bad.id));
  });

  it('import and merge add a teammate file counts to the pool memories of the same content', async () => {
    const dir = tempDir();
    const memories = await embedded(SAMPLE, model);
    const mine = join(dir, 'mine.jsonl');
    const theirs = join(dir, 'theirs.jsonl');
    await poolFile(mine, [{ ...memories[0], usage: { retrieved: 2, helped: 1, hurt: 0, lastUsedAt: '2026-11-01T00:00:00.000Z' } }, memories[1]]);
    await poolFile(theirs, [
      { ...memories[0], id: 'x0', usage: { retrieved: 3, helped: 2, hurt: 1, lastUsedAt: '2026-11-09T00:00:00.000Z' } },
      { ...memories[2], usage: { retrieved: 1, helped: 0, hurt: 1 } },
    ]);
    const merged = join(dir, 'merged.jsonl');
    const m = await cli(['merge', mine, theirs, '--out', merged]);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/usage counts of 1 existing memories added/);
    const byTitle = new Map((await read(merged)).map((x) => [x.title, x.usage]));
    expect(byTitle.get(memories[0].title)).toEqual({ retrieved: 5, helped: 3, hurt: 1, lastUsedAt: '2026-11-09T00:00:00.000Z' });
    expect(byTitle.get(memories[1].title)).toBeUndefined();
    expect(byTitle.get(memories[2].title)).toEqual({ retrieved: 1, helped: 0, hurt: 1 });

    expect((await cli(['import', theirs, '--pool', mine])).code).toBe(0);
    expect(new Map((await read(mine)).map((x) => [x.title, x.usage])).get(memories[0].title)).toMatchObject({ retrieved: 5, helped: 3, hurt: 1 });
  });
});
