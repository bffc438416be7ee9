// Counting retrievals and feedback in a pool file (`query --record`, the MCP server). A count is a read-modify-write of
// the whole file, so it runs under the pool's lock and re-reads the file inside it: another process's memories and
// counts written meanwhile are kept, never overwritten by a stale copy.
import type { Memory } from '../core/memory';
import { recordEvent, type UsageEvent } from '../core/usage';
import type { CliContext } from './context';
import { InputError } from './errors';
import { changing, loadPool, savePool } from './pool-store';

/**
 * Adds `event` to each memory of `ids` and saves the pool. Feedback counts once per memory, however often its id is
 * given; retrievals count every time an id is given (a batch of several retrievals). An id the pool does not hold is
 * bad input and nothing is written — except for a retrieval count, where it means another process removed that memory
 * since it was retrieved: it is skipped. Returns the memories as saved, each once, in the order of `ids`.
 */
export function recordUsage(poolPath: string, ids: string[], event: UsageEvent, ctx: Pick<CliContext, 'note' | 'appVersion'>, now = new Date()): Promise<Memory[]> {
  return changing(poolPath, false, ctx, async () => {
    const pool = await loadPool(poolPath, false);
    const byId = new Map(pool.memories.map((m) => [m.id, m]));
    const missing = [...new Set(ids)].filter((id) => !byId.has(id));
    if (missing.length && event !== 'retrieved') {
      throw new InputError(`${poolPath}: no memory with id ${missing.map((id) => `"${id}"`).join(', ')}; nothing recorded`);
    }
    const unique = [...new Set(ids)].filter((id) => byId.has(id));
    for (const id of event === 'retrieved' ? ids.filter((i) => byId.has(i)) : unique) {
      const m = byId.get(id)!;
      m.usage = recordEvent(m.usage, event, now);
    }
    if (unique.length) {
      // The file's own model and vectors, written back as they were read (savePool keeps only vectors of `model`).
      const model = pool.model ?? pool.header!.model;
      await savePool(poolPath, pool.memories, { model, keyMode: pool.keyMode, appVersion: ctx.appVersion, author: pool.header?.author });
    }
    return unique.map((id) => byId.get(id)!);
  });
}
