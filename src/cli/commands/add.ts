// `add`: memories written directly — by a person, or by an agent recording what it learned — from flags or from JSON
// on stdin. The same rules as the app's add(): everything is validated before anything is written, and a content
// already in the pool is not stored twice.
import { createMemory, MemoryValidationError } from '../../core/memory';
import { shouldWarn } from '../../core/guard';
import { list, parse, requireStr, str } from '../args';
import { addMemories } from '../add-memories';
import type { CliContext } from '../context';
import { EXIT, InputError, UsageError } from '../errors';

export const ADD_USAGE = `insight-pool add --pool <file> (--title t --content c [--description d] [--level insight] [--domain d] [--outcome o] [--tag t]… | --json) [--model id]
  (--json: stdin holds one memory object or an array of them, with the fields of the JS API's add())`;

/** Flags that give one memory's fields; --json takes them all from stdin instead. */
const FIELDS = ['title', 'description', 'content', 'level', 'domain', 'outcome', 'tag'] as const;

export async function addCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('add', argv, {
    pool: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    content: { type: 'string' },
    level: { type: 'string' },
    domain: { type: 'string' },
    outcome: { type: 'string' },
    tag: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    model: { type: 'string' },
  });
  const poolPath = requireStr('add', p, 'pool');
  if (p.positionals.length) throw new UsageError(`add: unexpected argument "${p.positionals[0]}"`);
  const inputs = p.values.json ? await fromStdin(p, ctx) : [fromFlags(p)];
  const now = new Date();
  const drafts = inputs.map((input, i) => {
    try {
      return createMemory(input, now);
    } catch (error) {
      if (error instanceof MemoryValidationError && inputs.length > 1) throw new MemoryValidationError(`memory #${i + 1}: ${error.message}`, error.issues);
      throw error;
    }
  });
  const seen = new Set<string>();
  for (const d of drafts) {
    if (seen.has(d.id)) throw new InputError(`stdin: id "${d.id}" appears twice`);
    seen.add(d.id);
  }
  const { fresh, holders, all } = await addMemories(poolPath, drafts, ctx, str(p, 'model'));
  holders.forEach((m, i) => ctx.out(m === drafts[i] ? `added ${m.id}  ${m.title}` : `already in the pool: ${m.id}  ${m.title}`));
  // The abstraction guard, as the app shows it on each card: an agent writing its own memories learns to write ones
  // that transfer (concrete paths and commands mislead agents on other tasks).
  for (const m of fresh) {
    const warning = shouldWarn(m);
    if (warning) ctx.note(`warning: "${m.title}": ${warning}`);
  }
  ctx.note(`${poolPath}: ${fresh.length} added, now ${all.length} memories`);
  return EXIT.ok;
}

function fromFlags(p: ReturnType<typeof parse>): Record<string, unknown> {
  if (!str(p, 'title') || !str(p, 'content')) throw new UsageError('add: give --title and --content (or --json with the memories on stdin)');
  const input: Record<string, unknown> = {};
  for (const f of FIELDS) if (f !== 'tag' && str(p, f) !== undefined) input[f] = str(p, f);
  if (list(p, 'tag').length) input.tags = list(p, 'tag');
  return input;
}

async function fromStdin(p: ReturnType<typeof parse>, ctx: CliContext): Promise<unknown[]> {
  const given = FIELDS.filter((f) => p.values[f] !== undefined);
  if (given.length) throw new UsageError(`add: --json reads the memories from stdin; leave out --${given.join(', --')}`);
  const text = (await ctx.readStdin()).trim();
  if (!text) throw new InputError('stdin: empty (give one memory object or an array of them)');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`stdin: not valid JSON (${(error as Error).message})`);
  }
  const inputs = Array.isArray(data) ? data : [data];
  if (!inputs.length) throw new InputError('stdin: the array holds no memory');
  return inputs;
}
