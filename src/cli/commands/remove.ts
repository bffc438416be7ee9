// `remove`: deletes memories from a pool file by id. A pool file carries a checksum of its records, so deleting a
// line by hand makes the file unreadable; this rewrites it whole, under the pool's lock.
import { parse, requireStr } from '../args';
import type { CliContext } from '../context';
import { EXIT, InputError, UsageError } from '../errors';
import { changing, loadPool, savePool, keptHeader } from '../pool-store';

export const REMOVE_USAGE = `insight-pool remove <id…> --pool <file> [--dry-run]`;

export async function removeCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('remove', argv, { pool: { type: 'string' }, 'dry-run': { type: 'boolean' } });
  const poolPath = requireStr('remove', p, 'pool');
  const ids = new Set(p.positionals);
  if (!ids.size) throw new UsageError('remove: give the id of at least one memory (`insight-pool list` shows them)');
  const dryRun = Boolean(p.values['dry-run']);
  return changing(poolPath, dryRun, ctx, async () => {
    const pool = await loadPool(poolPath, false);
    const gone = pool.memories.filter((m) => ids.has(m.id));
    // One unknown id means a typo or a stale list: remove nothing rather than part of what was asked.
    const unknown = [...ids].filter((id) => !gone.some((m) => m.id === id));
    if (unknown.length) throw new InputError(`${poolPath}: no memory with id ${unknown.map((id) => `"${id}"`).join(', ')}; nothing removed`);
    const kept = pool.memories.filter((m) => !ids.has(m.id));
    if (!dryRun) await savePool(poolPath, kept, { model: pool.header!.model, keyMode: pool.keyMode, appVersion: ctx.appVersion, ...keptHeader(pool) });
    for (const m of gone) ctx.out(`${dryRun ? 'would remove' : 'removed'} ${m.id}  ${m.level}  ${m.title}`);
    ctx.note(`${poolPath}: ${dryRun ? 'would have' : 'now has'} ${kept.length} memories`);
    return EXIT.ok;
  });
}
