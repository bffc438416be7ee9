// The merge driver's core (three-way merge by memory id) and the git form, without git: the cases a team hits.
import { describe, expect, it } from 'vitest';
import { createMemory } from '../../src/core/memory';
import { encodePoolFile, mergedPoolLines, readPoolFile, readRawPoolFile, threeWayMerge, type RawPoolFile } from '../../src/core/pool-file';

const MODEL = { id: 'insight-pool/use-lite', dims: 4, fingerprint: '' };
const HEADER = { format: 'insight-pool', version: 1, form: 'git', model: MODEL, keyMode: 'full', vectors: 'none' };

const rec = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  id,
  level: 'insight',
  title,
  description: '',
  content: `${title}, always.`,
  domain: 'swe',
  sourceModel: 'unknown',
  outcome: 'unknown',
  scope: 'task-agnostic',
  tags: [],
  createdAt: '2026-11-30T12:00:00.000Z',
  provenance: {},
  ...extra,
});

function file(records: object[], header: object | null = HEADER): Promise<RawPoolFile> {
  return readRawPoolFile(header === null ? '' : [header, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n');
}

async function merge(base: object[] | null, ours: object[], theirs: object[]) {
  const result = threeWayMerge(await file(base ?? [], base === null ? null : HEADER), await file(ours), await file(theirs));
  return { result, lines: await mergedPoolLines(result) };
}

describe('three-way merge of pool files', () => {
  it('keeps both sides\' additions, honours a deletion, and writes the git form unchanged for untouched memories', async () => {
    const { result, lines } = await merge([rec('a', 'A'), rec('b', 'B')], [rec('a', 'A'), rec('b', 'B'), rec('c', 'C')], [rec('a', 'A'), rec('d', 'D')]);
    expect(result.conflicts).toEqual([]);
    expect(lines.slice(1).map((l) => JSON.parse(l).id)).toEqual(['a', 'c', 'd']);
    expect(result.summary).toMatchObject({ fromOurs: 1, fromTheirs: 1, deleted: 1 });
    expect(JSON.parse(lines[0])).toEqual(HEADER);
  });

  it('merges edits to different fields of one memory; a field changed differently on both sides is a conflict', async () => {
    const clean = await merge([rec('a', 'A')], [rec('a', 'A2')], [rec('a', 'A', { tags: ['x'] })]);
    expect(clean.result.conflicts).toEqual([]);
    expect(JSON.parse(clean.lines[1])).toMatchObject({ title: 'A2', tags: ['x'] });

    const clash = await merge([rec('a', 'A')], [rec('a', 'A', { content: 'ours' , tags: ['x'] })], [rec('a', 'A', { content: 'theirs' })]);
    expect(clash.result.conflicts.map((c) => [c.kind, c.fields])).toEqual([['both-edited', ['content']]]);
    // Both versions carry the non-conflicting change (the tag), so either choice keeps it.
    expect(clash.lines.slice(1)).toEqual([
      '<<<<<<< ours: "A" (id a): both sides changed content',
      JSON.stringify({ ...rec('a', 'A'), content: 'ours', tags: ['x'] }),
      '=======',
      JSON.stringify({ ...rec('a', 'A'), content: 'theirs', tags: ['x'] }),
      '>>>>>>> theirs',
    ]);
  });

  it('a deletion against an edit is a conflict; against a usage-only change it is honoured', async () => {
    const edited = await merge([rec('a', 'A')], [], [rec('a', 'A', { content: 'better' })]);
    expect(edited.result.conflicts.map((c) => c.kind)).toEqual(['deleted-in-ours']);
    expect(edited.lines.slice(1, 3)).toEqual(['<<<<<<< ours: "A" (id a): deleted in ours, changed in theirs', '=======']);
    const used = await merge([rec('a', 'A')], [], [rec('a', 'A', { usage: { retrieved: 3 } })]);
    expect(used.result.conflicts).toEqual([]);
    expect(used.lines).toHaveLength(1);
  });

  it('the same memory added on both sides (empty base) is kept once; different texts under one id conflict', async () => {
    const same = await merge(null, [rec('a', 'A')], [rec('a', 'A')]);
    expect(same.result.conflicts).toEqual([]);
    expect(same.lines).toHaveLength(2);
    const differ = await merge(null, [rec('a', 'A')], [rec('a', 'Other')]);
    expect(differ.result.conflicts[0].fields).toEqual(['title', 'content']);
  });

  it('a side emptied to 0 bytes deletes the base\'s memories but keeps the header and the other side\'s additions', async () => {
    const result = threeWayMerge(await file([rec('a', 'A')]), await file([], null), await file([rec('a', 'A'), rec('b', 'B')]));
    const lines = await mergedPoolLines(result);
    expect(JSON.parse(lines[0])).toEqual(HEADER);
    expect(lines.slice(1).map((l) => JSON.parse(l).id)).toEqual(['b']);
  });

  it('usage: counters add both increments since the base (never below 0), lastUsedAt is the later date', async () => {
    const base = rec('a', 'A', { usage: { retrieved: 10, helped: 4, hurt: 2, lastUsedAt: '2026-11-01T00:00:00.000Z' } });
    const ours = rec('a', 'A', { usage: { retrieved: 12, helped: 4, hurt: 0, lastUsedAt: '2026-11-05T00:00:00.000Z' } });
    const theirs = rec('a', 'A', { usage: { retrieved: 11, helped: 6, hurt: 1, lastUsedAt: '2026-11-03T00:00:00.000Z' } });
    const { result, lines } = await merge([base], [ours], [theirs]);
    expect(result.conflicts).toEqual([]);
    expect(JSON.parse(lines[1]).usage).toEqual({ retrieved: 13, helped: 6, hurt: 0, lastUsedAt: '2026-11-05T00:00:00.000Z' });
    // A memory new on one side keeps its counts as they are.
    const fresh = await merge([], [ours], []);
    expect(JSON.parse(fresh.lines[1]).usage).toEqual((ours as { usage?: unknown }).usage);
  });

  it('a plain (vector) file gets fresh counts and checksum and reads back; its vectors stay where the text did not change', async () => {
    const memories = ['A', 'B'].map((t, i) =>
      ({ ...createMemory({ id: t.toLowerCase(), title: t, content: `${t} content`, createdAt: '2026-11-30T12:00:00.000Z' }), embedding: { model: MODEL.id, dims: 4, key: t, vector: new Float32Array([i, 1, 0, 0]) } }),
    );
    const enc = async (ms: typeof memories) => (await encodePoolFile(ms, { model: MODEL, keyMode: 'title', appVersion: '1', levels: 'all', now: new Date('2026-12-01T00:00:00Z') })).lines.join('\n') + '\n';
    const base = await readRawPoolFile(await enc([memories[0]]));
    const ours = await readRawPoolFile(await enc(memories));
    const theirs = await readRawPoolFile(await enc([{ ...memories[0], title: 'A edited', embedding: { ...memories[0].embedding, key: 'A edited' } }]));
    const result = threeWayMerge(base, ours, theirs);
    const text = (await mergedPoolLines(result)).join('\n') + '\n';
    const read = await readPoolFile(text);
    expect(read.header.counts).toEqual({ records: 2, vectors: 2, levels: { insight: 2 } });
    expect(read.header.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(read.entries.map((e) => [e.memory.title, e.memory.embedding?.key])).toEqual([['A edited', 'A edited'], ['B', 'B']]);
  });

  it('refuses bad input with the line and field named', async () => {
    await expect(readRawPoolFile(JSON.stringify(HEADER) + '\n{"id":"a"}\n')).rejects.toThrow(/^line 2: record\.title: is required/);
    await expect(readRawPoolFile(JSON.stringify(HEADER) + '\n' + JSON.stringify(rec('a', 'A')) + '\n' + JSON.stringify(rec('a', 'B')) + '\n')).rejects.toThrow('line 3: record.id: "a" is already used on line 2');
    await expect(readRawPoolFile('hello\n')).rejects.toThrow(/not an insight-pool file/);
    await expect(readRawPoolFile(JSON.stringify(HEADER) + '\n<<<<<<< ours\n')).rejects.toThrow(/^line 2: unresolved merge conflict/);
  });
});

describe('the git form', () => {
  const memories = ['z', 'b', 'm'].map((id) =>
    createMemory({ id, title: `T ${id}`, content: `C ${id}`, tags: ['t'], createdAt: '2026-11-30T12:00:00.000Z', provenance: { file: 'team.jsonl', importedFrom: 'team.jsonl', distiller: 'manual' } }),
  );

  it('is sorted by id, carries no vectors, and its header holds nothing that changes with the records or the date', async () => {
    const a = await encodePoolFile(memories, { model: MODEL, keyMode: 'full', appVersion: '1.0.0', form: 'git', now: new Date('2026-01-01T00:00:00Z') });
    const b = await encodePoolFile(memories.slice(0, 2), { model: MODEL, keyMode: 'full', appVersion: '2.0.0', form: 'git', now: new Date('2027-01-01T00:00:00Z') });
    expect(a.lines[0]).toBe(b.lines[0]);
    expect(JSON.parse(a.lines[0])).toEqual(HEADER);
    expect(a.lines.slice(1).map((l) => JSON.parse(l).id)).toEqual(['b', 'm', 'z']);
    expect(a.header.counts).toEqual({ records: 3, vectors: 0, levels: { insight: 3 } });
    // The copy-local provenance (where this teammate imported it from) is left out: it differs per teammate.
    expect(JSON.parse(a.lines[1]).provenance).toEqual({ distiller: 'manual' });
  });

  it('reads with the ordinary reader; counts come from the records', async () => {
    const { lines } = await encodePoolFile(memories, { model: MODEL, keyMode: 'full', appVersion: '1.0.0', form: 'git' });
    const read = await readPoolFile(lines.join('\n') + '\n');
    expect(read.header.counts).toEqual({ records: 3, vectors: 0, levels: { insight: 3 } });
    expect(read.model).toBeUndefined();
    expect(read.entries.map((e) => e.memory.title)).toEqual(['T b', 'T m', 'T z']);
    await expect(readPoolFile([JSON.stringify({ ...HEADER, vectors: 'float32' }), ...lines.slice(1)].join('\n'))).rejects.toThrow(
      'line 1: header.vectors: the git form carries no vectors (vectors must be "none")',
    );
    await expect(readPoolFile(lines.join('\n') + '\n' + lines[1].slice(0, 30))).rejects.toMatchObject({ code: 'truncated' });
  });
});
