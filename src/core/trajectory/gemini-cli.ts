// Gemini CLI session log: {sessionId, messages[]} with `type` user / gemini; gemini turns may carry `thoughts`
// and `toolCalls` (name, args, result).
import { z } from 'zod';
import { clean, contentText, formatToolCall, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const toolCall = z.object({ name: z.string(), args: z.unknown().optional(), result: z.unknown().optional(), resultDisplay: z.unknown().optional() }).loose();
const message = z
  .object({
    type: z.string(),
    content: z.unknown().optional(),
    thoughts: z.array(z.object({ subject: z.string().nullish(), description: z.string().nullish() }).loose()).nullish(),
    toolCalls: z.array(toolCall).nullish(),
    model: z.string().nullish(),
  })
  .loose();
export const geminiCliSchema = z.object({ sessionId: z.string().nullish(), messages: z.array(message) }).loose();

export function looksLikeGeminiCli(o: Record<string, unknown>): boolean {
  return 'sessionId' in o && Array.isArray(o.messages) && o.messages.some((m) => !!m && typeof m === 'object' && 'type' in m);
}

export function parseGeminiCli(data: unknown, file: string): ParsedRun {
  const d = validate(geminiCliSchema, data, file, 'Gemini CLI session');
  const firstUser = d.messages.find((m) => m.type === 'user');
  const steps: Step[] = [];
  let model: string | undefined;
  for (const m of d.messages) {
    if (m.type !== 'gemini' && m.type !== 'model') continue;
    model ??= m.model ?? undefined;
    const thoughts = (m.thoughts ?? []).map((t) => [t.subject, t.description].filter(Boolean).join(': '));
    const calls = m.toolCalls ?? [];
    const step: Step = {
      index: steps.length + 1,
      thought: clean([...thoughts, contentText(m.content)].filter(Boolean).join('\n'), LIMITS.thought),
      action: clean(calls.map((c) => formatToolCall(c.name, c.args)).join('\n'), LIMITS.action),
      observation: clean(calls.map((c) => contentText(c.resultDisplay ?? c.result)).filter(Boolean).join('\n'), LIMITS.observation),
    };
    if (step.thought || step.action || step.observation) steps.push(step);
  }
  return {
    id: undefined,
    sessionId: d.sessionId ?? undefined,
    format: 'gemini-cli',
    task: firstUser ? contentText(firstUser.content).trim() : '',
    steps,
    agent: 'gemini-cli',
    model,
  };
}
