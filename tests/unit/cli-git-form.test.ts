// The CLI on a team's git-form pool file: export --for-git writes it, and add / import / remove on it keep it in the
// git form (sorted, no vectors, stable header), so a teammate can change the team file directly without churn.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPoolFile } from '../../src/core/pool-file';
import { cli, tempDir } from './cli-helpers';

const add = (pool: string, title: string) =>
  cli(['add', '--pool', pool, '--title', title, '--content', `${title}: check it against the running system first.`, '--domain', 'swe']);

describe('CLI and the git form', () => {
  it('export --for-git, then add, import and remove on the team file keep it in the git form', async () => {
    const dir = tempDir();
    const mine = join(dir, 'mine.jsonl');
    const team = join(dir, 'team-pool.jsonl');
    for (const t of ['Reproduce first', 'Read the failing test', 'Keep commits small']) expect((await add(mine, t)).code).toBe(0);
    const exported = await cli(['export', '--pool', mine, '--out', team, '--for-git']);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(/^exported 3 memories in the git form/);
    const header = readFileSync(team, 'utf8').split('\n')[0];
    expect(JSON.parse(header)).toMatchObject({ form: 'git', vectors: 'none' });

    expect((await add(team, 'Name the failing input')).code).toBe(0);
    const other = join(dir, 'other.jsonl');
    expect((await add(other, 'Log what you changed')).code).toBe(0);
    expect((await cli(['import', other, '--pool', team])).code).toBe(0);
    const text = readFileSync(team, 'utf8');
    const [h, ...lines] = text.trimEnd().split('\n');
    expect(h).toBe(header); // the header line never changed
    expect(text).not.toContain('"embedding"');
    expect(text).not.toContain('importedFrom');
    const ids = lines.map((l) => JSON.parse(l).id as string);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect((await readPoolFile(text)).entries.map((e) => e.memory.title).sort()).toEqual(
      ['Keep commits small', 'Log what you changed', 'Name the failing input', 'Read the failing test', 'Reproduce first'].sort(),
    );

    expect((await cli(['remove', '--pool', team, ids[0]])).code).toBe(0);
    const after = readFileSync(team, 'utf8').trimEnd().split('\n');
    expect(after[0]).toBe(header);
    expect(after.slice(1)).toEqual(lines.filter((l) => JSON.parse(l).id !== ids[0]));

    const q = await cli(['query', '--pool', team, 'check the failing test', '-k', '1', '--json']);
    expect(q.code).toBe(0);
    expect(JSON.parse(q.stdout).results).toHaveLength(1);
  });

  it('a teammate who imports the team file and exports it for git again writes it byte for byte: no churn', async () => {
    const dir = tempDir();
    const mine = join(dir, 'mine.jsonl');
    const team = join(dir, 'team-pool.jsonl');
    for (const t of ['Reproduce first', 'Read the failing test']) await add(mine, t);
    expect((await cli(['export', '--pool', mine, '--out', team, '--for-git'])).code).toBe(0);
    const theirs = join(dir, 'theirs.jsonl');
    expect((await cli(['import', team, '--pool', theirs])).code).toBe(0);
    // Their copy says where it came from (importedFrom) — that stays in their pool, not in the team file.
    expect(readFileSync(theirs, 'utf8')).toContain('"importedFrom":"team-pool.jsonl"');
    const again = join(dir, 'again.jsonl');
    expect((await cli(['export', '--pool', theirs, '--out', again, '--for-git'])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(team, 'utf8'));
  });

  it('refuses options the git form cannot honour', async () => {
    const dir = tempDir();
    const mine = join(dir, 'mine.jsonl');
    await add(mine, 'Reproduce first');
    expect(await cli(['export', '--pool', mine, '--out', join(dir, 't.jsonl'), '--for-git', '--author', 'dana'])).toMatchObject({ code: 1 });
    expect((await cli(['export', '--pool', mine, '--out', join(dir, 't.jsonl.gz'), '--for-git'])).stderr).toMatch(/name the file \.jsonl, not \.gz/);
  });

  it('merge-driver: a broken side is refused with the file and line named, and ours is left as it was', async () => {
    const dir = tempDir();
    const mine = join(dir, 'mine.jsonl');
    await add(mine, 'Reproduce first');
    const ours = join(dir, 'ours.jsonl');
    expect((await cli(['export', '--pool', mine, '--out', ours, '--for-git'])).code).toBe(0);
    const before = readFileSync(ours, 'utf8');
    const theirs = join(dir, 'theirs.jsonl');
    writeFileSync(theirs, before + '{"id":"x","title":\n');
    const r = await cli(['merge-driver', ours, ours, theirs, 'team-pool.jsonl']);
    expect(r).toMatchObject({ code: 2, stderr: 'insight-pool merge-driver: team-pool.jsonl (theirs): line 3: not valid JSON\n' });
    expect(readFileSync(ours, 'utf8')).toBe(before);
    expect((await cli(['merge-driver', ours, ours])).code).toBe(1);
    // textconv shows a broken file as it is, saying why, so git diff still works.
    const t = await cli(['textconv', theirs]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^\(not a readable pool file: .*line 3: not valid JSON\)\n\{"format":"insight-pool"/);
  });
});
