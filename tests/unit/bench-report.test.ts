// The bench's own logic: what it measures (same index code as the app), how it joins the two
// runtimes into one table, which targets it calls met, and what it counts as the initial bundle.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchIndexes } from '../../src/bench/index-query';
import { percentile, recallAt } from '../../src/bench/stats';
// @ts-expect-error plain .mjs modules without type declarations
import { checkTargets, lines } from '../../scripts/bench/report.mjs';
// @ts-expect-error plain .mjs modules without type declarations
import { measureBundle } from '../../scripts/bench/bundle.mjs';
// @ts-expect-error plain .mjs modules without type declarations
import { localModels } from '../../scripts/bench/embed.mjs';
// @ts-expect-error plain .mjs modules without type declarations
import { flopsPerSentence } from '../../scripts/model/use-lite-graph.mjs';
import { getModel } from '../../src/core/models';
import { ADDEND, CHAINS, MULTIPLIER, peakModuleBytes } from '../../src/bench/simd-peak-module';
import { gemmProbe } from '../../src/bench/gemm-probe';

describe('bench statistics', () => {
  it('nearest-rank percentiles and recall@k against the exact lists', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.95)).toBe(10);
    expect(recallAt([['a', 'b', 'c'], ['a', 'x', 'y']], [['a', 'b', 'c'], ['a', 'b', 'c']])).toBeCloseTo(4 / 6);
  });
});

describe('wasm SIMD peak probe', () => {
  it('runs every chain the given number of iterations, with or without relaxed madd', () => {
    // The same recurrence in float32: acc = acc × m + a, from 0, in each of the chains.
    const expected = (n: number) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc = Math.fround(Math.fround(acc * Math.fround(MULTIPLIER)) + Math.fround(ADDEND));
      return CHAINS * acc;
    };
    for (const relaxed of [false, true]) {
      const { run } = new WebAssembly.Instance(new WebAssembly.Module(peakModuleBytes(relaxed) as BufferSource)).exports as { run: (n: number) => number };
      expect(run(0)).toBe(0);
      // A fused multiply-add rounds once, so the relaxed variant may differ in the last bits.
      for (const n of [1, 49, 50]) expect(run(n)).toBeCloseTo(expected(n), 5);
    }
  });
});

describe('wasm GEMM probe', () => {
  it('computes the product (checked against a plain loop), with or without relaxed madd, and refuses shapes it cannot tile', () => {
    for (const relaxed of [false, true]) {
      const r = gemmProbe(24, 40, 32, relaxed, 1);
      expect(r.maxError).toBeLessThan(1e-5);
      expect(r.gflops).toBeGreaterThan(0);
    }
    expect(() => gemmProbe(25, 40, 32, true)).toThrow(/multiple of 6/);
  });
});

describe('index measurement (shared by Node and Chromium)', () => {
  it('reports every index with recall against the exact scan; exact indexes have recall 1', async () => {
    const rows = await benchIndexes({ runtime: 'node', n: 400, dims: 24, queries: 20, warmup: 2 });
    const query = rows.filter((r) => r.name === 'query.top3');
    // int8-plain (int8 without relaxed SIMD) is measured where relaxed SIMD exists, as in this test run.
    expect(query.map((r) => r.index).sort()).toEqual(['flat', 'flat-js', 'int8', 'int8-plain', 'voy']);
    for (const r of query) {
      expect(r.p50_ms).toBeGreaterThanOrEqual(0);
      expect(r.p95_ms).toBeGreaterThanOrEqual(r.p50_ms!);
      expect(r.bytes).toBeGreaterThan(400 * 24);
    }
    expect(query.find((r) => r.index === 'flat')!.recall_at_3).toBe(1);
    expect(query.find((r) => r.index === 'int8')!.recall_at_3).toBeGreaterThanOrEqual(0.99);
    expect(query.find((r) => r.index === 'int8-plain')!.recall_at_3).toBeGreaterThanOrEqual(0.99);
    expect(rows.filter((r) => r.name === 'index.load' && r.via === 'build')).toHaveLength(5);
  });
});

