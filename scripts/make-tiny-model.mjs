#!/usr/bin/env node
// Writes a TINY transformers.js feature-extraction model folder (a few KB) for tests: the local-Hub download test,
// re-embedding with a second model, the CLI's --model. It is a real model in the sense that matters there: it loads
// through pipeline('feature-extraction'), its vectors depend on the words, and two different seeds give different
// vectors. It carries no meaning; never use it for retrieval quality.
//
//   node scripts/make-tiny-model.mjs --out <dir> [--dims 32] [--seed 1]
//
// Layout written (same as a Hub repo): <dir>/config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.
// Only the float model is written: load it with { quantized: false }.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DT, GraphBuilder } from './model/onnx-writer.mjs';

const WORDS = (
  'the a an of to in on for with and or not is are was be it this that as by at from code test tests file files bug ' +
  'error fix run build config read write data model memory agent task tool query search index vector text line ' +
  'function class type value string number list map set key cache network offline browser server user input output'
).split(' ');
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.,;:!?\'"()[]{}<>-_/\\=+*&%$#@`~^|';

/** WordPiece vocab: specials, whole words, single characters and their ## continuations (so nothing is [UNK] but
 *  characters outside ASCII). Order is fixed, so ids are stable across runs. */
export function tinyVocab() {
  const tokens = ['[PAD]', '[UNK]', ...WORDS, ...CHARS, ...[...CHARS].map((c) => `##${c}`)];
  return Object.fromEntries([...new Set(tokens)].map((t, i) => [t, i]));
}

/** mulberry32: a tiny seeded PRNG, so the weights are a pure function of the seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The files of a tiny model, as { relativePath: Uint8Array|string }. */
export function tinyModelFiles({ dims = 32, seed = 1 } = {}) {
  if (!Number.isInteger(dims) || dims < 2 || dims > 1024) throw new Error(`--dims must be an integer in 2..1024, got ${dims}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${seed}`);
  const vocab = tinyVocab();
  const size = Object.keys(vocab).length;
  const rand = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

  // last_hidden_state = tanh(Embedding[input_ids] · W + b) · mask — one Gather and one MatMul, enough to be a model.
  const g = new GraphBuilder('tiny_feature_extractor');
  const ids = g.input('input_ids', DT.INT64, ['batch', 'sequence']);
  const mask = g.input('attention_mask', DT.INT64, ['batch', 'sequence']);
  const table = g.f32('embeddings', [size, dims], Float32Array.from({ length: size * dims }, gauss));
  const w = g.f32('dense_w', [dims, dims], Float32Array.from({ length: dims * dims }, () => gauss() / Math.sqrt(dims)));
  const b = g.f32('dense_b', [dims], Float32Array.from({ length: dims }, () => 0.1 * gauss()));
  const emb = g.op('Gather', [table, ids], { axis: 0 });
  const hidden = g.op('Tanh', [g.op('Add', [g.op('MatMul', [emb, w]), b])]);
  const maskF = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DT.FLOAT }), g.i64('axes', [-1])]);
  g.op('Mul', [hidden, maskF], {}, ['last_hidden_state']);
  g.output('last_hidden_state', DT.FLOAT, ['batch', 'sequence', dims]);
  const onnxBytes = g.toModel({ docString: `insight-pool tiny test model, dims=${dims}, seed=${seed}` });

  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: vocab['[PAD]'], content: '[PAD]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: vocab['[UNK]'], content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 128,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    clean_up_tokenization_spaces: true,
  };
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dims,
    vocab_size: size,
    max_position_embeddings: 128,
    pad_token_id: vocab['[PAD]'],
    insight_pool: { generator: 'scripts/make-tiny-model.mjs', dims, seed },
  };
  const json = (o) => `${JSON.stringify(o, null, 2)}\n`;
  return {
    'config.json': json(config),
    'tokenizer.json': json(tokenizer),
    'tokenizer_config.json': json(tokenizerConfig),
    'onnx/model.onnx': onnxBytes,
  };
}

export function writeTinyModel(out, options) {
  const files = tinyModelFiles(options);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(out, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return Object.keys(files).map((rel) => join(out, rel));
}

function parseArgs(argv) {
  const opts = { out: null, dims: 32, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--out') opts.out = value();
    else if (arg === '--dims') opts.dims = Number(value());
    else if (arg === '--seed') opts.seed = Number(value());
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help || !opts.out) {
      console.log('usage: node scripts/make-tiny-model.mjs --out <dir> [--dims 32] [--seed 1]');
      process.exit(opts.help ? 0 : 2);
    }
    const written = writeTinyModel(resolve(opts.out), opts);
    console.log(`tiny model (dims ${opts.dims}, seed ${opts.seed}) written:\n  ${written.join('\n  ')}`);
  } catch (error) {
    console.error(`make-tiny-model: ${error.message}`);
    process.exit(1);
  }
}
