// `ingest`: agent trajectories → memories → embedded with the pool's model → pool file. Distillers: the offline rule
// miner, or an OpenAI-compatible server the user names (Ollama, llama.cpp, LM Studio…), as in the app.
// All files are parsed and validated first; one bad file writes nothing.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createMemory, MemoryValidationError, SCOPES, type Level, type Memory, type MemoryInput, type Scope } from '../../core/memory';
import { parseTrajectories, type ParseOptions, type Trajectory } from '../../core/trajectory';
import { mineInsights } from '../../core/distill/miner';
import { toSummaryMemory, toTrajectoryMemory, toWorkflowMemory } from '../../core/distill/levels';
import { createOpenAIEngine, distillWithEngine, EngineError, type DistillEngine } from '../../core/distill/engine';
import { levelsArg, parse, requireStr, str } from '../args';
import type { CliContext } from '../context';
import { EXIT, InputError, UsageError } from '../errors';
import { addMemories } from '../add-memories';

export const INGEST_USAGE = `insight-pool ingest <trajectory files…> --pool <file> [--distiller rules | --distiller llm --endpoint <url> --llm <model> [--scope task-agnostic|task-specific]] [--levels insight|all|a,b] [--domain d] [--source-model m] [--model id] [--outcomes map.json] [--keep-near]
  (near-copies, of the same level and with the whole text within cosine 0.95 of a pool memory or of one before them, are left out and listed; --keep-near stores them)
  (--distiller llm: an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama; an API key, if it needs one, from INSIGHT_POOL_API_KEY)`;

/** A trajectory file larger than this is not a single agent run. */
export const MAX_TRAJECTORY_BYTES = 64 * 1024 * 1024;

const BUILDERS: Record<Level, (t: Trajectory) => MemoryInput[]> = {
  insight: mineInsights,
  summary: (t) => [toSummaryMemory(t)],
  workflow: (t) => [toWorkflowMemory(t)],
  trajectory: (t) => [toTrajectoryMemory(t)],
};

