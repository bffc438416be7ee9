// Procedural categories: the miner labels what it mines, an LLM answer may name one, a pool file keeps it (and files
// without it still read), and the offline classifier's accuracy on labelled insights — the sample its cue words were
// written alongside, and held-out ones labelled before it ever ran on them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, createMemory, MemoryValidationError, type Category } from '../../src/core/memory';
import { categoryCounts, categoryOf, classifierAccuracy, classifyCategory, PATTERN_CATEGORY, SEED_SHARES, type LabelledInsight } from '../../src/core/category';
import { buildPrompt, findPatterns, mineInsights, parseAnswer } from '../../src/core/distill';
import { parseTrajectory } from '../../src/core/trajectory';
import { DEMO_POOL } from '../../src/core/demo-pool';
import { encodePoolFile, readPoolFile } from '../../src/core/pool-file';
import { embedded, exportOptions } from './pool-file-helpers';
import { wordEmbedder } from './helpers/word-embedder';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));
const sample = JSON.parse(readFileSync(`${FIXTURES}categories.json`, 'utf8')).insights as (LabelledInsight & { domain: string })[];
const holdout = JSON.parse(readFileSync(`${FIXTURES}categories-holdout.json`, 'utf8')) as { devJson: Record<string, Category>; demoPool: Record<string, Category> };

describe('the memory model and pool files', () => {
  it('category is optional, validated, and named in the error when wrong', () => {
    expect(createMemory({ title: 't', content: 'c' }).category).toBeUndefined();
    expect(createMemory({ title: 't', content: 'c', category: 'environment-adaptation' }).category).toBe('environment-adaptation');
    expect(() => createMemory({ title: 't', content: 'c', category: 'cooking' })).toThrow(MemoryValidationError);
    expect(() => createMemory({ title: 't', content: 'c', category: 'cooking' })).toThrow(/category must be one of iterative-workflow, /);
  });

  it('a pool file keeps the category; a record without one (every v1 file so far) still reads', async () => {
    const model = wordEmbedder(16);
    const memories = await embedded(
      [
        { title: 'Install what is missing', content: 'Then re-run.', category: 'environment-adaptation' },
        { title: 'An older memory', content: 'Written before categories existed.' },
      ],
      model,
    );
    const { lines } = await encodePoolFile(memories, exportOptions(model));
    expect(JSON.parse(lines[1]).category).toBe('environment-adaptation');
    expect('category' in JSON.parse(lines[2])).toBe(false);
    const read = await readPoolFile(new TextEncoder().encode(lines.join('\n') + '\n'));
    expect(read.entries.map((e) => e.memory.category)).toEqual(['environment-adaptation', undefined]);
    // A bad category in a file is rejected with its line and field, like any other field.
    const bad = lines[1].replace('"environment-adaptation"', '"gardening"');
    const { lines: header } = await encodePoolFile([memories[0]], exportOptions(model));
    const { checksum: _c, ...unsigned } = JSON.parse(header[0]);
    const text = [JSON.stringify(unsigned), bad].join('\n') + '\n';
    await expect(readPoolFile(new TextEncoder().encode(text))).rejects.toThrow(/line 2: record\.category/);
  });
});

