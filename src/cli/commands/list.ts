// `list`: the memories of a pool, newest first, with their ids (what `remove` takes), optionally filtered.
import { LEVELS, matchesFilter, newestFirst, type MemoryFilter } from '../../core/memory';
import { levelsArg, list as listArg, parse, requireStr, str } from '../args';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { emptyUsage, isHarmful } from '../../core/usage';
import { loadPool } from '../pool-store';

export const LIST_USAGE = `insight-pool list --pool <file> [--levels insight|all|a,b] [--domain d] [--text words] [--json]`;

export async function listCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('list', argv, {
    pool: { type: 'string' },
    levels: { type: 'string', multiple: true },
    domain: { type: 'string', multiple: true },
    text: { type: 'string' },
    json: { type: 'boolean' },
  });
  const poolPath = requireStr('list', p, 'pool');
  if (p.positionals.length) throw new UsageError(`list: unexpected argument "${p.positionals[0]}"`);
  const filter: MemoryFilter = { levels: levelsArg('list', p, LEVELS) };
  if (listArg(p, 'domain').length) filter.domains = listArg(p, 'domain');
  if (str(p, 'text')) filter.text = str(p, 'text');
  const pool = await loadPool(poolPath, false);
  const shown = pool.memories.filter((m) => matchesFilter(m, filter)).sort(newestFirst);
  if (p.values.json) {
    // Every memory shows its usage, zeros for one never retrieved, so scripts need not special-case it.
    ctx.out(
      JSON.stringify(
        shown.map(({ embedding, ...m }) => ({ ...m, usage: m.usage ?? emptyUsage(), embedding: embedding && { model: embedding.model, dims: embedding.dims, key: embedding.key } })),
        null,
        2,
      ),
    );
  } else {
    for (const m of shown) {
      const u = m.usage;
      const used = u ? `  (retrieved ${u.retrieved}, helped ${u.helped}, hurt ${u.hurt}${isHarmful(m) ? ', HARMFUL' : ''})` : '';
      ctx.out(`${m.id}  ${m.level.padEnd(10)}  ${m.domain.padEnd(12)}  ${m.title}${used}`);
    }
    ctx.note(`${shown.length} of ${pool.memories.length} memories`);
  }
  return EXIT.ok;
}
