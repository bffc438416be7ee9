// The abstraction guard: what it counts, how it scores, what scrub leaves, when it warns — and that it separates
// raw trajectory memories from mined insights on the real fixtures by a wide margin.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distillRules, parseAnswer } from '../../src/core/distill';
import { memoryText, scrub, scrubFields, shouldWarn, specificity, WARN_THRESHOLD } from '../../src/core/guard';
import { parseTrajectory } from '../../src/core/trajectory';

describe('specificity counts', () => {
  it.each([
    ['Edit django/db/models/base.py and src/app.ts', 'paths', 2],
    ['Open reproduce.py first', 'paths', 1],
    ['call get_foo_display and contribute_to_class', 'identifiers', 2],
    ['use parseConfig on the ModelAdmin', 'identifiers', 2],
    ['read os.path.join docs', 'identifiers', 1],
    ['the `--csv` flag and `x`', 'inlineCode', 2],
    ['```py\nprint(1)\n```', 'codeFences', 1],
    ['see https://example.org/a?b=1 and www.python.org', 'urls', 2],
    ['broken since 2.2 and fixed in v3.0.1', 'versions', 2],
    ['see #30931, GH-12 and JIRA-1234', 'issueIds', 3],
    ['decode UTF-16 and hash with SHA-256 into ISO-8601 dates', 'issueIds', 0],
    ['returns "something" instead of \'foo\'', 'quotedLiterals', 2],
    ['the sympy__sympy-17655 run in django', 'repoNames', 2],
    ['a bug in the React renderer and an Express route', 'repoNames', 2],
    ['React to errors quickly. Express the rule simply; guard rails and HTTP requests help', 'repoNames', 0],
  ] as const)('%s → %s = %i', (text, key, n) => {
    expect(specificity(text).counts[key]).toBe(n);
  });

  it('abstract prose scores 0 and ordinary words are not identifiers', () => {
    const s = specificity(
      "Reproduce the problem before changing code, e.g. with a small script. Don't guess: read the error, change one thing, re-run. It's the agent's job to verify in JavaScript or TypeScript projects alike.",
    );
    expect(s.counts).toEqual({ paths: 0, identifiers: 0, codeFences: 0, inlineCode: 0, urls: 0, versions: 0, issueIds: 0, quotedLiterals: 0, repoNames: 0 });
    expect(s.score).toBe(0);
  });

  it('the score is weighted tokens per 100 words with a 20-word floor', () => {
    // one path (weight 3) in 5 words → floor of 20 words → 15
    expect(specificity('Open the file src/a.ts now').score).toBe(15);
    // one path in 58 words → 300 / 58
    expect(specificity(`Open src/a.ts ${'and then think carefully '.repeat(14)}`.trim()).score).toBeCloseTo(300 / 58, 1);
  });

  it('more specifics, higher score', () => {
    const a = specificity('Verify the fix by re-running the failing test.').score;
    const b = specificity('Verify the fix in `models.py` by re-running the failing test.').score;
    const c = specificity('Verify the fix in `django/db/models.py` for #30931 by re-running `test_get_FIELD_display` on Django 2.2.').score;
    expect(a).toBe(0);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
  });
});

describe('scrub', () => {
  it('replaces each kind with neutral words', () => {
    const out = scrub(
      'Fix `get_FOO_display()` in django/db/models/fields/__init__.py (see #30931) since Django 2.2; docs at https://docs.djangoproject.com/x. Check "something" via contribute_to_class and ModelAdmin.',
    );
    expect(out).toBe(
      'Fix a function call in a file (see an issue) since the project a specific version; docs at a URL Check a literal value via an identifier and a class.',
    );
    expect(specificity(out).score).toBe(0);
  });

  it('drops code blocks and tidies articles', () => {
    expect(scrub('Run this:\n```bash\npytest -k foo\n```\nthen open the reproduce.py')).toBe('Run this:\na code snippet\nthen open a file');
  });

  it('leaves abstract text unchanged', () => {
    const t = 'Reproduce the problem first. Then change one thing at a time and re-run the same check.';
    expect(scrub(t)).toBe(t);
  });

  it('scrubs every text field of a memory or draft, a missing description as empty', () => {
    expect(scrubFields({ title: 'Edit reproduce.py first', description: 'see #30931', content: 'Run `pytest -k foo` again' })).toEqual({
      title: 'Edit a file first',
      description: 'see an issue',
      content: 'Run a command again',
    });
    expect(scrubFields({ title: 'Keep interfaces intact', content: 'Re-run the same check.' }).description).toBe('');
  });
});