describe('report', () => {
  const q = (runtime: string, index: string, n: number, p50: number, recall = 1) => ({ name: 'query.top3', runtime, n, dims: 512, index, data: 'clustered', p50_ms: p50, recall_at_3: recall });

  it('puts the Node and Chromium numbers of one measurement on one line, with speed-up over Voy', () => {
    const ls = lines([q('node', 'int8', 10000, 0.8), q('chromium', 'int8', 10000, 0.4), q('chromium', 'voy', 10000, 8)]);
    const int8 = ls.find((l: { what: string }) => l.what === 'int8');
    expect(int8.node.p50_ms).toBe(0.8);
    expect(int8.chromium.p50_ms).toBe(0.4);
    expect(int8.ratio).toContain('20× faster than voy');
    expect(int8.ratio).toContain('chromium/node 0.5');
  });

  it('calls a target met only when the measured number is within it, and says when it was not measured', () => {
    const rows = [
      q('chromium', 'int8', 100000, 4.2, 1),
      q('chromium', 'flat', 100000, 4.9, 0.98),
      q('chromium', 'int8', 10000, 0.6),
      { name: 'import', runtime: 'chromium', n: 10000, p50_ms: 900, via: 'EXPERIMENT packed vector chunks: write' },
      { name: 'import', runtime: 'chromium', n: 10000, p50_ms: 2500, via: 'pool file (read+plan+insert)' },
      { name: 'embed', runtime: 'node', model: 'insight-pool/use-lite', batch: 64, skipped: 'no model' },
    ];
    const t = checkTargets(rows, false);
    const status = (s: string) => t.find((x: { target: string }) => x.target.includes(s));
    expect(status('100k×512 (int8)').status).toBe('MET');
    expect(status('100k×512 (flat)').status).toBe('MISSED'); // fast enough, but recall 0.98
    expect(status('10k×512 (int8)').status).toBe('MISSED');
    expect(status('import 10k').status).toBe('MISSED'); // the real path, not the faster experiment row
    expect(status('import 10k').value).toContain('2500');
    expect(status('100k pool').status).toBe('not measured');
    expect(status('TF.js').detail).toBe('no model');
  });
});

