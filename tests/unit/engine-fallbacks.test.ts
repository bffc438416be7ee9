// What each engine lacks, the app must run without: WebKit has no wasm relaxed SIMD, a host that sends no COOP/COEP
// gives no cross-origin isolation (so no threads), and some browsers have no SharedArrayBuffer at all. Here each is
// taken away in turn; the embedding engine and the index fall back and give the same answers. (The cross-engine e2e,
// tests/cross, sees the same fallbacks for real in WebKit and reports them.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AutoTokenizer, env } from '@xenova/transformers';
import { DEFAULT_MODELS_DIR } from '../../src/adapters/embedding/node-embedder';
import { DEFAULT_MODEL_ID } from '../../src/core/models';
import { cosine } from '../../src/core/vectors';
// @ts-expect-error plain .mjs module without type declarations
import { buildModel } from '../../scripts/build-model.mjs';

// Whether this runtime has relaxed SIMD is decided by the test (Node 20 has it behind the flag vitest passes).
const relaxedSimd = vi.hoisted(() => ({ on: true }));
vi.mock('../../src/adapters/index/wasm-kernels', async (original) => {
  const real = await original<typeof import('../../src/adapters/index/wasm-kernels')>();
  return { ...real, wasmRelaxedSimdSupported: () => relaxedSimd.on && real.wasmRelaxedSimdSupported() };
});

const { useLiteRunner } = await import('../../src/adapters/embedding/use-lite/runner');
const { threadsAvailable } = await import('../../src/adapters/embedding/use-lite/threads');
const { createIndex } = await import('../../src/adapters/index/choose');
const { Int8Index } = await import('../../src/adapters/index/int8');

const TEXTS = ['reproduce the failing test first', 'pin the interpreter version before reinstalling packages', 'x'];
let model: Uint8Array;
let tokenize: (text: string) => number[];

beforeAll(async () => {
  buildModel({ ifMissing: true });
  model = readFileSync(join(DEFAULT_MODELS_DIR, DEFAULT_MODEL_ID, 'onnx/model.onnx'));
  env.localModelPath = DEFAULT_MODELS_DIR;
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(DEFAULT_MODEL_ID);
  tokenize = (text) => Array.from(tokenizer.encode(text) as number[]);
});

afterEach(() => {
  relaxedSimd.on = true;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function expectSameVectors(a: Float32Array[], b: Float32Array[]) {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(cosine(v, b[i])).toBeGreaterThan(0.99999));
}

describe('engine fallbacks', () => {
  it('no relaxed SIMD (WebKit): the engine runs the plain SIMD kernel, same vectors; the int8 index scans with plain SIMD', async () => {
    const relaxed = await useLiteRunner(model, tokenize, true);
    expect(relaxed.simd).toBe('relaxed SIMD');
    relaxedSimd.on = false;
    const plain = await useLiteRunner(model, tokenize, true);
    expect(plain.simd).toBe('SIMD');
    expectSameVectors(await plain.vectors(TEXTS), await relaxed.vectors(TEXTS));
    // The index's own kernels are checked where they are compiled (wasm-kernels.ts, not mockable from here): the
    // plain-SIMD int8 scan has its recall tests in index-int8.test.ts; here, that Settings names it.
    expect(new Int8Index(512, { relaxed: false }).kernel).toBe('wasm SIMD');
    expect(new Int8Index(512, { simd: false }).kernel).toBe('plain JS');
    expect((await createIndex('auto', 512)).kind).toBe('int8');
  });

  // Node has no Worker global: one is stubbed so that isolation and SharedArrayBuffer alone decide, as in a browser.
  it('threads are offered where the page is isolated and has SharedArrayBuffer (the control for the two below)', () => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('crossOriginIsolated', true);
    expect(threadsAvailable()).toBe(true);
  });

  it('no cross-origin isolation: asked for 4 threads, the engine runs on one and gives the same vectors', async () => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('crossOriginIsolated', false);
    expect(threadsAvailable()).toBe(false);
    const runner = await useLiteRunner(model, tokenize, true, 4);
    expect(runner.threads).toBe(1);
    expectSameVectors(await runner.vectors(TEXTS), await (await useLiteRunner(model, tokenize, true)).vectors(TEXTS));
  });

  it('no shared memory (no SharedArrayBuffer), even where the page claims isolation: one thread, same vectors', async () => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const { Memory } = WebAssembly;
    // What a browser without shared memory does with a request for one.
    vi.spyOn(WebAssembly, 'Memory').mockImplementation(function (descriptor: WebAssembly.MemoryDescriptor) {
      if (descriptor.shared) throw new TypeError('shared memory is not supported');
      return new Memory(descriptor);
    } as never);
    expect(threadsAvailable()).toBe(false);
    const runner = await useLiteRunner(model, tokenize, true, 4);
    expect(runner.threads).toBe(1);
    expectSameVectors(await runner.vectors(TEXTS), await (await useLiteRunner(model, tokenize, true)).vectors(TEXTS));
  });

  it('isolated, with shared wasm memory but no SharedArrayBuffer global (WebKitGTK): threads are offered', () => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(threadsAvailable()).toBe(true);
  });
});
