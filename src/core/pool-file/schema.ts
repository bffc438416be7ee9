// The pool-file schema (version 1), validated with zod. Field rules for memories come from the memory model itself
// (memoryInputSchema), so a record that passes here is a memory the store accepts.
import { z } from 'zod';
import { KEY_MODES, LEVELS, LIMITS, memoryInputSchema } from '../memory';
import { VECTOR_ENCODINGS } from './vector-codec';

export const POOL_FORMAT = 'insight-pool';
export const POOL_VERSION = 1;
/** Value of `header.form` for the form kept in git (see git-form.ts). */
export const GIT_FORM = 'git';

/** Largest embedding width a file may declare: far above any sentence model, small enough to bound a record. */
export const MAX_DIMS = 8_192;

const nonEmpty = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, { error: `is too long (max ${max} characters)` })
    .refine((s) => s.trim().length > 0, { error: 'must not be empty' });

const count = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).nonnegative({ error: 'must not be negative' });

export const modelRefSchema = z
  .object({
    id: nonEmpty(200),
    dims: count.min(1, { error: 'must be at least 1' }).max(MAX_DIMS, { error: `must be at most ${MAX_DIMS}` }),
    /** Hash of the model files; empty when unknown. Same id + same dims + different fingerprint = different model. */
    fingerprint: z.string({ error: 'must be a string' }).max(200, { error: 'is too long (max 200 characters)' }).default(''),
  })
  .strict();

export type ModelRef = z.output<typeof modelRefSchema>;

export const headerSchema = z
  .object({
    format: z.literal(POOL_FORMAT, { error: `must be "${POOL_FORMAT}"` }),
    version: z.literal(POOL_VERSION, { error: `must be ${POOL_VERSION}` }),
    /** `git`: the form kept in a repository (git-form.ts): sorted by id, no vectors, nothing that depends on the record set. */
    form: z.literal(GIT_FORM, { error: `must be "${GIT_FORM}" when present` }).optional(),
    // createdAt, appVersion and counts are always written by a plain export; the git form leaves them out because
    // they change with every export or every added memory, and a header line both branches change is a git conflict.
    createdAt: z.iso.datetime({ error: 'must be an ISO-8601 date-time' }).optional(),
    appVersion: nonEmpty(64).optional(),
    model: modelRefSchema,
    keyMode: z.enum(KEY_MODES, { error: `must be one of ${KEY_MODES.join(', ')}` }),
    /** Encoding of every vector in the file, or `none` when the file carries no vectors. */
    vectors: z.enum([...VECTOR_ENCODINGS, 'none'], { error: `must be one of ${[...VECTOR_ENCODINGS, 'none'].join(', ')}` }),
    counts: z
      .object({
        records: count,
        vectors: count,
        levels: z.partialRecord(z.enum(LEVELS, { error: `keys must be among ${LEVELS.join(', ')}` }), count).default({}),
      })
      .strict()
      .optional(),
    /** sha256 (hex) over the record lines; optional so other tools can write files, always written by this app. */
    checksum: z
      .string({ error: 'must be a string' })
      .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits (sha256)' })
      .optional(),
    /** Who shared the file (a teammate's name); becomes provenance.importedFrom on import. */
    author: z.string({ error: 'must be a string' }).max(200, { error: 'is too long (max 200 characters)' }).optional(),
    description: z.string({ error: 'must be a string' }).max(2_000, { error: 'is too long (max 2000 characters)' }).optional(),
  })
  .strict()
  .refine((h) => h.form !== GIT_FORM || h.vectors === 'none', { error: 'the git form carries no vectors (vectors must be "none")', path: ['vectors'] });

/** The header line as written: counts may be absent (git form, or a file another tool wrote). */
export type PoolFileHeaderLine = z.output<typeof headerSchema>;
/** The header a reader returns: counts always known (taken from the records when the line had none). */
export type PoolFileHeader = Omit<PoolFileHeaderLine, 'counts'> & { counts: NonNullable<PoolFileHeaderLine['counts']> };
export type PoolFileHeaderInput = z.input<typeof headerSchema>;

/** A record is a complete memory (id and createdAt required, so a round trip is exact) plus its optional vector. */
export const recordSchema = memoryInputSchema.extend({
  id: nonEmpty(LIMITS.id),
  createdAt: z.iso.datetime({ error: 'createdAt must be an ISO-8601 date-time' }),
  embedding: z
    .object({
      /** The exact text that was embedded (depends on the key mode). */
      key: z.string({ error: 'must be a string' }).max(LIMITS.content + LIMITS.title + LIMITS.description + 2, { error: 'is too long' }),
      /** base64 of little-endian float32 or float16 values (header.vectors says which). */
      vector: z.string({ error: 'must be a base64 string' }),
    })
    .strict()
    .optional(),
});

export type PoolRecord = z.output<typeof recordSchema>;

/**
 * Turns a zod issue into `prefix.path: problem`. Memory-model messages start with the field name
 * ("title must not be empty"); that name is already in the path, so it is dropped.
 */
export function describeIssue(issue: z.core.$ZodIssue, prefix: string): { field: string; problem: string } {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const field = [prefix, ...path].join('.');
    return { field, problem: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
  }
  const field = [prefix, ...path].join('.');
  const last = path[path.length - 1];
  let problem = issue.message;
  if (last && problem.startsWith(last + ' ')) problem = problem.slice(last.length + 1);
  else if (typeof last === 'string' && /^\d+$/.test(last) && problem.startsWith('tag ')) problem = problem.slice(4);
  if (issue.code === 'invalid_type' && issue.input === undefined) problem = 'is required';
  return { field, problem };
}
