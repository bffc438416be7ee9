// The only place the app loads transformers.js (loading it twice would ship ONNX Runtime twice).
// Runs in a worker so model loading, embedding and text generation never block the UI. The in-browser LLM engine
// starts its own instance of this same module (src/adapters/llm-engine.ts): one bundle, one ORT, but a long
// answer does not hold up the embeddings a search needs meanwhile.
import { AutoTokenizer, env, pipeline, Tensor, type FeatureExtractionPipeline, type Pipeline } from '@xenova/transformers';
// Only ONNX Runtime's two SIMD builds ship (10 MB each): ORT picks `-threaded` when the page is cross-origin isolated
// and has 2+ cores, the plain one otherwise (a host without COOP/COEP headers). Its two non-SIMD builds (18 MB more)
// only load in a browser without wasm SIMD: Safari < 16.4 and Firefox < 114 cannot run the app anyway (regex
// lookbehind, module workers), which leaves Chrome/Edge 80–90; the app requires SIMD instead (docs/engine.md).
import ortWasmSimd from 'onnxruntime-web/dist/ort-wasm-simd.wasm?url';
import ortWasmSimdThreaded from 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm?url';
import { generateText, type TextGenerator } from './generate';
import { pipelineRunner, type SentenceRunner, type TensorClass } from './sentence-vectors';
import { useLiteRunner } from './use-lite/runner';
import { concatBytes } from '../../core/pool-file/bytes';
import { wasmSimdSupported } from '../index/wasm-kernels';
import type { GeneratorSpec, ModelSpec, WorkerRequest, WorkerResponse } from './protocol';

const HUB = env.remoteHost;

// Offline by default: models come from our own origin; ORT's wasm too, never from a CDN.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = new URL('models/', new URL(import.meta.env.BASE_URL, self.location.origin)).href;
env.backends.onnx.wasm.simd = true;
env.backends.onnx.wasm.wasmPaths = {
  'ort-wasm-simd.wasm': ortWasmSimd,
  'ort-wasm-simd-threaded.wasm': ortWasmSimdThreaded,
} as unknown as string;
// Threads need cross-origin isolation (SharedArrayBuffer); the app's server sends COOP/COEP for that, and a host that
// does not falls back to one thread.
env.backends.onnx.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1)) : 1;

const pipelines = new Map<string, Promise<Pipeline>>();
const runners = new Map<string, Promise<SentenceRunner>>();
const generators = new Map<string, Promise<Pipeline>>();
/** One answer at a time: a pipeline's generate loop is not re-entrant, and queued answers keep their order. */
let generating: Promise<unknown> = Promise.resolve();
const cancelled = new Set<number>();

function post(message: WorkerResponse, transfer: Transferable[] = []) {
  (self as unknown as Worker).postMessage(message, transfer);
}

/** The runner for an embedding model: its own engine where it has one (see ModelInfo.engine), else ONNX Runtime. */
function load(spec: ModelSpec, requestId: number): Promise<SentenceRunner> {
  const key = `${spec.id}|${spec.quantized}|${spec.engine ?? ''}`;
  let loading = runners.get(key);
  if (!loading) {
    const viaOrt = async () => {
      const extractor = (await loadPipeline('feature-extraction', spec, requestId, pipelines)) as FeatureExtractionPipeline;
      return pipelineRunner(extractor, Tensor as unknown as TensorClass, spec, 'onnxruntime-web', env.backends.onnx.wasm.numThreads ?? 1);
    };
    loading = spec.engine === 'use-lite' && !spec.quantized && !spec.allowRemote
      ? loadUseLite(spec, requestId).catch((error) => {
          // The engine knows one graph; anything else in that folder (or no wasm SIMD) still runs, through ORT.
          console.warn(`USE-lite engine unavailable, using ONNX Runtime: ${(error as Error).message}`);
          return viaOrt();
        })
      : viaOrt();
    loading.catch(() => runners.delete(key));
    runners.set(key, loading);
  }
  return loading;
}

async function loadUseLite(spec: ModelSpec, requestId: number): Promise<SentenceRunner> {
  const file = 'onnx/model.onnx';
  const [tokenizer, weights] = await Promise.all([
    AutoTokenizer.from_pretrained(spec.id, { local_files_only: true }),
    fetchWithProgress(new URL(`${spec.id}/${file}`, env.localModelPath).href, (done, total) => post({ type: 'progress', requestId, phase: 'load', done, total, file })),
  ]);
  return useLiteRunner(weights, (text) => Array.from(tokenizer.encode(text) as number[]), spec.normalize, env.backends.onnx.wasm.numThreads ?? 1);
}

async function fetchWithProgress(url: string, progress: (done: number, total: number) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    parts.push(value);
    done += value.length;
    progress(done, Math.max(total, done));
  }
  return concatBytes(parts);
}

function loadGenerator(spec: GeneratorSpec, requestId: number): Promise<TextGenerator> {
  return loadPipeline('text-generation', spec, requestId, generators) as unknown as Promise<TextGenerator>;
}

