import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './helpers';

const FIXTURE = join(process.cwd(), '..', 'shared', 'fixtures', 'trajectories', 'swe-agent', 'pallets__flask-5063.traj');

/** Drops a file on the page body, as a user dragging it from the file manager onto any part of the app. */
async function drop(page: Page, name: string, text: string) {
  await page.evaluate(
    ([name, text]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    [name, text],
  );
}

test('a pool file dropped anywhere opens its import plan once; a trajectory dropped anywhere opens Ingest', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Share' }).click();
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const exported = readFileSync((await (await download).path())!, 'utf8');
  const [gone] = await page.evaluate(() => window.insightPool.list({ levels: ['insight'] }));
  await page.evaluate((id) => window.insightPool.remove(id), gone.id);
  const count = await page.evaluate(() => window.insightPool.count());

  await page.getByRole('tab', { name: 'Retrieve' }).click();
  await drop(page, 'teammate.jsonl', exported);
  await expect(page.getByRole('tab', { name: 'Share' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('plan-new')).toHaveText('1 new');
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('imported')).toContainText('Imported 1 memories');
  // Planned once, applied once: the plan does not come back by itself.
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('import-plan')).toHaveCount(0);
  expect(await page.evaluate(() => window.insightPool.count())).toBe(count + 1);

  await drop(page, 'pallets__flask-5063.traj', readFileSync(FIXTURE, 'utf8'));
  await expect(page.getByRole('tab', { name: 'Ingest' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('ingest-item')).toHaveCount(1);
});
