// mini-swe-agent `.traj.json`: plain chat `messages[]` where each assistant turn has a THOUGHT and exactly one
// ```bash block, and the next user turn carries <returncode>/<output>; `info` has exit_status and the model.
import { z } from 'zod';
import { extractIssue } from './swe-agent';
import { clean, contentText, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const message = z.object({ role: z.string(), content: z.unknown().optional(), extra: z.unknown().optional() }).loose();
export const miniSweAgentSchema = z
  .object({
    messages: z.array(message),
    info: z
      .object({
        exit_status: z.string().nullish(),
        submission: z.string().nullish(),
        instance_id: z.string().nullish(),
        config: z.object({ model: z.object({ model_name: z.string().nullish() }).loose().nullish() }).loose().nullish(),
      })
      .loose(),
    trajectory_format: z.string().nullish(),
    instance_id: z.string().nullish(),
  })
  .loose();

export function looksLikeMiniSweAgent(o: Record<string, unknown>): boolean {
  return (
    (typeof o.trajectory_format === 'string' && /mini-swe-agent/i.test(o.trajectory_format)) ||
    ('messages' in o && 'info' in o && !('trajectory' in o))
  );
}

const FENCE = /```(?:bash|sh|shell)?\s*\n([\s\S]*?)\n?```/;

export function splitThoughtAndCommand(text: string): { thought?: string; action?: string } {
  const m = FENCE.exec(text);
  const action = m?.[1]?.trim() || undefined;
  const thought = (m ? text.replace(m[0], '') : text).replace(/^\s*THOUGHT:\s*/i, '').trim() || undefined;
  return { thought, action };
}

function observationText(text: string): string {
  const rc = /<returncode>\s*(-?\d+)\s*<\/returncode>/.exec(text)?.[1];
  const out = /<output>\n?([\s\S]*?)<\/output>/.exec(text)?.[1];
  if (rc === undefined && out === undefined) return text;
  return `${rc !== undefined ? `exit code ${rc}\n` : ''}${(out ?? '').trim()}`;
}

export function parseMiniSweAgent(data: unknown, file: string): ParsedRun {
  const d = validate(miniSweAgentSchema, data, file, 'mini-swe-agent trajectory');
  const firstUser = d.messages.find((m) => m.role === 'user');
  const first = firstUser ? contentText(firstUser.content) : '';
  const task = (/Please solve this issue:\s*([\s\S]*?)\n\s*\n\s*You can execute/.exec(first)?.[1] ?? extractIssue(first)).trim();
  const steps: Step[] = [];
  let model = d.info.config?.model?.model_name ?? undefined;
  for (let i = 0; i < d.messages.length; i++) {
    const m = d.messages[i];
    if (m.role !== 'assistant') continue;
    if (!model) {
      const extra = m.extra as { response?: { model?: unknown } } | undefined;
      if (typeof extra?.response?.model === 'string') model = extra.response.model;
    }
    const { thought, action } = splitThoughtAndCommand(contentText(m.content));
    const next = d.messages[i + 1];
    const obs = next && next.role !== 'assistant' && next !== firstUser ? observationText(contentText(next.content)) : undefined;
    const step = {
      index: steps.length + 1,
      thought: clean(thought, LIMITS.thought),
      action: clean(action, LIMITS.action),
      observation: clean(obs, LIMITS.observation),
    };
    if (step.thought || step.action || step.observation) steps.push(step);
  }
  const exit = d.info.exit_status ?? undefined;
  return {
    id: d.info.instance_id ?? d.instance_id ?? undefined,
    format: 'mini-swe-agent',
    task,
    steps,
    agent: 'mini-swe-agent',
    model,
    exitStatus: exit,
    // Anything but "Submitted" means the agent was stopped (limits, format errors, timeouts) before finishing.
    fileOutcome: exit && !/^submitted$/i.test(exit) ? 'failure' : undefined,
  };
}
