// `eval`: retrieval quality on a labelled set, one row per retrieval configuration, through the same retrieval code
// as the app and `query` (core's retrieveFrom over the pool's vectors and lexical index). Every ranking choice in
// core/retrieval.ts was decided by this table; docs/retrieval.md holds its output for the shared dev set.
import { readFile } from 'node:fs/promises';
import { DEFAULT_KEY_MODE, keyText, type KeyMode, type Memory } from '../../core/memory';
import { DEFAULT_TUNING, MAX_K, retrieveFrom, resolveRetrieval, type RetrievalMode } from '../../core/retrieval';
import { betterOf, EvalSetError, protocolQueries, readEvalSet, score, type EvalSet, type Metrics } from '../../core/eval-set';
import { parse, str } from '../args';
import type { CliContext, CliEmbedder } from '../context';
import { InputError, UsageError } from '../errors';
import { memorySources } from '../pool-sources';
import { requireFile } from '../pool-store';

export const EVAL_USAGE = `insight-pool eval <set.json> [--json] [--model id]`;

export interface EvalConfig {
  name: string;
  mode: RetrievalMode;
  key: KeyMode;
  segment: boolean;
}

/** The configurations compared. The default row is the one whose settings match what the app and CLI use. */
export const EVAL_CONFIGS: EvalConfig[] = [
  { name: 'dense, title key, whole query (the paper)', mode: 'dense', key: 'title', segment: false },
  { name: 'dense, full key, whole query', mode: 'dense', key: 'full', segment: false },
  { name: 'dense, full key, segmented query', mode: 'dense', key: 'full', segment: true },
  { name: 'lexical (BM25)', mode: 'lexical', key: 'full', segment: true },
  { name: 'hybrid, title key, segmented query', mode: 'hybrid', key: 'title', segment: true },
  { name: 'hybrid, title+description key, segmented query', mode: 'hybrid', key: 'title+description', segment: true },
  { name: 'hybrid, full key, whole query', mode: 'hybrid', key: 'full', segment: false },
  { name: 'hybrid, full key, segmented query', mode: 'hybrid', key: 'full', segment: true },
];

export function isDefault(c: EvalConfig): boolean {
  return c.mode === 'hybrid' && c.key === DEFAULT_KEY_MODE && c.segment === DEFAULT_TUNING.segment;
}

export interface EvalRow {
  config: EvalConfig;
  default: boolean;
  whole: Record<string, Metrics>;
  transfer: Record<string, Metrics>;
}

export interface EvalResult {
  rows: EvalRow[];
  /**
   * Per task the better of the default's two lists (its dense list and BM25), scored: a bound on every fusion that
   * takes its top 3 from their top 3s (core/eval-set.ts, betterOf). Absent when the configurations lack either list.
   */
  ceiling?: { whole: Record<string, Metrics>; transfer: Record<string, Metrics> };
}

const PROTOCOLS = ['whole', 'transfer'] as const;
type Protocol = (typeof PROTOCOLS)[number];

