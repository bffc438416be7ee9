// `mcp`: the pool as a Model Context Protocol server over stdio, for terminal agents (Claude Code, Codex CLI, Cursor,
// Gemini CLI, OpenHands). Built on the official SDK; the tools themselves are in ../mcp-tools.ts, over the same core
// and pool-file code as the other commands. stdout carries the protocol, so everything else goes to stderr.
// The SDK is loaded only by this command (import() below): it doubles every other command's start-up time.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LEVELS, LIMITS, OUTCOMES } from '../../core/memory';
import { MAX_K, MAX_QUERY_CHARS } from '../../core/retrieval';
import { parse, requireStr, str } from '../args';
import { CliContext } from '../context';
import { UsageError } from '../errors';
import { loadPool } from '../pool-store';
import { addMemory, LIST_CONTENT_CHARS, listMemories, recordFeedback, retrieveMemories, settled, type ServedPool } from '../mcp-tools';

export const MCP_USAGE = `insight-pool mcp --pool <file> [--model id]
  (stdio MCP server with tools retrieve_memories, add_memory, record_feedback, list_memories; logs on stderr; docs/mcp.md)`;

/** What an agent reads when it connects: when to call which tool. */
export const INSTRUCTIONS = `Insight Pool holds lessons learned on earlier coding-agent tasks (insights, summaries, workflows).
At the start of a task, call retrieve_memories with the task description or your plan, and read the returned lessons:
borrow their general procedure, not their file names or commands. When the task is done, call record_feedback with the
ids you were given and helped=true if a memory helped, helped=false if it misled you or did not apply. When you learned
something that would help on a different task, call add_memory with a short general title and the principle.`;

