// What the MCP server's tools do, over a pool file: the same core and pool-file code as the CLI commands. Every call
// reads the file afresh (another process — the CLI, a second agent's server, a git pull — may have changed it), and
// every write goes through the CLI's write paths (addMemories, recordUsage), which take the pool's lock and re-read the
// file inside it, so nothing another process wrote is lost.
//
// A retrieval answers without waiting for the lock (an `ingest` may hold it for a while): its count is written in the
// background, in order, and every other call of this server waits for those counts first, so it sees them.
import { createMemory, matchesFilter, newestFirst, type Level, type Memory, type MemoryFilter } from '../core/memory';
import { shouldWarn } from '../core/guard';
import { formatPromptBlock } from '../core/prompt-block';
import { resolveRetrieval, retrieveFrom } from '../core/retrieval';
import { emptyUsage, isHarmful, recordEvent, type Usage } from '../core/usage';
import { LexicalIndex } from '../adapters/index/lexical';
import { addMemories } from './add-memories';
import { alignVectors, type CliContext } from './context';
import { memorySources } from './pool-sources';
import { loadPool } from './pool-store';
import { recordUsage } from './record-usage';

export interface ServedPool {
  path: string;
  /** Embedding model to use (`--model`); default: the pool's own, else the embedded default. */
  model?: string;
  /** Writes nothing to stdout: that is the protocol's channel. */
  ctx: CliContext;
  /** The writer of retrieval counts while it runs (see settled()), and the ids it has yet to count. */
  counting?: Promise<void>;
  queued?: string[];
  /** The BM25 index of the last retrieval and the texts it was built from (see lexicalFor()). */
  lexical?: { texts: Map<string, string>; index: LexicalIndex };
}

/** Waits until this server's retrieval counts are in the file. */
export async function settled(pool: ServedPool): Promise<void> {
  await pool.counting;
}

/**
 * Counts a retrieval after the ones before it. Retrievals made while a count is being written are counted together in
 * the next write (one rewrite of the file for all of them). A failure is logged: the agent already has its answer.
 */
function countInBackground(pool: ServedPool, ids: string[]): void {
  const queued = (pool.queued ??= []);
  queued.push(...ids);
  if (pool.counting) return;
  pool.counting = (async () => {
    while (queued.length) {
      const batch = queued.splice(0);
      await recordUsage(pool.path, batch, 'retrieved', pool.ctx).catch((error: Error) =>
        pool.ctx.note(`insight-pool mcp: could not count a retrieval in ${pool.path}: ${error.message}`),
      );
    }
    pool.counting = undefined;
  })();
}

/**
 * The BM25 index for these memories: the last one while every text is the same (a count or feedback changes only
 * usage), else built anew — so the ranking is exactly `insight-pool query`'s, without re-indexing the pool per call.
 */
function lexicalFor(pool: ServedPool, memories: Memory[]): LexicalIndex {
  const indexed = memories.filter((m) => m.embedding);
  const texts = new Map(indexed.map((m) => [m.id, [m.title, m.description, m.content, m.tags.join(' ')].join('\u0000')]));
  const last = pool.lexical;
  if (last && last.texts.size === texts.size && [...texts].every(([id, t]) => last.texts.get(id) === t)) return last.index;
  const index = new LexicalIndex();
  index.build(indexed);
  pool.lexical = { texts, index };
  return index;
}

/** A memory as the tools show it: no vector, usage always present, `harmful` spelled out. */
export interface ShownMemory {
  id: string;
  level: Level;
  title: string;
  description: string;
  content: string;
  domain: string;
  outcome: string;
  tags: string[];
  createdAt: string;
  usage: Usage;
  harmful: boolean;
}

/** Longest content `list_memories` shows; `retrieve_memories` always gives the whole text of what it returns. */
export const LIST_CONTENT_CHARS = 1_000;

function shown(m: Memory, maxContent = Infinity): ShownMemory {
  return {
    id: m.id,
    level: m.level,
    title: m.title,
    description: m.description,
    content: m.content.length > maxContent ? `${m.content.slice(0, maxContent)}…` : m.content,
    domain: m.domain,
    outcome: m.outcome,
    tags: m.tags,
    createdAt: m.createdAt,
    usage: m.usage ?? emptyUsage(),
    harmful: isHarmful(m),
  };
}

export interface RetrieveArgs {
  task: string;
  k?: number;
  exclude_domain?: string;
  levels?: Level[];
  exclude_harmful?: boolean;
}