describe('shouldWarn', () => {
  it('always warns for trajectory and workflow memories', () => {
    expect(shouldWarn({ level: 'trajectory', title: 't', content: 'c' })).toMatch(/raw trajectory/);
    expect(shouldWarn({ level: 'workflow', title: 't', content: 'c' })).toMatch(/workflow/);
  });

  it('warns for a specific insight and names what it found; passes an abstract one', () => {
    const specific = { level: 'insight' as const, title: 'Guard contribute_to_class', description: 'In django/db/models/fields/__init__.py.', content: 'Check `hasattr(cls, name)` before setattr for Django 2.2.' };
    expect(shouldWarn(specific)).toMatch(new RegExp(`^Specificity [\\d.]+ is above ${WARN_THRESHOLD} \\(.*file paths.*\\)`));
    expect(shouldWarn({ level: 'insight', title: 'Reproduce first', description: 'Before changing code.', content: 'A reproduction makes the fix checkable.' })).toBeNull();
    // Scrubbing a flagged insight clears it.
    const scrubbed = { ...specific, title: scrub(specific.title), description: scrub(specific.description), content: scrub(specific.content) };
    expect(shouldWarn(scrubbed)).toBeNull();
  });

  it('the recorded LLM insights (all written task-agnostic) pass', () => {
    const DIR = fileURLToPath(new URL('./fixtures/answers/', import.meta.url));
    const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<string, { error?: string }>;
    const insights = readdirSync(DIR)
      .filter((f) => f.startsWith('insight-') && f.endsWith('.txt') && !expected[f].error)
      .flatMap((f) => parseAnswer('insight', readFileSync(DIR + f, 'utf8')));
    expect(insights.length).toBeGreaterThanOrEqual(12);
    for (const i of insights) expect(shouldWarn({ level: 'insight', ...i }), i.title).toBeNull();
  });
});

describe('on the fixtures: trajectories are specific, mined insights abstract', () => {
  const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
  const outcomes = JSON.parse(readFileSync(`${SHARED}swe-agent/outcomes.json`, 'utf8')) as Record<string, string>;
  const previews = ['atif', 'swe-agent'].flatMap((d) =>
    readdirSync(SHARED + d)
      .filter((f) => f !== 'outcomes.json')
      .map((f) => distillRules(parseTrajectory(readFileSync(`${SHARED}${d}/${f}`, 'utf8'), f, { outcomes }))),
  );
  const score = (m: { title: string; description?: string; content: string }) => specificity(memoryText(m)).score;
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
  };

  it('every raw trajectory memory scores far above every mined insight', () => {
    const traj = previews.map((p) => score(p.trajectory));
    const wf = previews.map((p) => score(p.workflow));
    const sum = previews.map((p) => score(p.summary));
    const ins = previews.flatMap((p) => p.insights.map(score));
    // The distribution, for the report.
    console.log(JSON.stringify({ trajectory: stats(traj), workflow: stats(wf), summary: stats(sum), insight: stats(ins) }));
    expect(Math.min(...traj)).toBeGreaterThan(15);
    expect(Math.max(...ins)).toBe(0);
    expect(stats(traj).median).toBeGreaterThan(stats(sum).median);
    for (const p of previews) {
      expect(shouldWarn(p.trajectory)).not.toBeNull();
      expect(shouldWarn(p.workflow)).not.toBeNull();
      for (const i of p.insights) expect(shouldWarn(i)).toBeNull();
    }
  });

  it('scrubbing a raw trajectory memory lowers its score a lot', () => {
    for (const p of previews.slice(6)) {
      const before = score(p.trajectory);
      const after = specificity(scrub(memoryText(p.trajectory))).score;
      expect(after).toBeLessThan(before / 2);
    }
  });
});
