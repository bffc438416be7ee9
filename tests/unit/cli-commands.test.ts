// The CLI as terminal agents use it: exit codes 0/1/2, query output with scores and the prompt block, export →
// import round trips, a damaged file leaving the pool byte-identical, and `embed --json`.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readPoolFile, encodePoolFile } from '../../src/core/pool-file';
import { parseTrajectory } from '../../src/core/trajectory';
import { mineInsights } from '../../src/core/distill/miner';
import { cosine } from '../../src/core/vectors';
import { wordEmbedder } from './helpers/word-embedder';
import { cli, tempDir } from './cli-helpers';
import { embedded, exportOptions, SAMPLE } from './pool-file-helpers';

const TRAJECTORY = `Task: Fix the crash when the config file is missing.

$ python repro.py
Traceback (most recent call last):
FileNotFoundError: config.yaml

$ sed -i 's/open(path)/open(path) if exists(path) else None/' app/config.py

$ python repro.py
ok

$ pytest tests
5 passed

Outcome: success
`;

const defaultModel = wordEmbedder(32, 'insight-pool/use-lite');

async function seededPool(dir: string, name = 'pool.jsonl') {
  const path = join(dir, name);
  const memories = await embedded(SAMPLE, defaultModel);
  const { lines } = await encodePoolFile(memories, exportOptions(defaultModel));
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, memories };
}

describe('exit codes', () => {
  it('0 for help, 1 for usage errors, 2 for bad input naming file/line/field', async () => {
    const dir = tempDir();
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli([])).code).toBe(1);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const badOption = await cli(['query', '--pool', 'x', '--colour', 'red', 'task']);
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toMatch(/query: Unknown option '--colour'/);
    expect((await cli(['query', 'task'])).stderr).toMatch(/--pool <value> is required/);
    expect((await cli(['query', '--pool', 'p', '-k', '0', 'task'])).code).toBe(1);

    const missing = await cli(['query', '--pool', join(dir, 'nope.jsonl'), 'task']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: no such pool file/);

    const { path } = await seededPool(dir);
    const lines = readFileSync(path, 'utf8').split('\n');
    const rec = JSON.parse(lines[3]);
    rec.outcome = 'maybe';
    lines[3] = JSON.stringify(rec);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, lines.join('\n'));
    const r = await cli(['stats', '--pool', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl: line 4: record\.outcome: must be one of success, failure, unknown/);
  });
});

