// Embedding throughput of a model in the app's own embedding worker (the built one), at a given
// batch size, straight through the worker protocol so the batch size is ours to choose.
import type { ModelSpec, WorkerRequest, WorkerResponse } from '../adapters/embedding/protocol';
import { DEFAULT_MODEL_ID, getModel } from '../core/models';
import { benchSentences } from './sentences';
import { round, summarize, type BenchRow } from './stats';

let worker: Worker | undefined;
let nextId = 1;

type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;

function call(message: Unsent<Extract<WorkerRequest, { type: 'load' | 'embed' }>>): Promise<WorkerResponse> {
  worker ??= new Worker(new URL('../adapters/embedding/embed.worker.ts', import.meta.url), { type: 'module', name: 'bench-embedder' });
  const w = worker;
  const requestId = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<WorkerResponse>) => {
      const m = event.data;
      if (m.requestId !== requestId || m.type === 'progress') return;
      w.removeEventListener('message', onMessage);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', (e) => reject(new Error(`embedding worker failed: ${e.message || 'could not start'}`)), { once: true });
    w.postMessage({ ...message, requestId });
  });
}

export interface EmbedBenchOptions {
  model?: string;
  batches: number[];
  /** Sentences per batch size: timed in requests of `batch` sentences each. */
  sentences: number;
}

export async function benchEmbedBrowser(opts: EmbedBenchOptions): Promise<BenchRow[]> {
  const info = getModel(opts.model ?? DEFAULT_MODEL_ID);
  const spec: ModelSpec = { id: info.id, pooling: info.pooling, normalize: info.normalize, quantized: info.quantized };
  const base = { name: 'embed' as const, runtime: 'chromium' as const, model: info.id, via: 'embed worker (transformers.js, ORT wasm)' };
  const t0 = performance.now();
  let dims: number;
  try {
    const loaded = await call({ type: 'load', model: spec });
    dims = loaded.type === 'loaded' ? loaded.dims : NaN;
  } catch (err) {
    const reason = String((err as Error).message ?? err).slice(0, 160);
    return opts.batches.map((batch) => ({ ...base, batch, skipped: `model not loadable in the browser: ${reason}` }));
  }
  const loadMs = performance.now() - t0;
  const texts = benchSentences(Math.max(opts.sentences, 64));
  // Warm-up: ORT's first runs allocate and pick kernels.
  await call({ type: 'embed', model: spec, texts: texts.slice(0, 64), batchSize: 64 });
  const rows: BenchRow[] = [];
  for (const batch of opts.batches) {
    const times: number[] = [];
    let done = 0;
    const start = performance.now();
    for (let i = 0; i < opts.sentences; i += batch) {
      const part = texts.slice(i, Math.min(i + batch, opts.sentences));
      const t = performance.now();
      const res = await call({ type: 'embed', model: spec, texts: part, batchSize: batch });
      times.push(performance.now() - t);
      if (res.type !== 'result' || res.vectors.length !== part.length) throw new Error('embed worker returned the wrong number of vectors');
      done += part.length;
    }
    const total = performance.now() - start;
    const { p50, p95 } = summarize(times);
    rows.push({ ...base, dims, batch, n: done, p50_ms: round(p50, 2), p95_ms: round(p95, 2), per_s: round(done / (total / 1000), 1), load_ms: round(loadMs, 0) });
  }
  return rows;
}
