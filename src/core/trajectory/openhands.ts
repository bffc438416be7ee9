// OpenHands event stream (a JSON array of events): agent actions (`action`: run, edit, finish, ...) and environment
// observations linked back by `cause`. The first user `message` event is the task.
import { z } from 'zod';
import { clean, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const event = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    source: z.string(),
    message: z.string().nullish(),
    action: z.string().nullish(),
    observation: z.string().nullish(),
    cause: z.union([z.string(), z.number()]).nullish(),
    content: z.string().nullish(),
    args: z.record(z.string(), z.unknown()).nullish(),
    tool_call_metadata: z.object({ model_response: z.object({ model: z.string().nullish() }).loose().nullish() }).loose().nullish(),
  })
  .loose();
export const openHandsSchema = z.array(event).min(1, { error: 'no events' });

export function looksLikeOpenHands(a: unknown[]): boolean {
  return (
    a.length > 0 &&
    a.every((e) => !!e && typeof e === 'object' && 'source' in e) &&
    a.some((e) => 'action' in (e as object) || 'observation' in (e as object))
  );
}

const SKIP = new Set(['system', 'recall', 'change_agent_state', 'null']);

function actionText(action: string, args: Record<string, unknown>, message: string): string | undefined {
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  switch (action) {
    case 'run':
    case 'run_ipython':
      return str('command') ?? str('code') ?? message;
    case 'edit':
    case 'write':
    case 'read':
      return `${action} ${str('path') ?? ''}${str('command') ? ` (${str('command')})` : ''}`.trim();
    case 'browse':
    case 'browse_interactive':
      return `${action} ${str('url') ?? str('browser_actions') ?? ''}`.trim();
    case 'finish':
      return 'finish';
    case 'message':
    case 'think':
      return undefined;
    default:
      return `${action} ${JSON.stringify(args)}`;
  }
}

export function parseOpenHands(data: unknown, file: string): ParsedRun {
  const events = validate(openHandsSchema, data, file, 'OpenHands event stream');
  let task = '';
  let model: string | undefined;
  const steps: Step[] = [];
  const byAction = new Map<string, Step>();
  for (const e of events) {
    const args = e.args ?? {};
    if (e.action && e.source === 'user' && e.action === 'message' && !task) {
      task = (typeof args.content === 'string' ? args.content : e.message) ?? '';
      continue;
    }
    if (e.action && e.source === 'agent' && !SKIP.has(e.action)) {
      model ??= e.tool_call_metadata?.model_response?.model ?? undefined;
      const thoughtParts = [args.thought, args.final_thought, e.action === 'message' || e.action === 'think' ? (args.content ?? e.message) : undefined];
      const step: Step = {
        index: steps.length + 1,
        thought: clean(thoughtParts.filter((t): t is string => typeof t === 'string' && !!t.trim()).join('\n'), LIMITS.thought),
        action: clean(actionText(e.action, args, e.message ?? ''), LIMITS.action),
      };
      if (!step.thought && !step.action) continue;
      steps.push(step);
      if (e.id !== undefined) byAction.set(String(e.id), step);
      continue;
    }
    if (e.observation && e.cause != null) {
      const step = byAction.get(String(e.cause));
      if (step) step.observation = clean(e.content ?? e.message, LIMITS.observation);
    }
  }
  return { id: undefined, format: 'openhands', task, steps, agent: 'openhands', model };
}
