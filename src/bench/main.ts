// bench.html: the browser half of `npm run bench`, driven by scripts/bench.mjs through Playwright.
// Independent of the app's UI and window.insightPool: it uses the index, store and worker modules
// directly, so index numbers exist even while the app or its model is mid-change.
import { benchIndexes, type IndexBenchOptions } from './index-query';
import { benchImportExport, deleteDb, fillStore, timeEdits, timeLoad } from './store-bench';
import { embedLoad, embedRaw, embedRun } from './embed-bench';
import { benchSentences } from './sentences';
import { timerResolutionMs } from './stats';
import { simdPeak } from './simd-peak';
import { gemmProbe } from './gemm-probe';
import { benchHybrid } from './hybrid-query';
import { wasmRelaxedSimdSupported, wasmSimdSupported } from '../adapters/index/wasm-kernels';

const api = {
  info: () => ({
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    timerResolutionMs: timerResolutionMs(),
    wasmSimd: wasmSimdSupported(),
    wasmRelaxedSimd: wasmRelaxedSimdSupported(),
    userAgent: navigator.userAgent,
  }),
  indexes: (opts: Omit<IndexBenchOptions, 'runtime' | 'log'>) => benchIndexes({ ...opts, runtime: 'chromium', log: (l) => console.log(l) }),
  fillStore,
  timeLoad,
  timeEdits,
  deleteDb,
  importExport: benchImportExport,
  sentences: benchSentences,
  embedLoad,
  embedRun,
  embedRaw,
  simdPeak,
  gemmProbe,
  hybrid: benchHybrid,
};

declare global {
  interface Window {
    bench: typeof api;
  }
}
window.bench = api;
document.getElementById('status')!.textContent = 'bench ready';
