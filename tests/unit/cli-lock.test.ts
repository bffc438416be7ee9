// Two CLI runs writing one pool file at once (an agent harness ingesting after every task, a teammate importing while a
// script ingests): each reads the pool, adds its memories and writes the file back, so without a lock the later write
// silently drops the earlier one's memories.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePoolFile, readPoolFile } from '../../src/core/pool-file';
import { withPoolLock } from '../../src/cli/pool-store';
import { wordEmbedder } from './helpers/word-embedder';
import { cli, tempDir } from './cli-helpers';
import { embedded, exportOptions, SAMPLE } from './pool-file-helpers';

const model = wordEmbedder(32, 'insight-pool/use-lite');

async function poolFile(path: string, titles: string[]): Promise<string> {
  const memories = await embedded(titles.map((title) => ({ title, content: `${title}: how and why.` })), model);
  writeFileSync(path, (await encodePoolFile(memories, exportOptions(model))).lines.join('\n') + '\n');
  return path;
}

const titlesIn = async (path: string) => (await readPoolFile(readFileSync(path))).entries.map((e) => e.memory.title).sort();

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('one pool file, several writers', () => {
  it('concurrent imports into one pool keep every memory', async () => {
    const dir = tempDir();
    const pool = await poolFile(join(dir, 'pool.jsonl'), SAMPLE.map((s) => s.title));
    const files = await Promise.all([0, 1, 2].map((k) => poolFile(join(dir, `in-${k}.jsonl`), [`Insight ${k} alpha`, `Insight ${k} beta`])));
    const results = await Promise.all(files.map((f) => cli(['import', f, '--pool', pool])));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(await titlesIn(pool)).toEqual([...SAMPLE.map((s) => s.title), ...[0, 1, 2].flatMap((k) => [`Insight ${k} alpha`, `Insight ${k} beta`])].sort());
    expect(existsSync(`${pool}.lock`)).toBe(false);
  });

  it('concurrent ingests into one pool keep every run\'s memories', async () => {
    const dir = tempDir();
    const pool = join(dir, 'pool.jsonl');
    const runs = ['a', 'b', 'c'].map((k) => {
      const path = join(dir, `run-${k}.md`);
      writeFileSync(path, `Task: Fix crash ${k} when the cache folder ${k} is missing.\n\n$ python repro_${k}.py\nFileNotFoundError: cache_${k}\n\n$ mkdir -p cache_${k}\n\n$ python repro_${k}.py\nok\n\n$ pytest tests/test_${k}.py\n3 passed\n\nOutcome: success\n`);
      return path;
    });
    const alone = await Promise.all(runs.map(async (run, k) => {
      const own = join(dir, `alone-${k}.jsonl`);
      expect((await cli(['ingest', run, '--pool', own, '--levels', 'all'])).code).toBe(0);
      return titlesIn(own);
    }));
    const results = await Promise.all(runs.map((run) => cli(['ingest', run, '--pool', pool, '--levels', 'all'])));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(await titlesIn(pool)).toEqual(alone.flat().sort());
  });

  it('a lock left by a process that died is taken over', async () => {
    const dir = tempDir();
    const pool = await poolFile(join(dir, 'pool.jsonl'), ['Existing']);
    writeFileSync(`${pool}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-11-26T00:00:00.000Z' }));
    const r = await cli(['import', await poolFile(join(dir, 'in.jsonl'), ['New one']), '--pool', pool]);
    expect(r.code).toBe(0);
    expect(await titlesIn(pool)).toEqual(['Existing', 'New one']);
    expect(existsSync(`${pool}.lock`)).toBe(false);
  });

  it('a lock nobody keeps fresh (its holder on another machine stopped) is stale and taken over; a fresh one is waited for', async () => {
    const dir = tempDir();
    const pool = await poolFile(join(dir, 'pool.jsonl'), ['Existing']);
    const lock = `${pool}.lock`;
    mkdirSync(lock);
    writeFileSync(join(lock, 'holder.json'), JSON.stringify({ pid: 1, host: 'build-server', since: '2026-11-26T00:00:00.000Z' }));
    await expect(withPoolLock(pool, async () => 'in', { waitMs: 200 })).rejects.toThrow(/another insight-pool process \(pid 1 on build-server/);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, minuteAgo, minuteAgo);
    const r = await cli(['import', await poolFile(join(dir, 'in.jsonl'), ['New one']), '--pool', pool]);
    expect(r.code).toBe(0);
    expect(await titlesIn(pool)).toEqual(['Existing', 'New one']);
    expect(existsSync(lock)).toBe(false);
  });

  it('a live holder makes the next writer wait, then give up with an error naming the lock and its holder; nothing is written', async () => {
    const dir = tempDir();
    const pool = await poolFile(join(dir, 'pool.jsonl'), ['Existing']);
    const before = readFileSync(pool);
    let entered = false;
    let release!: () => void;
    let inside!: () => void;
    const holding = new Promise<void>((resolve) => (inside = resolve));
    const holder = withPoolLock(pool, () => new Promise<void>((resolve) => {
      release = resolve;
      inside();
    }));
    // Taking the lock is asynchronous: the second writer starts once the first one holds it.
    await holding;
    await expect(withPoolLock(pool, async () => (entered = true), { waitMs: 300 })).rejects.toThrow(
      new RegExp(`${pool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is being written by another insight-pool process \\(pid ${process.pid} on ${hostname()}`),
    );
    expect(entered).toBe(false);
    release();
    await holder;
    expect(readFileSync(pool)).toEqual(before);
    // Released: the next one gets in at once.
    await withPoolLock(pool, async () => (entered = true), { waitMs: 0 });
    expect(entered).toBe(true);
  });

  it('a pool in a folder that does not exist is bad input, named', async () => {
    const dir = tempDir();
    const r = await cli(['import', await poolFile(join(dir, 'in.jsonl'), ['New one']), '--pool', join(dir, 'nope', 'pool.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nope', 'pool.jsonl')}: its folder ${join(dir, 'nope')} does not exist`);
  });

  it('releases the lock when the command fails', async () => {
    const dir = tempDir();
    const pool = await poolFile(join(dir, 'pool.jsonl'), ['Existing']);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"not a pool file": true}\n');
    expect((await cli(['import', bad, '--pool', pool])).code).toBe(2);
    expect(existsSync(`${pool}.lock`)).toBe(false);
    await expect(withPoolLock(pool, async () => 'in', { waitMs: 0 })).resolves.toBe('in');
  });
});
