// `stats`: what a pool holds — by level, domain, source model, embedding model, origin — and how specific its text
// is (the abstraction guard's score; high = concrete details that transfer badly).
import { LEVELS, type Memory } from '../../core/memory';
import { memoryText, specificity, WARN_THRESHOLD } from '../../core/guard';
import { scanMemory } from '../../core/pool-file';
import { mixingWarning, MIXING_K, poolMixing } from '../../core/mixing';
import { categoryCounts, categoryOf } from '../../core/category';
import { parse, requireStr } from '../args';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { loadPool } from '../pool-store';
import { isHarmful, netHelp } from '../../core/usage';

/** How many "most helpful" memories stats names. */
const TOP_HELPFUL = 5;

/** A memory in the usage part of stats: enough to find it (`list`, `remove`) and see its counts. */
function usageEntry(m: Memory) {
  return { id: m.id, title: m.title, level: m.level, retrieved: m.usage?.retrieved ?? 0, helped: m.usage?.helped ?? 0, hurt: m.usage?.hurt ?? 0, lastUsedAt: m.usage?.lastUsedAt ?? null };
}

/** Usage totals, the memories that helped most (net of hurt), and every harmful one (hurt > helped), worst first. */
export function usageStats(memories: Memory[]) {
  const used = memories.filter((m) => m.usage);
  const byNet = (a: Memory, b: Memory) => netHelp(b) - netHelp(a) || (b.usage?.helped ?? 0) - (a.usage?.helped ?? 0) || (a.id < b.id ? -1 : 1);
  return {
    retrieved: used.reduce((n, m) => n + m.usage!.retrieved, 0),
    helped: used.reduce((n, m) => n + m.usage!.helped, 0),
    hurt: used.reduce((n, m) => n + m.usage!.hurt, 0),
    withFeedback: used.filter((m) => m.usage!.helped + m.usage!.hurt > 0).length,
    mostHelpful: used.filter((m) => netHelp(m) > 0).sort(byNet).slice(0, TOP_HELPFUL).map(usageEntry),
    harmful: used.filter(isHarmful).sort((a, b) => byNet(b, a)).map(usageEntry),
  };
}

export const STATS_USAGE = `insight-pool stats --pool <file> [--json]`;

/** Bucket upper bounds of the specificity histogram; the guard warns above WARN_THRESHOLD. */
const BUCKETS = [0, 2, WARN_THRESHOLD, 15, Infinity] as const;

function bucketLabel(i: number): string {
  if (i === 0) return '0 (abstract)';
  const lo = BUCKETS[i - 1];
  const hi = BUCKETS[i];
  return hi === Infinity ? `>${lo}` : `${lo}–${hi}`;
}

