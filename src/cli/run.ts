// The CLI as a function: argv in, exit code out, all I/O through `io`. main.ts wires it to the process; tests call it
// in-process with a test embedder.
import { MemoryValidationError } from '../core/memory';
import { UnknownModelError } from '../core/models';
import { PoolFileError } from '../core/pool-file';
import { TrajectoryParseError } from '../core/trajectory';
import { CliContext, type CliIo } from './context';
import { EXIT, InputError, UsageError } from './errors';
import { ADD_USAGE, addCommand } from './commands/add';
import { EMBED_USAGE, embed } from './commands/embed';
import { EVAL_USAGE, evalCommand } from './commands/eval';
import { EXPORT_USAGE, exportCommand } from './commands/export';
import { GIT_SETUP_USAGE, gitSetupCommand } from './commands/git-setup';
import { MERGE_DRIVER_USAGE, mergeDriverCommand } from './commands/merge-driver';
import { DIFF_USAGE, TEXTCONV_USAGE, diffCommand, textconvCommand } from './commands/pool-diff';
import { IMPORT_USAGE, MERGE_USAGE, importCommand, mergeCommand } from './commands/import';
import { INGEST_USAGE, ingest } from './commands/ingest';
import { LIST_USAGE, listCommand } from './commands/list';
import { MCP_USAGE, mcpCommand } from './commands/mcp';
import { QUERY_USAGE, query } from './commands/query';
import { REMOVE_USAGE, removeCommand } from './commands/remove';
import { STATS_USAGE, stats } from './commands/stats';

export type { CliIo, CliEmbedder } from './context';

const COMMANDS: Record<string, { run: (argv: string[], ctx: CliContext) => Promise<number>; usage: string; summary: string }> = {
  ingest: { run: ingest, usage: INGEST_USAGE, summary: 'distill trajectory files into memories and add them to a pool' },
  add: { run: addCommand, usage: ADD_USAGE, summary: 'add memories written by hand or by an agent (flags or JSON on stdin)' },
  query: { run: query, usage: QUERY_USAGE, summary: 'top-k memories for a task (cosine + BM25, fused) and the prompt block' },
  import: { run: importCommand, usage: IMPORT_USAGE, summary: 'import a pool file or a foreign memory file into a pool' },
  merge: { run: mergeCommand, usage: MERGE_USAGE, summary: 'merge memory file b into pool file a, writing c' },
  export: { run: exportCommand, usage: EXPORT_USAGE, summary: 'write a shareable pool file (insights only by default)' },
  list: { run: listCommand, usage: LIST_USAGE, summary: 'the memories of a pool with their ids, newest first' },
  remove: { run: removeCommand, usage: REMOVE_USAGE, summary: 'delete memories from a pool by id' },
  stats: { run: stats, usage: STATS_USAGE, summary: 'counts by level, domain, model; specificity distribution' },
  embed: { run: embed, usage: EMBED_USAGE, summary: 'embed stdin lines with the pool model, print JSON vectors' },
  eval: { run: evalCommand, usage: EVAL_USAGE, summary: 'retrieval quality on a labelled set, one row per configuration' },
  diff: { run: diffCommand, usage: DIFF_USAGE, summary: 'memories added, removed and changed between two pool files, by title' },
  'git-setup': { run: gitSetupCommand, usage: GIT_SETUP_USAGE, summary: 'let git merge (by memory id) and diff (by title) the pool files of a repository' },
  'merge-driver': { run: mergeDriverCommand, usage: MERGE_DRIVER_USAGE, summary: 'three-way merge of a pool file, for git (set up by git-setup)' },
  textconv: { run: textconvCommand, usage: TEXTCONV_USAGE, summary: 'a pool file as readable text, for git diff (set up by git-setup)' },
  mcp: { run: mcpCommand, usage: MCP_USAGE, summary: 'serve the pool to agents over MCP (stdio): retrieve, add, feedback, list' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'insight-pool — offline memory pool for coding agents (same core as the app)',
    '',
    'usage: insight-pool <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '',
    'Pool files: .jsonl or .jsonl.gz (docs/pool-format.md). Foreign files for import/merge: ReasoningBank markdown,',
    'Dynamic Cheatsheet <memory_item> blocks, CLAUDE.md / AGENTS.md, .cursor/rules/*.mdc.',
    'Exit codes: 0 ok, 1 usage error, 2 bad input (the message names file/line/field), 3 other failure, 4 merge conflicts left.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    ctx.out(ctx.appVersion);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.note(`insight-pool: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.out(`usage: ${command.usage}`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.note(`insight-pool ${error.message}\nusage: ${command.usage}`);
      return EXIT.usage;
    }
    if (error instanceof InputError || error instanceof PoolFileError || error instanceof TrajectoryParseError || error instanceof MemoryValidationError || error instanceof UnknownModelError) {
      ctx.note(`insight-pool ${name}: ${error.message}`);
      return EXIT.badInput;
    }
    ctx.note(`insight-pool ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}
