// Rules levels (trajectory, workflow, summary) and the distillation prompts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemory, LIMITS } from '../../src/core/memory';
import {
  buildPrompt,
  distillRules,
  keySteps,
  PROMPT_VERSIONS,
  toSummaryMemory,
  toTrajectoryMemory,
  toWorkflowMemory,
} from '../../src/core/distill';
import { parseTrajectory } from '../../src/core/trajectory';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
const outcomes = JSON.parse(readFileSync(`${SHARED}swe-agent/outcomes.json`, 'utf8')) as Record<string, string>;
const all = ['atif', 'swe-agent'].flatMap((d) =>
  readdirSync(SHARED + d)
    .filter((f) => f !== 'outcomes.json')
    .map((f) => parseTrajectory(readFileSync(`${SHARED}${d}/${f}`, 'utf8'), f, { outcomes })),
);
const byId = (id: string) => all.find((t) => t.id === id)!;

describe('rules levels', () => {
  it('every fixture previews all levels as valid memories', () => {
    for (const t of all) {
      const p = distillRules(t);
      for (const m of [p.trajectory, p.workflow, p.summary, ...p.insights]) {
        const mem = createMemory(m);
        expect(mem.provenance).toMatchObject({ file: t.file, trajectoryId: t.id, distiller: 'rules' });
        expect(mem.title.length).toBeLessThanOrEqual(LIMITS.title);
        expect(mem.domain).toBe(t.domain);
      }
      expect([p.trajectory.level, p.workflow.level, p.summary.level]).toEqual(['trajectory', 'workflow', 'summary']);
      expect([p.trajectory.scope, p.workflow.scope, p.summary.scope]).toEqual(['task-specific', 'task-specific', 'task-specific']);
    }
  });

  it('trajectory memory: task, every command with a short result, outcome', () => {
    const t = byId('django__django-16139');
    const m = toTrajectoryMemory(t);
    expect(m.content).toMatch(/^Task: Accessing UserAdmin via to_field/);
    for (const s of t.steps) if (s.action) expect(m.content).toContain(`[${s.index}]`);
    expect(m.content).toContain('command: open django/contrib/auth/forms.py');
    expect(m.content).toMatch(/Outcome: success \(harness exit status: submitted\)$/);
    expect(m.title).toBe('Trajectory: Accessing UserAdmin via to_field leads to link to PasswordResetForm being broken (404)');
  });

  it('workflow keeps edits, runs and the submission, drops browsing, collapses repro retries', () => {
    const t = byId('django__django-11999');
    const steps = keySteps(t).map((c) => c.step.index);
    expect(steps).toEqual([2, 4, 18, 19, 37, 39, 41]);
    const m = toWorkflowMemory(t);
    expect(m.content).toMatch(/^Goal: Cannot override get_FOO_display\(\) in Django 2\.2\+\./);
    expect(m.content).toContain('[step 37] edit: edit 749:767 (/django__django/django/db/models/fields/__init__.py)');
    expect(m.content).toContain('[step 39] run reproduction: python reproduce.py → ok');
    expect(m.content).not.toContain('search_file');
    expect(m.content).not.toContain('Anti-pattern');
  });

  it('a failed workflow names the anti-pattern with its steps', () => {
    const m = toWorkflowMemory(byId('pallets__flask-5063'));
    expect(m.content).toMatch(/Anti-pattern to avoid:\n- Do not finish until a check passes after the last change: .* \(steps 27, 38, 40\)/);
    expect(m.description).toMatch(/^A failed attempt/);
  });

  it('summary: task sentences and why it succeeded or failed', () => {
    const ok = toSummaryMemory(byId('django__django-11999'));
    expect(ok.content).toMatch(/^Task: Cannot override get_FOO_display\(\) in Django 2\.2\+\. Description I cannot override/);
    expect(ok.content).toMatch(/Experience: The agent took 41 steps: .* It succeeded; what helped: reproduce the problem before changing code/);
    const bad = toSummaryMemory(byId('pydata__xarray-4248'));
    expect(bad.content).toMatch(/It failed; what to do differently: do not finish until a check passes/);
    const unknown = toSummaryMemory(byId('hello-world-timeout'));
    expect(unknown.content).toMatch(/The outcome is unknown/);
  });
});

describe('prompts', () => {
  const ok = byId('django__django-11999');
  const bad = byId('pallets__flask-5063');

  it('success and failure prompts ask different questions', () => {
    const s = buildPrompt('insight', ok);
    const f = buildPrompt('insight', bad);
    expect(s).toMatch(/SUCCEEDED/);
    expect(s).toMatch(/why this run worked/);
    expect(f).toMatch(/FAILED/);
    expect(f).toMatch(/should have done differently/);
    expect(buildPrompt('workflow', bad)).toMatch(/anti_pattern/);
    expect(buildPrompt('workflow', ok)).not.toMatch(/anti_pattern/);
    expect(buildPrompt('summary', bad)).toMatch(/why the run failed/);
  });

  it('task-agnostic forbids names; task-specific allows them', () => {
    expect(buildPrompt('insight', ok)).toMatch(/Do not mention file names, paths/);
    const specific = buildPrompt('insight', ok, { variant: 'task-specific' });
    expect(specific).toMatch(/you may name the files/);
    expect(specific).not.toMatch(/Do not mention file names/);
  });

  it('contains the task, the steps and the expected answer format, within the size cap', () => {
    const p = buildPrompt('summary', ok, { maxTrajectoryChars: 6_000 });
    expect(p).toContain('Cannot override get_FOO_display()');
    expect(p).toContain('[37]');
    expect(p).toContain('{"title": "...", "task_summary": "...", "experience": "..."}');
    expect(p.length).toBeLessThan(9_000);
  });

  it('a tight budget drops whole middle steps, keeping the opening and the ending', () => {
    const p = buildPrompt('insight', ok, { maxTrajectoryChars: 1_500 });
    expect(p).toMatch(/\[… \d+ steps omitted \(\d+–\d+\) …\]/);
    expect(p).toContain('[1]');
    expect(p).toContain('[41]\n    command: submit');
    expect(p).toContain('Outcome: success');
    expect(p.length).toBeLessThan(1_500 + 2_000);
  });

  it('is deterministic and versioned; the trajectory level has no prompt', () => {
    expect(buildPrompt('insight', ok)).toBe(buildPrompt('insight', ok));
    expect(PROMPT_VERSIONS).toEqual({ workflow: 'workflow-v1', summary: 'summary-v1', insight: 'insight-v2' });
    // @ts-expect-error the trajectory level is not LLM-written
    expect(() => buildPrompt('trajectory', ok)).toThrow(/no prompt for level "trajectory"/);
  });
});
