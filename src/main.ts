import { mount } from 'svelte';
import App from './ui/App.svelte';
import { insightPool } from './api';
import type { IndexKind } from './adapters/insight-pool';
import { loadProgress } from './ui/load-progress.svelte';
import './ui/app.css';

// `?index=voy|flat|int8` pins the vector index (default: the one the benchmark shows is best for the size).
const params = new URLSearchParams(location.search);
const index = params.get('index') as IndexKind | null;

// Start loading the model and the store before the first paint; the UI shows the progress.
const api = insightPool({ index: index ?? 'auto', onProgress: (p) => loadProgress.update(p) });
declare global {
  interface Window {
    insightPool: typeof api;
  }
}
window.insightPool = api;

mount(App, { target: document.getElementById('app')! });
