// `merge-driver`: git's custom merge driver for pool files (git-setup registers it). Git calls it with the common
// ancestor, our version and their version as temporary files; the result replaces ours, and a non-zero exit tells git
// the file still has conflicts. The merge itself is core/pool-file/three-way.ts.
import { mergedPoolLines, threeWayMerge, describeConflict } from '../../core/pool-file';
import { parse } from '../args';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { loadRawPool } from '../raw-files';
import { writeAtomic } from '../pool-store';

export const MERGE_DRIVER_USAGE = `insight-pool merge-driver <base %O> <ours %A> <theirs %B> [path %P]   (git calls this; the result is written to <ours>)`;

export async function mergeDriverCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('merge-driver', argv, {});
  if (p.positionals.length < 3 || p.positionals.length > 4) throw new UsageError(`merge-driver: expected base, ours and theirs (git's %O %A %B), and optionally the path (%P); got ${p.positionals.length} arguments`);
  const [basePath, oursPath, theirsPath, name = oursPath] = p.positionals;
  const [base, ours, theirs] = await Promise.all([
    loadRawPool(basePath, `${name} (base)`),
    loadRawPool(oursPath, `${name} (ours)`),
    loadRawPool(theirsPath, `${name} (theirs)`),
  ]);
  const result = threeWayMerge(base, ours, theirs);
  const lines = await mergedPoolLines(result);
  await writeAtomic(oursPath, lines.map((l) => l + '\n').join(''));
  const s = result.summary;
  for (const n of result.notes) ctx.note(`insight-pool merge ${name}: ${n}`);
  for (const c of result.conflicts) ctx.note(`insight-pool merge ${name}: CONFLICT ${describeConflict(c)}`);
  ctx.note(
    `insight-pool merge ${name}: ${s.fromOurs} added on ours, ${s.fromTheirs} added on theirs, ${s.deleted} deleted, ${s.merged} merged edits, ${s.usageMerged} usage counts added up, ${result.conflicts.length} conflicts`,
  );
  if (result.conflicts.length) {
    ctx.note(`insight-pool merge ${name}: keep one version between each <<<<<<< and >>>>>>> pair, delete the marker lines, then git add ${name}`);
    return EXIT.conflict;
  }
  return EXIT.ok;
}
