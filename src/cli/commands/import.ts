// `import` and `merge`: bring a memory file (pool file or a foreign format) into a pool. Everything is read,
// validated and planned before the pool file is touched; any error leaves it byte-identical.
import { contentHash, type Memory } from '../../core/memory';
import { DEFAULT_MODEL_ID } from '../../core/models';
import { addUsage } from '../../core/usage';
import { planMerge, resolveMerge, sameModel, type IncomingBatch, type MergePlan, type ModelRef, type NearDecision, type PlannedMemory, type PoolFileContents } from '../../core/pool-file';
import { num, oneOf, parse, requireStr, str } from '../args';
import { alignVectors, modelRef, type CliContext } from '../context';
import { UsageError } from '../errors';
import { nearestIn } from '../nearest';
import { changing, loadMemoryFile, loadPool, savePool, type CliPool, keptHeader } from '../pool-store';

export const IMPORT_USAGE = `insight-pool import <file> --pool <file> [--threshold 0.95] [--near keep-both|keep-existing|keep-incoming] [--skip-flagged] [--domain d] [--model id] [--dry-run]`;
export const MERGE_USAGE = `insight-pool merge <a.jsonl> <b> --out <c.jsonl[.gz]> [--threshold 0.95] [--near keep-both|keep-existing|keep-incoming] [--skip-flagged] [--model id]`;

const NEAR: readonly NearDecision[] = ['keep-both', 'keep-existing', 'keep-incoming'];

const MERGE_OPTIONS = {
  threshold: { type: 'string' },
  near: { type: 'string' },
  'skip-flagged': { type: 'boolean' },
  domain: { type: 'string' },
  model: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export async function importCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('import', argv, { ...MERGE_OPTIONS, pool: { type: 'string' } });
  const poolPath = requireStr('import', p, 'pool');
  if (p.positionals.length !== 1) throw new UsageError(`import: expected one file to import, got ${p.positionals.length}`);
  const settings = mergeSettings('import', p);
  const dryRun = Boolean(p.values['dry-run']);
  const batch = await loadMemoryFile(p.positionals[0], { domain: str(p, 'domain') });
  const result = await mergeAndSave(poolPath, poolPath, true, batch, settings, dryRun, ctx);
  report(result.plan, result.inserted, result.replaced, result.memories.length, batch, poolPath, dryRun, ctx);
  return 0;
}

export async function mergeCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('merge', argv, { ...MERGE_OPTIONS, out: { type: 'string', short: 'o' } });
  const out = requireStr('merge', p, 'out');
  if (p.positionals.length !== 2) throw new UsageError(`merge: expected two files (a b), got ${p.positionals.length}`);
  const settings = mergeSettings('merge', p);
  const [a, b] = p.positionals;
  const dryRun = Boolean(p.values['dry-run']);
  const batch = await loadMemoryFile(b, { domain: str(p, 'domain') });
  // `out` may be `a` itself, or a pool another run is writing.
  const result = await mergeAndSave(a, out, false, batch, settings, dryRun, ctx);
  report(result.plan, result.inserted, result.replaced, result.memories.length, batch, out, dryRun, ctx);
  return 0;
}

/** Merges `batch` into the pool read from `from` and writes the result to `to` (unless a dry run), under `to`'s lock. */
function mergeAndSave(from: string, to: string, create: boolean, batch: IncomingBatch, settings: MergeSettings, dryRun: boolean, ctx: CliContext) {
  return changing(to, dryRun, ctx, async () => {
    const pool = await loadPool(from, create);
    const merged = await mergeInto(pool, batch, settings, ctx);
    if (!dryRun) await savePool(to, merged.memories, { model: merged.model, keyMode: pool.keyMode, appVersion: ctx.appVersion, ...keptHeader(pool) });
    return merged;
  });
}

interface MergeSettings {
  threshold: number;
  near: NearDecision;
  skipFlagged: boolean;
  model?: string;
}

function mergeSettings(command: string, p: ReturnType<typeof parse>): MergeSettings {
  return {
    threshold: num(command, p, 'threshold', 0.95, -1, 1),
    near: oneOf(command, p, 'near', NEAR, 'keep-both'),
    skipFlagged: Boolean(p.values['skip-flagged']),
    model: str(p, 'model'),
  };
}

interface MergeResult {
  plan: MergePlan;
  memories: Memory[];
  model: ModelRef;
  inserted: PlannedMemory[];
  replaced: string[];
}

/**
 * The pool's model: --model, else the pool's own, else (empty pool) the file's — so importing a shared file into a
 * new pool keeps its vectors without loading any model. The embedder is loaded only if something must be embedded.
 */
