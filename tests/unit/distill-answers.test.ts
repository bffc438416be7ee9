// Answer parsers against recorded answers in the shapes LLMs really produce (fixtures/answers/*.txt,
// expectations in expected.json), plus the memories built from them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemory } from '../../src/core/memory';
import { AnswerParseError, memoriesFromAnswer, parseAnswer, PROMPT_VERSIONS, type LlmLevel } from '../../src/core/distill';
import { parseTrajectory } from '../../src/core/trajectory';

const DIR = fileURLToPath(new URL('./fixtures/answers/', import.meta.url));
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<string, Record<string, unknown>>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
const text = (f: string) => readFileSync(DIR + f, 'utf8');
const levelOf = (f: string) => f.split('-')[0] as LlmLevel;

describe('recorded answers', () => {
  it('has at least 15 answers, every one with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(expected).sort()).toEqual([...files].sort());
  });

  it.each(files.map((f) => [f]))('%s', (f) => {
    const exp = expected[f];
    const level = levelOf(f);
    if (exp.error) {
      expect(() => parseAnswer(level, text(f))).toThrow(AnswerParseError);
      expect(() => parseAnswer(level, text(f))).toThrow(String(exp.error));
      return;
    }
    if (level === 'insight') {
      const got = parseAnswer('insight', text(f));
      expect(got.map((i) => i.title)).toEqual(exp.titles);
      for (const i of got) {
        expect(i.description.length).toBeGreaterThan(10);
        expect(i.content.length).toBeGreaterThan(20);
        // No markdown or JSON debris left in the fields.
        for (const v of [i.title, i.description, i.content]) expect(v).not.toMatch(/^\s|\s$|\*\*|^["“]|["”,]$|^\d+\./);
      }
    } else if (level === 'workflow') {
      const got = parseAnswer('workflow', text(f));
      expect(got.goal).toBe(exp.goal);
      expect(got.steps).toHaveLength(exp.steps as number);
      for (const s of got.steps) expect(s).not.toMatch(/^\s*(\d+[.)]|[-*])\s/);
      expect(!!got.antiPattern).toBe(!!exp.antiPattern);
    } else {
      const got = parseAnswer('summary', text(f));
      expect(got.title ?? null).toBe(exp.title);
      expect(got.taskSummary.length).toBeGreaterThan(30);
      expect(got.experience.length).toBeGreaterThan(30);
      expect(got.experience).not.toMatch(/<think>/);
    }
  });
});

describe('parser details', () => {
  it('multi-line list items join, and the label-line value counts as the first item', () => {
    const w = parseAnswer('workflow', text('workflow-02-markdown-failure.txt'));
    expect(w.steps[2]).toBe('Edited the command to add a domain column (the first two edits were rejected for indentation errors).');
    expect(w.antiPattern).toMatch(/^Editing the reproduction script repeatedly/);
  });

  it('inline code inside a step is kept intact', () => {
    expect(parseAnswer('workflow', text('workflow-03-goal-then-list.txt')).steps[0]).toBe('`cat` the script to see how rsync is called');
  });

  it('step objects become "action — why" lines', () => {
    expect(parseAnswer('workflow', text('workflow-04-steps-objects.txt')).steps[2]).toBe('run the CLI tests — one failed: the flag was not registered');
  });

  it('names the insight that lacks a field when several are given', () => {
    const answer = JSON.stringify({ insights: [{ title: 'a b', description: 'one sentence here.', content: 'content here.' }, { title: 'c d', description: 'x y z.' }] });
    expect(() => parseAnswer('insight', answer)).toThrow('insight answer: missing "content" in insight 2');
  });

  it('empty and reasoning-only answers are clear errors', () => {
    expect(() => parseAnswer('summary', '   ')).toThrow('summary answer: the answer is empty');
    expect(() => parseAnswer('insight', '<think>hmm</think>')).toThrow('only reasoning');
  });

  it('trailing chatter after a labelled field is not swallowed into it', () => {
    const i = parseAnswer('insight', 'Title: Keep changes small\nDescription: When fixing a bug.\nContent: Smaller diffs are easier to verify.\n\nHope this helps!');
    expect(i[0].content).toBe('Smaller diffs are easier to verify.');
  });
});

describe('answers → memories', () => {
  const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
  const t = parseTrajectory(readFileSync(`${SHARED}swe-agent/django__django-11999.traj`, 'utf8'), 'django__django-11999.traj', {
    outcomes: { 'django__django-11999': 'resolved' },
    sourceModel: 'gpt-4o',
  });

  it('every level yields valid MemoryInput with provenance', () => {
    for (const f of files.filter((n) => !expected[n].error)) {
      const level = levelOf(f);
      const ms = memoriesFromAnswer(level, text(f), t, { distiller: 'llm:qwen2.5:7b', variant: 'task-agnostic' });
      expect(ms.length).toBeGreaterThan(0);
      for (const m of ms) {
        const mem = createMemory(m);
        expect(mem).toMatchObject({ level, domain: 'swe', sourceModel: 'gpt-4o', outcome: 'success' });
        expect(mem.provenance).toEqual({
          file: 'django__django-11999.traj',
          trajectoryId: 'django__django-11999',
          distiller: 'llm:qwen2.5:7b',
          promptVersion: PROMPT_VERSIONS[level],
        });
        expect(mem.scope).toBe(level === 'workflow' ? 'task-specific' : 'task-agnostic');
      }
    }
  });

  it('pasted task-specific answers are flagged as such', () => {
    const [m] = memoriesFromAnswer('insight', text('insight-03-markdown-labels.txt'), t, { distiller: 'paste', variant: 'task-specific' });
    expect(m).toMatchObject({ scope: 'task-specific', tags: ['paste'], provenance: { distiller: 'paste' } });
  });
});