function loadPipeline(
  task: 'feature-extraction' | 'text-generation',
  spec: ModelSpec | GeneratorSpec,
  requestId: number,
  cache: Map<string, Promise<Pipeline>>,
): Promise<Pipeline> {
  const key = `${spec.id}|${spec.quantized}`;
  let loading = cache.get(key);
  if (!loading) {
    // Without SIMD, ORT would ask for a non-SIMD build the app does not ship: say why instead of a 404.
    if (!wasmSimdSupported()) {
      return Promise.reject(new Error('this browser has no WebAssembly SIMD, which ONNX Runtime needs here (Chrome/Edge 91+, Firefox 89+, Safari 16.4+)'));
    }
    env.allowRemoteModels = Boolean(spec.allowRemote);
    env.remoteHost = spec.remoteHost ?? HUB;
    const files = new Map<string, { loaded: number; total: number }>();
    loading = pipeline(task, spec.id, {
      quantized: spec.quantized,
      // env.allowRemoteModels is global: while someone's download is pending it is on, and an offline load started
      // meanwhile must still not reach that host.
      local_files_only: !spec.allowRemote,
      progress_callback: (p: { status: string; file?: string; loaded?: number; total?: number }) => {
        if (p.status !== 'progress' && p.status !== 'done') return;
        const entry = files.get(p.file ?? '') ?? { loaded: 0, total: 0 };
        if (p.status === 'progress') Object.assign(entry, { loaded: p.loaded ?? 0, total: p.total ?? 0 });
        else entry.loaded = entry.total;
        files.set(p.file ?? '', entry);
        let done = 0;
        let total = 0;
        for (const f of files.values()) {
          done += f.loaded;
          total += f.total;
        }
        post({ type: 'progress', requestId, phase: 'load', done, total, file: p.file });
      },
    }) as Promise<Pipeline>;
    // Back to offline as soon as the explicit download is over.
    loading
      .finally(() => {
        env.allowRemoteModels = false;
        env.remoteHost = HUB;
      })
      // A failed load is reported to its caller; drop it so a later attempt starts afresh.
      .catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

async function embed(spec: ModelSpec, texts: string[], batchSize: number, requestId: number): Promise<Float32Array[]> {
  const runner = await load(spec, requestId);
  // Batch texts of similar length: one long text would otherwise pad its whole batch to the longest sequence.
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const vectors: Float32Array[] = new Array(texts.length);
  let done = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    if (cancelled.has(requestId)) throw Object.assign(new Error('cancelled'), { cancelled: true });
    const slots = order.slice(start, start + batchSize);
    const batch = await runner.vectors(slots.map((i) => texts[i]));
    batch.forEach((v, r) => (vectors[slots[r]] = v));
    done += batch.length;
    post({ type: 'progress', requestId, phase: 'embed', done, total: texts.length });
    // Yield so a cancel message queued behind this batch is seen before the next one.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return vectors;
}

function generate(request: Extract<WorkerRequest, { type: 'generate' }>): Promise<{ text: string; tokens: number }> {
  const { requestId, maxNewTokens } = request;
  const run = generating.then(async () => {
    const generator = await loadGenerator(request.model, requestId);
    return generateText(generator, request.prompt, {
      maxNewTokens,
      isCancelled: () => cancelled.has(requestId),
      onTokens: (done, text) => post({ type: 'tokens', requestId, done, total: maxNewTokens, text }),
    });
  });
  generating = run.catch(() => undefined);
  return run;
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'cancel') {
    cancelled.add(request.requestId);
    return;
  }
  try {
    if (request.type === 'load') {
      const runner = await load(request.model, request.requestId);
      const [probe] = await runner.vectors(['dimension probe']);
      post({ type: 'loaded', requestId: request.requestId, dims: probe.length, runtime: runner.runtime, threads: runner.threads, simd: runner.simd, oneThread: runner.oneThread });
    } else if (request.type === 'load-generator') {
      const generator = await loadGenerator(request.model, request.requestId);
      post({
        type: 'generator-loaded',
        requestId: request.requestId,
        modelType: generator.model.config?.model_type ?? 'unknown',
        chat: Boolean(generator.tokenizer.chat_template),
      });
    } else if (request.type === 'raw-run') {
      const runner = await load(request.model, request.requestId);
      const ms = await runner.raw(request.batch, request.tokens);
      post({ type: 'raw-ran', requestId: request.requestId, ms, threads: runner.threads, runtime: runner.runtime });
    } else if (request.type === 'generate') {
      const { text, tokens } = await generate(request);
      post({ type: 'generated', requestId: request.requestId, text, tokens });
    } else {
      const vectors = await embed(request.model, request.texts, request.batchSize, request.requestId);
      post({ type: 'result', requestId: request.requestId, vectors }, vectors.map((v) => v.buffer));
    }
  } catch (error) {
    const err = error as Error & { cancelled?: boolean };
    post({ type: 'error', requestId: request.requestId, message: describeLoadError(err, request), cancelled: err.cancelled });
  } finally {
    cancelled.delete(request.requestId);
  }
};

function describeLoadError(error: Error, request: WorkerRequest): string {
  const message = error?.message ?? String(error);
  if ('model' in request && request.model.allowRemote) return message;
  if ('model' in request && /Could not locate file|404|Unauthorized access|local_files_only|allowRemoteModels/i.test(message)) {
    return `model "${request.model.id}" is not available offline (${message}). Import its folder or download it first.`;
  }
  return message;
}
