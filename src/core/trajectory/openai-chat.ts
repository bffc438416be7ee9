// OpenAI chat messages (a JSON array, JSONL, or {messages:[...]}): assistant turns are steps; their tool_calls are
// the actions and the following `tool` messages the observations. Agents that put the command in a ```bash block
// instead of a tool call are read the same way.
import { z } from 'zod';
import { splitThoughtAndCommand } from './mini-swe-agent';
import { clean, contentText, formatToolCall, LIMITS } from './text';
import type { Step } from './types';
import { validate } from './validate';
import type { ParsedRun } from './run';

const toolCall = z
  .object({ function: z.object({ name: z.string(), arguments: z.unknown().optional() }).loose() })
  .loose();
const message = z
  .object({
    role: z.string(),
    content: z.unknown().optional(),
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.object({ name: z.string(), arguments: z.unknown().optional() }).loose().nullish(),
  })
  .loose();
export const openaiChatSchema = z.array(message).min(1, { error: 'no messages' });

export function looksLikeChatMessages(a: unknown[]): boolean {
  return a.length > 0 && a.every((m) => !!m && typeof m === 'object' && 'role' in m);
}

export function parseOpenAIChat(data: unknown, file: string, model?: string): ParsedRun {
  const messages = validate(openaiChatSchema, data, file, 'OpenAI chat transcript');
  const firstUser = messages.find((m) => m.role === 'user');
  const steps: Step[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'assistant') continue;
    const text = contentText(m.content);
    const calls = [...(m.tool_calls ?? []).map((c) => c.function), ...(m.function_call ? [m.function_call] : [])];
    let thought: string | undefined = text;
    let action: string | undefined;
    if (calls.length) action = calls.map((c) => formatToolCall(c.name, c.arguments)).join('\n');
    else ({ thought, action } = splitThoughtAndCommand(text));
    const observations: string[] = [];
    for (let j = i + 1; j < messages.length && messages[j].role !== 'assistant'; j++) {
      const r = messages[j].role;
      // A user turn right after a fenced command is the command's output (mini-swe-agent style harnesses).
      if (r === 'tool' || r === 'function' || (r === 'user' && action && !calls.length)) observations.push(contentText(messages[j].content));
    }
    const step = {
      index: steps.length + 1,
      thought: clean(thought, LIMITS.thought),
      action: clean(action, LIMITS.action),
      observation: clean(observations.join('\n'), LIMITS.observation),
    };
    if (step.thought || step.action || step.observation) steps.push(step);
  }
  return {
    id: undefined,
    format: 'openai-chat',
    task: firstUser ? contentText(firstUser.content).trim() : '',
    steps,
    model,
  };
}