/** Top-k memories for a task, as `insight-pool query` ranks them; each returned memory's `usage.retrieved` counts it. */
export async function retrieveMemories(pool: ServedPool, args: RetrieveArgs) {
  const resolved = resolveRetrieval(args.task, {
    k: args.k ?? 3,
    ...(args.levels?.length ? { levels: args.levels } : {}),
    ...(args.exclude_domain ? { excludeDomains: [args.exclude_domain] } : {}),
    ...(args.exclude_harmful ? { excludeHarmful: true } : {}),
  });
  const file = await loadPool(pool.path, true);
  if (!file.memories.length) return { results: [], promptBlock: '', pool: 0 };
  const embedder = await pool.ctx.embedder(pool.model ?? file.model?.id);
  const fixed = await alignVectors(file.memories, embedder, file.keyMode, file.model, pool.ctx);
  if (fixed) pool.ctx.note(`embedded ${fixed} memories with ${embedder.model} for this retrieval (the pool file keeps its own vectors)`);
  const results = await retrieveFrom(memorySources(file.memories, embedder, lexicalFor(pool, file.memories)), resolved.query, resolved.options);
  if (results.length) countInBackground(pool, results.map((r) => r.memory.id));
  // The counts as they will be once this retrieval is written (as of this read of the file).
  const now = new Date();
  const withUsage = results.map((r) => ({ ...r, memory: { ...r.memory, usage: recordEvent(r.memory.usage, 'retrieved', now) } }));
  return {
    pool: file.memories.length,
    promptBlock: formatPromptBlock(withUsage),
    results: withUsage.map((r, i) => ({ rank: i + 1, score: r.score, cosine: r.cosine, lexical: r.lexical, ...shown(r.memory) })),
  };
}

export interface AddArgs {
  title: string;
  content: string;
  description?: string;
  level?: Level;
  domain?: string;
  outcome?: string;
  tags?: string[];
}

/** One memory added as `insight-pool add` adds it: validated, deduplicated by content, guard warning and near-copy named. */
export async function addMemory(pool: ServedPool, args: AddArgs) {
  await settled(pool);
  const draft = createMemory({ ...args, provenance: { distiller: 'mcp' } });
  const { holders, fresh, near, all } = await addMemories(pool.path, [draft], pool.ctx, pool.model);
  const holder = holders[0];
  const added = fresh.some((m) => m.id === holder.id);
  const close = near.find((n) => n.memory.id === holder.id);
  return {
    id: holder.id,
    added,
    ...(added ? {} : { note: `the pool already holds this content as memory ${holder.id}; nothing added` }),
    warning: added ? (shouldWarn(holder) ?? null) : null,
    nearCopy: close ? { id: close.close.id, title: close.close.title, cosine: close.score } : null,
    pool: all.length,
  };
}

export interface FeedbackArgs {
  ids: string[];
  helped: boolean;
  note?: string;
}

/** Counts one "helped" or "hurt" per memory; the note is logged (stderr), not stored. */
export async function recordFeedback(pool: ServedPool, args: FeedbackArgs) {
  await settled(pool);
  const saved = await recordUsage(pool.path, args.ids, args.helped ? 'helped' : 'hurt', pool.ctx);
  if (args.note) pool.ctx.note(`feedback (${args.helped ? 'helped' : 'hurt'}) on ${args.ids.join(', ')}: ${args.note}`);
  return { updated: saved.map((m) => ({ id: m.id, title: m.title, usage: m.usage ?? emptyUsage(), harmful: isHarmful(m) })) };
}

export interface ListArgs {
  levels?: Level[];
  domain?: string;
  text?: string;
  limit?: number;
}

/** The pool's memories, newest first, filtered; long contents shortened (retrieve gives whole texts). */
export async function listMemories(pool: ServedPool, args: ListArgs) {
  await settled(pool);
  const file = await loadPool(pool.path, true);
  const filter: MemoryFilter = {
    ...(args.levels?.length ? { levels: args.levels } : {}),
    ...(args.domain ? { domains: [args.domain] } : {}),
    ...(args.text ? { text: args.text } : {}),
  };
  const matching = file.memories.filter((m) => matchesFilter(m, filter)).sort(newestFirst);
  const limit = args.limit ?? 50;
  return { total: file.memories.length, matching: matching.length, memories: matching.slice(0, limit).map((m) => shown(m, LIST_CONTENT_CHARS)) };
}
