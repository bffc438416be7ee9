// Text renderings of a trajectory shared by the rules levels and the LLM prompts.
import type { Trajectory } from '../trajectory/types';
import { truncateMiddle } from '../trajectory/text';

/** One line (no newlines), cut at a word boundary. */
export function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** The first meaningful line of the task (what a title can say). */
export function taskHeadline(t: Pick<Trajectory, 'task' | 'id'>, max = 120): string {
  const line = t.task
    .replace(/```[\s\S]*?```/g, ' ')
    .split('\n')
    .map((l) => l.replace(/^[#>*\s-]+/, '').replace(/\*\*/g, '').trim())
    .find((l) => l.length > 3);
  return oneLine(line ?? `task ${t.id}`, max);
}

/** The first sentences of the task (code blocks dropped), for summaries. Splits only at ". " before a capital,
 *  so "version 2.2" or "e.g. this" stay whole. */
export function taskSentences(task: string, count: number, max = 500): string {
  const flat = task.replace(/```[\s\S]*?```/g, ' ').replace(/\s+/g, ' ').trim();
  const sentences = flat.split(/(?<=[.!?])\s+(?=[A-Z"'(`\[])/);
  return oneLine(sentences.slice(0, count).join(' '), max);
}

export interface RenderOptions {
  /** Max characters for the whole rendering (long runs keep their beginning and end). */
  maxChars?: number;
  thoughtChars?: number;
  actionChars?: number;
  observationChars?: number;
}

/** Task + numbered steps (thought, command, short observation) + outcome. */
export function renderTrajectory(t: Trajectory, o: RenderOptions = {}): string {
  const { maxChars = 40_000, thoughtChars = 300, actionChars = 400, observationChars = 300 } = o;
  const lines: string[] = [`Task: ${truncateMiddle(t.task || '(not stated)', 3_000)}`, '', 'Steps:'];
  for (const s of t.steps) {
    const parts = [`[${s.index}]`];
    if (s.thought && thoughtChars > 0) parts.push(`thought: ${oneLine(s.thought, thoughtChars)}`);
    if (s.action) parts.push(`command: ${truncateMiddle(s.action.trim(), actionChars).replace(/\n/g, '\n    ')}`);
    if (s.observation && observationChars > 0) parts.push(`result: ${oneLine(s.observation, observationChars)}`);
    lines.push(parts.join('\n    '));
  }
  if (!t.steps.length) lines.push('(no steps recorded)');
  lines.push('', `Outcome: ${t.outcome}${t.exitStatus ? ` (harness exit status: ${t.exitStatus})` : ''}`);
  return truncateMiddle(lines.join('\n'), maxChars);
}
