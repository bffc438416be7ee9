// `export`: a pool file for sharing — insights only by default, with or without vectors.
import { OUTCOMES, type Outcome } from '../../core/memory';
import { encodePoolFile } from '../../core/pool-file';
import { levelsArg, list, parse, requireStr, str } from '../args';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { loadPool, writeAtomic } from '../pool-store';

export const EXPORT_USAGE = `insight-pool export --pool <file> --out <file.jsonl[.gz]> [--levels insight|all|a,b] [--no-vectors] [--float16] [--domain d] [--exclude-domain d] [--outcome o] [--author name] [--for-git]`;

export async function exportCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('export', argv, {
    pool: { type: 'string' },
    out: { type: 'string', short: 'o' },
    levels: { type: 'string', multiple: true },
    'no-vectors': { type: 'boolean' },
    float16: { type: 'boolean' },
    domain: { type: 'string', multiple: true },
    'exclude-domain': { type: 'string', multiple: true },
    outcome: { type: 'string', multiple: true },
    author: { type: 'string' },
    description: { type: 'string' },
    'for-git': { type: 'boolean' },
  });
  const poolPath = requireStr('export', p, 'pool');
  const out = requireStr('export', p, 'out');
  if (p.positionals.length) throw new UsageError(`export: unexpected argument "${p.positionals[0]}"`);
  const levels = levelsArg('export', p, ['insight']);
  const outcomes = list(p, 'outcome');
  const badOutcome = outcomes.find((o) => !OUTCOMES.includes(o as Outcome));
  if (badOutcome) throw new UsageError(`export: --outcome must be among ${OUTCOMES.join(', ')}, got "${badOutcome}"`);
  if (p.values['no-vectors'] && p.values.float16) throw new UsageError('export: --no-vectors and --float16 exclude each other');
  const forGit = Boolean(p.values['for-git']);
  // The git form has no vectors and no author by design (docs/pool-format.md): git records who changed what.
  if (forGit && (p.values.float16 || str(p, 'author'))) throw new UsageError(`export: --for-git writes no ${p.values.float16 ? 'vectors (drop --float16)' : 'author (drop --author: git records who changed what)'}`);
  if (forGit && out.endsWith('.gz')) throw new UsageError('export: --for-git writes plain text for git to diff and merge; name the file .jsonl, not .gz');
  const pool = await loadPool(poolPath, false);
  const model = pool.model ?? pool.header!.model;
  const { header, lines } = await encodePoolFile(pool.memories, {
    model,
    keyMode: pool.keyMode,
    appVersion: ctx.appVersion,
    levels,
    filter: {
      ...(list(p, 'domain').length ? { domains: list(p, 'domain') } : {}),
      ...(list(p, 'exclude-domain').length ? { excludeDomains: list(p, 'exclude-domain') } : {}),
      ...(outcomes.length ? { outcomes: outcomes as Outcome[] } : {}),
    },
    vectors: p.values['no-vectors'] ? 'none' : p.values.float16 ? 'float16' : 'float32',
    author: str(p, 'author'),
    description: str(p, 'description'),
    ...(forGit ? { form: 'git' as const } : {}),
  });
  await writeAtomic(out, lines.map((l) => l + '\n').join(''));
  if (forGit) {
    ctx.out(`exported ${header.counts.records} memories in the git form (sorted by id, no vectors: each reader re-embeds with their model) to ${out}`);
    return 0;
  }
  ctx.out(`exported ${header.counts.records} memories (${header.counts.vectors} with ${header.vectors === 'none' ? 'no' : header.vectors} vectors, model ${model.id}) to ${out}`);
  return 0;
}
