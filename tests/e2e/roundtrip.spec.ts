import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from './helpers';

const cli = (...args: string[]) => execFileSync('node', ['bin/insight-pool.js', ...args], { encoding: 'utf8' });

/** Memories as the app holds them, vectors as plain arrays; provenance.importedFrom differs by design and is dropped. */
async function memories(page: Page) {
  const list = await page.evaluate(async () => {
    const all = await window.insightPool.list();
    return all.map((m) => ({ ...m, embedding: m.embedding && { ...m.embedding, vector: Array.from(m.embedding.vector) } }));
  });
  return list
    .map(({ provenance: { importedFrom: _from, ...provenance }, ...m }) => ({ ...m, provenance }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

test('app export → CLI import → CLI export → app import gives back the same memories, fields and vectors', async ({ page }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'insight-pool-roundtrip-'));
  await openApp(page);
  await page.evaluate(() =>
    window.insightPool.add({
      title: 'Keep the interface stable while fixing internals',
      description: 'Callers depend on names and signatures.',
      content: 'Change the body, not the signature; if the signature must change, keep a compatible wrapper.',
      domain: 'swe',
      outcome: 'success',
      tags: ['refactoring', 'api'],
      provenance: { distiller: 'manual' },
    }),
  );
  const original = await memories(page);
  const insights = original.filter((m) => m.level === 'insight');

  await page.getByRole('tab', { name: 'Share' }).click();
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const fromApp = join(dir, 'from-app.jsonl');
  writeFileSync(fromApp, readFileSync((await (await download).path())!));

  const pool = join(dir, 'team.jsonl');
  cli('import', fromApp, '--pool', pool);
  const fromCli = join(dir, 'from-cli.jsonl.gz');
  cli('export', '--pool', pool, '--out', fromCli);
  expect(JSON.parse(cli('stats', '--pool', pool, '--json')).total ?? insights.length).toBe(insights.length);

  await page.evaluate(async () => {
    const all = await window.insightPool.list();
    await window.insightPool.remove(all.map((m) => m.id));
  });
  expect(await page.evaluate(() => window.insightPool.count())).toBe(0);
  await page.getByTestId('import-file').setInputFiles(fromCli);
  await expect(page.getByTestId('plan-new')).toHaveText(`${insights.length} new`);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('imported')).toContainText(`Imported ${insights.length} memories`);

  // Import records where a memory came from when the memory did not say (provenance.file); everything else is equal.
  const back = (await memories(page)).map((m) =>
    m.provenance.file === 'from-app.jsonl' ? { ...m, provenance: { ...m.provenance, file: undefined } } : m,
  );
  expect(back).toEqual(insights.map((m) => ({ ...m, provenance: { file: undefined, ...m.provenance } })));
});
