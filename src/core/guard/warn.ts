// The warning shown before a memory enters a shared pool. Trajectory and workflow memories are concrete by
// construction; summaries and insights are judged by their measured specificity.
import type { Level } from '../memory';
import { memoryText, specificity } from './specificity';

/** Above this score an insight or summary reads as task-specific (calibrated on the fixtures: see tests). */
export const WARN_THRESHOLD = 6;

export interface GuardedMemory {
  /** As in MemoryInput: absent means insight. */
  level?: Level;
  title: string;
  description?: string;
  content: string;
}

/** A reason to warn before sharing this memory, or null when it looks abstract enough. */
export function shouldWarn(memory: GuardedMemory, threshold = WARN_THRESHOLD): string | null {
  if (memory.level === 'trajectory') {
    return 'This is a raw trajectory: full of task-specific commands and paths, which tend to mislead agents on other tasks. Share an insight distilled from it instead.';
  }
  if (memory.level === 'workflow') {
    return 'This is a workflow: its steps name this task\'s files and commands, which tend to mislead agents on other tasks. Share an insight distilled from it instead.';
  }
  const s = specificity(memoryText(memory));
  if (s.score <= threshold) return null;
  const parts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${LABELS[k as keyof typeof LABELS]}`);
  return `Specificity ${s.score} is above ${threshold} (${parts.join(', ')}). Scrub it or rewrite it more abstractly before sharing.`;
}

const LABELS = {
  paths: 'file paths',
  identifiers: 'identifiers',
  codeFences: 'code blocks',
  inlineCode: 'inline code spans',
  urls: 'URLs',
  versions: 'version numbers',
  issueIds: 'issue ids',
  quotedLiterals: 'quoted literals',
  repoNames: 'repository names',
} as const;
