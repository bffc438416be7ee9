// Pool files in the browser: export the pool (or a selection) as a download, and import a file in two steps —
// plan (read, validate, find duplicates; writes nothing) then apply (one transaction).
import { exportPool, planMerge, poolFileName, readMemoryFile, resolveMerge, selectForExport, type ExportOptions, type MergeDecisions, type MergePlan } from '../core/pool-file';
import type { EmbedProgress } from '../core/embedder';
import type { InsightPool } from './insight-pool';
import { modelFingerprint } from './model-library';

declare const __APP_VERSION__: string;
export const APP_VERSION = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0';

export type ExportChoice = Pick<ExportOptions, 'levels' | 'filter' | 'ids' | 'vectors' | 'form'> & { gzip?: boolean; author?: string };

/** The git form is committed under one stable name, not a dated one (docs/pool-format.md, "The git form"). */
export const GIT_POOL_FILE_NAME = 'team-pool.jsonl';

export async function exportPoolFile(pool: InsightPool, choice: ExportChoice): Promise<{ blob: Blob; fileName: string; count: number }> {
  const memories = await pool.list();
  const { model, dims, keyMode } = pool.settings;
  const options: ExportOptions & { gzip?: boolean } = {
    ...choice,
    model: { id: model, dims, fingerprint: await modelFingerprint(model) },
    keyMode,
    appVersion: APP_VERSION,
  };
  // The git form is plain text for git to diff and merge: never gzip-compressed.
  const blob = await exportPool(memories, choice.form === 'git' ? { ...options, gzip: false } : options);
  const fileName = choice.form === 'git' ? GIT_POOL_FILE_NAME : poolFileName(new Date(), Boolean(choice.gzip));
  return { blob, fileName, count: selectForExport(memories, choice).length };
}

export interface ImportPlan {
  fileName: string;
  plan: MergePlan;
}

/** Reads and validates the whole file and plans the merge against the pool. Nothing is written. */
export async function planImport(
  pool: InsightPool,
  file: Blob,
  fileName: string,
  options: { nearThreshold?: number; signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {},
): Promise<ImportPlan> {
  const batch = await readMemoryFile(file, {
    fileName,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ done: p.bytes, total: p.totalBytes ?? file.size }),
  });
  const { model, dims, keyMode } = pool.settings;
  const plan = await planMerge(await pool.entries(), batch, {
    pool: { id: model, dims, keyMode, fingerprint: await modelFingerprint(model) },
    nearThreshold: options.nearThreshold,
    idConflict: 'new-id',
    // Memories whose vectors came from another model are embedded now, so near-duplicates are found for them too.
    embed: (texts, onProgress, signal) => pool.embed(texts, onProgress, signal),
    // Near-duplicates: same level, whole text (core/near-copy.ts), through the pool's index and its whole-text cache.
    nearest: (vector, level, k) => pool.nearest(vector, level, k),
    wholeVectors: (memories) => pool.wholeVectors(memories, options.onProgress && ((p) => options.onProgress!({ done: p.done, total: p.total })), options.signal),
    onProgress: (p: EmbedProgress) => options.onProgress?.({ done: p.done, total: p.total }),
    signal: options.signal,
  });
  return { fileName, plan };
}

/** Applies the plan with the user's choices for near-duplicates and conflicts; returns how many were added. */
export async function applyImport(
  pool: InsightPool,
  { plan }: ImportPlan,
  decisions: MergeDecisions,
  options: { signal?: AbortSignal; onProgress?: (p: EmbedProgress) => void } = {},
): Promise<number> {
  const resolved = resolveMerge(plan, decisions);
  return pool.importMemories(resolved.insert, resolved.replace, options.onProgress, options.signal, resolved.usage);
}
