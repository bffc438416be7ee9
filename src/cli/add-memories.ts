// The one write path for new memories in the CLI (`ingest`, `add`): under the pool's lock, skip what the pool already
// holds (same content, as the app's add()), embed the rest with the pool's model, say which come close to a memory
// already there (as `import` does) or, for `ingest`, leave those out (as the app's ingest preview unticks them),
// rewrite the file.
import { contentHash, type Memory } from '../core/memory';
import { closestAbove } from '../core/vectors';
import { DEFAULT_NEAR_THRESHOLD } from '../core/pool-file';
import { alignVectors, modelRef, type CliContext } from './context';
import { InputError } from './errors';
import { nearestIn } from './nearest';
import { changing, loadPool, savePool } from './pool-store';

export interface Added {
  /** Stored by this call, in the order given. */
  fresh: Memory[];
  /** Per draft: the pool's memory holding its content (fresh or already there; a draft left out is its own). */
  holders: Memory[];
  /** The whole pool afterwards. */
  all: Memory[];
  /** With `skipNear`: new memories left out for coming within DEFAULT_NEAR_THRESHOLD of a pool memory or an earlier one. */
  leftOut: { memory: Memory; close: Memory; score: number; earlier: boolean }[];
}

/**
 * `model`: embedding model to use (default: the pool's, else the default model). `skipNear`: leave out near-copies
 * (a batch nobody reviews, like `ingest`: an LLM words one lesson a little differently for every run, and each copy
 * would take a slot in an agent's top-3); otherwise they are kept and named.
 */
export function addMemories(poolPath: string, drafts: Memory[], ctx: CliContext, model?: string, { skipNear = false } = {}): Promise<Added> {
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
    // Not a copy, but close: kept and said, so whoever adds it can decide (`remove` takes the id), or left out.
    const nearest = fresh.length && pool.memories.length ? await nearestIn(pool.memories, modelRef(embedder)) : undefined;
    const kept: Memory[] = [];
    const leftOut: Added['leftOut'] = [];
    for (const m of fresh) {
      const v = m.embedding!.vector;
      const inPool = nearest?.(v);
      let close = inPool && inPool.score >= DEFAULT_NEAR_THRESHOLD ? { close: inPool.memory, score: inPool.score, earlier: false } : undefined;
      if (skipNear && !close) {
        const earlier = closestAbove(kept, (k) => k.embedding!.vector, v, DEFAULT_NEAR_THRESHOLD);
        if (earlier) close = { close: earlier.entry, score: earlier.score, earlier: true };
      }
      if (close && skipNear) {
        leftOut.push({ memory: m, ...close });
        continue;
      }
      if (close) ctx.note(`near-duplicate (cosine ${close.score.toFixed(3)}): "${m.title}" ≈ existing "${close.close.title}" (${close.close.id})`);
      kept.push(m);
    }
    const all = [...pool.memories, ...kept];
    await savePool(poolPath, all, { model: modelRef(embedder), keyMode: pool.keyMode, appVersion: ctx.appVersion, author: pool.header?.author });
    return { fresh: kept, holders, all, leftOut };
  });
}
