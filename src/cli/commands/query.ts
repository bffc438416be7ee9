// `query`: top-k memories for a task (hybrid: cosine and BM25 fused, as in the app), and the prompt block to paste into
// an agent's system prompt.
import { LEVELS, type Level } from '../../core/memory';
import { formatPromptBlock } from '../../core/prompt-block';
import { MAX_K, resolveRetrieval, retrieveFrom, RetrievalError, RETRIEVAL_MODES, type RetrievalMode } from '../../core/retrieval';
import { int, list, num, parse, requireStr, str } from '../args';
import { alignVectors, type CliContext } from '../context';
import { UsageError } from '../errors';
import { loadPool } from '../pool-store';
import { memorySources } from '../pool-sources';
import { recordUsage } from '../record-usage';

export const QUERY_USAGE = `insight-pool query --pool <file> "<task text>" [-k 3] [--json] [--exclude-domain d] [--domain d] [--level insight] [--min-score 0.2] [--mode hybrid|dense|lexical] [--exclude-harmful] [--record] [--model id]
  (--record: count this retrieval in each returned memory's usage.retrieved; --exclude-harmful: leave out memories whose feedback hurt more than it helped)`;

export async function query(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('query', argv, {
    pool: { type: 'string' },
    k: { type: 'string', short: 'k' },
    json: { type: 'boolean' },
    'exclude-domain': { type: 'string', multiple: true },
    domain: { type: 'string', multiple: true },
    level: { type: 'string', multiple: true },
    'min-score': { type: 'string' },
    mode: { type: 'string' },
    'exclude-harmful': { type: 'boolean' },
    record: { type: 'boolean' },
    model: { type: 'string' },
  });
  const poolPath = requireStr('query', p, 'pool');
  const text = p.positionals.join(' ');
  const levels = list(p, 'level');
  const bad = levels.find((l) => !LEVELS.includes(l as Level));
  if (bad) throw new UsageError(`query: --level must be among ${LEVELS.join(', ')}, got "${bad}"`);
  const mode = str(p, 'mode');
  if (mode !== undefined && !RETRIEVAL_MODES.includes(mode as RetrievalMode)) throw new UsageError(`query: --mode must be among ${RETRIEVAL_MODES.join(', ')}, got "${mode}"`);
  let resolved;
  try {
    resolved = resolveRetrieval(text, {
      k: int('query', p, 'k', 3, 1, MAX_K),
      ...(levels.length ? { levels: levels as Level[] } : {}),
      ...(list(p, 'domain').length ? { domains: list(p, 'domain') } : {}),
      ...(list(p, 'exclude-domain').length ? { excludeDomains: list(p, 'exclude-domain') } : {}),
      ...(str(p, 'min-score') !== undefined ? { minScore: num('query', p, 'min-score', 0, -1, 1) } : {}),
      ...(mode ? { mode: mode as RetrievalMode } : {}),
      ...(p.values['exclude-harmful'] ? { excludeHarmful: true } : {}),
    });
  } catch (error) {
    if (error instanceof RetrievalError) throw new UsageError(`query: ${error.message} (give the task text as an argument)`);
    throw error;
  }
  const pool = await loadPool(poolPath, false);
  const embedder = await ctx.embedder(str(p, 'model') ?? pool.model?.id);
  const fixed = await alignVectors(pool.memories, embedder, pool.keyMode, pool.model, ctx);
  if (fixed && pool.memories.length) ctx.note(`note: embedded ${fixed} memories with ${embedder.model} for this query (pool file unchanged)`);
  let results = await retrieveFrom(memorySources(pool.memories, embedder), resolved.query, resolved.options);
  if (p.values.record && results.length) {
    // Counted under the pool's lock on a fresh read of the file (another process may have written since).
    const saved = await recordUsage(poolPath, results.map((r) => r.memory.id), 'retrieved', ctx);
    const usage = new Map(saved.map((m) => [m.id, m.usage]));
    results = results.map((r) => ({ ...r, memory: { ...r.memory, usage: usage.get(r.memory.id) } }));
  }
  const block = formatPromptBlock(results);
  if (p.values.json) {
    ctx.out(
      JSON.stringify(
        {
          query: resolved.query,
          model: embedder.model,
          pool: pool.memories.length,
          mode: resolved.options.mode,
          results: results.map(({ memory: { embedding: _e, ...m }, score, cosine, lexical }, i) => ({ rank: i + 1, score, cosine, lexical, ...m })),
          promptBlock: block,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  if (!results.length) {
    ctx.out(`no memories match (pool has ${pool.memories.length})`);
    return 0;
  }
  // The score and its parts, so a user sees why a memory came back.
  results.forEach(({ memory: m, score, cosine, lexical }, i) => {
    ctx.out(`${i + 1}. ${score.toFixed(4)} (cosine ${cosine.toFixed(3)}, lexical ${lexical.toFixed(2)})  ${m.level}  ${m.title}  [${m.domain}, ${m.outcome}]  ${m.id}`);
  });
  ctx.out();
  ctx.out(block);
  return 0;
}
