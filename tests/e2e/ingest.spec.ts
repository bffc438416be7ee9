import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './helpers';

// The real SWE-agent runs on SWE-bench Lite shipped with the project's shared fixtures (tests may read them).
const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'trajectories', 'swe-agent');

test('SWE-agent runs dropped into the app become insights that a CLI task retrieves, with score and specificity', async ({ page }) => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.traj')).map((f) => join(FIXTURES, f));
  expect(files.length).toBeGreaterThan(5);
  await openApp(page);
  const before = await page.evaluate(() => window.insightPool.count({ levels: ['insight'], domains: ['swe'] }));

  await page.getByRole('tab', { name: 'Ingest' }).click();
  await page.getByTestId('outcomes-file').setInputFiles(join(FIXTURES, 'outcomes.json'));
  await page.getByTestId('ingest-files').setInputFiles(files);
  await expect(page.getByTestId('ingest-item')).toHaveCount(files.length);
  const statuses = await page.getByTestId('ingest-files-status').locator('tbody tr').allTextContents();
  expect(statuses).toHaveLength(files.length);
  expect(statuses.every((s) => s.includes('✓'))).toBe(true);

  // Four levels side by side; insights ticked by default, the concrete levels not.
  const first = page.getByTestId('ingest-item').first();
  for (const level of ['trajectory', 'workflow', 'summary', 'insight']) await expect(first.locator(`[data-level="${level}"]`)).toBeVisible();
  await expect(first.getByTestId('candidate-trajectory')).not.toBeChecked();
  const insightBoxes = page.getByTestId('candidate-insight');
  expect(await insightBoxes.count()).toBeGreaterThan(0);
  // The rules mine the same insight from many runs: before saving, the repeats are unticked and say so, and the
  // save button counts what will be added.
  const repeats = page.getByTestId('candidate-repeat');
  await expect(repeats.first()).toContainText('Not saved again: same as the one from');
  // The near-copy check (embedding the rest) runs next; saving waits for it.
  await expect(page.getByTestId('ingest-save')).toBeEnabled();
  const insightCount = await insightBoxes.count();
  const repeatCount = await repeats.count();
  const nearCount = await page.getByTestId('candidate-near').count();
  expect(repeatCount).toBeGreaterThan(0);
  const ticked = await page.locator('[data-testid="candidate-insight"]:checked').count();
  expect(ticked).toBe(insightCount - repeatCount - nearCount);
  await expect(page.getByTestId('ingest-save')).toHaveText(`Save ${ticked} selected`);

  await page.getByTestId('ingest-save').click();
  await expect(page.getByTestId('ingest-saved')).toHaveText(`Saved ${ticked} new memories.`);
  const mined = await page.evaluate(() => window.insightPool.list({ levels: ['insight'], domains: ['swe'] }));
  expect(mined.length).toBeGreaterThan(before);
  const fromRules = mined.filter((m) => m.provenance.distiller === 'rules');
  expect(fromRules.length).toBeGreaterThan(0);
  // The abstraction guard's promise: no file paths or repository names in mined insights.
  for (const m of fromRules) expect(`${m.title} ${m.description} ${m.content}`).not.toMatch(/\/[\w.-]+\.py|django|sympy|astropy|pylint|sphinx|xarray|flask|pytest-dev/i);

  // The pool holds each content once.
  const all = await page.evaluate(() => window.insightPool.list());
  const contents = all.map((m) => JSON.stringify([m.level, m.title, m.description, m.content]));
  expect(new Set(contents).size).toBe(contents.length);
  // The same runs again: every insight is in the pool, or (one the first round left unticked as a near-copy) close to
  // one there; nothing is ticked; ticking one back saves no copy.
  await page.getByTestId('ingest-files').setInputFiles(files);
  await expect(page.getByTestId('ingest-item')).toHaveCount(files.length);
  await expect(page.getByTestId('ingest-save')).toHaveText('Save 0 selected');
  expect(await page.locator('[data-testid="candidate-insight"]:checked').count()).toBe(0);
  expect(await repeats.filter({ hasText: 'already in the pool as' }).count()).toBeGreaterThanOrEqual(insightCount - repeatCount - nearCount);
  expect((await repeats.count()) + (await page.getByTestId('candidate-near').count())).toBe(insightCount);
  await expect(page.getByTestId('ingest-save')).toBeDisabled();
  await insightBoxes.first().check();
  await page.getByTestId('ingest-save').click();
  await expect(page.getByTestId('ingest-saved')).toContainText('Saved 0 new memories. 1 had the same content');
  expect(await page.evaluate(() => window.insightPool.count())).toBe(all.length);

  // A terminal task, retrieving from every other domain (the transfer protocol): an insight mined from SWE runs answers.
  await page.getByRole('tab', { name: 'Retrieve' }).click();
  await page.getByLabel('Task description').fill('A shell script fails after I changed it; make sure the fix really works before finishing');
  await page.getByLabel('exclude domain').selectOption('terminal');
  await page.getByLabel('level filter').selectOption('insight');
  await page.keyboard.press('Control+Enter');
  const rows = page.getByTestId('result');
  await expect(rows).toHaveCount(3);
  const texts = await rows.allTextContents();
  const minedAt = texts.findIndex((t) => t.includes('rules'));
  expect(minedAt).toBeGreaterThanOrEqual(0);
  await expect(rows.nth(minedAt).getByTestId('score')).toHaveText(/^0\.\d{3}$/);
  await expect(rows.nth(minedAt).getByTestId('specificity')).toHaveText(/specificity \d+(\.\d)?/);
});

