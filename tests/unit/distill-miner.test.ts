// The rules miner: patterns found on the real SWE-agent runs, evidence that points at the right steps, wording that
// passes the abstraction guard, and one synthetic run per pattern so each detector is shown to fire on purpose.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemory } from '../../src/core/memory';
import { classifySteps, findPatterns, mineInsights } from '../../src/core/distill';
import { memoryText, shouldWarn, specificity } from '../../src/core/guard';
import { parseTrajectory, type Trajectory } from '../../src/core/trajectory';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
const outcomes = JSON.parse(readFileSync(`${SHARED}swe-agent/outcomes.json`, 'utf8')) as Record<string, string>;
const swe = readdirSync(`${SHARED}swe-agent`)
  .filter((f) => f.endsWith('.traj'))
  .map((f) => parseTrajectory(readFileSync(`${SHARED}swe-agent/${f}`, 'utf8'), f, { outcomes }));

/** A trajectory from a markdown log: `$ cmd` lines with their output, prose as thoughts. */
function run(outcome: Trajectory['outcome'], log: string): Trajectory {
  return parseTrajectory(`# Task: synthetic\n\n${log}`, 'synthetic.md', { outcomes: { synthetic: outcome } });
}

describe('miner on the SWE-agent fixtures', () => {
  it('finds at least one insight in every successful run', () => {
    const successes = swe.filter((t) => t.outcome === 'success');
    expect(successes).toHaveLength(6);
    for (const t of successes) expect(mineInsights(t).length, t.id).toBeGreaterThanOrEqual(1);
  });

  it('mined insights carry no paths, identifiers or repository names, and pass the guard', () => {
    const all = swe.flatMap(mineInsights);
    expect(all.length).toBeGreaterThan(20);
    const ids = swe.map((t) => t.id);
    for (const m of all) {
      const text = memoryText(m);
      const s = specificity(text);
      expect(s.counts.paths, text).toBe(0);
      expect(s.counts.repoNames, text).toBe(0);
      expect(s.counts.identifiers, text).toBe(0);
      expect(s.score).toBe(0);
      expect(shouldWarn(createMemory(m))).toBeNull();
      for (const id of ids) expect(text).not.toContain(id.split('__')[0]);
    }
  });

  it('insights are valid task-agnostic memories marked distiller rules with evidence steps', () => {
    for (const t of swe) {
      for (const m of mineInsights(t)) {
        const mem = createMemory(m);
        expect(mem).toMatchObject({ level: 'insight', scope: 'task-agnostic', domain: 'swe', outcome: t.outcome });
        expect(mem.provenance).toMatchObject({ distiller: 'rules', trajectoryId: t.id, file: t.file });
        const ev = mem.provenance.evidence!;
        expect(ev.length).toBeGreaterThan(0);
        expect([...ev].sort((a, b) => a - b)).toEqual(ev);
        for (const n of ev) expect(t.steps[n - 1]?.index).toBe(n);
      }
    }
  });

  it('evidence points at the steps that show the pattern (django-11999: repro created at 2, run at 4, fix at 37)', () => {
    const t = swe.find((x) => x.id === 'django__django-11999')!;
    const p = findPatterns(t);
    expect(p.find((x) => x.id === 'reproduce-first')?.evidence).toEqual([2, 4, 37]);
    expect(t.steps[1].action).toBe('create reproduce.py');
    expect(t.steps[3].action).toBe('python reproduce.py');
    expect(t.steps[36].action).toMatch(/^edit 749:767/);
    expect(p.find((x) => x.id === 'verify-after-change')?.evidence).toEqual([37, 39]);
  });

  it('failed runs teach what to do differently; successful runs what worked', () => {
    for (const t of swe) {
      const polarities = new Set(findPatterns(t).map((p) => p.polarity));
      if (t.outcome === 'success') expect([...polarities]).toEqual(['success']);
      if (t.outcome === 'failure') expect(polarities.has('success')).toBe(false);
    }
    const flask = findPatterns(swe.find((x) => x.id === 'pallets__flask-5063')!).map((p) => p.id);
    expect(flask).toContain('submit-without-verification');
    expect(flask).toContain('repeated-failed-attempts');
  });
});