describe('query', () => {
  it('prints top-k in the order of the fused score, with its parts (exact cosine, BM25) and the prompt block', async () => {
    const dir = tempDir();
    const { path, memories } = await seededPool(dir);
    const task = 'the bug report: reproduce it before you change code';
    const r = await cli(['query', '--pool', path, task, '-k', '2']);
    expect(r.code).toBe(0);
    const [table, block] = r.stdout.split('\n\n<memories>');
    const rows = table.split('\n');
    expect(rows).toHaveLength(2);
    const [q] = await defaultModel.embed([task]);
    const title = (row: string) => memories.find((m) => row.includes(`  ${m.title}  `))!;
    const parsed = rows.map((row) => {
      const m = /^(\d)\. (\d\.\d{4}) \(cosine (-?\d\.\d{3}), lexical (\d+\.\d{2})\)  [a-z]+  /.exec(row)!;
      expect(m, row).not.toBeNull();
      return { fused: Number(m[2]), cosine: Number(m[3]), lexical: Number(m[4]), memory: title(row) };
    });
    // The reproduce-first memory shares the task's words and meaning: first in both lists, so a fused score of 1.
    expect(parsed[0].memory.title).toBe('Reproduce the bug before changing code');
    expect(parsed[0].fused).toBe(1);
    expect(parsed[0].lexical).toBeGreaterThan(0);
    expect(parsed[0].fused).toBeGreaterThanOrEqual(parsed[1].fused);
    for (const p of parsed) expect(p.cosine).toBeCloseTo(cosine(q, p.memory.embedding!.vector), 3);
    expect(block).toContain(`1. Insight: ${parsed[0].memory.title}`);
    expect(block).toContain(`similarity ${parsed[0].cosine.toFixed(3)}`);
  });

  it('--mode dense ranks by exact cosine alone (the paper), --mode lexical by BM25; a bad mode is a usage error', async () => {
    const dir = tempDir();
    const { path, memories } = await seededPool(dir);
    const task = 'the bug report: reproduce it before you change code';
    const [q] = await defaultModel.embed([task]);
    const dense = JSON.parse((await cli(['query', '--pool', path, task, '--json', '--mode', 'dense', '-k', '3'])).stdout);
    const expected = memories.map((m) => ({ id: m.id, s: cosine(q, m.embedding!.vector) })).sort((a, b) => b.s - a.s).slice(0, 3);
    expect(dense.results.map((r: { id: string }) => r.id)).toEqual(expected.map((e) => e.id));
    dense.results.forEach((r: { score: number; cosine: number }, i: number) => {
      expect(r.score).toBeCloseTo(expected[i].s, 5);
      expect(r.cosine).toBeCloseTo(expected[i].s, 5);
    });
    const lexical = JSON.parse((await cli(['query', '--pool', path, task, '--json', '--mode', 'lexical'])).stdout);
    expect(lexical.mode).toBe('lexical');
    for (const r of lexical.results) expect(r.score).toBe(r.lexical);
    expect(lexical.results.map((r: { score: number }) => r.score)).toEqual([...lexical.results.map((r: { score: number }) => r.score)].sort((a: number, b: number) => b - a));
    const bad = await cli(['query', '--pool', path, task, '--mode', 'bm25']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--mode must be among hybrid, dense, lexical');
  });

  it('--json and --exclude-domain', async () => {
    const dir = tempDir();
    const { path } = await seededPool(dir);
    const r = await cli(['query', '--pool', path, 'reproduce the bug before changing code', '--json', '--exclude-domain', 'swe', '-k', '5']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.length).toBe(2);
    expect(out.results.every((x: { domain: string; score: number }) => x.domain !== 'swe' && typeof x.score === 'number')).toBe(true);
    expect(out.promptBlock).toMatch(/^<memories>/);
    expect(out.model).toBe('insight-pool/use-lite');
  });
});

describe('export → import round trip', () => {
  it('pool → export (gz) → import into a new pool → export again: same memories, same vectors, no model loaded', async () => {
    const dir = tempDir();
    const { path, memories } = await seededPool(dir);
    const out = join(dir, 'share.jsonl.gz');
    const e = await cli(['export', '--pool', path, '--levels', 'all', '--out', out]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/exported 4 memories \(4 with float32 vectors/);
    const pool2 = join(dir, 'pool2.jsonl');
    const noModel = await cli(['import', out, '--pool', pool2], { createEmbedder: () => Promise.reject(new Error('no model should be needed')) });
    expect(noModel.stderr).toBe('');
    expect(noModel.code).toBe(0);
    expect(noModel.stdout).toMatch(/4 added, 0 exact duplicates skipped/);
    const back = join(dir, 'back.jsonl');
    expect((await cli(['export', '--pool', pool2, '--levels', 'all', '--out', back])).code).toBe(0);
    const read = await readPoolFile(readFileSync(back));
    const plain = (m: (typeof memories)[number]) => ({ ...m, provenance: { ...m.provenance, file: undefined, importedFrom: undefined }, embedding: { ...m.embedding!, vector: [...m.embedding!.vector] } });
    const got = read.entries.map((x) => plain(x.memory));
    expect(got).toEqual(memories.map(plain));
    expect(read.entries[0].memory.provenance.importedFrom).toBe('share.jsonl.gz');
    // Importing the same file again changes nothing: all exact duplicates.
    const again = await cli(['import', out, '--pool', pool2]);
    expect(again.stdout).toMatch(/0 added, 4 exact duplicates skipped/);
  });

  it('export defaults to insights only; --no-vectors leaves vectors out', async () => {
    const dir = tempDir();
    const { path } = await seededPool(dir);
    const out = join(dir, 'x.jsonl');
    expect((await cli(['export', '--pool', path, '--no-vectors', '--out', out])).code).toBe(0);
    const read = await readPoolFile(readFileSync(out));
    expect(read.header.counts).toMatchObject({ records: 2, vectors: 0 });
    expect((await cli(['export', '--pool', path, '--levels', 'poem', '--out', out])).code).toBe(1);
  });

  it('damaged files are rejected and the pool stays byte-identical', async () => {
    const dir = tempDir();
    const { path } = await seededPool(dir);
    const share = join(dir, 'share.jsonl');
    await cli(['export', '--pool', path, '--levels', 'all', '--out', share]);
    const good = readFileSync(share, 'utf8');
    const target = join(dir, 'target.jsonl');
    const other = await embedded([{ title: 'Existing memory', content: 'Stays as it is.' }], defaultModel);
    writeFileSync(target, (await encodePoolFile(other, exportOptions(defaultModel))).lines.join('\n') + '\n');
    const before = readFileSync(target);
    const cases: [string, string, RegExp][] = [
      ['truncated', good.slice(0, good.length - 50), /truncated file/],
      ['checksum', good.replace('failing check', 'failing chuck'), /bad checksum/],
      ['version', good.replace('"version":1', '"version":7'), /unsupported pool-file version 7/],
      ['dims', good.replace('"dims":32', '"dims":64'), /wrong dims/],
    ];
    for (const [name, text, message] of cases) {
      const f = join(dir, `${name}.jsonl`);
      writeFileSync(f, text);
      const r = await cli(['import', f, '--pool', target]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(readFileSync(target).equals(before), name).toBe(true);
    }
    // The same for a pool that does not exist yet: it is not created.
    const fresh = join(dir, 'fresh.jsonl');
    expect((await cli(['import', join(dir, 'checksum.jsonl'), '--pool', fresh])).code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });

  it('property: a damaged import file (cut anywhere, a record byte flipped or inserted) exits 2 and leaves the pool byte-identical', async () => {
    const dir = tempDir();
    const { path } = await seededPool(dir);
    const good = readFileSync(path);
    const target = join(dir, 'target.jsonl');
    const other = await embedded([{ title: 'Existing memory', content: 'Stays as it is.' }], defaultModel);
    writeFileSync(target, (await encodePoolFile(other, exportOptions(defaultModel))).lines.join('\n') + '\n');
    const before = readFileSync(target);
    const input = join(dir, 'in.jsonl');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 }), async (at, kind, byte) => {
        // Flips and inserts hit the records (the checksummed part); a cut may fall anywhere, header included.
        const headerEnd = good.indexOf(10) + 1;
        const i = kind === 0 ? at % good.length : headerEnd + (at % (good.length - headerEnd - 1));
        const bytes = kind === 0 ? good.subarray(0, i) : kind === 1 ? Buffer.from(good).fill(byte, i, i + 1) : Buffer.concat([good.subarray(0, i), Buffer.from([byte]), good.subarray(i)]);
        if (bytes.equals(good)) return;
        writeFileSync(input, bytes);
        writeFileSync(target, before);
        const r = await cli(['import', input, '--pool', target]);
        if (r.code === 0) {
          // Only a change the format ignores (a CR inserted before a line end) may pass: then it is the same data.
          const [a, b] = await Promise.all([readPoolFile(bytes), readPoolFile(good)]);
          expect(a.entries.map((e) => e.hash)).toEqual(b.entries.map((e) => e.hash));
          return;
        }
        expect(r.code, r.stderr).toBe(2);
        expect(readFileSync(target).equals(before)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('imports foreign files, flags injection on stderr, and --skip-flagged leaves them out', async () => {
    const dir = tempDir();
    const pool = join(dir, 'p.jsonl');
    const fixtures = join(import.meta.dirname, 'fixtures/foreign');
    const r = await cli(['import', join(fixtures, 'CLAUDE.md'), '--pool', pool, '--domain', 'swe']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CLAUDE\.md \(claude-md\) into .*: 9 added/);
    const inj = await cli(['import', join(fixtures, 'injected.md'), '--pool', pool]);
    expect(inj.stderr).toMatch(/warning: injected\.md line 1 "Clean up the workspace": content reads like an instruction to the agent: "Ignore all previous instructions/);
    expect(inj.stdout).toMatch(/1 added/);
    const dir2 = tempDir();
    const pool2 = join(dir2, 'p.jsonl');
    const skip = await cli(['import', join(fixtures, 'injected.md'), '--pool', pool2, '--skip-flagged']);
    expect(skip.stdout).toMatch(/0 added.*1 flagged/);
  });

  it('shows embedding progress on stderr for a big import', async () => {
    const dir = tempDir();
    const inputs = Array.from({ length: 250 }, (_, i) => ({ title: `Lesson number ${i}`, content: `Content ${i}.` }));
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, (await encodePoolFile(await embedded(inputs, defaultModel), exportOptions(defaultModel, { vectors: 'none' }))).lines.join('\n') + '\n');
    const batched = {
      model: defaultModel.model,
      dims: defaultModel.dims,
      async embed(texts: string[], onProgress?: (p: { phase: 'embed'; done: number; total: number }) => void) {
        const out: Float32Array[] = [];
        for (let i = 0; i < texts.length; i += 50) {
          out.push(...(await defaultModel.embed(texts.slice(i, i + 50))));
          onProgress?.({ phase: 'embed', done: out.length, total: texts.length });
        }
        return out;
      },
    };
    const r = await cli(['import', file, '--pool', join(dir, 'p.jsonl')], { createEmbedder: async () => batched });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([50, 100, 150, 200, 250].map((n) => `embedding imported memories with insight-pool/use-lite: ${n}/250`));
  });

  it('merge a b --out c keeps a, adds b, reports near-duplicates (same level, whole text)', async () => {
    const dir = tempDir();
    const { path: a } = await seededPool(dir, 'a.jsonl');
    // The test embedder reads only the words: SAMPLE[0] reworded by punctuation is cosine 1 on the whole text. The same
    // title over other content, or the same text at another level, is not a near-duplicate.
    const bMem = await embedded(
      [
        { ...SAMPLE[0], title: 'Reproduce the bug before changing code!', content: 'A reproduction turns a vague report into a check you can re-run!' },
        { title: 'Cache downloads', content: 'Saves time.' },
        { title: 'Reproduce the bug before changing code', content: 'Bisect the history to find the commit that broke it.' },
        { ...SAMPLE[0], title: 'Reproduce the bug before changing code.', level: 'summary' },
      ],
      defaultModel,
    );
    const b = join(dir, 'b.jsonl');
    writeFileSync(b, (await encodePoolFile(bMem, exportOptions(defaultModel))).lines.join('\n') + '\n');
    const c = join(dir, 'c.jsonl.gz');
    const r = await cli(['merge', a, b, '--out', c, '--near', 'keep-existing']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/near-duplicate \(cosine 1\.000\): line 2 "Reproduce the bug before changing code!"/);
    expect(r.stderr.match(/near-duplicate/g)).toHaveLength(1);
    const read = await readPoolFile(readFileSync(c));
    expect(read.entries.map((e) => e.memory.title)).toEqual([
      ...SAMPLE.map((s) => s.title),
      'Cache downloads',
      'Reproduce the bug before changing code',
      'Reproduce the bug before changing code.',
    ]);
    expect((await cli(['merge', a, '--out', c])).code).toBe(1);
  });
});

describe('ingest and stats', () => {
  it('list shows ids and filters; remove deletes by id under the same checks, and the file stays readable', async () => {
    const dir = tempDir();
    const { path, memories } = await seededPool(dir);
    const all = await cli(['list', '--pool', path]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort()).toEqual(memories.map((m) => m.id).sort());
    expect(all.stderr.trim()).toBe(`${memories.length} of ${memories.length} memories`);
    const swe = await cli(['list', '--pool', path, '--domain', 'swe', '--levels', 'insight', '--json']);
    const listed = JSON.parse(swe.stdout);
    expect(listed.map((m: { title: string }) => m.title)).toEqual(['Reproduce the bug before changing code']);
    expect(listed[0].embedding).toEqual({ model: 'insight-pool/use-lite', dims: 32, key: 'Reproduce the bug before changing code' });
    expect((await cli(['list', '--pool', path, '--text', 'stack trace'])).stdout).toMatch(/Read the error message to the end/);

    const [a, b] = memories;
    const before = readFileSync(path);
    // An unknown id among known ones removes nothing; so does --dry-run.
    const typo = await cli(['remove', a.id, 'no-such-id', '--pool', path]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no memory with id "no-such-id"; nothing removed/);
    const dry = await cli(['remove', a.id, '--pool', path, '--dry-run']);
    expect(dry.stdout).toMatch(new RegExp(`^would remove ${a.id}`));
    expect(readFileSync(path)).toEqual(before);
    expect((await cli(['remove', '--pool', path])).code).toBe(1);

    const r = await cli(['remove', a.id, b.id, '--pool', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([a, b].map((m) => `removed ${m.id}  ${m.level}  ${m.title}`));
    const read = await readPoolFile(readFileSync(path));
    expect(read.entries.map((e) => e.memory.id).sort()).toEqual(memories.slice(2).map((m) => m.id).sort());
    expect(read.header.model.id).toBe('insight-pool/use-lite');
    expect((await cli(['query', '--pool', path, 'pin the compiler version', '-k', '1'])).code).toBe(0);
  });

  it('add stores a memory from flags or JSON on stdin, once, embedded; bad input writes nothing', async () => {
    const dir = tempDir();
    const pool = join(dir, 'pool.jsonl');
    const one = await cli(['add', '--pool', pool, '--title', 'Keep interfaces intact while fixing', '--content', 'Callers depend on them; change the inside.', '--domain', 'swe', '--tag', 'api', '--tag', 'refactor']);
    expect(one.code, one.stderr).toBe(0);
    const [id] = one.stdout.match(/^added (\S+)  Keep interfaces intact while fixing$/m)!.slice(1);
    let read = await readPoolFile(readFileSync(pool));
    expect(read.entries.map((e) => e.memory)).toMatchObject([{ id, level: 'insight', domain: 'swe', tags: ['api', 'refactor'], embedding: { model: 'insight-pool/use-lite', dims: 32 } }]);

    expect(one.stderr).not.toMatch(/warning/);
    const concrete = await cli(['add', '--pool', pool, '--title', 'Fix django/forms/models.py', '--content', 'Edit src/app/forms.py line 42 and run `pytest tests/test_forms.py::test_x` on v4.2.1.']);
    expect(concrete.code).toBe(0);
    expect(concrete.stderr).toMatch(/^warning: "Fix django\/forms\/models\.py": Specificity [\d.]+ is above 6 \(.*file paths.*\)/m);
    await cli(['remove', concrete.stdout.split(' ')[1], '--pool', pool]);
    // A near-copy of one already there (same level; the test embedder reads only the words, so the whole text
    // reworded by punctuation is cosine 1): added, and said.
    const close = await cli(['add', '--pool', pool, '--title', 'Keep interfaces intact, while fixing!', '--content', 'Callers depend on them: change the inside!']);
    expect(close.code).toBe(0);
    expect(close.stderr).toMatch(new RegExp(`^near-duplicate \\(cosine 1\\.000\\): "Keep interfaces intact, while fixing!" ≈ existing "Keep interfaces intact while fixing" \\(${id}\\)$`, 'm'));
    expect(one.stderr).not.toMatch(/near-duplicate/);
    await cli(['remove', close.stdout.split(' ')[1], '--pool', pool]);
    // The same title over other content, or the same text at another level, is not a near-copy.
    const sameTitle = await cli(['add', '--pool', pool, '--title', 'Keep interfaces intact, while fixing!', '--content', 'Other words entirely.']);
    const otherLevel = await cli(['add', '--pool', pool, '--level', 'summary', '--title', 'Keep interfaces intact, while fixing!', '--content', 'Callers depend on them: change the inside!']);
    expect([sameTitle.code, otherLevel.code]).toEqual([0, 0]);
    expect(sameTitle.stderr + otherLevel.stderr).not.toMatch(/near-duplicate/);
    for (const r of [sameTitle, otherLevel]) await cli(['remove', r.stdout.split(' ')[1], '--pool', pool]);
    const again = await cli(['add', '--pool', pool, '--title', 'Keep interfaces intact while fixing', '--content', 'Callers depend on them; change the inside.']);
    expect(again.stdout.trim()).toBe(`already in the pool: ${id}  Keep interfaces intact while fixing`);

    const batch = [
      { title: 'Pin the tool version that worked', content: 'Record it next to the command.', domain: 'terminal' },
      { title: 'Keep interfaces intact while fixing', content: 'Callers depend on them; change the inside.' },
      { title: 'Profile before optimizing', content: 'Measure first.', level: 'summary' },
    ];
    const many = await cli(['add', '--pool', pool, '--json'], { stdin: JSON.stringify(batch) });
    expect(many.code, many.stderr).toBe(0);
    expect(many.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['added', 'already', 'added']);
    read = await readPoolFile(readFileSync(pool));
    expect(read.entries.map((e) => e.memory.title).sort()).toEqual(['Keep interfaces intact while fixing', 'Pin the tool version that worked', 'Profile before optimizing']);

    const before = readFileSync(pool);
    const bad = await cli(['add', '--pool', pool, '--json'], { stdin: JSON.stringify([{ title: 'Fine', content: 'ok' }, { title: 'No content' }]) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/memory #2: .*content/);
    const taken = await cli(['add', '--pool', pool, '--json'], { stdin: JSON.stringify({ id, title: 'Another lesson', content: 'Different text.' }) });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(new RegExp(`id "${id}" is already used by another memory`));
    expect((await cli(['add', '--pool', pool, '--json'], { stdin: 'not json' })).code).toBe(2);
    expect((await cli(['add', '--pool', pool, '--json', '--title', 'x'], { stdin: '{}' })).code).toBe(1);
    expect((await cli(['add', '--pool', pool, '--title', 'only a title'])).code).toBe(1);
    expect(readFileSync(pool)).toEqual(before);
  });

  it('ingest distills the same insights as the core miner, embeds them, and is idempotent', async () => {
    const dir = tempDir();
    const traj = join(dir, 'run-1.md');
    writeFileSync(traj, TRAJECTORY);
    const pool = join(dir, 'pool.jsonl');
    const r = await cli(['ingest', traj, '--pool', pool, '--domain', 'swe']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected = mineInsights(parseTrajectory(TRAJECTORY, 'run-1.md', { domain: 'swe' }));
    expect(expected.length).toBeGreaterThan(0);
    const read = await readPoolFile(readFileSync(pool));
    expect(read.entries.map((e) => e.memory.title)).toEqual(expected.map((m) => m.title));
    expect(read.entries.every((e) => e.memory.embedding?.model === 'insight-pool/use-lite' && e.memory.domain === 'swe' && e.memory.provenance.distiller === 'rules')).toBe(true);
    const again = await cli(['ingest', traj, '--pool', pool]);
    expect(again.stdout).toMatch(new RegExp(`→ 0 new memories .*${expected.length} duplicates skipped`));

    const s = await cli(['stats', '--pool', pool, '--json']);
    const stats = JSON.parse(s.stdout);
    expect(stats.total).toBe(expected.length);
    expect(stats.levels.insight).toBe(expected.length);
    expect(stats.domains).toEqual({ swe: expected.length });
    expect(stats.embeddingModels).toEqual({ 'insight-pool/use-lite': expected.length });
    const hist = Object.values(stats.specificity.histogram) as number[];
    expect(hist.reduce((a, b) => a + b, 0)).toBe(expected.length);
    // The miner labels what it mines: every insight counted under its pattern's category, none guessed.
    const byCategory: Record<string, number> = {};
    for (const m of expected) byCategory[m.category!] = (byCategory[m.category!] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(stats.categories).filter(([, n]) => n))).toEqual(byCategory);
    expect(Object.keys(stats.categories)).toHaveLength(7);
    expect(stats.categoriesGuessed).toBe(0);
    // One domain: nothing to mix.
    expect(stats.mixing).toEqual({ trajectory: null, workflow: null, summary: null, insight: null });
    const text = await cli(['stats', '--pool', pool]);
    expect(text.stdout).toMatch(/levels:\n\s+\d+\s+trajectory/);
  });

  it('stats reports the domain-mixing score of the stored vectors per level, and warns when insights cluster by domain', async () => {
    const dir = tempDir();
    const pool = join(dir, 'pool.jsonl');
    // Two domains whose insights share no words with the other domain's: each domain is its own cluster.
    const words = { swe: ['patch', 'repository', 'pytest', 'diff', 'module'], 'competitive-programming': ['modulo', 'prime', 'graph', 'dynamic', 'overflow'] };
    const inputs = Object.entries(words).flatMap(([domain, w]) =>
      w.flatMap((a, i) => w.filter((_, j) => j !== i).map((b) => ({ domain, title: `${a} ${b}`, content: `${a} ${b} ${a}` }))),
    );
    expect((await cli(['add', '--pool', pool, '--json'], { stdin: JSON.stringify(inputs) })).code).toBe(0);
    const r = await cli(['stats', '--pool', pool, '--json']);
    const stats = JSON.parse(r.stdout);
    const read = await readPoolFile(readFileSync(pool));
    const { poolMixing } = await import('../../src/core/mixing');
    expect(stats.mixing).toEqual(poolMixing(read.entries.map((e) => e.memory)));
    expect(stats.mixing.trajectory).toBeNull();
    expect(stats.mixing.insight).toBeLessThan(0.5);
    expect(stats.warnings[0]).toMatch(/insights cluster by domain/);
    expect(r.stderr).toMatch(/warning: insights cluster by domain/);
    expect((await cli(['stats', '--pool', pool])).stdout).toMatch(/domain mixing[^\n]*\n\s+–\s+trajectory[\s\S]*\d\.\d{3}\s+insight/);
  });

  it('ingest --outcomes labels override the file, --levels picks the levels', async () => {
    const dir = tempDir();
    const traj = join(dir, 'run-1.md');
    writeFileSync(traj, TRAJECTORY);
    const outcomes = join(dir, 'outcomes.json');
    writeFileSync(outcomes, JSON.stringify({ 'run-1': 'unresolved' }));
    const pool = join(dir, 'pool.jsonl');
    const r = await cli(['ingest', traj, '--pool', pool, '--outcomes', outcomes, '--levels', 'summary,workflow', '--source-model', 'gpt-x']);
    expect(r.code, r.stderr).toBe(0);
    const read = await readPoolFile(readFileSync(pool));
    expect(read.entries.map((e) => e.memory.level).sort()).toEqual(['summary', 'workflow']);
    expect(read.entries.every((e) => e.memory.outcome === 'failure' && e.memory.sourceModel === 'gpt-x')).toBe(true);
    expect((await cli(['ingest', traj, '--pool', pool, '--levels', 'poem'])).code).toBe(1);
  });

  it("ingest --levels all keeps a run's trajectory, workflow and summary: the same title at other levels is no near-copy", async () => {
    const dir = tempDir();
    // A long task line: the levels' titles ("Trajectory: …", "Summary: …") differ by one word of many, cosine ≥ 0.95
    // for the test embedder, which left the summary and workflow out as near-copies of the run's own trajectory.
    const task = 'Fix the crash when the configuration file is missing and the service starts without any settings from the environment, the command line or the defaults shipped with the package.';
    const run = join(dir, 'run-1.md');
    writeFileSync(run, TRAJECTORY.replace('Fix the crash when the config file is missing.', task));
    const pool = join(dir, 'pool.jsonl');
    const r = await cli(['ingest', run, '--pool', pool, '--levels', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(1 trajectory, 1 workflow, 1 summary, \d+ insight; 0 duplicates skipped\)/);
    expect(r.stderr).not.toMatch(/near-copy/);
  });

  it('ingest rejects a bad trajectory or outcomes file and writes nothing', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.md');
    writeFileSync(good, TRAJECTORY);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const pool = join(dir, 'pool.jsonl');
    const r = await cli(['ingest', good, empty, '--pool', pool]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty\.json: the file is empty/);
    expect(existsSync(pool)).toBe(false);
    const outcomes = join(dir, 'o.json');
    writeFileSync(outcomes, '{"run": 3}');
    const o = await cli(['ingest', good, '--pool', pool, '--outcomes', outcomes]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/o\.json: run: outcome must be a string or boolean/);
    expect((await cli(['ingest', good, '--pool', pool, '--distiller', 'llm'])).code).toBe(1);
  });
});

describe('embed', () => {
  it('stdin lines → JSON array of vectors of the model dims', async () => {
    const r = await cli(['embed', '--json'], { stdin: 'first text\nsecond text\n' });
    expect(r.code).toBe(0);
    const vectors = JSON.parse(r.stdout);
    expect(vectors).toHaveLength(2);
    expect(vectors.every((v: number[]) => v.length === 32 && v.every((x) => typeof x === 'number'))).toBe(true);
    const [a] = await defaultModel.embed(['first text']);
    expect(vectors[0]).toEqual([...a]);
    expect((await cli(['embed'], { stdin: '' })).code).toBe(2);
    expect((await cli(['embed'], { stdin: 'a\n\nb' })).stderr).toMatch(/stdin line 2: empty text/);
  });
});