describe('embedding models', () => {
  const known = (id: string) => {
    try {
      return Boolean(getModel(id));
    } catch {
      return false;
    }
  };
  const folder = (root: string, model: string, files: string[]) => {
    for (const f of files) {
      mkdirSync(join(root, model, 'onnx'), { recursive: true });
      writeFileSync(join(root, model, f), f === 'config.json' ? '{}' : 'x');
    }
  };

  it('benches every weights file of every local model folder, the default float file first; says why one cannot run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-models-'));
    folder(root, 'Xenova/all-MiniLM-L6-v2', ['config.json', 'onnx/model_quantized.onnx']);
    folder(root, 'someone/unknown', ['config.json', 'onnx/model.onnx']);
    folder(root, 'someone/no-config', ['onnx/model.onnx']);
    folder(root, 'insight-pool/use-lite', ['config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']);
    const found = await localModels(root, known);
    expect(found.map((m: { model: string; weights: string }) => `${m.model} ${m.weights}`)).toEqual([
      'insight-pool/use-lite onnx/model.onnx',
      'insight-pool/use-lite onnx/model_quantized.onnx',
      'Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx',
      'someone/unknown onnx/model.onnx',
    ]);
    expect(found.map((m: { quantized: boolean }) => m.quantized)).toEqual([false, true, true, false]);
    expect(found.slice(0, 3).every((m: { problem?: string }) => m.problem === undefined)).toBe(true);
    expect(found[3].problem).toContain('not in the model registry');
  });

  it('keeps rows for the default model, saying why, when its folder is missing', async () => {
    const found = await localModels(mkdtempSync(join(tmpdir(), 'bench-models-')), known);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ model: 'insight-pool/use-lite', weights: 'onnx/model.onnx' });
    expect(found[0].problem).toContain('no built model');
  });

  it('puts each weights file on its own line with its own browser/node ratio; the targets read the float file', () => {
    const e = (runtime: string, weights: string, per_s: number) => ({ name: 'embed', runtime, model: 'insight-pool/use-lite', weights, batch: 64, per_s });
    const rows = [
      e('chromium', 'onnx/model_quantized.onnx', 200),
      e('node', 'onnx/model_quantized.onnx', 250),
      e('chromium', 'onnx/model.onnx', 100),
      e('node', 'onnx/model.onnx', 300),
      { name: 'embed', runtime: 'node', model: 'tfjs:use-lite (@energetic-ai)', batch: 64, per_s: 50 },
    ];
    const ls = lines(rows);
    const of = (what: string) => ls.find((l: { what: string }) => l.what === what);
    expect(of('insight-pool/use-lite model.onnx').ratio).toContain('browser/node 0.33×');
    expect(of('insight-pool/use-lite model_quantized.onnx').ratio).toContain('browser/node 0.8×');
    const t = checkTargets(rows, false);
    const browser = t.find((x: { target: string }) => x.target.startsWith('browser worker'));
    expect(browser.status).toBe('MISSED');
    expect(browser.value).toContain('100 vs 300');
    expect(t.find((x: { target: string }) => x.target.includes('TF.js')).value).toContain('300 vs 50');
  });

  it('puts the raw-session rows of each weights file on one line with their ratio, and the float pair beside the target', () => {
    const raw = (runtime: string, weights: string, per_s: number, n: number) => ({ name: 'embed.raw', runtime, model: 'insight-pool/use-lite', weights, batch: 64, n, per_s, via: 'ORT session alone, 64 × 16 synthetic tokens' });
    const app = (runtime: string, per_s: number) => ({ name: 'embed', runtime, model: 'insight-pool/use-lite', weights: 'onnx/model.onnx', batch: 64, per_s });
    const rows = [raw('chromium', 'onnx/model.onnx', 250, 640), raw('node', 'onnx/model.onnx', 850, 384), raw('chromium', 'onnx/model_quantized.onnx', 270, 640), raw('node', 'onnx/model_quantized.onnx', 660, 640), app('chromium', 125), app('node', 380)];
    const ls = lines(rows).filter((l: { name: string }) => l.name === 'embed.raw');
    expect(ls.map((l: { what: string; ratio: string }) => [l.what, l.ratio])).toEqual([
      ['insight-pool/use-lite model.onnx', 'browser/node 0.29×'],
      ['insight-pool/use-lite model_quantized.onnx', 'browser/node 0.41×'],
    ]);
    const browser = checkTargets(rows, false).find((x: { target: string }) => x.target.startsWith('browser worker'));
    expect(browser.value).toContain('125 vs 380');
    expect(browser.detail).toBe('the runtimes alone (chromium: ORT session alone, 64 × 16 synthetic tokens; node: ORT session alone, 64 × 16 synthetic tokens): 250 vs 850 /s = node/browser 3.4×');
  });

  it('sets the raw sessions\' GFLOP/s beside the wasm SIMD peak on the threads the worker used', () => {
    const raw = (runtime: string, per_s: number, gflops: number, threads?: number) => ({ name: 'embed.raw', runtime, model: 'insight-pool/use-lite', weights: 'onnx/model.onnx', batch: 64, per_s, gflops, threads, via: 'ORT session alone, 64 × 16 synthetic tokens' });
    const app = (runtime: string, per_s: number) => ({ name: 'embed', runtime, model: 'insight-pool/use-lite', weights: 'onnx/model.onnx', batch: 64, per_s });
    const peak = (threads: number, gflops: number) => ({ name: 'simd.peak', runtime: 'chromium', threads, gflops, via: `wasm f32x4 relaxed madd in registers, ${threads} thread(s)` });
    const gemm = { name: 'simd.gemm', runtime: 'chromium', threads: 1, gflops: 44, via: 'wasm f32x4 6×8 GEMM kernel' };
    const rows = [raw('chromium', 250, 37.5, 2), raw('node', 850, 127.5), peak(1, 50), peak(2, 100), gemm, app('chromium', 125), app('node', 380)];
    const browser = checkTargets(rows, false).find((x: { target: string }) => x.target.startsWith('browser worker'));
    expect(browser.detail).toContain("in the graph's FLOPs per second: node 127.5, chromium 37.5 GFLOP/s = 38% of the wasm SIMD peak on 2 thread(s) (100)");
    expect(browser.detail).toContain('a plain 6×8 wasm GEMM kernel reaches 44 GFLOP/s (88% of the 1-thread peak)');
    const line = lines(rows).find((l: { name: string }) => l.name === 'embed.raw');
    expect(line.chromium.gflops).toBe(37.5);
    expect(lines(rows).filter((l: { name: string }) => l.name === 'simd.peak')).toHaveLength(2);
  });

  it('counts the embedded model\'s arithmetic from its graph dimensions', () => {
    // Per token: 256·512 + 256·768 + 256·512 + 512·1536 + 512·512 + 4·512·1536 multiply-adds; attention, two products
    // of tokens² × width in each layer (256 and 512 wide); the tanh layer once per sentence.
    const perToken = 256 * 512 + 256 * 768 + 256 * 512 + 512 * 1536 + 512 * 512 + 4 * 512 * 1536;
    expect(flopsPerSentence(1)).toBe(2 * (perToken + 2 * 768 + 512 * 512));
    expect(flopsPerSentence(16)).toBe(2 * (16 * perToken + 256 * 2 * 768 + 512 * 512));
  });
});

