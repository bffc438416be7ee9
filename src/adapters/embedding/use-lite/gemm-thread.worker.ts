// One extra thread for the USE-lite engine: the same GEMM kernel over the engine's shared wasm memory, computing the
// weight panels it is given of each dense product (see threads.ts).
import { Gemm } from './gemm';

export type ThreadRequest =
  | { type: 'init'; memory: WebAssembly.Memory; relaxed: boolean }
  | { type: 'panels'; a: number; rows: number; K: number; w: number; N: number; c: number; p0: number; p1: number };
export type ThreadResponse = { type: 'ready' } | { type: 'done' } | { type: 'error'; message: string };

let gemm: Gemm | undefined;

self.onmessage = (event: MessageEvent<ThreadRequest>) => {
  const m = event.data;
  let answer: ThreadResponse;
  try {
    if (m.type === 'init') {
      gemm = new Gemm(m.relaxed, m.memory);
      answer = { type: 'ready' };
    } else {
      if (!gemm) throw new Error('GEMM thread used before init');
      gemm.panels(m.a, m.rows, m.K, m.w, m.N, m.c, m.p0, m.p1);
      answer = { type: 'done' };
    }
  } catch (error) {
    answer = { type: 'error', message: (error as Error).message };
  }
  (self as unknown as Worker).postMessage(answer);
};