async function mergeInto(pool: CliPool, batch: IncomingBatch, settings: MergeSettings, ctx: CliContext): Promise<MergeResult> {
  // A new pool takes the shared file's key mode too, so its vectors are kept as they are (nothing to embed).
  if (!pool.exists && pool.memories.length === 0 && 'header' in batch) pool.keyMode = (batch as PoolFileContents).header.keyMode;
  const targetId = settings.model ?? pool.model?.id ?? batch.model?.id ?? DEFAULT_MODEL_ID;
  let model: ModelRef | undefined =
    pool.model?.id === targetId ? pool.model : pool.memories.length === 0 && batch.model?.id === targetId ? batch.model : undefined;
  const poolVectorsOk = (ref: ModelRef) => pool.memories.every((m) => m.embedding && m.embedding.model === ref.id && m.embedding.vector.length === ref.dims);
  if (!model || !poolVectorsOk(model) || (pool.model && !sameModel(pool.model, model))) {
    const embedder = await ctx.embedder(targetId);
    model = modelRef(embedder);
    const n = await alignVectors(pool.memories, embedder, pool.keyMode, pool.model, ctx, 'pool memories');
    if (n) ctx.note(`re-embedded ${n} pool memories with ${model.id}`);
  }
  const existing = await Promise.all(pool.memories.map(async (m) => ({ ...m, hash: await contentHash(m) })));
  const options = { pool: { ...model, keyMode: pool.keyMode }, nearThreshold: settings.threshold, nearest: await nearestIn(existing, model) };
  let plan = await planMerge(existing, batch, options);
  // Planned again with the model: to embed memories the file had no usable vectors for, or, when the pool's key is not
  // the whole text, to compare whole texts with pool memories of the same level (near-duplicates, core/near-copy.ts).
  if (plan.toEmbed > 0 || plan.nearCheckSkipped > 0) {
    const embedder = await ctx.embedder(targetId);
    if (!sameModel(modelRef(embedder), model)) {
      throw new Error(`the model files of ${model.id} changed since the pool was written (fingerprint differs): re-run with --model ${model.id} to re-embed the pool`);
    }
    plan = await planMerge(existing, batch, {
      ...options,
      embed: (texts, onProgress, signal) => embedder.embed(texts, onProgress, signal),
      onProgress: ctx.progress(`embedding imported memories with ${model.id}`),
    });
  }
  const resolved = resolveMerge(plan, { defaultNear: settings.near });
  const inserted = settings.skipFlagged ? resolved.insert.filter((p) => p.flags.length === 0) : resolved.insert;
  const replaced = new Set(resolved.replace);
  // A teammate's counts for memories the pool already holds are added to the pool's own.
  const usage = new Map(resolved.usage.map((u) => [u.id, u.add]));
  const kept = pool.memories.filter((m) => !replaced.has(m.id)).map((m) => (usage.has(m.id) ? { ...m, usage: addUsage(m.usage, usage.get(m.id)) } : m));
  const memories = [...kept, ...inserted.map((p) => p.memory)];
  return { plan, memories, model, inserted, replaced: resolved.replace };
}

function report(plan: MergePlan, inserted: PlannedMemory[], replaced: string[], total: number, batch: IncomingBatch, target: string, dryRun: boolean, ctx: CliContext) {
  for (const f of plan.flagged) {
    for (const flag of f.flags) {
      ctx.note(`warning: ${batch.fileName ?? 'input'} line ${f.line} "${f.memory.title}": ${flag.message}${flag.kind === 'instruction-override' ? `: "${flag.match}"` : ''}`);
    }
  }
  for (const n of plan.nearDuplicates) {
    ctx.note(`near-duplicate (cosine ${n.score.toFixed(3)}): line ${n.incoming.line} "${n.incoming.memory.title}" ≈ existing "${n.existing.title}"`);
  }
  for (const c of plan.idConflicts) {
    ctx.note(`id conflict: line ${c.incoming.line} id "${c.incoming.originalId ?? c.incoming.memory.id}" is taken by "${c.existing.title}"; imported as ${c.incoming.memory.id}`);
  }
  const parts = [
    `${inserted.length} added`,
    `${plan.duplicates.length} exact duplicates skipped`,
    `${plan.nearDuplicates.length} near-duplicates`,
    `${plan.idConflicts.length} id conflicts renamed`,
    `${plan.embedded} embedded`,
    `${plan.flagged.length} flagged`,
  ];
  if (plan.usage.length) parts.push(`usage counts of ${plan.usage.length} existing memories added`);
  if (replaced.length) parts.push(`${replaced.length} replaced`);
  if (plan.crossModel) parts.push(`file vectors from ${plan.source.model?.id} dropped (other model)`);
  ctx.out(`${dryRun ? 'dry run: would import' : 'imported'} ${batch.fileName ?? 'input'} (${batch.format}) into ${target}: ${parts.join(', ')}; pool now ${total} memories`);
}
