// Team pools in git, end to end: a real repository made here, the CLI bundle as git's merge driver and textconv
// (registered by `insight-pool git-setup`), and the git form written by the same core function the app's Share panel
// uses (encodePoolFile with form: 'git').
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { createMemory, type Memory } from '../../src/core/memory';
import { encodePoolFile, readPoolFile, toRecord } from '../../src/core/pool-file';
import { wordEmbedder } from './helpers/word-embedder';

const root = resolve(import.meta.dirname, '../..');
const outDir = join(root, 'node_modules/.cache/insight-pool-git-test');
const bundle = join(outDir, 'cli.mjs');
const hasGit = spawnSync('git', ['--version']).status === 0;
const dirs: string[] = [];

beforeAll(async () => {
  await build({ configFile: join(root, 'vite.cli.config.ts'), root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}, 120_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function sh(cwd: string, cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, GIT_AUTHOR_DATE: '2026-12-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T10:00:00Z' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const git = (cwd: string, ...args: string[]) => sh(cwd, 'git', args);
const cli = (cwd: string, ...args: string[]) => sh(cwd, process.execPath, [bundle, ...args]);

function mem(id: string, title: string, content = `${title}: check the assumption against the running system before changing anything.`, extra: Partial<Memory> = {}): Memory {
  return { ...createMemory({ id, title, content, domain: 'swe', tags: ['team'], createdAt: '2026-11-30T12:00:00.000Z', provenance: { distiller: 'manual' } }), ...extra };
}

const MODEL = { id: 'insight-pool/use-lite', dims: 32, fingerprint: 'f'.repeat(64) };

async function gitForm(memories: Memory[]): Promise<string> {
  const { lines } = await encodePoolFile(memories, { model: MODEL, keyMode: 'full', appVersion: '0.1.0', levels: 'all', form: 'git' });
  return lines.map((l) => l + '\n').join('');
}

/** A repository with git-setup done and `team.jsonl` committed on main. */
async function repoWith(memories: Memory[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'insight-pool-git-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Dana');
  git(dir, 'config', 'user.email', 'dana@example.org');
  const setup = cli(dir, 'git-setup', 'team.jsonl');
  expect(setup.stderr).toBe('');
  expect(setup.code).toBe(0);
  writeFileSync(join(dir, 'team.jsonl'), await gitForm(memories));
  git(dir, 'add', '.');
  expect(git(dir, 'commit', '-q', '-m', 'team pool').code).toBe(0);
  return dir;
}

async function commitOn(dir: string, branch: string, memories: Memory[], from = 'main') {
  git(dir, 'checkout', '-q', '-B', branch, from);
  writeFileSync(join(dir, 'team.jsonl'), await gitForm(memories));
  expect(git(dir, 'commit', '-q', '-am', `${branch} change`).code).toBe(0);
}

const ids = async (dir: string) => (await readPoolFile(readFileSync(join(dir, 'team.jsonl')))).entries.map((e) => e.memory.id);

describe.skipIf(!hasGit)('a team pool kept in git', () => {
  const a = mem('a1', 'Reproduce the problem before changing code');
  const b = mem('b2', 'Read the failing test before the code');
  const c = mem('c3', 'Run the whole suite after a fix');

  it('git-setup writes the .gitattributes entry and the merge and textconv settings', async () => {
    const dir = await repoWith([a]);
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe('team.jsonl merge=insight-pool diff=insight-pool\n');
    expect(git(dir, 'config', 'merge.insight-pool.driver').stdout).toMatch(/cli\.mjs merge-driver %O %A %B %P\n$/);
    expect(git(dir, 'config', 'diff.insight-pool.textconv').stdout).toMatch(/cli\.mjs textconv\n$/);
    expect(git(dir, 'check-attr', 'merge', 'team.jsonl').stdout).toBe('team.jsonl: merge: insight-pool\n');
    // Run again: nothing is added twice.
    expect(cli(dir, 'git-setup', 'team.jsonl').code).toBe(0);
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe('team.jsonl merge=insight-pool diff=insight-pool\n');
  });

  it('two branches that each add memories merge without a conflict, and the result holds both', async () => {
    const dir = await repoWith([a, c]);
    // Each side adds a memory right after the same line: git's own line merge would conflict here.
    await commitOn(dir, 'alice', [a, mem('b1', 'Alice: prefer small commits'), c]);
    await commitOn(dir, 'bob', [a, mem('b2', 'Bob: name the failing input'), c]);
    git(dir, 'checkout', '-q', 'alice');
    const merge = git(dir, 'merge', '--no-edit', 'bob');
    expect(merge.code).toBe(0);
    expect(git(dir, 'status', '--porcelain').stdout).toBe('');
    expect(await ids(dir)).toEqual(['a1', 'b1', 'b2', 'c3']);
    // The merged file is exactly what a fresh export of the four memories writes: sorted, stable, no churn.
    expect(readFileSync(join(dir, 'team.jsonl'), 'utf8')).toBe(await gitForm([a, mem('b1', 'Alice: prefer small commits'), mem('b2', 'Bob: name the failing input'), c]));
  });

  it('plain git (no driver) also merges additions that are not adjacent: the header never changes', async () => {
    const dir = await repoWith([a, c]);
    writeFileSync(join(dir, '.gitattributes'), '');
    git(dir, 'commit', '-q', '-am', 'no driver');
    await commitOn(dir, 'alice', [mem('0', 'Alice: first'), a, c]);
    await commitOn(dir, 'bob', [a, c, mem('z', 'Bob: last')]);
    git(dir, 'checkout', '-q', 'alice');
    expect(git(dir, 'merge', '--no-edit', 'bob').code).toBe(0);
    expect(await ids(dir)).toEqual(['0', 'a1', 'c3', 'z']);
  });

  it('a deletion on one side survives an addition on the other', async () => {
    const dir = await repoWith([a, b, c]);
    await commitOn(dir, 'alice', [a, c]);
    await commitOn(dir, 'bob', [a, b, c, mem('d4', 'Bob: log the inputs that failed')]);
    git(dir, 'checkout', '-q', 'alice');
    expect(git(dir, 'merge', '--no-edit', 'bob').code).toBe(0);
    expect(await ids(dir)).toEqual(['a1', 'c3', 'd4']);
  });

  it('the same memory edited differently on both sides is a conflict, with both versions between markers', async () => {
    const dir = await repoWith([a, b]);
    await commitOn(dir, 'alice', [mem('a1', a.title, 'Reproduce first, with the smallest input that fails.'), b]);
    await commitOn(dir, 'bob', [mem('a1', a.title, 'Reproduce first, and keep the reproduction as a test.'), b, c]);
    git(dir, 'checkout', '-q', 'alice');
    const merge = git(dir, 'merge', '--no-edit', 'bob');
    expect(merge.code).not.toBe(0);
    expect(merge.stdout + merge.stderr).toMatch(/CONFLICT "Reproduce the problem before changing code" \(id a1\): both sides changed content/);
    expect(git(dir, 'status', '--porcelain').stdout).toMatch(/^UU team\.jsonl$/m);
    const text = readFileSync(join(dir, 'team.jsonl'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toBe('<<<<<<< ours: "Reproduce the problem before changing code" (id a1): both sides changed content');
    expect(JSON.parse(lines[2]).content).toBe('Reproduce first, with the smallest input that fails.');
    expect(lines[3]).toBe('=======');
    expect(JSON.parse(lines[4]).content).toBe('Reproduce first, and keep the reproduction as a test.');
    expect(lines[5]).toBe('>>>>>>> theirs');
    // The non-conflicting addition from theirs is merged all the same.
    expect(lines.slice(6).map((l) => JSON.parse(l).id)).toEqual(['b2', 'c3']);
    // Nobody imports a half-merged pool by accident: the reader names the leftover marker.
    await expect(readPoolFile(text)).rejects.toMatchObject({ code: 'conflict', line: 2, message: expect.stringMatching(/^line 2: unresolved merge conflict/) });
    // Resolving (keep ours) leaves a file that reads.
    writeFileSync(join(dir, 'team.jsonl'), [lines[0], lines[2], ...lines.slice(6)].join('\n') + '\n');
    expect(await ids(dir)).toEqual(['a1', 'b2', 'c3']);
  });

  it('git diff through the textconv shows titles and the guard warning, not base64', async () => {
    const dir = await repoWith([a]);
    // A vector-carrying file too: its diff must not be base64 either.
    const e = wordEmbedder(32, MODEL.id);
    const withVectors = async (ms: Memory[]) => {
      const vs = await e.embed(ms.map((m) => m.title));
      const out = ms.map((m, i) => ({ ...m, embedding: { model: MODEL.id, dims: 32, key: m.title, vector: vs[i] } }));
      return (await encodePoolFile(out, { model: MODEL, keyMode: 'title', appVersion: '0.1.0', levels: 'all' })).lines.join('\n') + '\n';
    };
    writeFileSync(join(dir, '.gitattributes'), 'team.jsonl merge=insight-pool diff=insight-pool\nvectors.jsonl diff=insight-pool\n');
    writeFileSync(join(dir, 'vectors.jsonl'), await withVectors([a]));
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'vectors');
    const leaky = mem('l9', 'Fix for django__django-11099', 'Edit `django/contrib/auth/validators.py`, change `UsernameValidator.regex` to use \\A and \\Z; run `tests/auth_tests/test_validators.py`.');
    writeFileSync(join(dir, 'team.jsonl'), await gitForm([a, leaky]));
    writeFileSync(join(dir, 'vectors.jsonl'), await withVectors([a, b]));
    const diff = git(dir, 'diff');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('+## Fix for django__django-11099');
    expect(diff.stdout).toMatch(/\+⚠ too specific to share: Specificity [\d.]+ is above 6/);
    expect(diff.stdout).toContain('+## Read the failing test before the code');
    expect(diff.stdout).not.toMatch(/"vector"|"embedding"|[A-Za-z0-9+/]{60}/);
    // Without the textconv, the same change is a wall of JSON and base64.
    expect(git(dir, 'diff', '--no-textconv', 'vectors.jsonl').stdout).toMatch(/[A-Za-z0-9+/]{60}/);
  });

  it('insight-pool diff lists added, removed and changed memories by title, warning on a leaky new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'insight-pool-diff-'));
    dirs.push(dir);
    const leaky = mem('l9', 'Patch validators.py in django', 'Edit `django/contrib/auth/validators.py` line 17 and run `pytest tests/auth_tests/test_validators.py::test_unicode`.');
    writeFileSync(join(dir, 'before.jsonl'), await gitForm([a, b]));
    writeFileSync(join(dir, 'after.jsonl'), await gitForm([mem('a1', 'Reproduce before you change code', a.content), c, leaky]));
    const r = cli(dir, 'diff', 'before.jsonl', 'after.jsonl');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2 added, 1 removed, 1 changed');
    expect(lines).toContain('+ added   "Run the whole suite after a fix" [insight · swe] id c3');
    expect(lines).toContain('+ added   "Patch validators.py in django" [insight · swe] id l9');
    expect(lines[lines.indexOf('+ added   "Patch validators.py in django" [insight · swe] id l9') + 1]).toMatch(/^ {4}⚠ too specific to share: Specificity/);
    expect(lines[lines.indexOf('+ added   "Run the whole suite after a fix" [insight · swe] id c3') + 1]).not.toMatch(/⚠/);
    expect(lines).toContain('- removed "Read the failing test before the code" [insight · swe] id b2');
    expect(lines).toContain('~ changed "Reproduce before you change code" [insight · swe] id a1 (was "Reproduce the problem before changing code"): title');
    expect(lines.at(-1)).toBe('1 memory is too specific to share: scrub or rewrite it before merging.');
    expect(cli(dir, 'diff', 'before.jsonl', 'missing.jsonl')).toMatchObject({ code: 2, stderr: 'insight-pool diff: missing.jsonl: no such file\n' });
  });

  it('usage counts merge by adding both sides\' increments; category and unknown fields pass through', async () => {
    const dir = await repoWith([]);
    const line = (usage: object, extra: object = {}) => ({ ...toRecord(a, { model: MODEL, vectors: 'none' }), category: 'test-driven-verification', usage, ...extra });
    const write = (records: object[]) => {
      const { lines } = { lines: [JSON.stringify({ format: 'insight-pool', version: 1, form: 'git', model: MODEL, keyMode: 'full', vectors: 'none' }), ...records.map((r) => JSON.stringify(r))] };
      writeFileSync(join(dir, 'team.jsonl'), lines.join('\n') + '\n');
    };
    write([line({ retrieved: 2, helped: 1, hurt: 0, lastUsedAt: '2026-11-01T00:00:00.000Z' })]);
    git(dir, 'commit', '-q', '-am', 'base');
    git(dir, 'checkout', '-q', '-b', 'alice');
    write([line({ retrieved: 5, helped: 1, hurt: 1, lastUsedAt: '2026-11-20T00:00:00.000Z' })]);
    git(dir, 'commit', '-q', '-am', 'alice used it');
    git(dir, 'checkout', '-q', '-b', 'bob', 'main');
    write([line({ retrieved: 3, helped: 2, hurt: 0, lastUsedAt: '2026-11-10T00:00:00.000Z' }, { futureField: { x: 1 } })]);
    git(dir, 'commit', '-q', '-am', 'bob used it');
    git(dir, 'checkout', '-q', 'alice');
    expect(git(dir, 'merge', '--no-edit', 'bob').code).toBe(0);
    const [, record] = readFileSync(join(dir, 'team.jsonl'), 'utf8').trimEnd().split('\n');
    const merged = JSON.parse(record);
    expect(merged.usage).toEqual({ retrieved: 6, helped: 2, hurt: 1, lastUsedAt: '2026-11-20T00:00:00.000Z' });
    expect(merged.category).toBe('test-driven-verification');
    expect(merged.futureField).toEqual({ x: 1 });
    expect(Object.keys(merged)).toEqual(['id', 'level', 'title', 'description', 'content', 'domain', 'sourceModel', 'outcome', 'scope', 'category', 'tags', 'createdAt', 'provenance', 'usage', 'futureField']);
  });
});
