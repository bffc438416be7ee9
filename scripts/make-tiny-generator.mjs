#!/usr/bin/env node
// Writes a TINY transformers.js text-generation model folder (~20 KB) so the in-browser LLM engine can be tested for
// real — pipeline('text-generation'), tokenizer, chat template, greedy decoding with past_key_values, EOS — with no
// weights downloaded from anywhere. It "knows" three answers, one per distillation level, and emits the one the prompt
// asks for, token by token, then EOS. It is not a language model; never use it for anything but tests.
//
//   node scripts/make-tiny-generator.mjs --out <dir>
//
// Layout written (same as a Hub repo of a transformers.js GPT-2 export): config.json, generation_config.json,
// tokenizer.json, tokenizer_config.json, onnx/decoder_model_merged.onnx (float only: load with { quantized: false }).
//
// THE TRICK. transformers.js generates like this (models.js decoderForward/decoderRunBeam): the first forward pass
// gets the whole prompt and an empty cache (past_key_values.0.* with sequence length 0); every later pass gets one
// token — the one just chosen — and the cache the previous pass returned (present.0.* → past_key_values.0.*).
// The graph cannot know the prompt length, so it writes what it needs into the cache itself. Each new position gets
// a value row [generated, level]:
//   - generated = 1 when the pass had a non-empty past (the token is one the model produced), 0 for prompt tokens;
//   - level = 1 + which answer the prompt asks for, written on prompt positions only. The prompt pass finds it by
//     looking for the byte-level BPE tokens " INSIGHTS", " WORKFLOW", " SUMMARY" (the level words of
//     src/core/distill/prompts.ts; priority in that order, insight when none is there).
// Then step = Σ generated·attention_mask over the cache (= tokens generated so far) and level = max over the cache;
// the next token is ANSWERS[level][step], or EOS past the end: logits are one-hot (+10) on that token. Keys hold
// [token id, 1] — unused by the maths, but they keep the cache a real per-position record.
// So the answer comes out only if the pipeline feeds the cache back correctly (without it every step would be step 0
// and the model would repeat the first token), stops on EOS, and decodes byte-level BPE back to text.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DT, GraphBuilder } from './model/onnx-writer.mjs';

/** What the model answers, per level, in the labelled format src/core/distill/answers.ts parses. */
export const ANSWERS = {
  insight: [
    'Title: Verify the fix with a test',
    'Description: Use this whenever a change is meant to fix a reported problem.',
    'Principle: Reproduce the problem first, then run the same check after the change, so success is shown rather than assumed.',
  ].join('\n'),
  workflow: [
    'Goal: Fix the reported problem and show that the fix works.',
    'Steps:',
    '1. Reproduce the problem with a small script.',
    '2. Change the code that causes it.',
    '3. Run the script and the tests again.',
  ].join('\n'),
  summary: [
    'Title: A bug fix checked by a test',
    'Task summary: The task asked for a bug fix in a library.',
    'Experience: The run reproduced the problem before changing code and checked the change afterwards.',
  ].join('\n'),
};
const LEVELS = ['insight', 'workflow', 'summary'];
/** The word in each prompt that says which level it asks for. */
const LEVEL_WORDS = [' INSIGHTS', ' WORKFLOW', ' SUMMARY'];

const EOS = '<|endoftext|>';
const SPECIALS = [EOS, '<|user|>', '<|assistant|>'];
const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte → printable character map (what the ByteLevel pre-tokenizer and decoder use). */
function bytesToUnicode() {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const map = new Array(256);
  bs.forEach((b, i) => (map[b] = String.fromCodePoint(cs[i])));
  return map;
}
const BYTE_CHARS = bytesToUnicode();
const byteLevel = (text) => Array.from(new TextEncoder().encode(text), (b) => BYTE_CHARS[b]).join('');

