// The three engines side by side, in one run, on the same built app and the same sentences: what each runs (runtime,
// threads, SIMD, index kernel, storage mode: insightPool.info()) and its embedding rate through the app's own path
// (window.insightPool.embed → the embedding worker). Chromium through Playwright, Firefox and WebKit through the
// drivers of the cross-engine e2e (tests/cross), so the bench and the tests reach each engine the same way.
import { chromium } from '@playwright/test';
import { loadTs } from './load-ts.mjs';

const SUBJECTS = ['the build', 'a flaky test', 'the parser', 'a migration', 'the CLI', 'an import', 'the cache', 'a deploy'];
const VERBS = ['fails when', 'times out after', 'hangs because', 'crashes if', 'breaks since'];
const CAUSES = ['a tool is missing', 'the config file is empty', 'the input is very large', 'a dependency moved', 'the network is down'];
/** n different sentences of 8–16 tokens, the same in every engine. */
function sentences(n) {
  return Array.from({ length: n }, (_, i) => `${SUBJECTS[i % 8]} ${VERBS[(i >> 3) % 5]} ${CAUSES[(i >> 1) % 5]} (case ${i})`);
}

const MEASURE = `
  await window.insightPool.ready();
  const info = await window.insightPool.info();
  await window.insightPool.embed(arg.texts.slice(0, 32));
  const times = [];
  for (let r = 0; r < arg.reps; r++) {
    const t = performance.now();
    const vs = await window.insightPool.embed(arg.texts);
    times.push(performance.now() - t);
    if (vs.length !== arg.texts.length) throw new Error('embed returned ' + vs.length + ' vectors');
  }
  return { info, times, isolated: self.crossOriginIsolated === true };`;

async function chromiumDriver(base, args) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  const page = await browser.newPage();
  return {
    engine: 'chromium',
    goto: (path) => page.goto(new URL(path, base).href),
    run: (body, arg) => page.evaluate(`(async (arg) => { ${body} })(${JSON.stringify(arg ?? null)})`),
    close: () => browser.close(),
  };
}

export async function runEngineBench({ url, quick, log, chromiumArgs }) {
  const { mods, close } = await loadTs(['/tests/cross/firefox.ts', '/tests/cross/webkit.ts']);
  const open = { chromium: (base) => chromiumDriver(base, chromiumArgs), firefox: mods[0].openFirefox, webkit: mods[1].openWebKit };
  const n = quick ? 128 : 512;
  const reps = quick ? 1 : 3;
  const texts = sentences(n);
  const rows = [];
  try {
    for (const engine of ['chromium', 'firefox', 'webkit']) {
      const base = { name: 'embed.app', runtime: engine, model: 'insight-pool/use-lite', n, batch: 32, via: 'insightPool.embed (the app\'s worker), n sentences' };
      let driver;
      try {
        driver = await open[engine](url);
        await driver.goto('/');
        for (let i = 0; i < 300 && !(await driver.run('return Boolean(window.insightPool);')); i++) await new Promise((r) => setTimeout(r, 100));
        const { info, times, isolated } = await driver.run(MEASURE, { texts, reps });
        const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
        const what = `${info.runtime}, ${info.threads} thread(s), ${info.simd}; index ${info.index} on ${info.kernel}; storage ${info.storage}; isolated ${isolated}`;
        rows.push({ ...base, model: info.model, p50_ms: Math.round(ms), per_s: Math.round((n / ms) * 10000) / 10, threads: info.threads, simd: info.simd, kernel: info.kernel, storage: info.storage, isolated, caveat: what });
        log(`${engine}: ${(n / ms * 1000).toFixed(1)} sentences/s (${what})`);
      } catch (err) {
        const message = String(err?.message ?? err).split('\n')[0].slice(0, 200);
        log(`${engine} embed.app failed: ${message}`);
        rows.push({ ...base, error: message });
      } finally {
        await driver?.close().catch(() => undefined);
      }
    }
  } finally {
    await close();
  }
  return rows;
}
