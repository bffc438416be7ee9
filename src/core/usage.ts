// Usage and feedback per memory: how often retrieval handed it to an agent, and how often the agent (or a person) said
// it helped or hurt. Memory Transfer Learning reports negative transfer — a retrieved memory that misleads — and this
// is what makes it visible. Counts only add up (retrieval, feedback, and importing a teammate's counts), so the field
// names are part of the pool-file format and of the git merge driver: `usage.retrieved`, `usage.helped`, `usage.hurt`,
// `usage.lastUsedAt` (ISO-8601).
import { z } from 'zod';

export interface Usage {
  /** Times a retrieval that records usage returned this memory. */
  retrieved: number;
  /** Feedback "it helped". */
  helped: number;
  /** Feedback "it did not help / misled". */
  hurt: number;
  /** ISO-8601 time of the last retrieval or feedback; absent when only counts were known. */
  lastUsedAt?: string;
}

export const USAGE_EVENTS = ['retrieved', 'helped', 'hurt'] as const;
export type UsageEvent = (typeof USAGE_EVENTS)[number];

/** Largest count a file may carry: far above any real use, small enough that sums stay exact integers. */
export const MAX_COUNT = 1_000_000_000;

const count = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .nonnegative({ error: 'must not be negative' })
  .max(MAX_COUNT, { error: `must be at most ${MAX_COUNT}` });

export const usageSchema = z
  .object({
    retrieved: count.default(0),
    helped: count.default(0),
    hurt: count.default(0),
    lastUsedAt: z.iso.datetime({ error: 'must be an ISO-8601 date-time' }).optional(),
  })
  .strict();

export function emptyUsage(): Usage {
  return { retrieved: 0, helped: 0, hurt: 0 };
}

/** `usage` after one event at `now` (a new object; the input is not changed). */
export function recordEvent(usage: Usage | undefined, event: UsageEvent, now: Date = new Date()): Usage {
  const next = { ...emptyUsage(), ...usage };
  next[event] = Math.min(MAX_COUNT, next[event] + 1);
  next.lastUsedAt = later(next.lastUsedAt, now.toISOString());
  return next;
}

/** Two sets of counts of one memory added together (a teammate's file, a merge); the later `lastUsedAt` wins. */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a) return b && { ...b };
  if (!b) return { ...a };
  const sum: Usage = {
    retrieved: Math.min(MAX_COUNT, a.retrieved + b.retrieved),
    helped: Math.min(MAX_COUNT, a.helped + b.helped),
    hurt: Math.min(MAX_COUNT, a.hurt + b.hurt),
  };
  const last = later(a.lastUsedAt, b.lastUsedAt);
  if (last) sum.lastUsedAt = last;
  return sum;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** A memory that hurt more often than it helped: marked in the app and in `stats`, and left out on request. */
export function isHarmful(memory: { usage?: Usage }): boolean {
  const u = memory.usage;
  return Boolean(u && u.hurt > u.helped);
}

/** Net feedback, for ordering "most helpful" lists. */
export function netHelp(memory: { usage?: Usage }): number {
  return (memory.usage?.helped ?? 0) - (memory.usage?.hurt ?? 0);
}