test('a broken file is reported by name and the rest of the batch goes on', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Ingest' }).click();
  await page.getByTestId('ingest-files').setInputFiles([
    { name: 'truncated.traj', mimeType: 'application/json', buffer: Buffer.from('{"trajectory": [{"action": "ls"') },
    { name: 'pallets__flask-5063.traj', mimeType: 'application/json', buffer: readFileSync(join(FIXTURES, 'pallets__flask-5063.traj')) },
  ]);
  await expect(page.getByTestId('ingest-item')).toHaveCount(1);
  const failed = page.getByTestId('ingest-files-status').locator('tr.failed');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('truncated.traj');
});

test('before saving, near-copies of a pool memory or of an earlier run\'s insight are unticked and say so; a shared title alone is not one', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Ingest' }).click();
  const runs = ['pallets__flask-5063.traj', 'pytest-dev__pytest-7432.traj'];
  await page.getByTestId('ingest-files').setInputFiles(runs.map((f) => join(FIXTURES, f)));
  await expect(page.getByTestId('ingest-item')).toHaveCount(2);
  await page.getByTestId('engine').selectOption('paste');
  const insight = (title: string, content: string) => ({ title, description: 'Applies to bug reports you can trigger.', content });
  const paste = async (i: number, insights: object[]) => {
    const item = page.getByTestId('ingest-item').nth(i);
    await item.getByLabel('Paste the answer').fill(JSON.stringify({ insights }));
    await item.getByRole('button', { name: 'Use answer' }).click();
    await expect(page.getByTestId('ingest-save')).toBeEnabled();
  };
  const log = 'Keep a log of the commands that changed the environment';
  await paste(0, [
    // A demo memory reworded a little: its whole text is within cosine 0.95, it would take a second top-3 slot.
    {
      title: 'Reproduce the bug before changing code',
      description: 'Write a minimal script or test that shows the failure before you edit anything.',
      content: 'A reproduction turns a vague report into a check you can re-run. Fix only once it fails for the reported reason; then keep it as the regression test.',
    },
    // The demo's title over another lesson: kept (the pool's key is the title, but the texts differ).
    insight('Reproduce the bug before changing code', 'A failing check first tells you when the fix is done.'),
    insight(log, 'Installing or upgrading is easy to forget and hard to undo.'),
  ]);
  // The next run's answer words the last lesson the same way (a near-copy of it), and gives another under its title.
  await paste(1, [insight(log, 'Installing or upgrading is easy to forget, and hard to undo!'), insight(log, 'So a teammate can rebuild the setup.')]);

  const first = page.getByTestId('ingest-item').nth(0).locator('[data-level="insight"] label');
  await expect(first.nth(0).getByTestId('candidate-near')).toContainText(/close to "Reproduce the bug before changing code" in the pool \(cosine (0\.9[5-9]|1\.00)\)/);
  await expect(first.nth(0).getByTestId('candidate-insight')).not.toBeChecked();
  for (const i of [1, 2]) {
    await expect(first.nth(i).getByTestId('candidate-near')).toHaveCount(0);
    await expect(first.nth(i).getByTestId('candidate-insight')).toBeChecked();
  }
  const second = page.getByTestId('ingest-item').nth(1).locator('[data-level="insight"] label');
  await expect(second.nth(0).getByTestId('candidate-near')).toContainText(`close to "${log}" from`);
  await expect(second.nth(0).getByTestId('candidate-insight')).not.toBeChecked();
  await expect(second.nth(1).getByTestId('candidate-near')).toHaveCount(0);
  await expect(second.nth(1).getByTestId('candidate-insight')).toBeChecked();

  // Only what is left ticked is saved; the user may tick a near-copy back.
  await expect(page.getByTestId('ingest-save')).toHaveText('Save 3 selected');
  await page.getByTestId('ingest-save').click();
  await expect(page.getByTestId('ingest-saved')).toHaveText('Saved 3 new memories.');
  const stored = await page.evaluate(() => window.insightPool.list({ levels: ['insight'] }));
  expect(stored.filter((m) => m.title === log).map((m) => m.content).sort()).toEqual(['Installing or upgrading is easy to forget and hard to undo.', 'So a teammate can rebuild the setup.']);
  expect(stored.filter((m) => m.title === 'Reproduce the bug before changing code')).toHaveLength(2);
});
