// LLM (or pasted) answers → MemoryInput objects with provenance, ready for createMemory / the pool.
import type { MemoryInput, Scope } from '../memory';
import type { Trajectory } from '../trajectory/types';
import { type InsightAnswer, parseAnswer, type SummaryAnswer, type WorkflowAnswer } from './answers';
import { type LlmLevel, PROMPT_VERSIONS } from './prompts';
import { oneLine, taskHeadline } from './render';

export interface AnswerMeta {
  /** `llm:<model>` for an engine, `paste` for a pasted answer. */
  distiller: string;
  variant?: Scope;
  /** Defaults to the current PROMPT_VERSIONS entry for the level. */
  promptVersion?: string;
}

function base(level: LlmLevel, t: Trajectory, meta: AnswerMeta): Pick<MemoryInput, 'level' | 'domain' | 'sourceModel' | 'outcome' | 'scope' | 'tags' | 'provenance'> {
  const variant = meta.variant ?? 'task-agnostic';
  return {
    level,
    domain: t.domain,
    sourceModel: t.model || 'unknown',
    outcome: t.outcome,
    // A workflow names this task's steps whatever the prompt asked; only summaries and insights can be agnostic.
    scope: level === 'workflow' ? 'task-specific' : variant,
    tags: [meta.distiller === 'paste' ? 'paste' : 'llm'],
    provenance: { file: t.file, trajectoryId: t.id, distiller: meta.distiller, promptVersion: meta.promptVersion ?? PROMPT_VERSIONS[level] },
  };
}

export function insightMemories(answers: InsightAnswer[], t: Trajectory, meta: AnswerMeta): MemoryInput[] {
  return answers.map((a) => ({
    ...base('insight', t, meta),
    title: a.title,
    description: a.description,
    content: a.content,
    ...(a.category ? { category: a.category } : {}),
  }));
}

export function workflowMemory(a: WorkflowAnswer, t: Trajectory, meta: AnswerMeta): MemoryInput {
  const lines = [`Goal: ${a.goal}`, '', 'Steps:', ...a.steps.map((s, i) => `${i + 1}. ${s}`)];
  if (a.antiPattern) lines.push('', `Anti-pattern to avoid: ${a.antiPattern}`);
  return {
    ...base('workflow', t, meta),
    title: `Workflow: ${oneLine(a.goal, 200)}`,
    description: a.antiPattern ? `Failed attempt; avoid: ${oneLine(a.antiPattern, 300)}` : oneLine(a.goal, 500),
    content: lines.join('\n'),
  };
}

export function summaryMemory(a: SummaryAnswer, t: Trajectory, meta: AnswerMeta): MemoryInput {
  return {
    ...base('summary', t, meta),
    title: a.title ?? `Summary: ${taskHeadline(t, 150)}`,
    description: oneLine(a.taskSummary, 1_000),
    content: `Task: ${a.taskSummary}\n\nExperience: ${a.experience}`,
  };
}

/**
 * Parses an answer for a level and turns it into memories (one for workflow/summary, 1–5 for insight).
 * @throws AnswerParseError when the answer lacks a required field.
 */
export function memoriesFromAnswer(level: LlmLevel, answer: string, t: Trajectory, meta: AnswerMeta): MemoryInput[] {
  switch (level) {
    case 'insight':
      return insightMemories(parseAnswer('insight', answer), t, meta);
    case 'workflow':
      return [workflowMemory(parseAnswer('workflow', answer), t, meta)];
    case 'summary':
      return [summaryMemory(parseAnswer('summary', answer), t, meta)];
  }
}
