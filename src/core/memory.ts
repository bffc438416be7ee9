// The memory model: one record of the pool, at one of the four abstraction levels of
// Memory Transfer Learning (trajectory → workflow → summary → insight, concrete → abstract).
// Pure and isomorphic: used by the app, the CLI and the tests alike.
import { z } from 'zod';
import { sha256, toHex } from './sha256';
import { usageSchema, type Usage } from './usage';

export const LEVELS = ['trajectory', 'workflow', 'summary', 'insight'] as const;
export type Level = (typeof LEVELS)[number];

export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SCOPES = ['task-agnostic', 'task-specific'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * The procedural categories of Memory Transfer Learning's insights (its Figure 3: what the transferred know-how was
 * about). Most of the gain came from the first six, procedural ones; `algorithmic-strategy` is the domain-bound rest.
 */
export const CATEGORIES = [
  'iterative-workflow',
  'test-driven-verification',
  'environment-adaptation',
  'interface-compliance',
  'anti-pattern-avoidance',
  'other-procedural',
  'algorithmic-strategy',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Which text of a memory is embedded (its retrieval *key*). The paper keys on the title. */
export const KEY_MODES = ['title', 'title+description', 'full'] as const;
export type KeyMode = (typeof KEY_MODES)[number];
/**
 * The key of a new pool: the whole text. The paper keys on the title with a strong embedder; with the small embedded
 * model the title alone carries too little (dev set, hybrid recall@3: title key vs full, see `insight-pool eval`).
 */
export const DEFAULT_KEY_MODE: KeyMode = 'full';

/** Caps that keep one pasted log from swallowing the pool; a trajectory memory is the longest legitimate text. */
export const LIMITS = {
  title: 300,
  description: 2_000,
  content: 100_000,
  domain: 64,
  sourceModel: 128,
  tags: 32,
  tag: 64,
  id: 128,
} as const;

export interface Provenance {
  /** File the memory was distilled or imported from. */
  file?: string;
  /** Id of the source trajectory (e.g. a SWE-bench instance id or an ATIF session id). */
  trajectoryId?: string;
  /** What produced the text: `manual`, `rules`, `llm:<model>`, `paste`, `import`. */
  distiller?: string;
  /** Version of the distillation prompt, when an LLM wrote it. */
  promptVersion?: string;
  /** Pool file / teammate it was imported from. */
  importedFrom?: string;
  /** Step numbers of the trajectory that support the memory (rule-based miner). */
  evidence?: number[];
}

/** The vector a memory was indexed with, and what produced it. */
export interface Embedding {
  model: string;
  dims: number;
  /** The exact text that was embedded. */
  key: string;
  vector: Float32Array;
}

export interface Memory {
  id: string;
  level: Level;
  title: string;
  description: string;
  /** For an insight: the generalizable principle. */
  content: string;
  /** Source task family: `swe`, `competitive-programming`, `terminal`, `ml-research`, … */
  domain: string;
  /** The agent model that produced the trajectory behind this memory. */
  sourceModel: string;
  outcome: Outcome;
  scope: Scope;
  tags: string[];
  /** ISO-8601 timestamp. */
  createdAt: string;
  provenance: Provenance;
  /**
   * Procedural category, when someone decided it: the rule miner, an LLM answer, or the user. Absent = not decided;
   * views then show the offline classifier's guess (core/category.ts), which is never stored as if it were a label.
   */
  category?: Category;
  /** How often retrieval returned it and what feedback said (core/usage.ts); absent until first used. */
  usage?: Usage;
  embedding?: Embedding;
}

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .max(max, { error: `${field} is too long (max ${max} characters)` });

const required = (field: string, max: number) =>
  text(field, max).refine((s) => s.trim().length > 0, { error: `${field} must not be empty` });

const provenanceSchema = z
  .object({
    file: text('provenance.file', 1_000).optional(),
    trajectoryId: text('provenance.trajectoryId', 300).optional(),
    distiller: text('provenance.distiller', 128).optional(),
    promptVersion: text('provenance.promptVersion', 64).optional(),
    importedFrom: text('provenance.importedFrom', 1_000).optional(),
    evidence: z.array(z.number().int().nonnegative()).max(1_000).optional(),
  })
  .strict();

/** What a caller may hand to `add()`: only title and content are required; the rest has sensible defaults. */
export const memoryInputSchema = z
  .object({
    id: required('id', LIMITS.id).optional(),
    level: z.enum(LEVELS, { error: `level must be one of ${LEVELS.join(', ')}` }).default('insight'),
    title: required('title', LIMITS.title),
    description: text('description', LIMITS.description).default(''),
    content: required('content', LIMITS.content),
    domain: required('domain', LIMITS.domain).default('general'),
    sourceModel: required('sourceModel', LIMITS.sourceModel).default('unknown'),
    outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }).default('unknown'),
    scope: z.enum(SCOPES, { error: `scope must be one of ${SCOPES.join(', ')}` }).default('task-agnostic'),
    tags: z
      .array(required('tag', LIMITS.tag), { error: 'tags must be an array of strings' })
      .max(LIMITS.tags, { error: `too many tags (max ${LIMITS.tags})` })
      .default([]),
    createdAt: z.iso.datetime({ error: 'createdAt must be an ISO-8601 date-time' }).optional(),
    provenance: provenanceSchema.default({}),
    category: z.enum(CATEGORIES, { error: `category must be one of ${CATEGORIES.join(', ')}` }).optional(),
    usage: usageSchema.optional(),
  })
  .strict();