const level = z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` });
const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .min(1, { error: `${field} must not be empty` })
    .max(max, { error: `${field} is too long (max ${max} characters)` });

const retrieveInput = {
  task: text('task', MAX_QUERY_CHARS).describe('What you are about to do: the task description or your plan for it, in plain words.'),
  k: z
    .number({ error: 'k must be a number' })
    .int({ error: 'k must be a whole number' })
    .min(1, { error: 'k must be at least 1' })
    .max(MAX_K, { error: `k must be at most ${MAX_K}` })
    .optional()
    .describe('How many memories to return (default 3).'),
  exclude_domain: text('exclude_domain', LIMITS.domain).optional().describe("Leave out memories of this domain, e.g. your task's own (swe, terminal, …)."),
  levels: z.array(level, { error: 'levels must be an array' }).optional().describe(`Only these levels (${LEVELS.join(', ')}); default all.`),
  exclude_harmful: z.boolean({ error: 'exclude_harmful must be true or false' }).optional().describe('Leave out memories whose feedback hurt more often than it helped.'),
};

const addInput = {
  title: text('title', LIMITS.title).describe('The lesson in one general sentence (no file names or ids).'),
  content: text('content', LIMITS.content).describe('The principle and when it applies, general enough to help on a different task.'),
  description: z.string({ error: 'description must be a string' }).max(LIMITS.description, { error: `description is too long (max ${LIMITS.description} characters)` }).optional().describe('One or two sentences of context.'),
  level: level.optional().describe('insight (default): a general principle; summary, workflow or trajectory for more concrete records.'),
  domain: text('domain', LIMITS.domain).optional().describe('Kind of task it came from: swe, terminal, competitive-programming, ml-research, … (default general).'),
  outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }).optional().describe('Whether the task it came from succeeded.'),
  tags: z
    .array(text('tag', LIMITS.tag), { error: 'tags must be an array of strings' })
    .max(LIMITS.tags, { error: `too many tags (max ${LIMITS.tags})` })
    .optional()
    .describe('A few short keywords, e.g. testing, environment.'),
};

const feedbackInput = {
  ids: z
    .array(text('id', LIMITS.id), { error: 'ids must be an array of memory ids' })
    .min(1, { error: 'ids must name at least one memory' })
    .max(MAX_K, { error: `ids: at most ${MAX_K} at once` })
    .describe('Ids of memories retrieve_memories gave you.'),
  helped: z.boolean({ error: 'helped must be true or false' }).describe('true: the memories helped; false: they misled you or did not apply.'),
  note: z.string({ error: 'note must be a string' }).max(2_000, { error: 'note is too long (max 2000 characters)' }).optional().describe("Why, in a sentence (logged on the server's stderr, not stored)."),
};

const listInput = {
  levels: z.array(level, { error: 'levels must be an array' }).optional().describe('Only these levels; default all.'),
  domain: text('domain', LIMITS.domain).optional().describe('Only this domain.'),
  text: text('text', 1_000).optional().describe('Only memories whose title, description, content or tags contain this text (case-insensitive).'),
  limit: z
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(500, { error: 'limit must be at most 500' })
    .optional()
    .describe('At most this many (default 50), newest first.'),
};

/** A tool's answer: a short text for any client, the same data as structured content for those that read it. */
function answer(textPart: string, data: Record<string, unknown>) {
  return { content: [{ type: 'text' as const, text: textPart }], structuredContent: data };
}

export async function createServer(pool: ServedPool, version: string): Promise<McpServer> {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const server = new McpServer({ name: 'insight-pool', version }, { instructions: INSTRUCTIONS });
  const log = (message: string) => pool.ctx.note(`insight-pool mcp: ${message}`);

  server.registerTool(
    'retrieve_memories',
    {
      title: 'Retrieve memories for a task',
      description:
        'Call at the start of a task (or when you plan the next step). Returns the k lessons from earlier tasks that fit best, as a block to read, with each memory\'s id (give the ids to record_feedback when done), score (fused rank score) and its parts cosine (meaning) and lexical (BM25 words). Each returned memory counts as retrieved.',
      inputSchema: retrieveInput,
      annotations: { readOnlyHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args) => {
      const r = await retrieveMemories(pool, args);
      log(`retrieve_memories: ${r.results.length} of ${r.pool} for "${args.task.slice(0, 60)}"`);
      if (!r.results.length) return answer(r.pool ? 'No memory matches these filters.' : 'The pool is empty: add lessons with add_memory.', r);
      const ids = r.results.map((m) => `${m.rank}. ${m.id} (score ${m.score.toFixed(3)}, cosine ${m.cosine.toFixed(3)}, lexical ${m.lexical.toFixed(2)}${m.harmful ? ', HARMFUL: hurt more often than it helped' : ''})`);
      return answer(`${r.promptBlock}\n\nMemory ids, for record_feedback when the task is done:\n${ids.join('\n')}`, r);
    },
  );

  server.registerTool(
    'add_memory',
    {
      title: 'Add a memory',
      description:
        'Store a lesson you learned, for future tasks (yours or other agents\'). Write it general: a principle that would help on a different task, not file names, paths or commands of this one. Returns the new id; a warning when the text is too specific to transfer; and a near-copy when the pool already holds almost the same lesson (then prefer feedback on that one). Content already in the pool is not stored twice.',
      inputSchema: addInput,
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const r = await addMemory(pool, args);
      log(`add_memory: ${r.added ? 'added' : 'already there'} ${r.id}`);
      const lines = [r.added ? `added memory ${r.id}` : r.note!];
      if (r.warning) lines.push(`warning: ${r.warning}`);
      if (r.nearCopy) lines.push(`near-copy of memory ${r.nearCopy.id} "${r.nearCopy.title}" (cosine ${r.nearCopy.cosine.toFixed(3)})`);
      return answer(lines.join('\n'), r);
    },
  );

  server.registerTool(
    'record_feedback',
    {
      title: 'Say whether memories helped',
      description:
        'Call when the task is done, with the ids retrieve_memories gave you: helped=true for those that helped, helped=false for those that misled you or did not apply (call twice for a mix). Memories that hurt more often than they help are marked harmful and can be left out of retrieval. Returns the updated counts.',
      inputSchema: feedbackInput,
      annotations: { readOnlyHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args) => {
      const r = await recordFeedback(pool, args);
      log(`record_feedback: ${args.helped ? 'helped' : 'hurt'} ×${r.updated.length}`);
      const lines = r.updated.map((m) => `${m.id}: retrieved ${m.usage.retrieved}, helped ${m.usage.helped}, hurt ${m.usage.hurt}${m.harmful ? ' (harmful)' : ''}`);
      return answer(lines.join('\n'), r);
    },
  );

  server.registerTool(
    'list_memories',
    {
      title: 'List memories',
      description: `Browse the pool, newest first, with ids, levels, domains and usage counts; filter by levels, domain or text. Contents longer than ${LIST_CONTENT_CHARS} characters are shortened (retrieve_memories gives whole texts).`,
      inputSchema: listInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const r = await listMemories(pool, args);
      const lines = r.memories.map((m) => `${m.id}  ${m.level}  ${m.domain}  ${m.title}  (retrieved ${m.usage.retrieved}, helped ${m.usage.helped}, hurt ${m.usage.hurt}${m.harmful ? ', harmful' : ''})`);
      return answer([`${r.matching} of ${r.total} memories match${r.matching > r.memories.length ? `, showing ${r.memories.length}` : ''}`, ...lines].join('\n'), r);
    },
  );
  return server;
}

export async function mcpCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('mcp', argv, { pool: { type: 'string' }, model: { type: 'string' } });
  const path = requireStr('mcp', p, 'pool');
  if (p.positionals.length) throw new UsageError(`mcp: unexpected argument "${p.positionals[0]}"`);
  // A pool that cannot be read is said now (exit 2), not on the agent's first call; a missing one is created on the
  // first add_memory.
  const pool = await loadPool(path, true);
  // stdout belongs to the protocol: the tools' notes and progress go to stderr.
  const quiet = new CliContext({ ...ctx.io, stdout: ctx.io.stderr });
  const served: ServedPool = { path, model: str(p, 'model'), ctx: quiet };
  const server = await createServer(served, ctx.appVersion);
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const transport = new StdioServerTransport();
  await server.connect(transport);
  quiet.note(`insight-pool mcp: serving ${path} (${pool.exists ? `${pool.memories.length} memories` : 'new pool, created on the first add_memory'}) over stdio`);
  // Load the model now, so the agent's first retrieval does not wait for it.
  quiet.embedder(served.model ?? pool.model?.id).catch((error: Error) => quiet.note(`insight-pool mcp: cannot load the embedding model: ${error.message}`));
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().finally(resolve);
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    server.server.onclose = () => resolve();
  });
  // Retrieval counts still being written land before the process ends.
  await settled(served);
  return 0;
}
