// The wasm SIMD peak of this machine in this browser, on `threads` threads at once: the ceiling for any in-browser
// inference engine, which the bench sets beside the GFLOP/s ONNX Runtime reaches on the embedded model.
import type { PeakRequest, PeakResponse } from './simd-peak.worker';

function ask(worker: Worker, request: PeakRequest): Promise<PeakResponse> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PeakResponse>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`SIMD peak worker failed: ${event.message || 'could not start'}`));
    worker.postMessage(request);
  });
}

/** Best total GFLOP/s of `reps` simultaneous runs of ~`ms` on `threads` workers. */
export async function simdPeak(threads: number, relaxed: boolean, { reps = 3, ms = 250 } = {}): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./simd-peak.worker.ts', import.meta.url), { type: 'module', name: 'simd-peak' }));
  try {
    await Promise.all(workers.map((w) => ask(w, { type: 'prepare', relaxed, ms })));
    let best = 0;
    for (let r = 0; r < reps; r++) {
      const answers = await Promise.all(workers.map((w) => ask(w, { type: 'go' })));
      best = Math.max(best, answers.reduce((sum, a) => sum + (a.type === 'ran' ? a.gflops : 0), 0));
    }
    return best;
  } finally {
    for (const w of workers) w.terminate();
  }
}
