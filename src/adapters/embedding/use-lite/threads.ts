// More threads for the engine's dense products: each product's weight panels are split between this thread and
// helper workers that share its wasm memory (weights and activations are never copied; a message per product says
// which panels to compute). Needs cross-origin isolation (SharedArrayBuffer); the app's server sends COOP/COEP.
import { Gemm, NR } from './gemm';
import type { DenseOp } from './engine';
import type { ThreadRequest, ThreadResponse } from './gemm-thread.worker';

/** How long helper threads may take to start before the engine runs on one. */
const START_MS = 10_000;
/** Below this many token rows a product takes less time than the messages to split it. */
const MIN_ROWS_TO_SPLIT = 48;

function ask(worker: Worker, request: ThreadRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<ThreadResponse>) => {
      if (event.data.type === 'error') reject(new Error(`GEMM thread: ${event.data.message}`));
      else resolve();
    };
    worker.onerror = (event) => reject(new Error(`GEMM thread failed: ${event.message || 'could not start'}`));
    worker.postMessage(request);
  });
}

/**
 * True where a shared wasm memory and nested workers can be had. Asks for the shared memory itself, not for the
 * `SharedArrayBuffer` global: WebKitGTK (measured, 2.50) has no such global even when cross-origin isolated, yet makes
 * shared wasm memories, which is all the threads need.
 */
export function threadsAvailable(): boolean {
  if (typeof Worker === 'undefined' || globalThis.crossOriginIsolated !== true) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** `threads` − 1 helper workers on `gemm`'s shared memory, and the dense op that uses them with this thread. */
export async function startThreads(gemm: Gemm, memory: WebAssembly.Memory, relaxed: boolean, threads: number): Promise<{ dense: DenseOp; close(): void }> {
  const helpers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./gemm-thread.worker.ts', import.meta.url), { type: 'module', name: 'gemm-thread' }));
  const close = () => helpers.forEach((h) => h.terminate());
  try {
    // A helper that never answers (a nested worker that does not start) must not hold the model load up: one thread.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`helper threads did not start in ${START_MS / 1000} s`)), START_MS)));
    await Promise.race([Promise.all(helpers.map((h) => ask(h, { type: 'init', memory, relaxed }))), late]).finally(() => clearTimeout(timer));
  } catch (error) {
    close();
    throw error;
  }
  const dense: DenseOp = async (a, rows, K, w, N, c, bias) => {
    if (rows < MIN_ROWS_TO_SPLIT) return gemm.dense(a, rows, K, w, N, c, bias);
    gemm.fillBias(rows, N, c, bias);
    const panels = N / NR;
    const cut = (i: number) => Math.round((panels * i) / threads);
    const pending = helpers.map((h, i) => ask(h, { type: 'panels', a, rows, K, w, N, c, p0: cut(i + 1), p1: cut(i + 2) }));
    gemm.panels(a, rows, K, w, N, c, cut(0), cut(1));
    await Promise.all(pending);
  };
  return { dense, close };
}