function countBy(memories: Memory[], key: (m: Memory) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of memories) {
    const k = key(m);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export function poolStats(memories: Memory[]) {
  const scores = memories.map((m) => specificity(memoryText(m)).score);
  const histogram: Record<string, number> = {};
  BUCKETS.forEach((_, i) => (histogram[bucketLabel(i)] = 0));
  for (const s of scores) {
    const i = BUCKETS.findIndex((hi) => s <= hi);
    histogram[bucketLabel(i)]++;
  }
  const sorted = [...scores].sort((a, b) => a - b);
  const pct = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  const levels = Object.fromEntries(LEVELS.map((l) => [l, memories.filter((m) => m.level === l).length]));
  const mixing = poolMixing(memories);
  return {
    total: memories.length,
    levels,
    domains: countBy(memories, (m) => m.domain),
    outcomes: countBy(memories, (m) => m.outcome),
    sourceModels: countBy(memories, (m) => m.sourceModel),
    embeddingModels: countBy(memories, (m) => m.embedding?.model ?? '(no vector)'),
    importedFrom: countBy(memories, (m) => m.provenance.importedFrom),
    distillers: countBy(memories, (m) => m.provenance.distiller ?? '(unknown)'),
    flagged: memories.filter((m) => scanMemory(m).length > 0).length,
    /** Per level: 1 = domains intermingle among nearest neighbours, 0 = each domain its own cluster; null = < 2 domains. */
    mixing,
    /** Insights per procedural category: their own when set, else the offline classifier's guess (counted in categoriesGuessed). */
    categories: categoryCounts(memories),
    categoriesGuessed: memories.filter((m) => m.level === 'insight' && categoryOf(m).guessed).length,
    warnings: [mixingWarning(mixing)].filter((w): w is string => w !== undefined),
    usage: usageStats(memories),
    specificity: {
      warnAbove: WARN_THRESHOLD,
      median: pct(0.5),
      p90: pct(0.9),
      max: sorted[sorted.length - 1] ?? 0,
      overWarn: scores.filter((s) => s > WARN_THRESHOLD).length,
      histogram,
    },
  };
}

export async function stats(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('stats', argv, { pool: { type: 'string' }, json: { type: 'boolean' } });
  const poolPath = requireStr('stats', p, 'pool');
  if (p.positionals.length) throw new UsageError(`stats: unexpected argument "${p.positionals[0]}"`);
  const pool = await loadPool(poolPath, false);
  const s = poolStats(pool.memories);
  if (p.values.json) {
    ctx.out(JSON.stringify({ pool: poolPath, model: pool.model ?? null, keyMode: pool.keyMode, ...s }, null, 2));
    for (const w of s.warnings) ctx.note(`warning: ${w}`);
    return 0;
  }
  const table = (title: string, rows: Record<string, number>) => {
    ctx.out(`${title}:`);
    const entries = Object.entries(rows);
    if (!entries.length) ctx.out('  (none)');
    for (const [k, v] of entries) ctx.out(`  ${String(v).padStart(7)}  ${k}`);
  };
  ctx.out(`${poolPath}: ${s.total} memories, model ${pool.model ? `${pool.model.id} (${pool.model.dims}-d)` : '(none)'}, key mode ${pool.keyMode}`);
  table('levels', s.levels);
  table('domains', s.domains);
  table('outcomes', s.outcomes);
  table('source models (agents)', s.sourceModels);
  table('embedding models', s.embeddingModels);
  table('imported from', s.importedFrom);
  table('distillers', s.distillers);
  ctx.out(`specificity (0 = abstract; the guard warns above ${s.specificity.warnAbove}): median ${s.specificity.median}, p90 ${s.specificity.p90}, max ${s.specificity.max}, ${s.specificity.overWarn} over the warning line`);
  for (const [k, v] of Object.entries(s.specificity.histogram)) ctx.out(`  ${String(v).padStart(7)}  ${k}`);
  ctx.out(`flagged as possible prompt injection: ${s.flagged}`);
  ctx.out(`domain mixing among the ${MIXING_K} nearest of the same level (1 = domains intermingle, 0 = each its own cluster):`);
  for (const [k, v] of Object.entries(s.mixing)) ctx.out(`  ${v === null ? '      –' : v.toFixed(3).padStart(7)}  ${k}${v === null ? ' (fewer than two domains)' : ''}`);
  table(`insight categories (${s.categoriesGuessed} guessed by the offline classifier)`, s.categories);
  for (const w of s.warnings) ctx.out(`warning: ${w}`);
  const u = s.usage;
  ctx.out(`usage: retrieved ${u.retrieved} times; feedback on ${u.withFeedback} memories: ${u.helped} helped, ${u.hurt} hurt`);
  const row = (e: ReturnType<typeof usageEntry>) => ctx.out(`  +${e.helped} -${e.hurt} (retrieved ${e.retrieved})  ${e.id}  ${e.title}`);
  ctx.out('most helpful:');
  if (!u.mostHelpful.length) ctx.out('  (none)');
  u.mostHelpful.forEach(row);
  ctx.out('harmful (hurt more often than helped; `query --exclude-harmful` leaves them out):');
  if (!u.harmful.length) ctx.out('  (none)');
  u.harmful.forEach(row);
  return 0;
}