/** Runs every configuration over the set. Texts are embedded once each, whatever the number of configurations. */
export async function runEval(set: EvalSet, embedder: CliEmbedder, configs = EVAL_CONFIGS): Promise<EvalResult> {
  const cache = new Map<string, Float32Array>();
  const embed = async (texts: string[]) => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length) (await embedder.embed(missing)).forEach((v, i) => cache.set(missing[i], v));
    return texts.map((t) => cache.get(t)!);
  };
  const keyed = new Map<KeyMode, Memory[]>();
  for (const key of new Set(configs.map((c) => c.key))) {
    const vectors = await embed(set.memories.map((m) => keyText(m, key)));
    keyed.set(key, set.memories.map((m, i) => ({ ...m, embedding: { model: embedder.model, dims: vectors[i].length, key: keyText(m, key), vector: vectors[i] } })));
  }
  const scored = { whole: protocolQueries(set, 'whole'), transfer: protocolQueries(set, 'transfer') };
  const rows: EvalRow[] = [];
  const rankings = new Map<EvalConfig, Record<Protocol, string[][]>>();
  for (const config of configs) {
    const sources = memorySources(keyed.get(config.key)!, { embed });
    const ranked = { whole: [] as string[][], transfer: [] as string[][] };
    for (const protocol of PROTOCOLS) {
      for (const s of scored[protocol]) {
        const { query, options } = resolveRetrieval(s.query.text, { k: MAX_K, mode: config.mode, ...(s.excludeDomains.length ? { excludeDomains: s.excludeDomains } : {}) });
        ranked[protocol].push((await retrieveFrom(sources, query, options, { segment: config.segment })).map((r) => r.memory.id));
      }
    }
    rankings.set(config, ranked);
    rows.push({ config, default: isDefault(config), whole: score(scored.whole, ranked.whole), transfer: score(scored.transfer, ranked.transfer) });
  }
  const parts = (mode: RetrievalMode) => configs.find((c) => c.mode === mode && c.key === DEFAULT_KEY_MODE && c.segment === DEFAULT_TUNING.segment);
  const dense = parts('dense');
  const lexical = parts('lexical');
  if (!dense || !lexical) return { rows };
  const best = (p: Protocol) => score(scored[p], betterOf(scored[p], rankings.get(dense)![p], rankings.get(lexical)![p]));
  return { rows, ceiling: { whole: best('whole'), transfer: best('transfer') } };
}

/** The table the README shows: per protocol recall@3, hit@1, MRR, soft recall@3, then recall@3 per query style. */
export function evalTable({ rows, ceiling }: EvalResult): string {
  const styles = Object.keys(rows[0].whole).filter((s) => s !== 'all');
  const f = (x: number) => x.toFixed(2);
  const head = [
    'configuration',
    'whole R@3', 'H@1', 'MRR', 'soft R@3',
    'transfer R@3', 'H@1', 'MRR', 'soft R@3',
    ...styles.map((s) => `${s} R@3 (whole / transfer)`),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of rows) {
    const m = (x: Metrics | undefined) => (x ? [f(x.recall3), f(x.hit1), f(x.mrr), f(x.softRecall3)] : ['–', '–', '–', '–']);
    const cells = [
      r.default ? `**${r.config.name} (default)**` : r.config.name,
      ...m(r.whole.all),
      ...m(r.transfer.all),
      ...styles.map((s) => `${r.whole[s] ? f(r.whole[s].recall3) : '–'} / ${r.transfer[s] ? f(r.transfer[s].recall3) : '–'}`),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const n = (p: Record<string, Metrics>) => p.all?.n ?? 0;
  lines.push('', `${n(rows[0].whole)} tasks on the whole pool; ${n(rows[0].transfer)} transfer tasks (own domain excluded, a relevant memory in another domain).`);
  if (ceiling) {
    lines.push(
      `Per task the better of the default's two lists (dense, BM25), which no method can know: recall@3 ${f(ceiling.whole.all.recall3)} whole / ${f(ceiling.transfer.all.recall3)} transfer. A fusion that takes its top 3 from their top 3s cannot do better.`,
    );
  }
  return lines.join('\n');
}

export async function evalCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('eval', argv, { json: { type: 'boolean' }, model: { type: 'string' } });
  const [path, ...extra] = p.positionals;
  if (!path) throw new UsageError('eval: give the labelled set, e.g. insight-pool eval dev.json');
  if (extra.length) throw new UsageError(`eval: one set at a time, got also "${extra[0]}"`);
  await requireFile(path);
  let set: EvalSet;
  try {
    set = readEvalSet(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InputError(`${path}: not valid JSON (${error.message})`);
    if (error instanceof EvalSetError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
  const embedder = await ctx.embedder(str(p, 'model'));
  const result = await runEval(set, embedder);
  if (p.values.json) {
    ctx.out(JSON.stringify({ set: path, model: embedder.model, memories: set.memories.length, queries: set.queries.length, ...result }, null, 2));
    return 0;
  }
  ctx.out(`${path}: ${set.memories.length} memories, ${set.queries.length} tasks, model ${embedder.model}`);
  ctx.out();
  ctx.out(evalTable(result));
  return 0;
}