export async function ingest(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('ingest', argv, {
    pool: { type: 'string' },
    distiller: { type: 'string' },
    levels: { type: 'string', multiple: true },
    domain: { type: 'string' },
    'source-model': { type: 'string' },
    model: { type: 'string' },
    outcomes: { type: 'string' },
    endpoint: { type: 'string' },
    llm: { type: 'string' },
    scope: { type: 'string' },
    'keep-near': { type: 'boolean' },
  });
  const poolPath = requireStr('ingest', p, 'pool');
  if (!p.positionals.length) throw new UsageError('ingest: give at least one trajectory file');
  const engine = llmEngine(p);
  const scope = (str(p, 'scope') ?? 'task-agnostic') as Scope;
  if (!SCOPES.includes(scope)) throw new UsageError(`ingest: --scope must be ${SCOPES.join(' or ')}, got "${scope}"`);
  const levels = levelsArg('ingest', p, ['insight']);

  const options: ParseOptions = {};
  if (str(p, 'domain')) options.domain = str(p, 'domain');
  if (str(p, 'source-model')) options.sourceModel = str(p, 'source-model');
  const outcomesPath = str(p, 'outcomes');
  if (outcomesPath) options.outcomes = await readOutcomes(outcomesPath);

  const files = await Promise.all(p.positionals.map(readTrajectoryFile));
  const { ok, errors } = parseTrajectories(files, options);
  if (errors.length) throw new InputError(errors.map((e) => (e.message.startsWith(e.file) ? e.message : `${e.file}: ${e.message}`)).join('\n'));

  const drafts: Memory[] = [];
  const now = new Date();
  // One model answer that cannot be used costs that trajectory's level, not the whole run: the rest is written, the
  // failures listed, and the exit code says so. Re-running adds only what is missing (contents are stored once).
  const failures: string[] = [];
  for (const [i, t] of ok.entries()) {
    for (const level of levels) {
      const byModel = engine !== undefined && level !== 'trajectory';
      try {
        const inputs = byModel ? (await distillWithEngine(level, t, engine, { variant: scope })).memories : BUILDERS[level](t);
        drafts.push(...inputs.map((input) => createMemory(input, now)));
      } catch (error) {
        // An unreachable server fails every call the same way: stop before anything is written.
        if (error instanceof EngineError && error.kind === 'connection') throw error;
        const what = error instanceof MemoryValidationError ? `the ${level} memory is invalid: ${error.message}` : (error as Error).message;
        if (!byModel) throw error instanceof MemoryValidationError ? new InputError(`${t.file}: ${what}`) : error;
        failures.push(`${t.file}: ${level}: ${what}`);
      }
    }
    if (engine) ctx.note(`distilled ${i + 1}/${ok.length} trajectories with ${engine.distiller}`);
  }
  for (const f of failures) ctx.note(`could not distill ${f}`);
  if (failures.length && drafts.length === 0) {
    ctx.note(`nothing to add: every distillation failed; ${poolPath} is unchanged`);
    return EXIT.failure;
  }

  const { fresh, all, leftOut } = await addMemories(poolPath, drafts, ctx, str(p, 'model'), { skipNear: p.values['keep-near'] !== true });
  for (const n of leftOut) {
    ctx.note(`left out near-copy (cosine ${n.score.toFixed(3)}): "${n.memory.title}" ≈ ${n.earlier ? 'an earlier one in this run' : 'existing'} "${n.close.title}"${n.earlier ? '' : ` (${n.close.id})`}`);
  }
  const byLevel = levels.map((l) => `${fresh.filter((m) => m.level === l).length} ${l}`).join(', ');
  const near = leftOut.length ? `; ${leftOut.length} near-copies left out, --keep-near stores them` : '';
  ctx.out(`ingested ${ok.length} trajectories → ${fresh.length} new memories (${byLevel}; ${drafts.length - fresh.length - leftOut.length} duplicates skipped${near}) into ${poolPath}; pool now ${all.length} memories`);
  if (failures.length) {
    ctx.note(`${failures.length} distillations failed (listed above); run again to retry them, memories already in the pool are not added twice`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

/** The OpenAI-compatible engine for `--distiller llm`, or undefined for the offline rule miner. */
function llmEngine(p: ReturnType<typeof parse>): DistillEngine | undefined {
  const distiller = str(p, 'distiller') ?? 'rules';
  const endpoint = str(p, 'endpoint');
  const model = str(p, 'llm');
  if (distiller === 'rules') {
    if (endpoint || model || str(p, 'scope')) throw new UsageError('ingest: --endpoint, --llm and --scope go with --distiller llm');
    return undefined;
  }
  if (distiller !== 'llm') throw new UsageError(`ingest: --distiller must be rules or llm, got "${distiller}"`);
  if (!endpoint || !model) throw new UsageError('ingest: --distiller llm needs --endpoint <OpenAI-compatible base URL> and --llm <model name>');
  try {
    return createOpenAIEngine({ baseUrl: endpoint, model, apiKey: process.env.INSIGHT_POOL_API_KEY || undefined });
  } catch (error) {
    if (error instanceof EngineError) throw new UsageError(`ingest: ${error.message}`);
    throw error;
  }
}

async function readTrajectoryFile(path: string): Promise<{ name: string; text: string }> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`${path}: not a file`);
    size = s.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: no such file`);
  }
  if (size > MAX_TRAJECTORY_BYTES) throw new InputError(`${path}: file is too large (${Math.round(size / 1048576)} MiB, max ${MAX_TRAJECTORY_BYTES / 1048576} MiB)`);
  return { name: basename(path), text: await readFile(path, 'utf8') };
}

async function readOutcomes(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: no such file (--outcomes)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${error instanceof Error ? error.message : error})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`${path}: expected a JSON object mapping trajectory ids to outcomes, e.g. {"django__django-11099": "resolved"}`);
  }
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' && typeof v !== 'boolean') throw new InputError(`${path}: ${k}: outcome must be a string or boolean, got ${JSON.stringify(v)}`);
  }
  return data as Record<string, string>;
}
