// Harbor's Agent Trajectory Interchange Format (ATIF v1.x): steps from system / user / agent, agent steps carry
// tool calls and their observations. The task is the first user message, or — for Terminus-style runs that
// put everything in the system prompt — its "Task Description:" section.
import { z } from 'zod';
import type { Outcome } from '../memory';
import { outcomeFromLabel } from './outcome';
import { clean, contentText, formatToolCall, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const toolCall = z.object({ function_name: z.string(), arguments: z.unknown().optional() }).loose();
const result = z.object({ content: z.unknown().optional() }).loose();
const step = z
  .object({
    source: z.string(),
    message: z.unknown().optional(),
    reasoning_content: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
    observation: z.object({ results: z.array(result) }).loose().nullish(),
    model_name: z.string().nullish(),
  })
  .loose();
export const atifSchema = z
  .object({
    schema_version: z.string(),
    session_id: z.string().nullish(),
    /** v1.7: a per-document id, unlike session_id which continuations share. */
    trajectory_id: z.string().nullish(),
    agent: z.object({ name: z.string(), version: z.string().nullish(), model_name: z.string().nullish() }).loose(),
    steps: z.array(step),
    final_metrics: z.record(z.string(), z.unknown()).nullish(),
    extra: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export function looksLikeAtif(o: Record<string, unknown>): boolean {
  return (typeof o.schema_version === 'string' && /^ATIF/i.test(o.schema_version)) || ('session_id' in o && 'steps' in o);
}

function taskFromSystem(message: string): string | undefined {
  const m = /Task Description:\s*\n([\s\S]*?)(?:\n\s*Current terminal state:|$)/i.exec(message);
  return m?.[1]?.trim() || undefined;
}

/** ATIF has no verdict field; some converters put one in `extra` or `final_metrics`. */
function outcomeFromExtras(...bags: (Record<string, unknown> | null | undefined)[]): Outcome | undefined {
  for (const bag of bags) {
    if (!bag) continue;
    for (const key of ['outcome', 'success', 'resolved', 'is_resolved', 'passed']) {
      const o = outcomeFromLabel(bag[key]);
      if (o && o !== 'unknown') return o;
    }
    if (typeof bag.reward === 'number') return bag.reward > 0 ? 'success' : 'failure';
  }
  return undefined;
}

export function parseAtif(data: unknown, file: string): ParsedRun {
  const d = validate(atifSchema, data, file, 'ATIF trajectory');
  let task: string | undefined;
  const steps: Step[] = [];
  let model = d.agent.model_name ?? undefined;
  for (const s of d.steps) {
    const message = contentText(s.message);
    if (s.source === 'user' && task === undefined && message.trim()) task = message;
    if (s.source === 'system' && task === undefined) task = taskFromSystem(message);
    if (s.source !== 'agent') continue;
    model ??= s.model_name ?? undefined;
    const actions = (s.tool_calls ?? []).map((c) => formatToolCall(c.function_name, c.arguments));
    const observations = (s.observation?.results ?? []).map((r) => contentText(r.content)).filter(Boolean);
    const thought = clean([s.reasoning_content, message].filter(Boolean).join('\n'), LIMITS.thought);
    const action = clean(actions.join('\n'), LIMITS.action);
    const observation = clean(observations.join('\n'), LIMITS.observation);
    if (!thought && !action && !observation) continue;
    steps.push({ index: steps.length + 1, thought, action, observation });
  }
  return {
    id: d.trajectory_id ?? undefined,
    sessionId: d.session_id ?? undefined,
    format: 'atif',
    task: task ?? '',
    steps,
    agent: d.agent.name,
    model,
    fileOutcome: outcomeFromExtras(d.extra, d.final_metrics),
  };
}
