import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { openApp } from './helpers';

// Agents in a terminal and agents in a browser share pools, so both must embed to the same numbers.
test('`insight-pool embed --json` and window.insightPool.embed give the same vectors for the same texts', async ({ page }) => {
  const texts = ['Reproduce the bug before changing code', 'pip install fails: missing compiler', 'Ünïcödé and emoji 🚀 in a task'];
  const fromCli: number[][] = JSON.parse(execFileSync('node', ['bin/insight-pool.js', 'embed', '--json'], { input: texts.join('\n') + '\n', encoding: 'utf8' }));
  await openApp(page);
  const fromPage = await page.evaluate((t) => window.insightPool.embed(t), texts);
  expect(fromCli).toHaveLength(texts.length);
  expect(fromPage).toHaveLength(texts.length);
  let maxDiff = 0;
  fromCli.forEach((v, i) => {
    expect(v).toHaveLength(512);
    v.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - fromPage[i][j]))));
  });
  expect(maxDiff).toBeLessThanOrEqual(1e-3);
});
