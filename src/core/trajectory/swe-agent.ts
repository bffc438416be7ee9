// SWE-agent `.traj`: `trajectory[]` of {thought, action, observation}, `history[]` of chat messages (the first
// user message holds the issue), `info.exit_status`. "submitted" only means a patch was produced, never that it
// was right — the verdict comes from the caller's label map (e.g. SWE-bench's resolved list).
import { z } from 'zod';
import { clean, contentText, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const entry = z
  .object({
    action: z.string().nullish(),
    observation: z.unknown().optional(),
    thought: z.string().nullish(),
    response: z.string().nullish(),
  })
  .loose();
export const sweAgentSchema = z
  .object({
    trajectory: z.array(entry),
    history: z.array(z.object({ role: z.string(), content: z.unknown().optional() }).loose()).nullish(),
    info: z
      .object({
        exit_status: z.string().nullish(),
        submission: z.string().nullish(),
        instance_id: z.string().nullish(),
        model_name: z.string().nullish(),
      })
      .loose()
      .nullish(),
    environment: z.unknown().optional(),
  })
  .loose();

export function looksLikeSweAgent(o: Record<string, unknown>): boolean {
  return 'trajectory' in o && ('history' in o || 'info' in o || 'environment' in o);
}

/** The issue text without the harness instructions around it. */
export function extractIssue(message: string): string {
  const m = /ISSUE:\s*\n([\s\S]*?)\n\s*(?:INSTRUCTIONS?:|<\/?issue>|$)/.exec(message);
  if (m?.[1]?.trim()) return m[1].trim();
  const tagged = /<pr_description>\s*([\s\S]*?)\s*<\/pr_description>/.exec(message) ?? /<issue>\s*([\s\S]*?)\s*<\/issue>/.exec(message);
  return (tagged?.[1] ?? message).trim();
}

function cleanThought(t: string | null | undefined): string | undefined {
  if (!t) return undefined;
  const stripped = t
    .replace(/^\s*DISCUSSION\s*\n/, '')
    .replace(/\n\s*COMMAND\s*$/, '')
    .replace(/```[\s\S]*?```\s*$/, '');
  return clean(stripped, LIMITS.thought);
}

export function parseSweAgent(data: unknown, file: string): ParsedRun {
  const d = validate(sweAgentSchema, data, file, 'SWE-agent trajectory');
  const firstUser = d.history?.find((h) => h.role === 'user');
  const task = firstUser ? extractIssue(contentText(firstUser.content)) : '';
  const steps: Step[] = [];
  for (const e of d.trajectory) {
    const thought = cleanThought(e.thought ?? e.response);
    const action = clean(e.action, LIMITS.action);
    const observation = clean(contentText(e.observation), LIMITS.observation);
    if (!thought && !action && !observation) continue;
    steps.push({ index: steps.length + 1, thought, action, observation });
  }
  const exit = d.info?.exit_status ?? undefined;
  const submitted = !!d.info?.submission?.trim();
  return {
    id: d.info?.instance_id ?? undefined,
    format: 'swe-agent',
    task,
    steps,
    agent: 'swe-agent',
    model: d.info?.model_name ?? undefined,
    exitStatus: exit,
    // Ending without any patch is a failure whatever the reason; a patch still needs a verdict.
    fileOutcome: exit && !submitted && /^(exit_|early_exit|error)/i.test(exit) ? 'failure' : undefined,
  };
}
