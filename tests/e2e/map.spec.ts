// The Map tab as a user meets it: one point per memory (demo pool, then after importing a pool built by the CLI from
// the shared trajectories at all four levels), a hovered point names its memory, a click opens it, the filters hide
// points, and the mixing numbers are the CLI's for the same pool.
// DOCS_SCREENSHOTS=1 also writes the map picture of docs/pool-insights.md (docs/pool-map.png).
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, poolReady } from './helpers';

const LEVELS = ['trajectory', 'workflow', 'summary', 'insight'] as const;
const FIXTURES = '../shared/fixtures/trajectories';

async function openMap(page: Page) {
  await page.getByRole('tab', { name: 'Map' }).click();
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
}

type MapPoint = { id: string; title: string; x: number; y: number };
const mapPoints = (page: Page) => page.getByTestId('map-canvas').evaluate((c) => (c as HTMLCanvasElement & { mapPoints: () => MapPoint[] }).mapPoints());

/** The CLI's stats for the app's current pool (rebuilt from window.insightPool.list through `add --json`). */
function cliStats(memories: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ip-map-'));
  const input = join(dir, 'pool.json');
  writeFileSync(input, JSON.stringify((memories as Record<string, unknown>[]).map(({ embedding: _e, createdAt: _c, ...m }) => m)));
  const pool = join(dir, 'pool.jsonl');
  execFileSync('bash', ['-c', `node bin/insight-pool.js add --pool ${pool} --json < ${input}`], { encoding: 'utf8', stdio: 'pipe' });
  return JSON.parse(execFileSync('node', ['bin/insight-pool.js', 'stats', '--pool', pool, '--json'], { encoding: 'utf8' }));
}

async function expectMixingLikeCli(page: Page) {
  const stats = cliStats(await page.evaluate(() => window.insightPool.list()));
  for (const level of LEVELS) {
    const cell = page.getByTestId(`mixing-${level}`);
    const cli = stats.mixing[level] as number | null;
    if (cli === null) await expect(cell).toHaveText(/^–/);
    else {
      await expect(cell).toHaveText(cli.toFixed(3));
      expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(cli, 6);
    }
  }
  return stats;
}

test('the demo pool: one point per memory, hover names it, click opens it, mixing as the CLI computes it', async ({ page }) => {
  await openApp(page);
  const count = await page.evaluate(() => window.insightPool.count());
  expect(count).toBeGreaterThan(10);
  await openMap(page);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(count));
  const points = await mapPoints(page);
  expect(points).toHaveLength(count);
  expect(new Set(points.map((p) => p.id)).size).toBe(count);

  // Hover the point farthest from the others, so no neighbour is nearer to the cursor. Positions are relative to the
  // canvas: Playwright scrolls it into view first.
  const canvas = page.getByTestId('map-canvas');
  const lonely = points.reduce((best, p) => {
    const nearest = Math.min(...points.filter((q) => q !== p).map((q) => Math.hypot(q.x - p.x, q.y - p.y)));
    return nearest > best.d ? { p, d: nearest } : best;
  }, { p: points[0], d: -1 }).p;
  await canvas.hover({ position: { x: lonely.x, y: lonely.y } });
  await expect(page.getByTestId('map-tooltip')).toContainText(lonely.title);
  await canvas.click({ position: { x: lonely.x, y: lonely.y } });
  await expect(page.getByTestId('map-selected')).toContainText(lonely.title);
  await canvas.hover({ position: { x: 1, y: 1 } });
  await expect(page.getByTestId('map-tooltip')).toHaveCount(0);

  const stats = await expectMixingLikeCli(page);
  // The category chart counts what stats counts.
  for (const [category, n] of Object.entries(stats.categories)) {
    await expect(page.locator(`[data-testid="category-row"][data-category="${category}"]`)).toHaveAttribute('data-count', String(n));
  }
});