describe('set at ingest', () => {
  const outcomes = JSON.parse(readFileSync(`${SHARED}trajectories/swe-agent/outcomes.json`, 'utf8')) as Record<string, string>;
  const runs = readdirSync(`${SHARED}trajectories/swe-agent`)
    .filter((f) => f.endsWith('.traj'))
    .map((f) => parseTrajectory(readFileSync(`${SHARED}trajectories/swe-agent/${f}`, 'utf8'), f, { outcomes }));

  it('the rule miner labels every insight it mines with the category of its pattern', () => {
    const mined = runs.flatMap(mineInsights);
    expect(mined.length).toBeGreaterThan(20);
    for (const m of mined) {
      const pattern = m.tags!.find((t) => t !== 'rules')!;
      expect(m.category, pattern).toBe(PATTERN_CATEGORY[pattern]);
    }
    // Every pattern the miner can emit has a category (a new detector without one fails here).
    for (const t of runs) for (const p of findPatterns(t)) expect(CATEGORIES).toContain(PATTERN_CATEGORY[p.id]);
  });

  it('the insight prompt asks for one of the seven; an answer naming one keeps it, a missing or unknown one is no error', () => {
    const prompt = buildPrompt('insight', runs[0]);
    for (const c of CATEGORIES) expect(prompt).toContain(c);
    const json = parseAnswer('insight', '{"insights":[{"title":"A","description":"d","content":"c","category":"Test-driven verification"},{"title":"B","description":"d","content":"c","category":"vibes"},{"title":"C","description":"d","content":"c"}]}');
    expect(json.map((i) => i.category)).toEqual(['test-driven-verification', undefined, undefined]);
    const labelled = parseAnswer('insight', 'Title: Pin the toolchain\nDescription: When builds drift.\nContent: Pin it.\nCategory: environment_adaptation\n');
    expect(labelled[0].category).toBe('environment-adaptation');
  });
});

describe('categoryOf', () => {
  it('a stored category wins; a rule-pattern tag of an older pool counts as decided; otherwise the classifier guesses', () => {
    const m = createMemory({ title: 'Install the missing package and retry', content: 'Then re-run the command.' });
    expect(categoryOf(m)).toEqual({ category: 'environment-adaptation', guessed: true });
    expect(categoryOf({ ...m, category: 'other-procedural' })).toEqual({ category: 'other-procedural', guessed: false });
    expect(categoryOf({ ...m, tags: ['rules', 'preserve-signatures'] })).toEqual({ category: 'interface-compliance', guessed: false });
  });

  it('counts insights only, every category listed', () => {
    const ms = [
      createMemory({ title: 'a', content: 'c', category: 'algorithmic-strategy' }),
      createMemory({ title: 'b', content: 'c', category: 'algorithmic-strategy' }),
      createMemory({ level: 'summary', title: 'c', content: 'c', category: 'iterative-workflow' }),
    ];
    expect(categoryCounts(ms)).toEqual({ ...Object.fromEntries(CATEGORIES.map((c) => [c, 0])), 'algorithmic-strategy': 2 });
    expect(Object.keys(SEED_SHARES)).toEqual([...CATEGORIES]);
  });

  it('text with no cue at all falls back to other-procedural', () => {
    expect(classifyCategory({ title: 'Zebra', description: '', content: 'Quux.' }).category).toBe('other-procedural');
  });
});

describe('classifier accuracy (reported in docs/pool-insights.md)', () => {
  it('has at least 60 labelled insights, ten per category or more', () => {
    expect(sample.length).toBeGreaterThanOrEqual(60);
    for (const c of CATEGORIES) expect(sample.filter((s) => s.category === c).length, c).toBeGreaterThanOrEqual(8);
  });

  const report = (name: string, s: LabelledInsight[]) => {
    const r = classifierAccuracy(s);
    console.log(`category classifier on ${name}: ${(100 * r.accuracy).toFixed(1)}% of ${r.n}`);
    return r.accuracy;
  };

  it('on the sample its cue words were written alongside (an upper bound, not a generalisation estimate)', () => {
    expect(report('tests/fixtures/categories.json', sample)).toBeGreaterThanOrEqual(0.9);
  });

  it('on held-out insights it beats always answering the most common label', () => {
    const dev = (JSON.parse(readFileSync(`${SHARED}retrieval/dev.json`, 'utf8')).memories as (LabelledInsight & { id: string })[]).map((m) => ({ ...m, category: holdout.devJson[m.id] }));
    const demo = DEMO_POOL.map((m) => ({ title: m.title, description: m.description ?? '', content: m.content, category: holdout.demoPool[m.title] }));
    for (const [name, set] of [['retrieval/dev.json memories', dev], ['the demo pool', demo]] as const) {
      expect(set.every((s) => CATEGORIES.includes(s.category)), name).toBe(true);
      const counts = CATEGORIES.map((c) => set.filter((s) => s.category === c).length);
      const majority = Math.max(...counts) / set.length;
      expect(report(name, set)).toBeGreaterThan(majority + 0.1);
    }
  });
});
