// Deterministic (no LLM) trajectory, workflow and summary memories, so the rules path can preview all four
// levels offline. Trajectory and workflow keep the task's specifics on purpose — that is what those levels
// are — and are flagged task-specific; the guard warns before they enter a shared pool.
import type { MemoryInput } from '../memory';
import type { Trajectory } from '../trajectory/types';
import { type ClassifiedStep, classifySteps, isSourceEdit } from './classify';
import { findPatterns, mineInsights } from './miner';
import { oneLine, renderTrajectory, taskHeadline, taskSentences } from './render';

function base(t: Trajectory, level: MemoryInput['level']): Pick<MemoryInput, 'level' | 'domain' | 'sourceModel' | 'outcome' | 'scope' | 'tags' | 'provenance'> {
  return {
    level,
    domain: t.domain,
    sourceModel: t.model || 'unknown',
    outcome: t.outcome,
    scope: 'task-specific',
    tags: ['rules', t.format],
    provenance: { file: t.file, trajectoryId: t.id, distiller: 'rules' },
  };
}

/** Level 1: the task, every command with a short observation, and the outcome. */
export function toTrajectoryMemory(t: Trajectory): MemoryInput {
  return {
    ...base(t, 'trajectory'),
    title: `Trajectory: ${taskHeadline(t)}`,
    description: `${t.agent ?? 'An agent'} run on a ${t.domain} task: ${t.steps.length} steps, outcome ${t.outcome}.`,
    content: renderTrajectory(t, { maxChars: 60_000, thoughtChars: 0 }),
  };
}

const KIND_LABEL: Record<string, string> = {
  edit: 'edit',
  create: 'create',
  test: 'test',
  run: 'run',
  install: 'install',
  submit: 'submit',
};

function describe(c: ClassifiedStep): string {
  const label = c.repro ? (c.kind === 'run' || c.kind === 'test' ? 'run reproduction' : 'write reproduction') : KIND_LABEL[c.kind];
  const target = c.target && !c.command.includes(c.target.split('/').pop()!) ? ` (${c.target})` : '';
  const result = c.kind === 'run' || c.kind === 'test' || c.kind === 'install' ? (c.failed ? ' → failed' : c.failed === false ? ' → ok' : '') : '';
  return `[step ${c.step.index}] ${label}: ${oneLine(c.command, 160)}${target}${result}`;
}

/** The steps that mattered: edits that took, tests, runs, installs and the submission; repeats collapsed. */
export function keySteps(t: Trajectory, max = 25): ClassifiedStep[] {
  const keep = classifySteps(t).filter(
    (c) => (c.kind in KIND_LABEL && c.kind !== 'edit' && c.kind !== 'create') || isSourceEdit(c) || (c.repro && c.failed !== true),
  );
  // Getting a reproduction to run often takes many tries; what matters is that it was written and run.
  const firstFix = keep.findIndex(isSourceEdit);
  const before = firstFix < 0 ? keep : keep.slice(0, firstFix);
  const reproWrites = before.filter((c) => c.repro && (c.kind === 'edit' || c.kind === 'create'));
  const reproRuns = before.filter((c) => c.repro && (c.kind === 'run' || c.kind === 'test'));
  const drop = new Set([...reproWrites.slice(1, -1), ...reproRuns.slice(1, -1)]);
  const out: ClassifiedStep[] = [];
  for (const c of keep.filter((k) => !drop.has(k))) {
    const prev = out[out.length - 1];
    if (prev && prev.kind === c.kind && prev.command === c.command && prev.failed === c.failed) out[out.length - 1] = c;
    else out.push(c);
  }
  return out.length > max ? [...out.slice(0, Math.ceil(max / 2)), ...out.slice(out.length - Math.floor(max / 2))] : out;
}

/** Level 2: the goal and the commands that mattered; for a failure, the anti-pattern to avoid. */
export function toWorkflowMemory(t: Trajectory): MemoryInput {
  const goal = taskHeadline(t, 200);
  const steps = keySteps(t);
  const failures = t.outcome === 'failure' ? findPatterns(t).filter((p) => p.polarity === 'failure') : [];
  const lines = [`Goal: ${goal}`, '', 'Steps that mattered:', ...steps.map((c, i) => `${i + 1}. ${describe(c)}`)];
  if (!steps.length) lines.push('(no edits, runs or tests recorded)');
  if (failures.length) {
    lines.push('', 'Anti-pattern to avoid:', ...failures.map((p) => `- ${p.title}: ${p.description} (steps ${p.evidence.join(', ')})`));
  } else if (t.outcome === 'failure') {
    lines.push('', 'Anti-pattern to avoid: this sequence did not solve the task; do not repeat it as is.');
  }
  return {
    ...base(t, 'workflow'),
    title: `Workflow: ${oneLine(goal, 150)}`,
    description:
      t.outcome === 'failure'
        ? `A failed attempt (${steps.length} key steps of ${t.steps.length}) and what to avoid.`
        : `${steps.length} key steps of ${t.steps.length}, outcome ${t.outcome}.`,
    content: lines.join('\n'),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Level 3: a 2–3 sentence task summary and an experience summary of why it succeeded or failed. */
export function toSummaryMemory(t: Trajectory): MemoryInput {
  const cs = classifySteps(t);
  const count = (pred: (c: ClassifiedStep) => boolean) => cs.filter(pred).length;
  const looks = count((c) => c.kind === 'search' || c.kind === 'view');
  const edits = count(isSourceEdit);
  const checks = count((c) => c.kind === 'run' || c.kind === 'test');
  const patterns = findPatterns(t);
  const wins = patterns.filter((p) => p.polarity === 'success');
  const losses = patterns.filter((p) => p.polarity === 'failure');
  const experience = [
    `The agent took ${plural(t.steps.length, 'step')}: ${plural(looks, 'search or read')}, ${plural(edits, 'edit')} and ${plural(checks, 'run or test')}.`,
  ];
  if (t.outcome === 'success') {
    experience.push(
      wins.length
        ? `It succeeded; what helped: ${wins.map((p) => p.title.toLowerCase()).join('; ')}.`
        : 'It succeeded, but no clear procedural pattern stands out in the steps.',
    );
  } else if (t.outcome === 'failure') {
    experience.push(
      losses.length
        ? `It failed; what to do differently: ${losses.map((p) => p.title.toLowerCase()).join('; ')}.`
        : 'It failed without a clear procedural mistake in the steps; the diagnosis itself was probably wrong.',
    );
  } else {
    experience.push(`The outcome is unknown${t.exitStatus ? ` (the harness reported "${t.exitStatus}")` : ''}.`);
    if (patterns.length) experience.push(`Patterns seen: ${patterns.map((p) => p.title.toLowerCase()).join('; ')}.`);
  }
  return {
    ...base(t, 'summary'),
    title: `Summary: ${taskHeadline(t, 150)}`,
    description: taskSentences(t.task || taskHeadline(t), 3),
    content: `Task: ${taskSentences(t.task || taskHeadline(t), 3)}\n\nExperience: ${experience.join(' ')}`,
  };
}

export interface RulesPreview {
  trajectory: MemoryInput;
  workflow: MemoryInput;
  summary: MemoryInput;
  insights: MemoryInput[];
}

/** All four levels from the rules path, for a side-by-side preview. */
export function distillRules(t: Trajectory): RulesPreview {
  return { trajectory: toTrajectoryMemory(t), workflow: toWorkflowMemory(t), summary: toSummaryMemory(t), insights: mineInsights(t) };
}