export type MemoryInput = z.input<typeof memoryInputSchema>;

/** A caller's mistake: the message names the field and what is wrong with it. */
export class MemoryValidationError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'MemoryValidationError';
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    // Our own messages already start with the field name.
    return path && !issue.message.startsWith(path.split('.').pop()!) ? `${path}: ${issue.message}` : issue.message;
  });
}

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Validates and completes caller input into a memory (without embedding).
 * Throws MemoryValidationError naming every bad field; never returns a half-valid memory.
 */
export function createMemory(input: unknown, now: Date = new Date()): Memory {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MemoryValidationError('a memory must be an object with at least title and content', ['memory: not an object']);
  }
  const { embedding: _ignored, ...rest } = input as Record<string, unknown>;
  const parsed = memoryInputSchema.safeParse(rest);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new MemoryValidationError(`invalid memory: ${issues.join('; ')}`, issues);
  }
  const m = parsed.data;
  return {
    id: m.id ?? newId(),
    level: m.level,
    title: m.title.trim(),
    description: m.description.trim(),
    content: m.content.trim(),
    domain: m.domain.trim(),
    sourceModel: m.sourceModel.trim(),
    outcome: m.outcome,
    scope: m.scope,
    tags: [...new Set(m.tags.map((t) => t.trim()))],
    createdAt: m.createdAt ?? now.toISOString(),
    provenance: m.provenance,
    ...(m.category ? { category: m.category } : {}),
    ...(m.usage ? { usage: m.usage } : {}),
  };
}

/** The text embedded for a memory, per the pool's key mode. */
export function keyText(memory: Pick<Memory, 'title' | 'description' | 'content'>, mode: KeyMode): string {
  switch (mode) {
    case 'title':
      return memory.title;
    case 'title+description':
      return memory.description ? `${memory.title}. ${memory.description}` : memory.title;
    case 'full':
      return [memory.title, memory.description, memory.content].filter(Boolean).join('\n');
  }
}

const utf8 = new TextEncoder();

/** Stable hash of what a memory *says* (not its id or time), for exact-duplicate detection: sha256 hex. */
export async function contentHash(memory: Pick<Memory, 'level' | 'title' | 'description' | 'content'>): Promise<string> {
  const canonical = JSON.stringify([memory.level, memory.title.trim(), memory.description.trim(), memory.content.trim()]);
  return toHex(sha256(utf8.encode(canonical)));
}

export interface MemoryFilter {
  levels?: Level[];
  domains?: string[];
  excludeDomains?: string[];
  outcomes?: Outcome[];
  sourceModels?: string[];
  /** Matches provenance.importedFrom. */
  importedFrom?: string[];
  /** Case-insensitive substring over title, description, content and tags. */
  text?: string;
}

/** Sort order of every memory list (app and CLI): newest first, then by id, so equal times list the same way each time. */
export function newestFirst(a: Pick<Memory, 'createdAt' | 'id'>, b: Pick<Memory, 'createdAt' | 'id'>): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? -1 : 1;
}

export function matchesFilter(m: Memory, f: MemoryFilter = {}): boolean {
  if (f.levels?.length && !f.levels.includes(m.level)) return false;
  if (f.domains?.length && !f.domains.includes(m.domain)) return false;
  if (f.excludeDomains?.length && f.excludeDomains.includes(m.domain)) return false;
  if (f.outcomes?.length && !f.outcomes.includes(m.outcome)) return false;
  if (f.sourceModels?.length && !f.sourceModels.includes(m.sourceModel)) return false;
  if (f.importedFrom?.length && !f.importedFrom.includes(m.provenance.importedFrom ?? '')) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    const hay = `${m.title}\n${m.description}\n${m.content}\n${m.tags.join(' ')}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}
