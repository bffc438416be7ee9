// Re-embedding across models with two real local models (tiny seeded transformers.js models from
// scripts/make-tiny-model.mjs, loaded through the Node embedder on onnxruntime-node — the CLI's real path):
// a pool file from model B imported into a pool of model A is re-embedded with A; B's vectors are never used.
import { keyText } from '../../src/core/memory';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs script without types
import { writeTinyModel } from '../../scripts/make-tiny-model.mjs';
import { createNodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { registerModel } from '../../src/core/models';
import { readPoolFile } from '../../src/core/pool-file';
import { cli } from './cli-helpers';

const temp = mkdtempSync(join(tmpdir(), 'insight-pool-reembed-'));
const models = join(temp, 'models');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const createEmbedder = (model: string | undefined) => createNodeEmbedder({ model: model ?? 'test/cli-tiny-a', modelsDir: models });

beforeAll(() => {
  for (const [id, dims, seed] of [['test/cli-tiny-a', 32, 11], ['test/cli-tiny-b', 24, 12]] as const) {
    writeTinyModel(join(models, id), { dims, seed });
    registerModel({ id, label: id, dims, pooling: 'mean', normalize: true, quantized: false, maxTokens: 128, sizeBytes: 0, license: 'Apache-2.0', source: 'generated', origin: 'scripts/make-tiny-model.mjs' });
  }
});

describe('cross-model import through the CLI with two local models', () => {
  it('drops the file vectors of model B and re-embeds with the pool model A', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures/foreign');
    const poolA = join(temp, 'a.jsonl');
    const poolB = join(temp, 'b.jsonl');
    expect((await cli(['import', join(fixtures, 'CLAUDE.md'), '--pool', poolA, '--model', 'test/cli-tiny-a'], { createEmbedder })).code).toBe(0);
    expect((await cli(['import', join(fixtures, 'reasoning-bank.md'), '--pool', poolB, '--model', 'test/cli-tiny-b'], { createEmbedder })).code).toBe(0);
    const b = await readPoolFile(readFileSync(poolB));
    expect(b.header.model).toMatchObject({ id: 'test/cli-tiny-b', dims: 24 });
    expect(b.header.model.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const r = await cli(['import', poolB, '--pool', poolA], { createEmbedder });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 added, .* 3 embedded, .*file vectors from test\/cli-tiny-b dropped \(other model\)/);

    const a = await readPoolFile(readFileSync(poolA));
    expect(a.header.model.id).toBe('test/cli-tiny-a');
    expect(a.entries).toHaveLength(12);
    const tinyA = await createEmbedder('test/cli-tiny-a');
    const imported = a.entries.filter((e) => e.memory.provenance.importedFrom === 'b.jsonl');
    expect(imported).toHaveLength(3);
    // Embedded with pool A's model and key (a new pool's default key: the whole text).
    const expected = await tinyA.embed(imported.map((e) => keyText(e.memory, a.header.keyMode)));
    imported.forEach((e, i) => {
      expect(e.memory.embedding!.vector).toHaveLength(32);
      expect([...e.memory.embedding!.vector]).toEqual([...expected[i]]);
    });
  });

  it('query with --model B on a pool of model A embeds in memory and leaves the file unchanged', async () => {
    const poolA = join(temp, 'a.jsonl');
    const before = readFileSync(poolA);
    const r = await cli(['query', '--pool', poolA, 'use ES modules', '--model', 'test/cli-tiny-b', '--json'], { createEmbedder });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model).toBe('test/cli-tiny-b');
    expect(r.stderr).toMatch(/embedded 12 memories with test\/cli-tiny-b for this query \(pool file unchanged\)/);
    expect(readFileSync(poolA).equals(before)).toBe(true);
  });
});
