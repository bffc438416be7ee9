import { mount } from 'svelte';
import App from './ui/App.svelte';
import { insightPool } from './api';
import { INDEX_KINDS, type IndexKind } from './adapters/index/choose';
import { loadProgress } from './ui/load-progress.svelte';
import { watchForUpdates } from './ui/app-update.svelte';
import './ui/app.css';

// `?index=voy|flat|int8` pins the vector index (default: the one the benchmark shows is best for the size).
const params = new URLSearchParams(location.search);
const asked = params.get('index');
const index = INDEX_KINDS.find((k) => k === asked) as IndexKind | undefined;
if (asked && !index) console.warn(`?index=${asked} is not one of ${INDEX_KINDS.join(', ')}; using auto`);

// Start loading the model and the store before the first paint; the UI shows the progress.
const api = insightPool({ index: index ?? 'auto', onProgress: (p) => loadProgress.update(p) });
declare global {
  interface Window {
    insightPool: typeof api;
  }
}
window.insightPool = api;

mount(App, { target: document.getElementById('app')! });
// The service worker makes the app start offline after one visit, and tells when a new build is served. Registered
// once the pool is up: its precache (29 MB, the model included) must not compete with the first start's own downloads.
void api.ready().finally(watchForUpdates);
