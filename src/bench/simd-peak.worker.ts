// One thread of the SIMD peak probe. It sizes its run to about `ms` first, then waits: the page starts every thread at
// once, so they share the cores the way the embedding worker's threads do.
import { FLOPS_PER_ITERATION, peakModuleBytes } from './simd-peak-module';

export type PeakRequest = { type: 'prepare'; relaxed: boolean; ms: number } | { type: 'go' };
export type PeakResponse = { type: 'ready' } | { type: 'ran'; gflops: number };

let run: (iterations: number) => number = () => 0;
let iterations = 0;

function timed(n: number): number {
  const t = performance.now();
  run(n);
  return performance.now() - t;
}

self.onmessage = (event: MessageEvent<PeakRequest>) => {
  const request = event.data;
  let answer: PeakResponse;
  if (request.type === 'prepare') {
    const module = new WebAssembly.Module(peakModuleBytes(request.relaxed) as BufferSource);
    run = (new WebAssembly.Instance(module).exports as { run: typeof run }).run;
    let n = 1 << 16;
    let ms = timed(n);
    while (ms < 20) ms = timed((n *= 4));
    iterations = Math.max(1, Math.round((n * request.ms) / ms));
    answer = { type: 'ready' };
  } else {
    answer = { type: 'ran', gflops: (iterations * FLOPS_PER_ITERATION) / timed(iterations) / 1e6 };
  }
  (self as unknown as Worker).postMessage(answer);
};
