// `diff` and `textconv`: pool-file changes a reviewer can read — memories by title, never base64 — with the
// abstraction guard's warning beside each new memory too specific to share (core/pool-file/diff.ts).
import { readFile } from 'node:fs/promises';
import { diffPools, formatPoolDiff, renderPoolText } from '../../core/pool-file';
import { parse } from '../args';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { loadRawPool } from '../raw-files';

export const DIFF_USAGE = `insight-pool diff <before.jsonl> <after.jsonl>   (memories added, removed, changed; guard warnings on new ones)`;
export const TEXTCONV_USAGE = `insight-pool textconv <file.jsonl>   (a pool file as readable text, for git diff: diff.insight-pool.textconv)`;

export async function diffCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('diff', argv, {});
  if (p.positionals.length !== 2) throw new UsageError(`diff: expected two pool files (before after), got ${p.positionals.length}`);
  const [a, b] = await Promise.all(p.positionals.map((f) => loadRawPool(f)));
  ctx.out(formatPoolDiff(diffPools(a, b)));
  return 0;
}

export async function textconvCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('textconv', argv, {});
  if (p.positionals.length !== 1) throw new UsageError(`textconv: expected one file, got ${p.positionals.length}`);
  const [path] = p.positionals;
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined || text === '') return 0; // git passes /dev/null or an empty file for an added or deleted file
  try {
    ctx.out(renderPoolText(await loadRawPool(path)));
  } catch (error) {
    // git diff must still show something for a file that is not (or no longer) a valid pool file: the raw text.
    ctx.out(`(not a readable pool file: ${error instanceof Error ? error.message : String(error)})\n${text}`);
  }
  return 0;
}
