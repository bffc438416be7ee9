// The one write path for new memories in the CLI (`ingest`, `add`): under the pool's lock, skip what the pool already
// holds (same content, as the app's add()), embed the rest with the pool's model, say which come close to a memory
// already there (as `import` does), rewrite the file.
import { contentHash, type Memory } from '../core/memory';
import { DEFAULT_NEAR_THRESHOLD } from '../core/pool-file';
import { alignVectors, modelRef, type CliContext } from './context';
import { InputError } from './errors';
import { nearestIn } from './nearest';
import { changing, loadPool, savePool } from './pool-store';

export interface Added {
  /** Stored by this call, in the order given. */
  fresh: Memory[];
  /** Per draft: the pool's memory holding its content (fresh or already there). */
  holders: Memory[];
  /** The whole pool afterwards. */
  all: Memory[];
}

/** `model`: embedding model to use (default: the pool's, else the default model). */
export function addMemories(poolPath: string, drafts: Memory[], ctx: CliContext, model?: string): Promise<Added> {
  return changing(poolPath, false, ctx, async () => {
    const pool = await loadPool(poolPath, true);
    const byHash = new Map<string, Memory>();
    for (const m of pool.memories) byHash.set(await contentHash(m), m);
    const ids = new Map(pool.memories.map((m) => [m.id, m]));
    const fresh: Memory[] = [];
    const holders: Memory[] = [];
    for (const m of drafts) {
      const h = await contentHash(m);
      let holder = byHash.get(h);
      if (!holder) {
        if (ids.has(m.id)) throw new InputError(`${poolPath}: id "${m.id}" is already used by another memory ("${ids.get(m.id)!.title}"); nothing added`);
        byHash.set(h, m);
        ids.set(m.id, m);
        fresh.push(m);
        holder = m;
      }
      holders.push(holder);
    }
    const embedder = await ctx.embedder(model ?? pool.model?.id);
    const realigned = await alignVectors(pool.memories, embedder, pool.keyMode, pool.model, ctx, 'pool memories');
    if (realigned) ctx.note(`re-embedded ${realigned} pool memories with ${embedder.model}`);
    await alignVectors(fresh, embedder, pool.keyMode, undefined, ctx, 'new memories');
    // Not a copy, but close: kept, and said, so whoever adds it can decide (`remove` takes the id).
    if (fresh.length && pool.memories.length) {
      const nearest = await nearestIn(pool.memories, modelRef(embedder));
      for (const m of fresh) {
        const near = nearest(m.embedding!.vector);
        if (near && near.score >= DEFAULT_NEAR_THRESHOLD) {
          ctx.note(`near-duplicate (cosine ${near.score.toFixed(3)}): "${m.title}" ≈ existing "${near.memory.title}" (${near.memory.id})`);
        }
      }
    }
    const all = [...pool.memories, ...fresh];
    await savePool(poolPath, all, { model: modelRef(embedder), keyMode: pool.keyMode, appVersion: ctx.appVersion, author: pool.header?.author });
    return { fresh, holders, all };
  });
}