/** Vocab (256 bytes, specials, whole pieces) and merges building each piece left to right from its first character. */
function buildVocab() {
  const vocab = new Map();
  const add = (t) => (vocab.has(t) ? vocab.get(t) : (vocab.set(t, vocab.size), vocab.size - 1));
  for (let b = 0; b < 256; b++) add(BYTE_CHARS[b]);
  for (const s of SPECIALS) add(s);
  const merges = [];
  const seen = new Set();
  const piece = (p) => {
    const chars = [...p];
    let left = chars[0];
    for (const c of chars.slice(1)) {
      const m = `${left} ${c}`;
      if (!seen.has(m)) {
        seen.add(m);
        merges.push(m);
      }
      left += c;
      add(left);
    }
    return add(p);
  };
  // Level words first: lower ranks win in BPE, so a prompt's " INSIGHTS" always encodes to exactly this one token.
  const levelIds = LEVEL_WORDS.map((w) => piece(byteLevel(w)));
  const scripts = LEVELS.map((level) => (ANSWERS[level].match(GPT2_SPLIT) ?? []).map((p) => piece(byteLevel(p))));
  return { vocab, merges, levelIds, scripts };
}

/** The files of the tiny generator, as { relativePath: Uint8Array|string }. */
export function tinyGeneratorFiles() {
  const { vocab, merges, levelIds, scripts } = buildVocab();
  const V = vocab.size;
  const eos = vocab.get(EOS);
  const maxLen = Math.max(...scripts.map((s) => s.length));
  const rowLen = maxLen + 1; // one EOS row at least after every answer
  const table = [];
  for (const s of scripts) for (let i = 0; i < rowLen; i++) table.push(i < s.length ? s[i] : eos);

  const g = new GraphBuilder('tiny_scripted_generator');
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']);
  const pastK = g.input('past_key_values.0.key', DT.FLOAT, ['batch_size', 1, 'past_sequence_length', 2]);
  const pastV = g.input('past_key_values.0.value', DT.FLOAT, ['batch_size', 1, 'past_sequence_length', 2]);

  const zero = g.scalarF('zero', 0);
  const one = g.scalarF('one', 1);
  const idsF = g.op('Cast', [ids], { to: DT.FLOAT }); // [B,S]
  const idsCol = g.op('Unsqueeze', [idsF, g.i64('axes', [1, 3])]); // [B,1,S,1]
  const zerosCol = g.op('Mul', [idsCol, zero]);

  // generated = 1 if this pass had a past (it is feeding back a token the model chose).
  const pastLen = g.op('Gather', [g.op('Shape', [pastK]), g.i64('idx', [2], [])], { axis: 0 }); // scalar int64
  const generated = g.op('Cast', [g.op('Greater', [pastLen, g.i64('zero_i', [0], [])])], { to: DT.FLOAT });

  // Which level the prompt asks for: flags for the level words among input_ids, scored by priority.
  const flags = levelIds.map((id, i) => {
    const hit = g.op('Cast', [g.op('Equal', [ids, g.i64(`word${i}`, [id], [])])], { to: DT.FLOAT });
    return g.op('ReduceMax', [hit], { keepdims: 0 }); // scalar 0/1
  });
  const scores = g.op('Concat', [
    g.op('Unsqueeze', [g.op('Add', [g.op('Mul', [flags[0], g.scalarF('w0', 3)]), g.scalarF('default', 0.5)]), g.i64('ax0', [0])]),
    g.op('Unsqueeze', [g.op('Mul', [flags[1], g.scalarF('w1', 2)]), g.i64('ax0', [0])]),
    g.op('Unsqueeze', [flags[2], g.i64('ax0', [0])]),
  ], { axis: 0 });
  const levelHere = g.op('Add', [g.op('Cast', [g.op('ArgMax', [scores], { axis: 0, keepdims: 0 })], { to: DT.FLOAT }), one]);
  const levelMark = g.op('Mul', [levelHere, g.op('Sub', [one, generated])]); // only prompt positions carry the level

  // New cache rows: value [generated, level], key [token id, 1].
  const newV = g.op('Concat', [g.op('Add', [zerosCol, generated]), g.op('Add', [zerosCol, levelMark])], { axis: 3 });
  const newK = g.op('Concat', [idsCol, g.op('Add', [zerosCol, one])], { axis: 3 });
  g.op('Concat', [pastV, newV], { axis: 2 }, ['present.0.value']);
  g.op('Concat', [pastK, newK], { axis: 2 }, ['present.0.key']);

  // step = generated tokens so far (attention-masked); level = max over the cache.
  const maskCol = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DT.FLOAT }), g.i64('axes', [1, 3])]); // [B,1,T,1]
  const col = (c) => g.op('Slice', ['present.0.value', g.i64('s', [c]), g.i64('e', [c + 1]), g.i64('a', [3])]);
  const step = g.op('ReduceSum', [g.op('Mul', [col(0), maskCol])], { keepdims: 0 });
  const level = g.op('Sub', [g.op('ReduceMax', [g.op('Mul', [col(1), maskCol])], { keepdims: 0 }), one]);
  const clamped = g.op('Min', [step, g.scalarF('last', maxLen)]);
  const row = g.op('Cast', [g.op('Add', [g.op('Mul', [level, g.scalarF('rowlen', rowLen)]), clamped])], { to: DT.INT64 });
  const next = g.op('Gather', [g.i64('script', table), row], { axis: 0 }); // scalar token id
  const oneHot = g.op('Cast', [g.op('Equal', [g.i64('vocab_ids', Array.from({ length: V }, (_, i) => i)), next])], { to: DT.FLOAT }); // [V]
  const logitsRow = g.op('Mul', [oneHot, g.scalarF('margin', 10)]);
  // Same row at every position of the pass: generation reads only the last one.
  g.op('Add', [g.op('Unsqueeze', [g.op('Mul', [idsF, zero]), g.i64('ax2', [2])]), logitsRow], {}, ['logits']);

  g.output('logits', DT.FLOAT, ['batch_size', 'sequence_length', V]);
  g.output('present.0.key', DT.FLOAT, ['batch_size', 1, 'total_sequence_length', 2]);
  g.output('present.0.value', DT.FLOAT, ['batch_size', 1, 'total_sequence_length', 2]);
  const onnxBytes = g.toModel({ docString: 'insight-pool tiny scripted generator (scripts/make-tiny-generator.mjs)' });

  const vocabObj = Object.fromEntries(vocab);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: vocab.get(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab: vocabObj, merges },
  };
  const tokenizerConfig = {
    tokenizer_class: 'GPT2Tokenizer',
    bos_token: EOS,
    eos_token: EOS,
    unk_token: EOS,
    add_prefix_space: false,
    model_max_length: 1_000_000,
    clean_up_tokenization_spaces: false,
    chat_template: CHAT_TEMPLATE,
  };
  const config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: V,
    n_embd: 2,
    n_head: 1,
    n_layer: 1,
    n_positions: 1_000_000,
    bos_token_id: eos,
    eos_token_id: eos,
    insight_pool: { generator: 'scripts/make-tiny-generator.mjs', answers: LEVELS },
  };
  const generationConfig = { bos_token_id: eos, eos_token_id: eos, max_new_tokens: 128, do_sample: false };
  const json = (o) => `${JSON.stringify(o, null, 2)}\n`;
  return {
    'config.json': json(config),
    'generation_config.json': json(generationConfig),
    'tokenizer.json': json(tokenizer),
    'tokenizer_config.json': json(tokenizerConfig),
    'onnx/decoder_model_merged.onnx': onnxBytes,
  };
}

export function writeTinyGenerator(out) {
  const files = tinyGeneratorFiles();
  for (const [rel, content] of Object.entries(files)) {
    const path = join(out, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return Object.keys(files).map((rel) => join(out, rel));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 ? args[at + 1] : undefined;
  if (args.includes('--help') || args.includes('-h') || !out || args.length !== 2) {
    console.log('usage: node scripts/make-tiny-generator.mjs --out <dir>');
    process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
  }
  try {
    const written = writeTinyGenerator(resolve(out));
    console.log(`tiny generator written:\n  ${written.join('\n  ')}`);
  } catch (error) {
    console.error(`make-tiny-generator: ${error.message}`);
    process.exit(1);
  }
}
