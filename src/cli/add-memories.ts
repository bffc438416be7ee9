// The one write path for new memories in the CLI (`ingest`, `add`): under the pool's lock, skip what the pool already
// holds (same content, as the app's add()), embed the rest with the pool's model, say which come close to a memory
// already there (as `import` does) or, for `ingest`, leave those out (as the app's ingest preview unticks them),
// rewrite the file.
import { contentHash, type Memory } from '../core/memory';
import type { Embedder, EmbedProgress } from '../core/embedder';
import { earlierNearCopy, nearCopiesInPool, nearText, type NearText } from '../core/near-copy';
import { alignVectors, modelRef, type CliContext } from './context';
import { InputError } from './errors';
import { nearestIn } from './nearest';
import { changing, loadPool, savePool, keptHeader } from './pool-store';

export interface Added {
  /** Stored by this call, in the order given. */
  fresh: Memory[];
  /** Per draft: the pool's memory holding its content (fresh or already there; a draft left out is its own). */
  holders: Memory[];
  /** The whole pool afterwards. */
  all: Memory[];
  /** With `skipNear`: new memories left out as near-copies (core/near-copy.ts) of a pool memory or an earlier one. */
  leftOut: { memory: Memory; close: Memory; score: number; earlier: boolean }[];
  /** Without `skipNear`: stored memories that are near-copies of a pool memory (kept, and named on stderr). */
  near: { memory: Memory; close: Memory; score: number }[];
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
    // Not a copy, but close (same level, whole text: core/near-copy.ts): kept and said, so whoever adds it can decide
    // (`remove` takes the id), or left out.
    const search = fresh.length && pool.memories.length ? await nearestIn(pool.memories, modelRef(embedder)) : () => [];
    // Whole texts of the new memories, when the key is not the whole text: for the check against earlier ones in this
    // batch (ingest); pool candidates' are embedded by nearCopiesInPool in the same way.
    const wholeVectors = (ms: NearText[]) => embedWhole(embedder, ms, ctx.progress(`embedding whole texts for the near-copy check with ${embedder.model}`));
    const whole = pool.keyMode === 'full' || !skipNear ? undefined : await wholeVectors(fresh);
    const verdicts = await nearCopiesInPool(
      fresh.map((m, i) => ({ memory: m, key: m.embedding!.vector, whole: whole?.[i] })),
      { keyMode: pool.keyMode, search, wholeVectors },
    );
    const kept: { memory: Memory; whole?: Float32Array }[] = [];
    const leftOut: Added['leftOut'] = [];
    const near: Added['near'] = [];
    fresh.forEach((m, i) => {
      const { hit, whole: v } = verdicts[i];
      let close = hit ? { close: hit.memory, score: hit.score, earlier: false } : undefined;
      if (skipNear && !close && v) {
        const earlier = earlierNearCopy(kept, (k) => ({ level: k.memory.level, whole: k.whole! }), { level: m.level, whole: v });
        if (earlier) close = { close: earlier.entry.memory, score: earlier.score, earlier: true };
      }
      if (close && skipNear) {
        leftOut.push({ memory: m, ...close });
        return;
      }
      if (close) {
        ctx.note(`near-duplicate (cosine ${close.score.toFixed(3)}): "${m.title}" ≈ existing "${close.close.title}" (${close.close.id})`);
        near.push({ memory: m, close: close.close, score: close.score });
      }
      kept.push({ memory: m, whole: v });
    });
    const all = [...pool.memories, ...kept.map((k) => k.memory)];
    await savePool(poolPath, all, { model: modelRef(embedder), keyMode: pool.keyMode, appVersion: ctx.appVersion, ...keptHeader(pool) });
    return { fresh: kept.map((k) => k.memory), holders, all, leftOut, near };
  });
}

/** Whole-text vectors, each distinct text embedded once (the CLI keeps no cache between runs). */
async function embedWhole(embedder: Pick<Embedder, 'embed'>, memories: NearText[], onProgress: (p: EmbedProgress) => void): Promise<Float32Array[]> {
  const texts = memories.map(nearText);
  const unique = [...new Set(texts)];
  const vectors = unique.length ? await embedder.embed(unique, onProgress) : [];
  const byText = new Map(unique.map((t, i) => [t, vectors[i]]));
  return texts.map((t) => byText.get(t)!);
}