test('after importing a pool of all four levels the map shows every memory; filters hide the others; mixing still matches the CLI', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'ip-map-import-'));
  const file = join(dir, 'fixtures.jsonl');
  const runs = ['swe-agent', 'atif'].flatMap((d) => readdirSync(join(FIXTURES, d)).filter((f) => /\.(traj|json)$/.test(f) && f !== 'outcomes.json').map((f) => join(FIXTURES, d, f)));
  execFileSync('node', ['bin/insight-pool.js', 'ingest', ...runs, '--pool', file, '--levels', 'all'], { encoding: 'utf8', stdio: 'pipe' });

  await openApp(page);
  const before = await page.evaluate(() => window.insightPool.count());
  await openMap(page);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(before));

  await page.getByRole('tab', { name: 'Share' }).click();
  await page.getByTestId('import-file').setInputFiles({ name: 'fixtures.jsonl', mimeType: 'application/x-ndjson', buffer: readFileSync(file) });
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('imported')).toContainText('Imported');
  const after = await page.evaluate(() => window.insightPool.count());
  expect(after).toBeGreaterThan(before + 20);

  await openMap(page);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(after));
  expect(new Set((await mapPoints(page)).map((p) => p.id))).toEqual(new Set(await page.evaluate(async () => (await window.insightPool.list()).map((m) => m.id))));
  const levels = await page.evaluate(async () => (await window.insightPool.list()).map((m) => m.level));
  for (const level of LEVELS) expect(levels.filter((l) => l === level).length, level).toBeGreaterThan(0);
  await expectMixingLikeCli(page);

  if (process.env.DOCS_SCREENSHOTS) await page.locator('main').screenshot({ path: 'docs/pool-map.png' });

  await page.getByLabel('map level').selectOption('trajectory');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(levels.filter((l) => l === 'trajectory').length));
  await page.getByLabel('map level').selectOption('');
  await page.getByLabel('map domain').selectOption('terminal');
  const terminal = await page.evaluate(() => window.insightPool.count({ domains: ['terminal'] }));
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(terminal));
});

test('a category set in the Memories tab is kept, shown, and filters the list and the map', async ({ page }) => {
  await openApp(page);
  const [m] = await page.evaluate(() => window.insightPool.list({ text: 'Install missing tools' }));
  await page.getByRole('tab', { name: 'Memories' }).click();
  const item = page.locator(`[data-testid="memory"][data-id="${m.id}"]`);
  await item.getByRole('button', { name: `Edit ${m.title}` }).click();
  await item.locator('select[name="category"]').selectOption('algorithmic-strategy');
  await item.getByRole('button', { name: 'Save changes' }).click();
  await expect(item.getByTestId('category')).toHaveText('algorithmic-strategy');
  expect((await page.evaluate((id) => window.insightPool.get(id), m.id))?.category).toBe('algorithmic-strategy');
  await page.getByLabel('filter category').selectOption('algorithmic-strategy');
  await expect(page.getByTestId('memory').filter({ hasText: m.title })).toHaveCount(1);
  const shown = await page.getByTestId('memory').count();
  await openMap(page);
  await page.getByLabel('map category').selectOption('algorithmic-strategy');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-points', String(shown));
});

test('the map is computed once per pool state: switching tabs and reloading reuse it, a new memory recomputes it', async ({ page }) => {
  await openApp(page);
  await openMap(page);
  const canvas = page.getByTestId('map-canvas');
  const first = await canvas.getAttribute('data-computed-at');
  expect(first).toBeTruthy();
  await page.getByRole('tab', { name: 'Memories' }).click();
  await openMap(page);
  await expect(canvas).toHaveAttribute('data-computed-at', first!);
  await page.reload();
  await poolReady(page);
  await openMap(page);
  await expect(canvas).toHaveAttribute('data-computed-at', first!);
  const count = await page.evaluate(() => window.insightPool.count());

  await page.evaluate(() => window.insightPool.add({ title: 'Read the failing assertion before the stack trace', content: 'The assertion says what was expected; the trace only says where.', domain: 'swe' }));
  await expect(canvas).toHaveAttribute('data-points', String(count + 1));
  await expect(canvas).not.toHaveAttribute('data-computed-at', first!);
});
