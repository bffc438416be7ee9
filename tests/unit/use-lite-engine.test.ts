// The wasm engine for USE-lite must give the vectors onnxruntime gives on the same model file: same tokens in, same
// sentence vector out (to float32 rounding), at any length and in any batch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env } from '@xenova/transformers';
import { createNodeEmbedder, DEFAULT_MODELS_DIR, type NodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { UseLiteEngine } from '../../src/adapters/embedding/use-lite/engine';
import { DEFAULT_MODEL_ID } from '../../src/core/models';
import { cosine, l2normalize } from '../../src/core/vectors';
// @ts-expect-error plain .mjs module without type declarations
import { buildModel } from '../../scripts/build-model.mjs';
import { makeSentences } from './model-sentences';

const MODEL_DIR = join(DEFAULT_MODELS_DIR, DEFAULT_MODEL_ID);
let ort: NodeEmbedder;
let engine: UseLiteEngine;
let tokenize: (texts: string[]) => number[][];

beforeAll(async () => {
  buildModel({ ifMissing: true });
  ort = await createNodeEmbedder({ model: DEFAULT_MODEL_ID });
  engine = new UseLiteEngine(readFileSync(join(MODEL_DIR, 'onnx/model.onnx')));
  env.localModelPath = DEFAULT_MODELS_DIR;
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(DEFAULT_MODEL_ID);
  tokenize = (texts) => texts.map((t) => Array.from(tokenizer.encode(t) as number[]));
});

describe('USE-lite wasm engine vs onnxruntime', () => {
  it('gives the same vectors as the ORT port on 200 varied sentences (mean cosine ≥ 0.999999, max |Δ| < 1e-5)', async () => {
    const sentences = makeSentences(200, 11);
    const theirs = await ort.embed(sentences);
    const ours = (await engine.embed(tokenize(sentences))).map(l2normalize);
    const cosines = ours.map((v, i) => cosine(v, theirs[i]));
    let maxAbs = 0;
    ours.forEach((v, i) => v.forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - theirs[i][j])))));
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    console.log(`wasm engine vs ORT: mean cosine ${mean.toFixed(9)}, worst ${Math.min(...cosines).toFixed(9)}, max |Δ| ${maxAbs.toExponential(2)}`);
    expect(mean).toBeGreaterThanOrEqual(0.999999);
    expect(maxAbs).toBeLessThan(1e-5);
  });

  it('gives a sentence the same vector alone and in a batch of other lengths', async () => {
    const ids = tokenize(['short one', 'a somewhat longer sentence about fixing a failing test before changing code', 'x']);
    const batch = await engine.embed(ids);
    for (const [i, s] of ids.entries()) {
      const [alone] = await engine.embed([s]);
      expect(Array.from(alone)).toEqual(Array.from(batch[i]));
    }
  });

  it('calls made at once (a search while an ingest embeds) each get their own vectors', async () => {
    const a = tokenize(makeSentences(20, 3));
    const b = tokenize(['reproduce the failing test first', 'pin the tool version that worked']);
    const [alone1, alone2] = [await engine.embed(a), await engine.embed(b)];
    const [both1, both2] = await Promise.all([engine.embed(a), engine.embed(b)]);
    expect(both1.map((v) => Array.from(v))).toEqual(alone1.map((v) => Array.from(v)));
    expect(both2.map((v) => Array.from(v))).toEqual(alone2.map((v) => Array.from(v)));
  });

  it('refuses token ids outside the vocabulary, and a model file that is not the USE-lite graph', async () => {
    await expect(engine.embed([[5, 9000]])).rejects.toThrow(/token id 9000 is outside the vocabulary/);
    expect(() => new UseLiteEngine(readFileSync(join(MODEL_DIR, 'onnx/model_quantized.onnx')))).toThrow(/not the USE-lite graph this engine knows/);
  });
});
