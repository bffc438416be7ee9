import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './helpers';

// A local OpenAI-compatible server (as Ollama / llama.cpp / LM Studio would be) on 127.0.0.1, answering with
// recorded LLM answers, one per level, keyed by what the prompt asks for.
const ANSWERS = join(process.cwd(), 'tests', 'unit', 'fixtures', 'answers');
const FIXTURE = join(process.cwd(), '..', 'shared', 'fixtures', 'trajectories', 'swe-agent', 'pallets__flask-5063.traj');

let server: Server;
let url: string;
const prompts: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization');
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      const request = JSON.parse(body);
      const prompt: string = request.messages.map((m: { content: string }) => m.content).join('\n');
      prompts.push(prompt);
      const file = /workflow/i.test(prompt.slice(0, 400)) ? 'workflow-01-json.txt' : /summar/i.test(prompt.slice(0, 400)) ? 'summary-01-json.txt' : 'insight-01-clean-json.txt';
      const content = readFileSync(join(ANSWERS, file), 'utf8');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }], model: request.model }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a local OpenAI-compatible server distills a trajectory; nothing is sent before the user asks', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Ingest' }).click();
  await page.getByTestId('ingest-files').setInputFiles(FIXTURE);
  await expect(page.getByTestId('ingest-item')).toHaveCount(1);
  await page.getByTestId('engine').selectOption('endpoint');
  await page.getByTestId('endpoint-url').fill(url);
  await page.getByTestId('endpoint-model').fill('local-test-model');
  expect(prompts).toHaveLength(0);
  await page.getByRole('button', { name: 'Distill all' }).click();
  const insight = page.locator('[data-level="insight"]');
  await expect(insight).toContainText('Reproduce the failure before editing code');
  expect(prompts.length).toBe(3);
  // The prompt carries the real task, so the server model can distill it.
  expect(prompts.join('\n')).toMatch(/flask|blueprint|route/i);
  await page.getByTestId('ingest-save').click();
  await expect(page.getByTestId('ingest-saved')).toContainText('Saved');
  const saved = await page.evaluate(() => window.insightPool.list({ text: 'Reproduce the failure before editing code' }));
  expect(saved.map((m) => m.provenance.distiller)).toContain('llm:local-test-model');
});
