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

function renderStep(s: Trajectory['steps'][number], thoughtChars: number, actionChars: number, observationChars: number): string {
  const parts = [`[${s.index}]`];
  if (s.thought && thoughtChars > 0) parts.push(`thought: ${oneLine(s.thought, thoughtChars)}`);
  if (s.action) parts.push(`command: ${truncateMiddle(s.action.trim(), actionChars).replace(/\n/g, '\n    ')}`);
  if (s.observation && observationChars > 0) parts.push(`result: ${oneLine(s.observation, observationChars)}`);
  return parts.join('\n    ');
}

/**
 * Task + numbered steps (thought, command, short result) + outcome, within maxChars. A long run first loses
 * detail per step, then whole steps from the middle — never half a step — since the opening (diagnosis) and
 * the end (fix, verification, submission) are what a reader needs.
 */
export function renderTrajectory(t: Trajectory, o: RenderOptions = {}): string {
  const { maxChars = 40_000, thoughtChars = 300, actionChars = 400, observationChars = 300 } = o;
  const head = `Task: ${truncateMiddle(t.task || '(not stated)', Math.min(3_000, Math.floor(maxChars / 3)))}\n\nSteps:`;
  const tail = `Outcome: ${t.outcome}${t.exitStatus ? ` (harness exit status: ${t.exitStatus})` : ''}`;
  const budget = maxChars - head.length - tail.length - 4;
  const shrink = (f: number) => [Math.floor(thoughtChars * f), Math.max(80, Math.floor(actionChars * f)), Math.floor(observationChars * f)] as const;
  let rendered: string[] = [];
  for (const f of [1, 0.5, 0.25, 0]) {
    const [th, ac, ob] = shrink(f);
    rendered = t.steps.map((s) => renderStep(s, th, ac, ob));
    if (rendered.join('\n').length <= budget) break;
  }
  let body = rendered.join('\n');
  if (body.length > budget) {
    // Keep about a third of the budget for the opening steps and the rest for the ending.
    const front: string[] = [];
    const back: string[] = [];
    let used = 60;
    let i = 0;
    let j = rendered.length - 1;
    while (i <= j && used + rendered[i].length + 1 <= budget / 3) used += rendered[i++].length + 1;
    front.push(...rendered.slice(0, i));
    while (j >= i && used + rendered[j].length + 1 <= budget) used += rendered[j--].length + 1;
    back.push(...rendered.slice(j + 1));
    const omitted = j - i + 1;
    body = [...front, `[… ${omitted} steps omitted (${t.steps[i]?.index}–${t.steps[j]?.index}) …]`, ...back].join('\n');
  }
  if (!t.steps.length) body = '(no steps recorded)';
  return `${head}\n${body}\n\n${tail}`;
}
