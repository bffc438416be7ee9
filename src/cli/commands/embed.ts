// `embed`: one text per stdin line → a JSON array of vectors, with the pool's model (or --model). For scripts that
// want the same vectors the app and the CLI use.
import { parse, str } from '../args';
import type { CliContext } from '../context';
import { InputError, UsageError } from '../errors';

export const EMBED_USAGE = `insight-pool embed [--model id] [--json]   (stdin: one text per line → stdout: JSON array of vectors)`;
export const MAX_EMBED_LINES = 10_000;

export async function embed(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('embed', argv, { model: { type: 'string' }, json: { type: 'boolean' } });
  if (p.positionals.length) throw new UsageError(`embed: unexpected argument "${p.positionals[0]}" (texts are read from stdin, one per line)`);
  const texts = (await ctx.readStdin()).split(/\r?\n/);
  while (texts.length && texts[texts.length - 1] === '') texts.pop();
  if (!texts.length) throw new InputError('stdin: no text to embed (give one text per line)');
  if (texts.length > MAX_EMBED_LINES) throw new InputError(`stdin: too many lines (${texts.length}, max ${MAX_EMBED_LINES})`);
  const empty = texts.findIndex((t) => !t.trim());
  if (empty !== -1) throw new InputError(`stdin line ${empty + 1}: empty text`);
  const embedder = await ctx.embedder(str(p, 'model'));
  const vectors = await embedder.embed(texts);
  ctx.out('[' + vectors.map((v) => JSON.stringify(Array.from(v))).join(',\n') + ']');
  return 0;
}
