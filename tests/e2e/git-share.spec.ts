import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from './helpers';

const cli = (...args: string[]) => execFileSync('node', ['bin/insight-pool.js', ...args], { encoding: 'utf8' });

test('Share panel "for git" export → CLI import keeps every field of every memory, at every level', async ({ page }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'insight-pool-git-share-'));
  await openApp(page);
  await page.evaluate(() =>
    window.insightPool.add([{
      level: 'workflow',
      title: 'Reproduce, bisect, fix, re-run',
      content: '1. run the failing case\n2. bisect the change\n3. fix\n4. run the suite',
      domain: 'terminal',
      provenance: { distiller: 'rules', evidence: [1, 3] },
    }, {
      title: 'Keep the interface stable while fixing internals',
      description: 'Callers depend on names and signatures.',
      content: 'Change the body, not the signature;\nif the signature must change, keep a compatible wrapper.',
      domain: 'swe',
      sourceModel: 'claude-sonnet-4',
      outcome: 'failure',
      scope: 'task-specific',
      tags: ['refactoring', 'api'],
      createdAt: '2026-11-01T08:00:00.000Z',
      provenance: { file: 'run-7.md', trajectoryId: 'run-7', distiller: 'llm:qwen', promptVersion: 'v3', evidence: [2, 5] },
    }]),
  );
  const original = await page.evaluate(() => window.insightPool.list());
  expect(new Set(original.map((m) => m.level)).size).toBeGreaterThan(1);

  await page.getByRole('tab', { name: 'Share' }).click();
  for (const level of ['trajectory', 'workflow', 'summary', 'insight']) await page.getByTestId(`export-level-${level}`).check();
  await page.getByTestId('export-for-git').check();
  await expect(page.getByTestId('export-for-git-hint')).toContainText('git-setup');
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('team-pool.jsonl');
  const text = readFileSync((await file.path())!, 'utf8');
  await expect(page.getByTestId('exported')).toContainText(`Exported ${original.length} memories to team-pool.jsonl`);

  // The git form: sorted by id, no vectors, a header without counts, checksum or dates.
  const [headerLine, ...lines] = text.trimEnd().split('\n');
  expect(JSON.parse(headerLine)).toEqual({ format: 'insight-pool', version: 1, form: 'git', model: { id: 'insight-pool/use-lite', dims: 512, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) }, keyMode: 'full', vectors: 'none' });
  const ids = lines.map((l) => JSON.parse(l).id as string);
  expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
  expect(text).not.toContain('"embedding"');

  // A teammate imports it with the CLI (re-embedded with their model): every field arrives.
  const pool = join(dir, 'mine.jsonl');
  writeFileSync(join(dir, 'team-pool.jsonl'), text);
  const out = cli('import', join(dir, 'team-pool.jsonl'), '--pool', pool);
  expect(out).toMatch(new RegExp(`${original.length} added, 0 exact duplicates skipped, 0 near-duplicates, 0 id conflicts renamed, ${original.length} embedded`));
  const imported = JSON.parse(cli('list', '--pool', pool, '--levels', 'all', '--json')) as typeof original;
  const strip = ({ embedding: _e, provenance, ...m }: (typeof original)[number]) => ({ ...m, provenance });
  // Import stamps where the copy came from (provenance.importedFrom, and file when the memory had none) — by design.
  // `list --json` shows usage on every memory, zeros for one never used (the app leaves the field out then).
  const expected = original.map((m) => strip({ ...m, usage: m.usage ?? { retrieved: 0, helped: 0, hurt: 0 }, provenance: { ...m.provenance, file: m.provenance.file ?? 'team-pool.jsonl', importedFrom: 'team-pool.jsonl' } }));
  expect(imported.map(strip).sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
  expect(imported.every((m) => m.embedding?.model === 'insight-pool/use-lite' && m.embedding.dims === 512)).toBe(true);
});

test('a teammate who imports the git-form file in the app and exports it for git again writes the same bytes', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await page.evaluate(() => window.insightPool.add({ title: 'Name the failing input', content: 'Say which input fails, not only that something fails.', domain: 'swe', provenance: { distiller: 'manual' } }));
  const exportForGit = async (p: typeof page) => {
    await p.getByRole('tab', { name: 'Share' }).click();
    await p.getByTestId('export-for-git').check();
    const download = p.waitForEvent('download');
    await p.getByTestId('export').click();
    return readFileSync((await (await download).path())!, 'utf8');
  };
  const first = await exportForGit(page);

  const context = await browser.newContext();
  const teammate = await context.newPage();
  await openApp(teammate);
  await teammate.evaluate(async () => window.insightPool.remove((await window.insightPool.list()).map((m) => m.id)));
  await teammate.getByRole('tab', { name: 'Share' }).click();
  await teammate.getByTestId('import-file').setInputFiles({ name: 'team-pool.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(first) });
  await teammate.getByTestId('import-apply').click();
  await expect(teammate.getByTestId('imported')).toContainText(`Imported ${first.trimEnd().split('\n').length - 1} memories`);
  expect(await teammate.evaluate(async () => (await window.insightPool.list()).every((m) => m.provenance.importedFrom === 'team-pool.jsonl'))).toBe(true);
  expect(await exportForGit(teammate)).toBe(first);
  await context.close();
});
