// Usage and feedback in the app: the Retrieve panel counts what it returns, the helped / did-not-help buttons update
// the counts shown on each card, a memory that hurt more than it helped is marked and can be left out, an exported
// pool file carries the counts, and importing it into a second pool adds them to that pool's own.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp, poolReady } from './helpers';

const TASK = 'The build fails because a command-line tool is not installed';

async function retrieveInUi(page: Page) {
  await page.getByRole('tab', { name: 'Retrieve' }).click();
  await page.locator('#query').fill(TASK);
  await page.getByRole('button', { name: 'Retrieve' }).click();
  await expect(page.getByTestId('result')).toHaveCount(3);
}

test('feedback buttons update the counts shown; an exported file carries them; an import into a second pool adds them', async ({ page, browser }) => {
  await openApp(page);
  await retrieveInUi(page);
  const results = page.getByTestId('result');
  const first = results.nth(0);
  const second = results.nth(1);
  const firstId = (await first.getAttribute('data-id'))!;
  const secondId = (await second.getAttribute('data-id'))!;
  // The search the user asked for counted once per returned memory.
  await expect(first.getByTestId('usage')).toHaveText('retrieved 1 · helped 0 · hurt 0');

  await first.getByTestId('helped').click();
  await expect(page.getByTestId('result').nth(0).getByTestId('usage')).toHaveText('retrieved 1 · helped 1 · hurt 0');
  await second.getByTestId('not-helped').click();
  await expect(page.locator(`[data-id="${secondId}"]`).getByTestId('usage')).toHaveText('retrieved 1 · helped 0 · hurt 1');
  await expect(page.locator(`[data-id="${secondId}"]`).getByTestId('harmful')).toBeVisible();
  await expect(page.locator(`[data-id="${firstId}"]`).getByTestId('harmful')).toHaveCount(0);

  // Left out on request; the default ranking keeps it.
  await page.getByLabel('exclude harmful').check();
  await page.getByRole('button', { name: 'Retrieve' }).click();
  await expect(page.locator(`[data-testid="result"][data-id="${secondId}"]`)).toHaveCount(0);
  await expect(page.locator(`[data-testid="result"][data-id="${firstId}"]`)).toBeVisible();
  // That search counted again; the counts survive a reload.
  await page.reload();
  await poolReady(page);
  const stored = await page.evaluate((ids) => Promise.all(ids.map((id) => window.insightPool.get(id))), [firstId, secondId]);
  expect(stored.map((m) => m!.usage)).toEqual([
    expect.objectContaining({ retrieved: 2, helped: 1, hurt: 0 }),
    expect.objectContaining({ retrieved: 1, helped: 0, hurt: 1 }),
  ]);
  const firstTitle = stored[0]!.title;

  // Export: the pool file carries the counts.
  await page.getByRole('tab', { name: 'Share' }).click();
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const text = readFileSync((await (await download).path())!, 'utf8');
  const records = text.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l));
  expect(records.find((r) => r.id === firstId).usage).toMatchObject({ retrieved: 2, helped: 1, hurt: 0 });
  expect(records.find((r) => r.id === secondId).usage).toMatchObject({ retrieved: 1, helped: 0, hurt: 1 });
  expect(records.find((r) => r.id === firstId).usage.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

  // A teammate's browser: its own demo pool holds the same lessons (other ids), with counts of its own.
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    await openApp(other);
    const mine = await other.evaluate(async (title) => {
      const [m] = await window.insightPool.list({ text: title });
      await window.insightPool.feedback(m.id, true);
      return m.id;
    }, firstTitle);
    expect(mine).not.toBe(firstId);
    await other.getByRole('tab', { name: 'Share' }).click();
    await other.getByTestId('import-file').setInputFiles({ name: 'teammate.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    await expect(other.getByTestId('plan-usage')).toContainText('added to');
    await other.getByTestId('import-apply').click();
    await expect(other.getByTestId('imported')).toBeVisible();
    const merged = await other.evaluate((id) => window.insightPool.get(id), mine);
    expect(merged!.usage).toMatchObject({ retrieved: 2, helped: 2, hurt: 0 });
    // And the card in the Memories list shows them.
    await other.getByRole('tab', { name: 'Memories' }).click();
    await expect(other.getByTestId('usage').filter({ hasText: 'retrieved 2 · helped 2 · hurt 0' })).toHaveCount(1);
  } finally {
    await context.close();
  }
});

test('window.insightPool: retrieve records unless record:false; feedback(ids, helped) counts', async ({ page }) => {
  await openApp(page);
  const out = await page.evaluate(async (task) => {
    const peek = await window.insightPool.retrieve(task, { record: false });
    const counted = await window.insightPool.retrieve(task);
    const [after] = await window.insightPool.feedback([counted[0].memory.id], false);
    return { peek: peek.map((r) => r.memory.usage ?? null), counted: counted.map((r) => r.memory.usage!.retrieved), after: after.usage };
  }, TASK);
  expect(out.peek).toEqual([null, null, null]);
  expect(out.counted).toEqual([1, 1, 1]);
  expect(out.after).toMatchObject({ retrieved: 1, helped: 0, hurt: 1 });
});
