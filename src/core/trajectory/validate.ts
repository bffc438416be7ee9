// zod → one readable sentence naming the field, e.g. `missing field steps[2].source`.
import type { z } from 'zod';
import { TrajectoryParseError } from './types';

function pathText(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === 'invalid_type') {
    const received = /received (\w+)/.exec(issue.message)?.[1];
    if (received === 'undefined') return `missing field ${where} (expected ${issue.expected})`;
    return `${where} should be ${issue.expected}${received ? `, got ${received}` : ''}`;
  }
  return `${where}: ${issue.message}`;
}

export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, what: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map(issueText);
  const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more problems)` : '';
  throw new TrajectoryParseError(file, `not a valid ${what}: ${issues.join('; ')}${more}`);
}
