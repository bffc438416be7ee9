// Distillation prompts for the LLM-written levels, in the format of Memory Transfer Learning (workflow, summary,
// insight; success and failure asked differently), worded by us. Versioned: a memory records the prompt
// version it came from, and any wording change must bump PROMPT_VERSIONS.
import { CATEGORIES, type Level, type Scope } from '../memory';
import type { Trajectory } from '../trajectory/types';
import { renderTrajectory } from './render';

export type LlmLevel = Exclude<Level, 'trajectory'>;
export const LLM_LEVELS: readonly LlmLevel[] = ['workflow', 'summary', 'insight'];

export const PROMPT_VERSIONS: Record<LlmLevel, string> = {
  workflow: 'workflow-v1',
  summary: 'summary-v1',
  // v2: each insight also names its procedural category.
  insight: 'insight-v2',
};

export interface PromptOptions {
  /** task-agnostic (default): no names from this task; task-specific: may name them, flagged as such. */
  variant?: Scope;
  /** Cap on the rendered trajectory, for small context windows. */
  maxTrajectoryChars?: number;
}

const INTRO =
  'You are reading the record of one run of a coding agent. Your job is to turn it into a memory that helps other agents later, usually on different tasks.';

const ABSTRACT_RULES = [
  'Write for a reader working on a different task, possibly in another language, repository or domain.',
  'Do not mention file names, paths, function, class or variable names, commands, version numbers, issue numbers, URLs or project names.',
  'Describe the procedure and the reasoning in general words (for example "the module that parses the input", "the test suite").',
].join('\n');

const SPECIFIC_RULES = [
  'This memory is for agents working on this same task or codebase: you may name the files, functions and commands that mattered.',
  'Keep it short and factual.',
].join('\n');

function outcomeLine(t: Trajectory): string {
  if (t.outcome === 'success') return 'Outcome: the run SUCCEEDED (its result was verified).';
  if (t.outcome === 'failure') return 'Outcome: the run FAILED (its result was checked and was wrong or incomplete).';
  return 'Outcome: UNKNOWN (judge from the record whether it likely worked, and say so).';
}

function instructions(level: LlmLevel, t: Trajectory): string[] {
  const failed = t.outcome === 'failure';
  switch (level) {
    case 'workflow':
      return [
        'Write the WORKFLOW of this run: a one-sentence goal, then the ordered actions that mattered — reproducing the problem, the edits that stayed, the tests and checks, installs, the submission. Leave out dead ends and plain browsing.',
        failed
          ? 'The run failed: also write "anti_pattern", one or two sentences naming the sequence of actions another agent should avoid, and why.'
          : 'Each step is one short line: the action and why it mattered.',
        'Answer with JSON only, no other text:',
        failed
          ? '{"goal": "...", "steps": ["...", "..."], "anti_pattern": "..."}'
          : '{"goal": "...", "steps": ["...", "..."]}',
      ];
    case 'summary':
      return [
        'Write a SUMMARY of this run in two parts:',
        '- "task_summary": 2 to 3 sentences on what the task asked for.',
        failed
          ? '- "experience": 2 to 3 sentences on why the run failed and what should have been done differently.'
          : '- "experience": 2 to 3 sentences on why the run succeeded: which decisions made the difference.',
        '- "title": a short title (at most 12 words).',
        'Answer with JSON only, no other text:',
        '{"title": "...", "task_summary": "...", "experience": "..."}',
      ];
    case 'insight':
      return [
        failed
          ? 'Write 1 to 3 INSIGHTS about what the agent should have done differently: the general lesson behind the failure, not a list of its mistakes.'
          : 'Write 1 to 3 INSIGHTS that explain why this run worked: the general principles behind its successful decisions.',
        'Each insight has:',
        '- "title": an imperative phrase of at most 12 words;',
        '- "description": one sentence saying when the insight applies;',
        '- "content": 1 to 3 sentences stating the principle and why it helps;',
        `- "category": what kind of know-how it is, exactly one of: ${CATEGORIES.join(', ')}.`,
        'Answer with JSON only, no other text:',
        '{"insights": [{"title": "...", "description": "...", "content": "...", "category": "..."}]}',
      ];
  }
}

/**
 * The exact prompt for one level, ready to send to any LLM or to show for copy/paste.
 * The trajectory level has no prompt: it is the record itself (toTrajectoryMemory).
 */
export function buildPrompt(level: LlmLevel, t: Trajectory, options: PromptOptions = {}): string {
  if (!LLM_LEVELS.includes(level)) throw new Error(`no prompt for level "${level}": use toTrajectoryMemory for raw trajectories`);
  const variant = options.variant ?? 'task-agnostic';
  const record = renderTrajectory(t, { maxChars: options.maxTrajectoryChars ?? 24_000 });
  return [
    INTRO,
    '',
    variant === 'task-agnostic' ? ABSTRACT_RULES : SPECIFIC_RULES,
    '',
    '<trajectory>',
    record,
    '</trajectory>',
    '',
    outcomeLine(t),
    '',
    ...instructions(level, t),
  ].join('\n');
}
