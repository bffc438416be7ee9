// scripts/build-model.mjs: deterministic output, a fingerprint that matches the files, --if-missing that rebuilds
// only what is missing or damaged.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS build script
import { buildModel, isBuilt, MODEL_FILES } from '../../scripts/build-model.mjs';

const require = createRequire(import.meta.url);
const temp = mkdtempSync(join(tmpdir(), 'insight-pool-model-build-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

describe('build-model', () => {
  const a = join(temp, 'a');
  const b = join(temp, 'b');
  const first = buildModel({ out: a });
  const second = buildModel({ out: b });

  it('writes the transformers.js folder layout', () => {
    expect(Object.keys(snapshot(first.modelDir)).sort()).toEqual(
      ['config.json', 'fingerprint.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json'],
    );
    const config = JSON.parse(readFileSync(join(first.modelDir, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('bert');
    const tokenizerConfig = JSON.parse(readFileSync(join(first.modelDir, 'tokenizer_config.json'), 'utf8'));
    expect(tokenizerConfig.model_max_length).toBe(128);
  });

  it('is deterministic: two builds give byte-identical files', () => {
    expect(snapshot(second.modelDir)).toEqual(snapshot(first.modelDir));
  });

  it('records fingerprints that are sha256 over the model files, one per weights file', () => {
    const info = JSON.parse(readFileSync(join(first.modelDir, 'fingerprint.json'), 'utf8'));
    const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
    const over = (weights: string) => sha(
      [...(MODEL_FILES as string[]).slice(0, 3), weights].map((f) => `${sha(readFileSync(join(first.modelDir, f)))}  ${f}\n`).join(''),
    );
    expect(info.model).toBe('insight-pool/use-lite');
    expect(info.fingerprint).toBe(over('onnx/model.onnx'));
    expect(info.fingerprints['onnx/model.onnx']).toBe(over('onnx/model.onnx'));
    expect(info.fingerprints['onnx/model_quantized.onnx']).toBe(over('onnx/model_quantized.onnx'));
    expect(info.fingerprints['onnx/model_quantized.onnx']).not.toBe(info.fingerprint);
  });

  it('--if-missing keeps a complete folder and rebuilds a damaged one', () => {
    expect(isBuilt(first.modelDir)).toBe(true);
    expect(buildModel({ out: a, ifMissing: true }).built).toBe(false);
    const config = join(first.modelDir, 'config.json');
    writeFileSync(config, '{"model_type":"bert"}\n');
    expect(isBuilt(first.modelDir)).toBe(false);
    expect(buildModel({ out: a, ifMissing: true }).built).toBe(true);
    rmSync(join(first.modelDir, 'onnx', 'model_quantized.onnx'));
    expect(isBuilt(first.modelDir)).toBe(false);
    expect(buildModel({ out: a, ifMissing: true }).built).toBe(true);
    expect(snapshot(first.modelDir)).toEqual(snapshot(second.modelDir));
  });

  it('the int8 file dequantizes with nodes ORT constant-folds at load (Cast, Mul), never DequantizeLinear, which it re-runs every call', () => {
    const { onnx } = require('onnx-proto');
    const graph = onnx.ModelProto.decode(readFileSync(join(first.modelDir, 'onnx/model_quantized.onnx'))).graph;
    const initializers = new Set(graph.initializer.map((t: { name: string }) => t.name));
    const int8 = graph.initializer.filter((t: { dataType: number }) => t.dataType === 3).map((t: { name: string }) => t.name);
    expect(int8.length).toBeGreaterThanOrEqual(11); // the embedding table and ten dense layers
    expect(graph.node.map((n: { opType: string }) => n.opType)).not.toContain('DequantizeLinear');
    type Node = { opType: string; input: string[]; output: string[] };
    for (const name of int8) {
      const users = graph.node.filter((n: Node) => n.input.includes(name));
      expect(users.map((n: Node) => n.opType)).toEqual(['Cast']);
      // Its float codes meet only a constant scale: the whole chain is constant, so folded once.
      const scaled = graph.node.filter((n: Node) => n.input.includes(users[0].output[0]));
      expect(scaled.map((n: Node) => n.opType)).toEqual(['Mul']);
      expect(scaled[0].input.filter((i: string) => i !== users[0].output[0]).every((i: string) => initializers.has(i))).toBe(true);
    }
  });

  it('leaves no temp folders behind', () => {
    expect(readdirSync(join(a, 'insight-pool'))).toEqual(['use-lite']);
  });
});
