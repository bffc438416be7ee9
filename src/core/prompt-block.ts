// The block a user pastes into an agent's system prompt. Memories come from other tasks, often
// other domains: the wording tells the agent to borrow the *procedure*, not the specifics,
// which is where the transfer gain comes from (and what keeps wrong-domain details from anchoring it).
import type { RetrievedMemory } from './retrieval';

const LEVEL_LABEL = {
  insight: 'Insight',
  summary: 'Experience summary',
  workflow: 'Workflow',
  trajectory: 'Past trajectory',
} as const;

export function formatPromptBlock(results: RetrievedMemory[]): string {
  if (results.length === 0) return '';
  const items = results.map(({ memory, score, cosine }, i) => {
    const head = `${i + 1}. ${LEVEL_LABEL[memory.level]}: ${memory.title}`;
    const meta = `   (from a ${memory.domain} task, outcome ${memory.outcome}, similarity ${(cosine ?? score).toFixed(3)})`;
    const lines = [head, meta];
    if (memory.description) lines.push(indent(memory.description));
    if (memory.content && memory.content !== memory.description) lines.push(indent(memory.content));
    return lines.join('\n');
  });
  return [
    '<memories>',
    'Lessons from earlier coding-agent runs on other tasks. They may come from a different kind of task than yours:',
    'apply the general procedure where it fits (how to reproduce, test, verify, set up the environment), and ignore',
    'file names, commands or checks that do not belong to your task.',
    '',
    items.join('\n\n'),
    '</memories>',
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');
}