describe('bundle', () => {
  it('counts the entry and its static imports as initial JS; dynamic imports, workers and wasm as lazy', () => {
    const dist = mkdtempSync(join(tmpdir(), 'bench-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<script type="module" crossorigin src="/assets/main.js"></script>');
    writeFileSync(join(dist, 'assets/main.js'), 'import{a}from"./shared.js";const w=new URL("/assets/worker.js",import.meta.url);' + 'x'.repeat(5000));
    writeFileSync(join(dist, 'assets/shared.js'), 'export const a=1;const v=()=>import(`./voy.js`);');
    writeFileSync(join(dist, 'assets/voy.js'), 'const u="/assets/voy_bg.wasm";');
    writeFileSync(join(dist, 'assets/worker.js'), 'const u="/assets/ort-wasm-simd-1.wasm";');
    writeFileSync(join(dist, 'assets/voy_bg.wasm'), Buffer.alloc(100));
    writeFileSync(join(dist, 'assets/ort-wasm-simd-1.wasm'), Buffer.alloc(1000));
    writeFileSync(join(dist, 'assets/unrelated.js'), 'y'.repeat(100000));
    const rows = measureBundle(dist, join(dist, 'models/none'));
    const by = (via: string) => rows.find((r: { via: string }) => r.via.startsWith(via));
    expect(by('initial JS (gzip)').files.split(' ').sort()).toEqual(['assets/main.js', 'assets/shared.js']);
    expect(by('initial JS (raw)').bytes).toBeGreaterThan(5000);
    expect(by('initial JS (gzip)').bytes).toBeLessThan(by('initial JS (raw)').bytes);
    expect(by('lazy JS').files.split(' ').sort()).toEqual(['assets/voy.js', 'assets/worker.js']);
    expect(by('lazy wasm, all').bytes).toBe(1100);
    expect(by('lazy wasm fetched if index=voy').bytes).toBe(100);
    // Every file a host serves, unreachable ones included: an asset nothing loads still counts here.
    expect(by('dist/ as shipped').bytes).toBe(statSync(join(dist, 'index.html')).size + ['main.js', 'shared.js', 'voy.js', 'worker.js', 'voy_bg.wasm', 'ort-wasm-simd-1.wasm', 'unrelated.js'].reduce((s, f) => s + statSync(join(dist, 'assets', f)).size, 0));
  });
});
