#!/usr/bin/env node
// `npm run bench [-- --quick]`: everything a user waits for, measured side by side in one run —
// the Node half (index scans, embedding with the port and the TF.js reference) and the Chromium half
// (the same index code in bench.html, IndexedDB load/import/export, the embedding worker, cold start
// of the real built app), printed as one table and written to reports/bench.json.
//
//   node scripts/bench.mjs [--quick] [--no-build] [--skip-node] [--skip-browser] [--only query.top3,query.hybrid,index.load,import,embed,coldstart,map,engines,pwa] [--out reports/bench.json]
//   (`engines`: the app's embedding rate and what it runs in Chromium, Firefox and WebKit; `pwa`: bytes on a first
//   visit and a cached start, and the cold start from the service worker with the server stopped)
//   (`index.load` also times one add / change / delete in each filled pool: the `edit` rows)
//
// --quick: small sizes and few repetitions (< 3 min; CI runs it so the bench cannot rot). Ratios are
// computed within one run, so a noisy shared machine still gives honest comparisons. Exits non-zero
// when a measurement fails outright; missed targets are reported, not failed.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runIndexBench } from './bench/indexes.mjs';
import { localModels, modelProblem, portEngine, tfjsEngine, runEmbedInterleaved } from './bench/embed.mjs';
import { runBrowserBench } from './bench/browser.mjs';
import { runEngineBench } from './bench/engines.mjs';
import { runPwaBench } from './bench/pwa.mjs';
import { loadTs } from './bench/load-ts.mjs';
import { buildForBench, buildApp, startPreview, APP_DIST, BENCH_DIST, root } from './bench/serve.mjs';
import { measureBundle } from './bench/bundle.mjs';
import { formatReport, checkTargets } from './bench/report.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const onlyAt = args.indexOf('--only');
// Steps to run while working on one of them, in both runtimes (the full table needs all).
const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : undefined;
const out = resolve(root, outAt >= 0 ? args[outAt + 1] : 'reports/bench.json');
const started = performance.now();
const log = (line) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const rows = [];
const meta = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  node: process.version,
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
  memory_gb: Math.round(totalmem() / 2 ** 30),
};

if (!args.includes('--skip-node') && (!only || only.includes('query.top3'))) {
  log('node: index scans');
  rows.push(...(await runIndexBench({ quick, log: (l) => log(l) })));
}
const skipNode = args.includes('--skip-node');
// Node embedding engines run interleaved with the browser's (or alone with --skip-browser).
const models = !only || only.includes('embed') ? await localModels() : [];
const nodeEngines = async () => {
  if (skipNode) return [];
  const engines = [];
  for (const model of models) engines.push(await portEngine(model));
  return [...engines, await tfjsEngine()];
};

if (args.includes('--skip-browser')) {
  if (!skipNode && (!only || only.includes('embed'))) rows.push(...(await runEmbedInterleaved(await nodeEngines(), { quick, log })));
} else {
  if (!args.includes('--no-build')) {
    log('building the app + bench.html (vite build)');
    const ms = await buildForBench();
    log(`built in ${(ms / 1000).toFixed(1)} s → ${BENCH_DIST}`);
    const appMs = await buildApp();
    log(`app alone (for bundle sizes) built in ${(appMs / 1000).toFixed(1)} s → ${APP_DIST}`);
  }
  const server = await startPreview();
  log(`vite preview on ${server.url}`);
  try {
    const browserSteps = ['query.top3', 'query.hybrid', 'index.load', 'import', 'embed', 'coldstart'];
    if (!only || only.some((s) => browserSteps.includes(s))) {
      const { rows: browserRows, info } = await runBrowserBench({ url: server.url, dist: BENCH_DIST, quick, log, models, nodeEngines, only });
      rows.push(...browserRows);
      Object.assign(meta, { chromium: info.version, crossOriginIsolated: info.crossOriginIsolated, timer_us: Math.round(info.timerResolutionMs * 1000) });
    }
    const { mods, close } = await loadTs(['/playwright.config.ts']);
    await close();
    const chromiumArgs = mods[0].CHROMIUM_ARGS;
    if (!only || only.includes('engines')) rows.push(...(await runEngineBench({ url: server.url, quick, log, chromiumArgs })));
    if (!only || only.includes('pwa')) {
      const pwaDist = existsSync(join(APP_DIST, 'sw.js')) ? APP_DIST : BENCH_DIST;
      try {
        rows.push(...(await runPwaBench({ dist: pwaDist, quick, log, chromiumArgs })));
      } catch (err) {
        rows.push({ name: 'pwa', runtime: 'chromium', error: String(err?.message ?? err).split('\n')[0].slice(0, 200) });
      }
    }
  } finally {
    await server.close();
  }
  // Bundle sizes from the app-only build; with --no-build and none there, from the bench build (noted).
  const bundleDist = existsSync(join(APP_DIST, 'index.html')) ? APP_DIST : BENCH_DIST;
  rows.push(...measureBundle(bundleDist, join(bundleDist, 'models/insight-pool/use-lite')).map((r) => {
    const problem = modelProblem();
    if (r.via.startsWith('model folder') && problem) return { ...r, caveat: problem };
    return bundleDist === BENCH_DIST && r.via.startsWith('initial') ? { ...r, caveat: 'measured on the build with bench.html (shared chunks split)' } : r;
  }));
}

meta.seconds = Math.round((performance.now() - started) / 1000);
const targets = checkTargets(rows, quick);
const report = formatReport(rows, targets, meta);
console.log(`\n${report.text}`);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(rows, null, 2) + '\n');
await writeFile(out.replace(/\.json$/, '.md'), report.markdown);
console.log(`\nwrote ${rows.length} rows to ${out} (and ${out.replace(/\.json$/, '.md')})`);
const failed = rows.filter((r) => r.error);
if (failed.length) {
  console.log(`${failed.length} measurement(s) failed: ${failed.map((r) => `${r.name}/${r.runtime}: ${r.error}`).join('; ')}`);
  process.exit(1);
}
