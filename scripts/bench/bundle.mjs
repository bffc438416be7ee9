// Production bundle sizes of the app, read from a build: the JS index.html loads before anything
// else (entry script, modulepreloads and their static imports), gzip-compressed as served; and what
// loads later on demand (worker, Voy, ORT wasm variants, the embedded model); and the whole dist/ a host serves.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, posix } from 'node:path';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return total;
}

/** Asset paths (relative to dist) that a built JS file imports statically, dynamically, or names. */
function references(dist, file) {
  const text = readFileSync(join(dist, file), 'utf8');
  const dir = posix.dirname(file);
  const stat = new Set();
  const lazy = new Set();
  for (const m of text.matchAll(/(?:from|import)\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)) stat.add(posix.join(dir, m[1]));
  for (const m of text.matchAll(/import\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g)) lazy.add(posix.join(dir, m[1]));
  for (const m of text.matchAll(/["'`/](assets\/[\w.-]+\.(?:js|wasm|css))/g)) lazy.add(m[1]);
  for (const s of stat) lazy.delete(s);
  return { stat, lazy };
}

export function measureBundle(dist, modelDir) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+\.js)"/g)].map((m) => m[1]);
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/?([^"]+\.css)"/g)].map((m) => m[1]);
  const initial = new Set();
  const lazy = new Set();
  const visitStatic = (f) => {
    if (initial.has(f)) return;
    initial.add(f);
    const { stat, lazy: l } = references(dist, f);
    stat.forEach(visitStatic);
    l.forEach((x) => lazy.add(x));
  };
  entry.forEach(visitStatic);
  // Everything reachable later, through dynamic imports, workers and wasm URLs.
  const seen = new Set();
  const queue = [...lazy].filter((f) => !initial.has(f));
  while (queue.length) {
    const f = queue.shift();
    if (seen.has(f) || initial.has(f) || !existsSync(join(dist, f))) continue;
    seen.add(f);
    if (f.endsWith('.js')) {
      const { stat, lazy: l } = references(dist, f);
      for (const x of [...stat, ...l]) queue.push(x);
    }
  }
  const sum = (files, fn) => [...files].reduce((s, f) => s + fn(readFileSync(join(dist, f))), 0);
  const lazyJs = [...seen].filter((f) => f.endsWith('.js'));
  const lazyWasm = [...seen].filter((f) => f.endsWith('.wasm'));
  const base = { name: 'bundle', runtime: 'chromium' };
  const rows = [
    { ...base, via: 'initial JS (gzip)', bytes: sum(initial, gz), files: [...initial].join(' ') },
    { ...base, via: 'initial JS (raw)', bytes: sum(initial, (b) => b.length) },
    { ...base, via: 'initial CSS (gzip)', bytes: sum(css, gz) },
    { ...base, via: 'lazy JS: worker, Voy glue (gzip)', bytes: sum(lazyJs, gz), files: lazyJs.join(' ') },
    { ...base, via: 'lazy wasm, all variants (raw)', bytes: sum(lazyWasm, (b) => b.length), files: lazyWasm.join(' ') },
  ];
  // Which ORT variant loads depends on isolation and threads: the cold-start step records what is fetched.
  const voy = lazyWasm.find((f) => /voy/.test(f));
  if (voy) rows.push({ ...base, via: 'lazy wasm fetched if index=voy (raw)', bytes: sum([voy], (b) => b.length) });
  rows.push({ ...base, via: `model folder ${modelDir.split('/').slice(-2).join('/')} (all variants, raw)`, bytes: dirBytes(modelDir) });
  // Everything a host serves: what `npm run build` leaves in dist/ (the app, every lazy file, the model folder).
  rows.push({ ...base, via: 'dist/ as shipped, all files (raw)', bytes: dirBytes(dist) });
  return rows;
}