describe('each pattern on a synthetic run', () => {
  const ids = (t: Trajectory) => findPatterns(t).map((p) => p.id);

  it('install a missing tool, then re-run', () => {
    const t = run('success', '$ python check.py\nModuleNotFoundError: No module named \'yaml\'\n\n$ pip install pyyaml\nSuccessfully installed\n\n$ python check.py\nall good');
    const p = findPatterns(t).find((x) => x.id === 'install-missing-tool')!;
    expect(p.evidence).toEqual([1, 2, 3]);
    expect(ids(t)).toContain('rerun-after-failure');
  });

  it('preserving a signature is read from the reasoning around an edit', () => {
    const t = run(
      'success',
      'I will keep the same signature so existing callers still work.\n\n$ sed -i \'s/return a/return a or b/\' lib/util.py\n\n$ pytest -q\n3 passed',
    );
    expect(ids(t)).toContain('preserve-signatures');
    const plain = run('success', '$ sed -i \'s/x/y/\' lib/util.py\n\n$ pytest -q\n3 passed');
    expect(ids(plain)).not.toContain('preserve-signatures');
  });

  it('several edit-and-check cycles make a loop; one makes a verification', () => {
    const loop = run('success', "$ sed -i 's/a/b/' m.py\n\n$ pytest -q\n1 failed\n\n$ sed -i 's/b/c/' m.py\n\n$ pytest -q\n2 passed");
    expect(ids(loop)).toContain('edit-check-loop');
    const once = run('success', "$ sed -i 's/a/b/' m.py\n\n$ pytest -q\n2 passed");
    expect(ids(once)).toEqual(['verify-after-change']);
  });

  it('submitting without checking the last change is flagged only for failed or unknown runs', () => {
    const log = "$ grep -rn foo .\nm.py:1: foo\n\n$ sed -i 's/foo/bar/' m.py\n\n$ submit";
    expect(ids(run('failure', log))).toContain('submit-without-verification');
    expect(ids(run('unknown', log))).toContain('submit-without-verification');
    expect(ids(run('success', log))).not.toContain('submit-without-verification');
    const checked = "$ sed -i 's/foo/bar/' m.py\n\n$ pytest -q\n2 passed\n\n$ submit";
    expect(ids(run('failure', checked))).not.toContain('submit-without-verification');
  });

  it('giving up is recognised from the reasoning', () => {
    const t = run('failure', "$ sed -i 's/a/b/' m.py\n\n$ pytest\n1 failed\n\nI am unable to fix this test, so I will stop here.\n\n$ submit");
    expect(ids(t)).toContain('gave-up');
  });

  it('works on other formats too: tool-call chat transcripts and mini-swe-agent runs stopped by limits', () => {
    const OWN = fileURLToPath(new URL('./fixtures/trajectories/', import.meta.url));
    const chat = parseTrajectory(readFileSync(`${OWN}csv-export.chat.json`, 'utf8'), 'csv-export.chat.json', { outcomes: { 'csv-export.chat': 'success' } });
    expect(findPatterns(chat).map((p) => [p.id, p.evidence])).toEqual([
      ['edit-check-loop', [2, 3, 4, 5]],
      ['rerun-after-failure', [3, 4, 5]],
    ]);
    const stopped = parseTrajectory(readFileSync(`${OWN}cli-config.traj.json`, 'utf8'), 'cli-config.traj.json');
    const p = findPatterns(stopped);
    expect(p.map((x) => x.id)).toEqual(['submit-without-verification']);
    expect(p[0].description).toBe('The run ended without running anything after the final change.');
    // The heredoc that wrote the reproduction script is an edit of a reproduction file, not a view.
    expect(classifySteps(stopped)[1]).toMatchObject({ kind: 'edit', repro: true, target: 'repro_config.py' });
  });

  it('no edits, no patterns: a pure exploration run yields nothing rather than a guess', () => {
    expect(mineInsights(run('success', '$ ls\na b\n\n$ cat a\nhello'))).toEqual([]);
  });

  it('the classifier tells edits, tests, runs, installs and reproduction scripts apart', () => {
    const t = run(
      'unknown',
      "$ create reproduce_bug.py\n\n$ python reproduce_bug.py\nTraceback (most recent call last):\nValueError: bad\n\n$ pip install -e .\n\n$ echo 'x' > notes.txt\n\n$ python -m pytest tests/\n5 passed\n\n$ grep -rn x .\n\n$ cat notes.txt",
    );
    expect(classifySteps(t).map((c) => [c.kind, c.repro, c.failed])).toEqual([
      ['create', true, false],
      ['run', true, true],
      ['install', false, undefined],
      ['edit', false, false],
      ['test', false, false],
      ['search', false, undefined],
      ['view', false, undefined],
    ]);
  });
});
