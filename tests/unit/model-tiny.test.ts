// scripts/make-tiny-model.mjs: the small generated model other tests use (local Hub, re-embedding, CLI --model) must
// load through the real transformers.js pipeline and the Node embedder, with the dims it was asked for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@xenova/transformers';
import { createNodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { registerModel } from '../../src/core/models';
import { cosine } from '../../src/core/vectors';

const temp = mkdtempSync(join(tmpdir(), 'insight-pool-tiny-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function make(id: string, dims: number, seed: number): string {
  const out = join(temp, ...id.split('/'));
  execFileSync(process.execPath, ['scripts/make-tiny-model.mjs', '--out', out, '--dims', String(dims), '--seed', String(seed)]);
  return out;
}

describe('tiny test model', () => {
  const a = make('test/tiny-a', 32, 1);
  const again = make('test/tiny-a-again', 32, 1);
  make('test/tiny-b', 16, 2);

  it('loads through pipeline("feature-extraction") with the configured dims', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = `${temp}/`;
    const extractor = await pipeline('feature-extraction', 'test/tiny-a', { quantized: false });
    const out = await extractor(['the bug is in the config file', 'offline browser cache'], { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([2, 32]);
  });

  it('is a pure function of --dims and --seed', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      expect(readFileSync(join(again, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    }
  });

  it('works through createNodeEmbedder once registered, and its vectors depend on the text', async () => {
    for (const [id, dims] of [['test/tiny-a', 32], ['test/tiny-b', 16]] as const) {
      registerModel({
        id, label: id, dims, pooling: 'mean', normalize: true, quantized: false, maxTokens: 128, sizeBytes: 0,
        license: 'Apache-2.0', source: 'generated', origin: 'scripts/make-tiny-model.mjs',
      });
    }
    const tinyA = await createNodeEmbedder({ model: 'test/tiny-a', modelsDir: temp });
    const tinyB = await createNodeEmbedder({ model: 'test/tiny-b', modelsDir: temp });
    const [x, y, x2] = await tinyA.embed(['retry the request', 'database migration schema', 'retry the request']);
    expect(x).toHaveLength(32);
    expect(Math.hypot(...x)).toBeCloseTo(1, 5);
    expect(cosine(x, x2)).toBeCloseTo(1, 6);
    expect(cosine(x, y)).toBeLessThan(0.999);
    expect((await tinyB.embed(['retry the request']))[0]).toHaveLength(16);
    expect(tinyA.fingerprint).not.toBe(tinyB.fingerprint);
    // The bench's raw-session run feeds the session every input it declares, with ids inside its vocabulary.
    for (const e of [tinyA, tinyB]) expect(await e.rawRun(4, 8)).toBeGreaterThan(0);
  });

  it('fails with a clear message for a model folder that is not there', async () => {
    registerModel({
      id: 'test/absent', label: 'absent', dims: 8, pooling: 'mean', normalize: true, quantized: false, maxTokens: 8,
      sizeBytes: 0, license: 'none', source: 'generated', origin: 'nowhere',
    });
    await expect(createNodeEmbedder({ model: 'test/absent', modelsDir: temp })).rejects.toThrow(/not available offline.*lacks config\.json/);
  });
});
