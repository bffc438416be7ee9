import { test, expect } from '@playwright/test';
import { openApp } from './helpers';

test('a concrete memory shows its specificity and a warning; Scrub rewrites it with neutral words', async ({ page }) => {
  await openApp(page);
  const [m] = await page.evaluate(() =>
    window.insightPool.add({
      title: 'Fix django/db/models/query.py before running tests/runtests.py',
      content: 'Edit src/utils/parser.py, then run `pytest tests/test_parser.py::test_empty` on version 3.2.1 (see https://github.com/org/repo/issues/123).',
      domain: 'swe',
    }),
  );
  await page.getByRole('tab', { name: 'Memories' }).click();
  const item = page.locator(`[data-testid="memory"][data-id="${m.id}"]`);
  const before = Number((await item.getByTestId('specificity').textContent())!.match(/[\d.]+/)![0]);
  expect(before).toBeGreaterThan(6);
  await expect(item.getByTestId('specificity')).toHaveClass(/warn/);

  await item.getByRole('button', { name: /Scrub specifics/ }).click();
  await expect.poll(async () => (await page.evaluate((id) => window.insightPool.get(id), m.id))?.content).not.toContain('parser.py');
  const after = await page.evaluate((id) => window.insightPool.get(id), m.id);
  expect(`${after!.title} ${after!.content}`).not.toMatch(/\.py|https?:|3\.2\.1|django/);
  const scored = Number((await item.getByTestId('specificity').textContent())!.match(/[\d.]+/)![0]);
  expect(scored).toBeLessThan(before / 2);
});
