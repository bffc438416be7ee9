// Hybrid retrieval as a user meets it: the demo query from the retrieval issue, the score parts on each card, and the
// CLI and window.insightPool giving the same top-3 for the same pool.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askFromKeyboard, openApp } from './helpers';

const QUERY = 'my python tests fail because a package is not installed in the environment';

test('the demo query finds "Install missing tools…" in the top-3, each card showing its fused score, cosine and lexical parts', async ({ page }) => {
  await openApp(page);
  const results = await askFromKeyboard(page, QUERY);
  await expect(results).toHaveCount(3);
  await expect(results.filter({ hasText: 'Install missing tools instead of working around them' })).toHaveCount(1);
  const parts = await page.getByTestId('score-parts').allTextContents();
  expect(parts).toHaveLength(3);
  for (const p of parts) expect(p).toMatch(/^cosine -?\d\.\d{3} · lexical \d+\.\d$/);
  const scores = (await page.getByTestId('score').allTextContents()).map(Number);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
});

test('the CLI and window.insightPool.retrieve return the same top-3 for the same pool', async ({ page }) => {
  await openApp(page);
  const memories = await page.evaluate(() => window.insightPool.list());
  const dir = mkdtempSync(join(tmpdir(), 'ip-retrieval-'));
  const input = join(dir, 'pool.json');
  writeFileSync(input, JSON.stringify(memories.map(({ embedding: _e, createdAt: _c, ...m }) => m)));
  const pool = join(dir, 'pool.jsonl');
  execFileSync('bash', ['-c', `node bin/insight-pool.js add --pool ${pool} --json < ${input}`], { encoding: 'utf8' });
  const cases: [string, string[]][] = [
    [QUERY, []],
    ['The solution times out on large inputs', ['competitive-programming']],
  ];
  for (const [query, exclude] of cases) {
    const app = await page.evaluate(([q, e]) => window.insightPool.retrieve(q, e.length ? { excludeDomains: e } : {}), [query, exclude] as const);
    const args = ['bin/insight-pool.js', 'query', '--pool', pool, query, '--json', ...exclude.flatMap((d) => ['--exclude-domain', d])];
    const cli = JSON.parse(execFileSync('node', args, { encoding: 'utf8' })) as { results: { id: string; cosine: number; score: number }[] };
    expect(cli.results.map((r) => r.id)).toEqual(app.map((r) => r.memory.id));
    cli.results.forEach((r, i) => {
      expect(r.cosine).toBeCloseTo(app[i].cosine, 4);
      expect(r.score).toBeCloseTo(app[i].score, 4);
    });
  }
});
