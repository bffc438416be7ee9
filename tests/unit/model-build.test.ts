// scripts/build-model.mjs: deterministic output, a fingerprint that matches the files, --if-missing that rebuilds
// only what is missing or damaged.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS build script
import { buildModel, isBuilt, MODEL_FILES } from '../../scripts/build-model.mjs';

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

  it('leaves no temp folders behind', () => {
    expect(readdirSync(join(a, 'insight-pool'))).toEqual(['use-lite']);
  });
});
