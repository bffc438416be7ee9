import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, startStandInHub, type StandInHub } from './helpers';

// The in-browser LLM engine, end to end: a tiny text-generation model the project generates
// (scripts/make-tiny-generator.mjs) served by a stand-in Hub on 127.0.0.1 — the only place a download can go —
// then real greedy generation in the app's worker on a real SWE-agent run, parsed, shown, saved.
const FIXTURE = join(process.cwd(), '..', 'shared', 'fixtures', 'trajectories', 'swe-agent', 'pallets__flask-5063.traj');
const MODEL = 'test-org/tiny-gen';
const TITLE = 'Verify the fix with a test';

let hub: StandInHub;
let modelsRoot: string;

test.beforeAll(async () => {
  modelsRoot = mkdtempSync(join(tmpdir(), 'insight-pool-gen-hub-'));
  execFileSync('node', ['scripts/make-tiny-generator.mjs', '--out', join(modelsRoot, ...MODEL.split('/'))]);
  hub = await startStandInHub(modelsRoot);
});

test.afterAll(() => hub?.close());

test('in-browser model: download with consent, distill a SWE-agent run, save the insight it wrote', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Ingest' }).click();
  await page.getByTestId('ingest-files').setInputFiles(FIXTURE);
  await expect(page.getByTestId('ingest-item')).toHaveCount(1);

  await page.getByTestId('engine').selectOption('browser');
  await page.getByTestId('browser-model').fill(MODEL);
  await page.getByTestId('browser-host').fill(hub.url);
  const download = page.getByTestId('browser-download');
  await expect(download).toBeDisabled(); // explicit consent first
  expect(hub.requests).toHaveLength(0); // nothing reached the hub before it
  await page.getByTestId('browser-consent').check();
  await download.click();
  await expect(page.getByTestId('browser-ready')).toContainText(MODEL);
  expect(hub.requests.some((u) => u.endsWith(`/${MODEL}/resolve/main/onnx/decoder_model_merged.onnx`))).toBe(true);

  // From here on the model comes from the browser cache: the hub is gone.
  await hub.close();
  const seen = hub.requests.length;
  await page.getByTestId('browser-all-levels').check();
  await page.getByTestId('browser-distill').click();
  const item = page.getByTestId('ingest-item');
  const insight = item.locator('[data-level="insight"] .candidate');
  await expect(insight).toHaveCount(1);
  await expect(insight).toContainText(TITLE);
  await expect(insight.getByTestId('distiller')).toHaveText(`llm:${MODEL}`);
  // Every level got its own answer from the same model, parsed by the strict parsers.
  await expect(item.locator('[data-level="summary"] .candidate')).toContainText('A bug fix checked by a test');
  await expect(item.locator('[data-level="workflow"] .candidate')).toContainText('Fix the reported problem');
  await expect(item.getByRole('alert')).toHaveCount(0);
  await expect(insight.getByTestId('candidate-insight')).toBeChecked();
  expect(hub.requests.length).toBe(seen);

  await page.getByTestId('ingest-save').click();
  await expect(page.getByTestId('ingest-saved')).toContainText('Saved');
  const saved = await page.evaluate(() => window.insightPool.list({ levels: ['insight'] }));
  const mine = saved.filter((m) => m.title === TITLE);
  expect(mine).toHaveLength(1);
  expect(mine[0].provenance).toMatchObject({ distiller: `llm:${MODEL}`, promptVersion: 'insight-v2' });
});

test('in-browser model: a folder imported from disk works with no host at all', async ({ page }) => {
  const folder = join(mkdtempSync(join(tmpdir(), 'insight-pool-gen-folder-')), 'my-gen');
  execFileSync('node', ['scripts/make-tiny-generator.mjs', '--out', folder]);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await openApp(page);
  await page.getByRole('tab', { name: 'Ingest' }).click();
  await page.getByTestId('ingest-files').setInputFiles(FIXTURE);
  await page.getByTestId('engine').selectOption('browser');
  await page.getByTestId('browser-model').fill('');
  await page.getByTestId('browser-folder').setInputFiles(folder);
  await expect(page.getByTestId('browser-ready')).toContainText('local/my-gen');
  await page.getByTestId('browser-distill').click();
  const insight = page.getByTestId('ingest-item').locator('[data-level="insight"] .candidate');
  await expect(insight).toHaveCount(1); // the rule-based drafts are replaced by the model's answer
  await expect(insight).toContainText(TITLE);
  await expect(insight.getByTestId('distiller')).toHaveText('llm:local/my-gen');
  // By default only insights are asked of a small in-browser model; the other levels keep their rule-based drafts.
  await expect(page.getByTestId('ingest-item').locator('[data-level="workflow"]').getByTestId('distiller')).toHaveText('rules');
  const origin = new URL(page.url()).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
});

test('in-browser model: a hanging download can be cancelled, and a non-generator folder is refused; nothing is installed', async ({ page }) => {
  // A host that accepts the connection and never answers.
  const hanging: import('node:http').ServerResponse[] = [];
  const slow = createServer((_req, res) => void hanging.push(res));
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  const address = slow.address();
  const slowUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  try {
    await openApp(page);
    await page.getByRole('tab', { name: 'Ingest' }).click();
    await page.getByTestId('ingest-files').setInputFiles(FIXTURE);
    await page.getByTestId('engine').selectOption('browser');
    await page.getByTestId('browser-model').fill('test-org/never');
    await page.getByTestId('browser-host').fill(slowUrl);
    await page.getByTestId('browser-consent').check();
    await page.getByTestId('browser-download').click();
    await expect(page.getByTestId('ingest-job')).toBeVisible();
    await expect.poll(() => hanging.length).toBeGreaterThan(0);
    await page.getByTestId('ingest-job').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('ingest-job-message')).toContainText('cancelled');
    await expect(page.getByTestId('browser-ready')).toHaveCount(0);
    await expect(page.getByTestId('browser-distill')).toBeDisabled();

    // An embedding model folder is not a text-generation model: refused with the file it lacks.
    const embedder = join(mkdtempSync(join(tmpdir(), 'insight-pool-not-gen-')), 'an-embedder');
    execFileSync('node', ['scripts/make-tiny-model.mjs', '--out', embedder]);
    await page.getByTestId('browser-folder').setInputFiles(embedder);
    await expect(page.getByTestId('ingest-job-error')).toContainText('missing onnx/decoder_model_merged.onnx');
    await expect(page.getByTestId('browser-ready')).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem('insight-pool:installed-generators'))).toBeNull();
  } finally {
    for (const res of hanging) res.destroy();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  }
});
