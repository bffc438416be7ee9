// `git-setup`: tells git to merge and diff the team's pool files with Insight Pool: a `.gitattributes` line (committed,
// so every clone knows which files are pool files) and the `merge.insight-pool.driver` / `diff.insight-pool.textconv`
// settings (local to each clone: git never takes commands from a repository, so each teammate runs this once).
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parse, str } from '../args';
import type { CliContext } from '../context';
import { InputError, UsageError } from '../errors';
import { writeAtomic } from '../pool-store';

export const GIT_SETUP_USAGE = `insight-pool git-setup <pool file or pattern>... [--print] [--command "<how to run insight-pool>"]`;

/** The shell words that run this CLI, for git to call: the same node and script as now, unless told otherwise. */
export function selfCommand(): string {
  const quote = (s: string) => (/^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return process.argv[1] ? `${quote(process.execPath)} ${quote(process.argv[1])}` : 'insight-pool';
}

export function gitConfigLines(command: string): [string, string][] {
  return [
    ['merge.insight-pool.name', 'Insight Pool memories (merged by memory id)'],
    ['merge.insight-pool.driver', `${command} merge-driver %O %A %B %P`],
    ['diff.insight-pool.textconv', `${command} textconv`],
  ];
}

export async function gitSetupCommand(argv: string[], ctx: CliContext): Promise<number> {
  const p = parse('git-setup', argv, { print: { type: 'boolean' }, command: { type: 'string' } });
  if (!p.positionals.length) throw new UsageError('git-setup: name the pool file(s) kept in the repository, e.g. git-setup team-pool.jsonl (patterns like *.pool.jsonl work too)');
  const command = str(p, 'command') ?? selfCommand();
  const config = gitConfigLines(command);
  const root = p.values.print ? undefined : gitRoot();
  // A plain path names that file from the repository root; a pattern is used as written (gitattributes syntax).
  const patterns = p.positionals.map((f) => (/[*?[]/.test(f) || !root ? f : relative(root, resolve(f)).split('\\').join('/')));
  const attributes = patterns.map((f) => `${f.replace(/ /g, '[[:space:]]')} merge=insight-pool diff=insight-pool`);
  if (!root) {
    ctx.out(['# .gitattributes (commit it):', ...attributes, '', '# each clone, once:', ...config.map(([k, v]) => `git config ${k} ${shellQuote(v)}`)].join('\n'));
    return 0;
  }
  const file = resolve(root, '.gitattributes');
  const existing = await readFile(file, 'utf8').catch(() => '');
  const present = new Set(existing.split('\n').map((l) => l.trim()));
  const missing = attributes.filter((a) => !present.has(a));
  if (missing.length) await writeAtomic(file, existing + (existing && !existing.endsWith('\n') ? '\n' : '') + missing.map((a) => a + '\n').join(''));
  for (const [key, value] of config) {
    const r = spawnSync('git', ['config', key, value], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git config ${key} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  ctx.out(
    [
      missing.length ? `added to ${file}:` : `${file} already has:`,
      ...attributes.map((a) => `  ${a}`),
      'set in this clone (.git/config):',
      ...config.map(([k, v]) => `  git config ${k} ${shellQuote(v)}`),
      `commit .gitattributes; each teammate runs insight-pool git-setup once in their clone.`,
    ].join('\n'),
  );
  return 0;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function gitRoot(): string {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (r.error) throw new InputError('git is not installed (or not on PATH); use --print to see the settings');
  if (r.status !== 0) throw new InputError(`${process.cwd()} is not inside a git repository; run it in your repository, or use --print to see the settings`);
  return r.stdout.trim();
}
