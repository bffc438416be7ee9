// The README's picture (docs/screenshot.png): the app answering a query on the demo pool, taken by this test so it
// shows the app as it is built now. Same pool, query and window size every run, so the image only changes when the app
// does.
import { test, expect } from '@playwright/test';
import { statSync } from 'node:fs';
import { askFromKeyboard, openApp } from './helpers';

const QUERY = 'my python tests fail because a package is not installed in the environment';
const OUT = 'docs/screenshot.png';

test('docs/screenshot.png: the demo pool answering a query, top-3 with their scores', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await openApp(page);
  const results = await askFromKeyboard(page, QUERY);
  await expect(results).toHaveCount(3);
  await expect(results.filter({ hasText: 'Install missing tools instead of working around them' })).toHaveCount(1);
  // No caret blinking or hover state in the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(0, 0);
  await page.screenshot({ path: OUT, animations: 'disabled', caret: 'hide' });
  expect(statSync(OUT).size).toBeGreaterThan(20_000);
});
